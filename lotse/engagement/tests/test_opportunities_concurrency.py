"""The last place is given once, even when two people accept at the same moment.

On SQLite `select_for_update()` is a no-op, but write transactions are serialised, so the
sequential test in test_opportunities_services.py (`test_the_last_place_is_given_once`) shows
the second acceptance is rejected. On PostgreSQL two threads race for real.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from lotse.engagement.choices import ApplicationStatus, OpportunityStatus
from lotse.engagement.models import Application
from lotse.engagement.services.opportunities import application_accept, application_create
from lotse.engagement.tests.factories import ApplicationFactory, OpportunityFactory
from lotse.organisations.tests.factories import MembershipFactory
from lotse.volunteers.tests.factories import VolunteerProfileFactory

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="real row locks need PostgreSQL"
)


def _race(*calls: Callable[[], object]) -> list[str]:
    """Run the calls in threads released at the same moment; return "ok"/"rejected" each."""
    barrier = threading.Barrier(len(calls))
    results: list[str] = []
    lock = threading.Lock()

    def run(call: Callable[[], object]) -> None:
        try:
            barrier.wait(timeout=10)
            call()
            outcome = "ok"
        except ValidationError:
            outcome = "rejected"
        finally:
            connection.close()
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return sorted(results)


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_acceptances_of_the_last_place():
    opportunity = OpportunityFactory(places=1)
    member = MembershipFactory(organisation=opportunity.organisation).user
    first, second = ApplicationFactory.create_batch(2, opportunity=opportunity)

    results = _race(
        lambda: application_accept(actor=member, application=first),
        lambda: application_accept(actor=member, application=second),
    )

    assert results == ["ok", "rejected"]
    opportunity.refresh_from_db()
    assert (opportunity.places_taken, opportunity.status) == (1, OpportunityStatus.FULL)
    assert Application.objects.filter(status=ApplicationStatus.ACCEPTED).count() == 1


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_applications_of_one_volunteer():
    opportunity = OpportunityFactory()
    volunteer = VolunteerProfileFactory().user

    results = _race(
        lambda: application_create(actor=volunteer, opportunity=opportunity, message="a"),
        lambda: application_create(actor=volunteer, opportunity=opportunity, message="b"),
    )

    assert results == ["ok", "rejected"]
    assert Application.objects.count() == 1
