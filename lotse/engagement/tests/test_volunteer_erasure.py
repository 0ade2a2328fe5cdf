"""A volunteer who deletes their account: their help requests go back to the coordinators."""

import pytest

from lotse.accounts.roles import Role
from lotse.accounts.tests.factories import RoleAssignmentFactory, UserFactory
from lotse.core.models import AuditEvent
from lotse.core.privacy import erase_user
from lotse.engagement.choices import ProposalStatus, RequestStatus
from lotse.engagement.models import HelpRequest, HoursEntry, Patenschaft, Proposal
from lotse.engagement.tests.factories import (
    HelpRequestFactory,
    HoursEntryFactory,
    PatenschaftFactory,
    ProposalFactory,
)
from lotse.notifications.models import Notification
from lotse.volunteers.tests.factories import VolunteerProfileFactory

pytestmark = pytest.mark.django_db


def test_erasure_reopens_the_volunteers_requests_and_tells_the_coordinators(munich):
    coordinator = UserFactory()
    RoleAssignmentFactory(user=coordinator, role=Role.COORDINATOR, district=munich)
    leaving = VolunteerProfileFactory()
    staying = VolunteerProfileFactory()
    patenschaft = PatenschaftFactory(proposal__volunteer=leaving)
    HoursEntryFactory(patenschaft=patenschaft)
    only_to_leaving = ProposalFactory(volunteer=leaving)
    shared = HelpRequestFactory(status=RequestStatus.PROPOSED)
    ProposalFactory(request=shared, volunteer=leaving)
    ProposalFactory(request=shared, volunteer=staying)
    untouched = ProposalFactory(volunteer=staying)

    erase_user(leaving.user)

    statuses = dict(HelpRequest.objects.values_list("pk", "status"))
    assert statuses[patenschaft.request_id] == RequestStatus.OPEN
    assert statuses[only_to_leaving.request_id] == RequestStatus.OPEN
    # Still proposed to somebody else.
    assert statuses[shared.pk] == RequestStatus.PROPOSED
    assert statuses[untouched.request_id] == RequestStatus.PROPOSED
    assert not Patenschaft.objects.exists()
    assert not HoursEntry.objects.exists()
    assert set(Proposal.objects.values_list("volunteer_id", flat=True)) == {staying.pk}
    assert Proposal.objects.get(pk=untouched.pk).status == ProposalStatus.PROPOSED
    told = Notification.objects.filter(user=coordinator, kind="engagement.request.volunteer_left")
    assert told.count() == 3
    assert AuditEvent.objects.filter(action="engagement.request.volunteer_left").count() == 3


def test_erasing_someone_without_a_volunteer_profile_changes_no_request():
    request = HelpRequestFactory()
    erase_user(UserFactory())
    request.refresh_from_db()
    assert request.status == RequestStatus.OPEN
    assert not Notification.objects.exists()
