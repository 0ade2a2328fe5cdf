"""The proposal state machine: every transition, siblings, capacity, the race for one request,
lapsing, next best, confirmation and refusal by the newcomer."""

from __future__ import annotations

import datetime
from unittest import mock

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from lotse.accounts.roles import Role
from lotse.accounts.tests.factories import RoleAssignmentFactory, UserFactory
from lotse.core.models import AuditEvent
from lotse.engagement.choices import (
    ContactChannel,
    PatenschaftStatus,
    ProposalOrigin,
    ProposalStatus,
    RequestStatus,
)
from lotse.engagement.models import HelpRequest, Patenschaft, Proposal
from lotse.engagement.services import proposals as services
from lotse.engagement.tests.factories import (
    HelpRequestFactory,
    PatenschaftFactory,
    ProposalFactory,
)
from lotse.notifications.models import Notification
from lotse.volunteers.choices import VolunteerStatus
from lotse.volunteers.tests.factories import VolunteerProfileFactory

pytestmark = pytest.mark.django_db

NEXT_BEST = "lotse.engagement.services.matching.propose_next_best"
START = "lotse.engagement.services.patenschaften.patenschaft_start"


@pytest.fixture
def coordinator(munich):
    user = UserFactory()
    RoleAssignmentFactory(user=user, role=Role.COORDINATOR, district=munich)
    return user


@pytest.fixture
def other_coordinator(nuremberg):
    user = UserFactory()
    RoleAssignmentFactory(user=user, role=Role.COORDINATOR, district=nuremberg)
    return user


@pytest.fixture
def next_best():
    with mock.patch(NEXT_BEST, return_value=None) as patched:
        yield patched


def _status(obj):
    obj.refresh_from_db()
    return obj.status


def _actions():
    return list(AuditEvent.objects.order_by("pk").values_list("action", flat=True))


# --- coordinators: send, reject, manual -----------------------------------------------------


def test_send_turns_a_suggestion_into_a_proposal_with_a_deadline(coordinator, settings):
    settings.LOTSE_PROPOSAL_RESPONSE_DAYS = 5
    request = HelpRequestFactory()
    suggestion = ProposalFactory(
        request=request, status=ProposalStatus.SUGGESTED, proposed_at=None, respond_by=None
    )
    before = timezone.now()

    proposal = services.proposal_send(actor=coordinator, proposal=suggestion)

    assert proposal.status == ProposalStatus.PROPOSED
    assert proposal.proposed_at >= before
    assert proposal.respond_by - proposal.proposed_at == datetime.timedelta(days=5)
    assert _status(request) == RequestStatus.PROPOSED
    assert Notification.objects.get(user=suggestion.volunteer.user).kind == (
        "engagement.proposal.new"
    )
    assert _actions() == ["engagement.proposal.sent"]


def test_several_suggestions_for_one_request_can_be_sent(coordinator):
    request = HelpRequestFactory(urgency="high")
    first, second = (
        ProposalFactory(request=request, status=ProposalStatus.SUGGESTED) for _ in range(2)
    )
    services.proposal_send(actor=coordinator, proposal=first)
    services.proposal_send(actor=coordinator, proposal=second)
    assert set(Proposal.objects.values_list("status", flat=True)) == {ProposalStatus.PROPOSED}


def test_send_is_refused_for_other_coordinators_and_handled_suggestions(
    coordinator, other_coordinator
):
    suggestion = ProposalFactory(status=ProposalStatus.SUGGESTED)
    with pytest.raises(PermissionDenied):
        services.proposal_send(actor=other_coordinator, proposal=suggestion)
    assert _status(suggestion) == ProposalStatus.SUGGESTED

    sent = ProposalFactory()
    with pytest.raises(ValidationError):
        services.proposal_send(actor=coordinator, proposal=sent)


def test_send_respects_the_volunteers_capacity(coordinator):
    volunteer = VolunteerProfileFactory(max_patenschaften=1)
    PatenschaftFactory(proposal__volunteer=volunteer)
    suggestion = ProposalFactory(volunteer=volunteer, status=ProposalStatus.SUGGESTED)
    with pytest.raises(ValidationError) as caught:
        services.proposal_send(actor=coordinator, proposal=suggestion)
    assert "volunteer" in caught.value.message_dict
    assert _status(suggestion) == ProposalStatus.SUGGESTED


