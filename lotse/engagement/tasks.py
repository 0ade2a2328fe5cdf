"""Background tasks of the engagement module: thin, idempotent wrappers around services.

Tasks take ids (never model instances). The periodic ones are registered with the core
scheduler (`lotse.core.periodic`) in `apps.py`.
"""

from django.tasks import task


@task()
def matching_run_task(*, run_id: int) -> None:
    """Execute one queued matching run. A run that is no longer queued is left alone."""
    from .services.matching import matching_run_execute

    matching_run_execute(run_id=run_id)


@task()
def matching_nightly_task() -> None:
    """Queue a matching run for every district with open requests (once per night)."""
    from .services.matching import matching_nightly

    matching_nightly()


@task()
def proposals_lapse_task() -> None:
    """Lapse proposals whose answer is overdue and propose the next best volunteer."""
    from .services.proposals import proposals_lapse_overdue

    proposals_lapse_overdue()


@task()
def patenschaften_check_in_task() -> None:
    """Monthly check-in reminders to volunteers; flag 60 days of silence to coordinators."""
    from .services.patenschaften import patenschaften_remind_and_flag

    patenschaften_remind_and_flag()


@task()
def help_requests_retention_task() -> None:
    """Blank the personal data of requests closed longer ago than the retention period."""
    from .services.requests import help_requests_anonymise_expired

    help_requests_anonymise_expired()
