"""Only one volunteer wins a request, even when two accept at the same moment.

On SQLite `select_for_update()` is a no-op but write transactions are serialised; the
sequential test in test_proposals_services.py
(`test_second_acceptance_for_the_same_request_is_refused_sequentially`) and the constraint test
(`test_the_database_constraint_turns_a_lost_race_into_a_clear_error`) cover it there. On
PostgreSQL two threads race for real, on the row locks (request, then volunteer).
"""

from __future__ import annotations

from lotse.core.tests.concurrency import postgresql_only, race, transactional
from lotse.engagement.choices import ProposalStatus, RequestStatus
from lotse.engagement.models import Proposal
from lotse.engagement.services.proposals import proposal_accept
from lotse.engagement.tests.factories import HelpRequestFactory, ProposalFactory
from lotse.volunteers.tests.factories import VolunteerProfileFactory


@postgresql_only
@transactional
def test_two_volunteers_accepting_the_same_request_at_the_same_moment():
    request = HelpRequestFactory(status=RequestStatus.PROPOSED)
    first, second, third = (ProposalFactory(request=request) for _ in range(3))

    results = race(
        *(
            (
                lambda p=proposal: proposal_accept(
                    actor=p.volunteer.user, proposal=p, volunteer_contact="0151 1234567"
                )
            )
            for proposal in (first, second, third)
        )
    )

    assert results == ["ok", "rejected", "rejected"]
    statuses = sorted(Proposal.objects.filter(request=request).values_list("status", flat=True))
    assert statuses == sorted(
        [ProposalStatus.ACCEPTED, ProposalStatus.WITHDRAWN, ProposalStatus.WITHDRAWN]
    )


@postgresql_only
@transactional
def test_one_volunteer_accepting_two_requests_at_once_respects_capacity():
    volunteer = VolunteerProfileFactory(max_patenschaften=1)
    first = ProposalFactory(volunteer=volunteer)
    second = ProposalFactory(volunteer=volunteer)

    results = race(
        lambda: proposal_accept(actor=volunteer.user, proposal=first, volunteer_contact="a"),
        lambda: proposal_accept(actor=volunteer.user, proposal=second, volunteer_contact="b"),
    )

    assert results == ["ok", "rejected"]
    assert Proposal.objects.filter(volunteer=volunteer, status=ProposalStatus.ACCEPTED).count() == 1
