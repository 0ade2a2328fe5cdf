"""Background tasks of the Infobriefe (queue "infobriefe"). Thin wrappers around the services;
every one is idempotent (see `services/dispatch.py`).

- `prepare_dispatch_task`: writes the delivery rows of an Infobrief that is due, then starts
  the senders.
- `send_batches_task`: claims batches of deliveries and sends them, one SMTP connection per
  batch, until nothing is due, the Infobrief is paused, or its time budget is used up (then
  it enqueues itself again, so that one task never runs for long).
- `dispatch_due_task` (every minute, core.periodic): starts scheduled Infobriefe that are due,
  takes back the claims of dead workers, and wakes up deliveries whose retry time has come.
- `send_test_mail_task` (queue "mail"): the editors' test mail, every language version to the
  editor, marked "[Test]" (no delivery rows).
- `purge_task` (nightly): deletes expired subscription requests and, after the retention
  period, unsubscribed addresses.
"""

from django.tasks import task

from .services import dispatch, subscriptions


@task(queue_name="infobriefe")
def prepare_dispatch_task(*, infobrief_id: int) -> None:
    dispatch.dispatch_prepare(infobrief_id=infobrief_id)


@task(queue_name="infobriefe")
def send_batches_task(*, infobrief_id: int) -> None:
    dispatch.dispatch_run(infobrief_id=infobrief_id)


@task(queue_name="infobriefe")
def dispatch_due_task() -> None:
    dispatch.dispatch_due()


@task(queue_name="mail")
def send_test_mail_task(*, infobrief_id: int, user_id: int, languages: list[str]) -> None:
    dispatch.dispatch_send_test_mails(
        infobrief_id=infobrief_id, user_id=user_id, languages=languages
    )


@task(queue_name="infobriefe")
def purge_task() -> None:
    subscriptions.subscriptions_purge()
