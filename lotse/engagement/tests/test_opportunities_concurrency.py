"""The last place is given once, even when two people accept at the same moment.

On SQLite `select_for_update()` is a no-op, but write transactions are serialised, so the
sequential test in test_opportunities_services.py (`test_the_last_place_is_given_once`) shows
the second acceptance is rejected. On PostgreSQL two threads race for real.
"""

from __future__ import annotations

import pytest

from lotse.core.tests.concurrency import postgresql_only, race
from lotse.engagement.choices import ApplicationStatus, OpportunityStatus
from lotse.engagement.models import Application
from lotse.engagement.services.opportunities import application_accept, application_create
from lotse.engagement.tests.factories import ApplicationFactory, OpportunityFactory
from lotse.organisations.tests.factories import MembershipFactory
from lotse.volunteers.tests.factories import VolunteerProfileFactory


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_acceptances_of_the_last_place():
    opportunity = OpportunityFactory(places=1)
    member = MembershipFactory(organisation=opportunity.organisation).user
    first, second = ApplicationFactory.create_batch(2, opportunity=opportunity)

    results = race(
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

    results = race(
        lambda: application_create(actor=volunteer, opportunity=opportunity, message="a"),
        lambda: application_create(actor=volunteer, opportunity=opportunity, message="b"),
    )

    assert results == ["ok", "rejected"]
    assert Application.objects.count() == 1