def test_reject_needs_a_reason(coordinator):
    request = HelpRequestFactory(status=RequestStatus.PROPOSED)
    suggestion = ProposalFactory(request=request, status=ProposalStatus.SUGGESTED)
    for bad in ("", "   ", "<a href=x>no</a>", "x" * 1001):
        with pytest.raises(ValidationError) as caught:
            services.proposal_reject(actor=coordinator, proposal=suggestion, reason=bad)
        assert "reason" in caught.value.message_dict
    assert _status(suggestion) == ProposalStatus.SUGGESTED

    services.proposal_reject(actor=coordinator, proposal=suggestion, reason="Zu weit weg")
    suggestion.refresh_from_db()
    assert suggestion.status == ProposalStatus.REJECTED
    assert suggestion.reason == "Zu weit weg"
    assert suggestion.decided_by == coordinator
    assert _status(request) == RequestStatus.OPEN


def test_manual_match_sends_a_proposal_at_once_with_reasons(coordinator):
    request = HelpRequestFactory(preferred_times=0b100000)
    volunteer = VolunteerProfileFactory()

    proposal = services.proposal_create_manual(
        actor=coordinator, request=request, volunteer=volunteer
    )

    assert proposal.origin == ProposalOrigin.MANUAL
    assert proposal.status == ProposalStatus.PROPOSED
    assert proposal.created_by == coordinator
    assert proposal.respond_by is not None
    assert proposal.reasons["languages"] == ["de"]
    assert proposal.reasons["distance_km"] == 0.0
    assert proposal.reasons["slots"] == ["1-2"]
    assert proposal.reasons["topic"] == request.topic
    assert _status(request) == RequestStatus.PROPOSED
    assert Notification.objects.filter(user=volunteer.user, kind="engagement.proposal.new").exists()

    with pytest.raises(ValidationError) as caught:
        services.proposal_create_manual(actor=coordinator, request=request, volunteer=volunteer)
    assert "volunteer" in caught.value.message_dict


def test_manual_match_only_with_the_coordinators_active_volunteers(coordinator, nuremberg):
    from lotse.regions.models import Postcode

    request = HelpRequestFactory()
    far = VolunteerProfileFactory(postcode=Postcode.objects.get(code="90402"))
    paused = VolunteerProfileFactory(status=VolunteerStatus.PAUSED)
    for volunteer in (far, paused):
        with pytest.raises(ValidationError):
            services.proposal_create_manual(actor=coordinator, request=request, volunteer=volunteer)
    assert not Proposal.objects.exists()


# --- volunteers: accept, decline --------------------------------------------------------------


def test_accept_wins_the_request_and_withdraws_the_siblings(coordinator):
    request = HelpRequestFactory(
        status=RequestStatus.PROPOSED,
        contact_channel=ContactChannel.EMAIL,
        contact_value="amal@example.org",
        form_language="en",
    )
    winner, sibling = ProposalFactory(request=request), ProposalFactory(request=request)
    suggestion = ProposalFactory(request=request, status=ProposalStatus.SUGGESTED)

    services.proposal_accept(
        actor=winner.volunteer.user, proposal=winner, volunteer_contact="0151 7654321"
    )

    winner.refresh_from_db()
    assert winner.status == ProposalStatus.ACCEPTED
    assert winner.volunteer_contact == "0151 7654321"
    assert winner.decided_by == winner.volunteer.user
    assert _status(sibling) == ProposalStatus.WITHDRAWN
    assert _status(suggestion) == ProposalStatus.WITHDRAWN
    assert _status(request) == RequestStatus.PROPOSED
    taken = Notification.objects.get(user=sibling.volunteer.user)
    assert taken.kind == "engagement.proposal.withdrawn"
    with translation.override(taken.user.preferred_language or "de"):
        expected = render_to_string(
            "engagement/notifications/proposal_withdrawn.txt", {"taken": True}
        ).strip()
    assert taken.body == expected
    assert Notification.objects.filter(
        user=coordinator, kind="engagement.proposal.accepted"
    ).exists()
    assert "engagement.proposal.accepted" in _actions()
    assert _actions().count("engagement.proposal.withdrawn") == 2


def test_accept_mails_an_email_newcomer_to_confirm(django_capture_on_commit_callbacks):
    request = HelpRequestFactory(
        status=RequestStatus.PROPOSED,
        contact_channel=ContactChannel.EMAIL,
        contact_value="amal@example.org",
        form_language="en",
    )
    proposal = ProposalFactory(request=request)
    with django_capture_on_commit_callbacks(execute=True):
        services.proposal_accept(
            actor=proposal.volunteer.user, proposal=proposal, volunteer_contact="0151 7654321"
        )
    sent = [m for m in mail.outbox if m.to == ["amal@example.org"]]
    assert len(sent) == 1
    assert "volunteer" in sent[0].subject


@pytest.mark.parametrize("contact", ["", "   ", "<script>x</script>", "x" * 201])
def test_accept_needs_a_plain_contact(contact):
    proposal = ProposalFactory()
    with pytest.raises(ValidationError) as caught:
        services.proposal_accept(
            actor=proposal.volunteer.user, proposal=proposal, volunteer_contact=contact
        )
    assert "volunteer_contact" in caught.value.message_dict
    assert _status(proposal) == ProposalStatus.PROPOSED


def test_a_volunteer_cannot_answer_a_proposal_not_meant_for_them():
    proposal = ProposalFactory()
    intruder = VolunteerProfileFactory().user
    with pytest.raises(ValidationError):
        services.proposal_accept(actor=intruder, proposal=proposal, volunteer_contact="0151 1")
    with pytest.raises(ValidationError):
        services.proposal_decline(actor=intruder, proposal=proposal, reason="")
    with pytest.raises(ValidationError):
        services.proposal_accept(actor=None, proposal=proposal, volunteer_contact="0151 1")
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.PROPOSED
    assert proposal.volunteer_contact == ""
    assert not AuditEvent.objects.exists()


def test_second_acceptance_for_the_same_request_is_refused_sequentially():
    request = HelpRequestFactory(status=RequestStatus.PROPOSED)
    first, second = ProposalFactory(request=request), ProposalFactory(request=request)
    # Both volunteers opened the page while both proposals were open.
    stale_second = Proposal.objects.get(pk=second.pk)

    services.proposal_accept(actor=first.volunteer.user, proposal=first, volunteer_contact="a")
    with pytest.raises(ValidationError) as caught:
        services.proposal_accept(
            actor=stale_second.volunteer.user, proposal=stale_second, volunteer_contact="b"
        )
    assert caught.value.messages
    assert Proposal.objects.filter(status=ProposalStatus.ACCEPTED).get() == first
    assert _status(second) == ProposalStatus.WITHDRAWN


def test_the_database_constraint_turns_a_lost_race_into_a_clear_error():
    """When the check before the write misses the winner, the constraint still refuses."""
    request = HelpRequestFactory(status=RequestStatus.PROPOSED)
    first, second = ProposalFactory(request=request), ProposalFactory(request=request)
    Proposal.objects.filter(pk=first.pk).update(status=ProposalStatus.ACCEPTED)

    with (
        mock.patch.object(services, "_has_winner", return_value=False),
        pytest.raises(ValidationError) as caught,
    ):
        services.proposal_accept(
            actor=second.volunteer.user, proposal=second, volunteer_contact="b"
        )
    assert "schneller" in " ".join(caught.value.messages)
    assert _status(second) == ProposalStatus.PROPOSED
    with pytest.raises(IntegrityError), transaction.atomic():
        Proposal.objects.filter(pk=second.pk).update(status=ProposalStatus.ACCEPTED)


def test_accept_respects_capacity_counting_patenschaften_and_accepted_proposals():
    volunteer = VolunteerProfileFactory(max_patenschaften=2)
    PatenschaftFactory(proposal__volunteer=volunteer)
    ProposalFactory(volunteer=volunteer, status=ProposalStatus.ACCEPTED)
    PatenschaftFactory(proposal__volunteer=volunteer, status=PatenschaftStatus.ENDED)
    proposal = ProposalFactory(volunteer=volunteer)

    with pytest.raises(ValidationError) as caught:
        services.proposal_accept(actor=volunteer.user, proposal=proposal, volunteer_contact="x")
    assert "(2)" in " ".join(caught.value.messages)
    assert _status(proposal) == ProposalStatus.PROPOSED

    volunteer.max_patenschaften = 3
    volunteer.save()
    services.proposal_accept(actor=volunteer.user, proposal=proposal, volunteer_contact="x")
    assert _status(proposal) == ProposalStatus.ACCEPTED


def test_accept_is_refused_for_a_proposal_that_is_no_longer_open():
    for state in (ProposalStatus.DECLINED, ProposalStatus.LAPSED, ProposalStatus.WITHDRAWN):
        proposal = ProposalFactory(status=state)
        with pytest.raises(ValidationError):
            services.proposal_accept(
                actor=proposal.volunteer.user, proposal=proposal, volunteer_contact="x"
            )
        assert _status(proposal) == state


def test_decline_reopens_the_request_and_asks_for_the_next_best(coordinator, next_best):
    request = HelpRequestFactory(status=RequestStatus.PROPOSED)
    proposal = ProposalFactory(request=request)

    services.proposal_decline(actor=proposal.volunteer.user, proposal=proposal, reason="Keine Zeit")

    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.DECLINED
    assert proposal.reason == "Keine Zeit"
    assert _status(request) == RequestStatus.OPEN
    next_best.assert_called_once()
    assert next_best.call_args.kwargs["request"].pk == request.pk
    assert Notification.objects.filter(
        user=coordinator, kind="engagement.proposal.declined"
    ).exists()


def test_decline_leaves_the_engine_alone_while_another_proposal_is_live(next_best):
    request = HelpRequestFactory(status=RequestStatus.PROPOSED)
    proposal, other = ProposalFactory(request=request), ProposalFactory(request=request)
    services.proposal_decline(actor=proposal.volunteer.user, proposal=proposal)
    next_best.assert_not_called()
    assert _status(request) == RequestStatus.PROPOSED
    assert _status(other) == ProposalStatus.PROPOSED


def test_decline_after_accepting_frees_the_request(next_best):
    request = HelpRequestFactory(status=RequestStatus.PROPOSED)
    proposal = ProposalFactory(request=request, status=ProposalStatus.ACCEPTED)
    services.proposal_decline(actor=proposal.volunteer.user, proposal=proposal)
    assert _status(proposal) == ProposalStatus.DECLINED
    assert _status(request) == RequestStatus.OPEN
    next_best.assert_called_once()


def test_a_failing_engine_does_not_undo_the_decline():
    proposal = ProposalFactory()
    with mock.patch(NEXT_BEST, side_effect=RuntimeError("solver down")):
        services.proposal_decline(actor=proposal.volunteer.user, proposal=proposal)
    assert _status(proposal) == ProposalStatus.DECLINED


def test_decline_with_markup_is_refused():
    proposal = ProposalFactory()
    with pytest.raises(ValidationError):
        services.proposal_decline(
            actor=proposal.volunteer.user, proposal=proposal, reason="<img onerror=x>"
        )
    assert _status(proposal) == ProposalStatus.PROPOSED


# --- lapsing ----------------------------------------------------------------------------------


def test_overdue_proposals_lapse_once_and_the_next_best_is_asked(next_best):
    now = timezone.now()
    overdue = ProposalFactory(respond_by=now - datetime.timedelta(hours=1))
    due_later = ProposalFactory(respond_by=now + datetime.timedelta(days=1))
    accepted = ProposalFactory(
        status=ProposalStatus.ACCEPTED, respond_by=now - datetime.timedelta(days=1)
    )

    assert services.proposals_lapse_overdue(now=now) == 1
    assert services.proposals_lapse_overdue(now=now) == 0

    assert _status(overdue) == ProposalStatus.LAPSED
    assert _status(due_later) == ProposalStatus.PROPOSED
    assert _status(accepted) == ProposalStatus.ACCEPTED
    assert _status(overdue.request) == RequestStatus.OPEN
    next_best.assert_called_once()
    assert _actions() == ["engagement.proposal.lapsed"]


def test_lapse_task_runs_the_service(next_best):
    from lotse.engagement.tasks import proposals_lapse_task

    overdue = ProposalFactory(respond_by=timezone.now() - datetime.timedelta(minutes=1))
    proposals_lapse_task.enqueue()
    assert _status(overdue) == ProposalStatus.LAPSED


def test_next_best_proposal_keeps_the_request_proposed():
    request = HelpRequestFactory(status=RequestStatus.PROPOSED)
    proposal = ProposalFactory(request=request, respond_by=timezone.now())

    def propose(*, request, actor=None):
        return ProposalFactory(request=request, origin=ProposalOrigin.NEXT_BEST)

    with mock.patch(NEXT_BEST, side_effect=propose):
        services.proposals_lapse_overdue(now=timezone.now() + datetime.timedelta(seconds=1))
    assert _status(proposal) == ProposalStatus.LAPSED
    assert _status(request) == RequestStatus.PROPOSED
    assert Proposal.objects.filter(origin=ProposalOrigin.NEXT_BEST).count() == 1


# --- the newcomer: confirm, refuse ---------------------------------------------------------


def test_confirm_matches_the_request_and_starts_the_patenschaft_in_the_transaction(coordinator):
    request = HelpRequestFactory(status=RequestStatus.PROPOSED)
    proposal = ProposalFactory(request=request, status=ProposalStatus.ACCEPTED)
    seen = {}

    def start(*, proposal, actor):
        seen["in_atomic"] = transaction.get_connection().in_atomic_block
        seen["status"] = Proposal.objects.get(pk=proposal.pk).status
        seen["actor"] = actor

    with mock.patch(START, side_effect=start):
        services.proposal_confirm(actor=None, proposal=proposal)

    assert seen == {"in_atomic": True, "status": ProposalStatus.CONFIRMED, "actor": None}
    assert _status(proposal) == ProposalStatus.CONFIRMED
    assert _status(request) == RequestStatus.MATCHED
    assert Notification.objects.filter(
        user=proposal.volunteer.user, kind="engagement.proposal.confirmed"
    ).exists()
    assert Notification.objects.filter(
        user=coordinator, kind="engagement.proposal.confirmed"
    ).exists()


def test_confirm_with_the_real_patenschaft_start(coordinator):
    proposal = ProposalFactory(status=ProposalStatus.ACCEPTED)
    services.proposal_confirm(actor=coordinator, proposal=proposal)
    patenschaft = Patenschaft.objects.get(proposal=proposal)
    assert patenschaft.volunteer == proposal.volunteer
    assert patenschaft.status == PatenschaftStatus.ACTIVE
    assert _status(proposal.request) == RequestStatus.MATCHED


def test_a_failing_patenschaft_start_rolls_the_confirmation_back():
    proposal = ProposalFactory(status=ProposalStatus.ACCEPTED)
    with mock.patch(START, side_effect=ValidationError("nope")), pytest.raises(ValidationError):
        services.proposal_confirm(actor=None, proposal=proposal)
    assert _status(proposal) == ProposalStatus.ACCEPTED
    assert _status(proposal.request) == RequestStatus.PROPOSED


def test_confirm_needs_an_accepted_proposal_and_the_right_coordinator(other_coordinator):
    proposal = ProposalFactory()
    with mock.patch(START) as start, pytest.raises(ValidationError):
        services.proposal_confirm(actor=None, proposal=proposal)
    start.assert_not_called()
    accepted = ProposalFactory(status=ProposalStatus.ACCEPTED)
    with pytest.raises(PermissionDenied):
        services.proposal_confirm(actor=other_coordinator, proposal=accepted)
    assert _status(accepted) == ProposalStatus.ACCEPTED


def test_refuse_reopens_the_request_and_asks_for_the_next_best(coordinator, next_best):
    request = HelpRequestFactory(status=RequestStatus.PROPOSED)
    proposal = ProposalFactory(request=request, status=ProposalStatus.ACCEPTED)

    services.proposal_refuse(actor=None, proposal=proposal, reason="")

    assert _status(proposal) == ProposalStatus.REFUSED
    assert _status(request) == RequestStatus.OPEN
    next_best.assert_called_once()
    assert Notification.objects.filter(
        user=proposal.volunteer.user, kind="engagement.proposal.refused"
    ).exists()
    assert AuditEvent.objects.get(action="engagement.proposal.refused").actor is None


def test_the_whole_way_from_suggestion_to_patenschaft(coordinator, next_best):
    request = HelpRequestFactory()
    first = ProposalFactory(request=request, status=ProposalStatus.SUGGESTED)
    second = ProposalFactory(request=request, status=ProposalStatus.SUGGESTED)
    services.proposal_send(actor=coordinator, proposal=first)
    services.proposal_send(actor=coordinator, proposal=second)
    services.proposal_decline(actor=first.volunteer.user, proposal=first)
    next_best.assert_not_called()  # the second is still live
    services.proposal_accept(actor=second.volunteer.user, proposal=second, volunteer_contact="x")
    services.proposal_refuse(actor=None, proposal=second)
    next_best.assert_called_once()
    assert _status(request) == RequestStatus.OPEN

    third = services.proposal_create_manual(
        actor=coordinator, request=request, volunteer=VolunteerProfileFactory()
    )
    services.proposal_accept(actor=third.volunteer.user, proposal=third, volunteer_contact="y")
    services.proposal_confirm(actor=None, proposal=third)

    assert [_status(p) for p in (first, second, third)] == [
        ProposalStatus.DECLINED,
        ProposalStatus.REFUSED,
        ProposalStatus.CONFIRMED,
    ]
    assert _status(request) == RequestStatus.MATCHED
    assert HelpRequest.objects.get(pk=request.pk).patenschaft.volunteer == third.volunteer
