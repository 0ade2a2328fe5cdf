"""The proposal workflow: one function per state change, every change audited.

    suggested ──send──▶ proposed ──accept──▶ accepted ──confirm──▶ confirmed (Patenschaft)
        │                  │  │                 │ │
      reject            decline lapse     decline refuse
        ▼                  ▼  ▼                 ▼ ▼
     rejected          declined lapsed     declined refused

Siblings of an accepted proposal are withdrawn ("another volunteer was faster"); declines,
lapses and refusals ask the engine for the next best volunteer. Request statuses follow:
open ↔ proposed (a live proposal exists) → matched (confirmed) → closed.

Locks: always the request row first, then the proposal, then the volunteer profile
(`select_for_update`), so that two transactions never wait for each other in a circle. The
partial unique constraint `proposal_one_winner_per_request` is the last line of defence when
two volunteers accept at the same moment.

Actors: coordinators of the request's district (send, reject, manual match, confirm or refuse
on the newcomer's behalf), the volunteer (accept, decline), None for the newcomer (confirm,
refuse through the status link, which the caller has checked) and for the system (lapse).
"""

from __future__ import annotations

import datetime
import logging
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from lotse.core.audit import audit_record
from lotse.core.availability import cell_key, cells_from_mask
from lotse.core.geo import great_circle_km
from lotse.core.services import mail_enqueue
from lotse.core.validators import validate_plain_text
from lotse.notifications.services import notify
from lotse.volunteers.choices import VolunteerStatus
from lotse.volunteers.models import VolunteerProfile

from ..choices import (
    LIVE_PROPOSAL_STATES,
    WINNING_PROPOSAL_STATES,
    ContactChannel,
    ProposalOrigin,
    ProposalStatus,
    RequestStatus,
)
from ..models import HelpRequest, Proposal
from ..permissions import coordinated_district_ids
from ..selectors.proposals import volunteer_live_load
from ..selectors.requests import district_coordinators
from . import matching as matching_services
from . import patenschaften as patenschaften_services

logger = logging.getLogger(__name__)

MAX_REASON = 1000
MAX_VOLUNTEER_CONTACT = 200
OPEN_REQUEST_STATES = (RequestStatus.OPEN, RequestStatus.PROPOSED)


# --- helpers ---------------------------------------------------------------------------------


def _error(message: str, field: str = "__all__", code: str = "invalid") -> ValidationError:
    return ValidationError({field: [ValidationError(message, code=code)]})


def _clean_text(value: str, *, field: str, required: bool, max_length: int) -> str:
    value = (value or "").strip()
    if not value:
        if required:
            raise _error(_("This field is required."), field, "required")
        return ""
    if len(value) > max_length:
        raise _error(
            _("Please use at most %(max)d characters.") % {"max": max_length}, field, "max"
        )
    try:
        validate_plain_text(value)
    except ValidationError as error:
        raise ValidationError({field: error.error_list}) from error
    return value


def _is_coordinator_of(actor: Any, request: HelpRequest) -> bool:
    return request.district_id in coordinated_district_ids(actor)


def _check_coordinator(actor: Any, request: HelpRequest) -> None:
    if not _is_coordinator_of(actor, request):
        raise PermissionDenied


def _check_newcomer_or_coordinator(actor: Any, request: HelpRequest) -> None:
    """None is the newcomer (the caller checked the status link); else a coordinator."""
    if actor is not None and not _is_coordinator_of(actor, request):
        raise PermissionDenied


def _check_own_proposal(actor: Any, proposal: Proposal) -> None:
    if actor is None or getattr(actor, "pk", None) != proposal.volunteer.user_id:
        raise _error(_("This proposal was not sent to you."), code="not_yours")


def _lock(proposal: Proposal) -> tuple[HelpRequest, Proposal]:
    """Lock the request row, then the proposal row (in this order, always)."""
    request = HelpRequest.objects.select_for_update().get(pk=proposal.request_id)
    locked = Proposal.objects.select_for_update().get(pk=proposal.pk)
    locked.request = request
    return request, locked


def _lock_volunteer(volunteer_id: int) -> VolunteerProfile:
    return VolunteerProfile.objects.select_for_update().get(pk=volunteer_id)


def _check_request_open(request: HelpRequest) -> None:
    if request.status not in OPEN_REQUEST_STATES or request.anonymised_at is not None:
        raise _error(_("This request is no longer waiting for a volunteer."), code="request")


def _has_winner(request: HelpRequest, *, exclude_pk: int | None = None) -> bool:
    queryset = Proposal.objects.filter(request=request, status__in=WINNING_PROPOSAL_STATES)
    if exclude_pk is not None:
        queryset = queryset.exclude(pk=exclude_pk)
    return queryset.exists()


def _check_capacity(volunteer: VolunteerProfile, *, field: str = "__all__") -> None:
    if volunteer_live_load(volunteer=volunteer) >= volunteer.max_patenschaften:
        raise _error(
            _("This volunteer already has as many Patenschaften as they can take on (%(max)d).")
            % {"max": volunteer.max_patenschaften},
            field,
            "capacity",
        )


def _check_available(volunteer: VolunteerProfile) -> None:
    if volunteer.status != VolunteerStatus.ACTIVE:
        raise _error(_("This volunteer has paused their profile."), "volunteer", "paused")
    _check_capacity(volunteer, field="volunteer")


def _response_deadline(now: datetime.datetime) -> datetime.datetime:
    return now + datetime.timedelta(days=settings.LOTSE_PROPOSAL_RESPONSE_DAYS)


def _proposal_url(proposal: Proposal) -> str:
    return reverse("engagement:proposal_detail", kwargs={"pk": proposal.pk})


def _request_url(request: HelpRequest) -> str:
    return reverse("engagement:request_detail", kwargs={"pk": request.pk})


def _volunteer_name(proposal: Proposal) -> str:
    user = proposal.volunteer.user
    return user.get_full_name() or user.email


def _notify_coordinators(
    request: HelpRequest, *, kind: str, template: str, context: dict[str, Any], actor: Any
) -> None:
    for user in district_coordinators(district_id=request.district_id):
        if getattr(actor, "pk", None) == user.pk:
            continue
        notify(user=user, kind=kind, template=template, context=context, url=_request_url(request))


def proposal_reasons_for(request: HelpRequest, volunteer: VolunteerProfile) -> dict[str, Any]:
    """Return the facts of a pairing in the form `lotse.engagement.explain` renders (shared
    languages, distance, shared free times, waiting days, topic), for proposals made by hand."""
    request_languages = list(request.languages.values_list("language", flat=True))
    volunteer_languages = set(volunteer.languages.values_list("language", flat=True))
    shared = [code for code in request_languages if code in volunteer_languages]
    slots = [
        cell_key(*cell)
        for cell in cells_from_mask(request.preferred_times & volunteer.availability)
    ]
    distance = great_circle_km(
        request.postcode.latitude,
        request.postcode.longitude,
        volunteer.postcode.latitude,
        volunteer.postcode.longitude,
    )
    helps_with_topic = volunteer.topics.filter(topic=request.topic).exists()
    return {
        "languages": shared,
        "distance_km": round(distance, 1),
        "slots": slots,
        "waiting_days": max((timezone.now() - request.created_at).days, 0),
        "topic": request.topic if helps_with_topic else "",
        "interpreter": bool(request.interpreter_id and not shared),
        "load": volunteer_live_load(volunteer=volunteer),
    }


def notify_volunteer_of_proposal(proposal: Proposal) -> None:
    """Tell the volunteer about a proposal sent to them (for the matching area too)."""
    notify(
        user=proposal.volunteer.user,
        kind="engagement.proposal.new",
        template="engagement/notifications/proposal_new",
        context={
            "proposal_id": proposal.pk,
            "days": settings.LOTSE_PROPOSAL_RESPONSE_DAYS,
            "urgent": proposal.request.urgency == "high",
        },
        url=_proposal_url(proposal),
    )


def help_request_sync_status(request: HelpRequest) -> str:
    """Bring an open or proposed request's status in line with its proposals; return it.

    PROPOSED while a live proposal (suggested, sent or accepted) exists, else OPEN. Matched and
    closed requests are left alone. Call inside the transaction that changed the proposals.
    """
    if request.status not in OPEN_REQUEST_STATES:
        return request.status
    live = Proposal.objects.filter(request=request, status__in=LIVE_PROPOSAL_STATES).exists()
    wanted = RequestStatus.PROPOSED if live else RequestStatus.OPEN
    if request.status != wanted:
        request.status = wanted
        HelpRequest.objects.filter(pk=request.pk).update(status=wanted, updated_at=timezone.now())
    return wanted


def proposals_withdraw_for_request(
    *, actor: Any, request: HelpRequest, exclude_pk: int | None = None, taken: bool = False
) -> list[Proposal]:
    """Withdraw the request's live proposals (but `exclude_pk`); the volunteers who had been
    asked are told ("already taken" with `taken`, else "no longer needed"). Call inside a
    transaction that holds the request's lock. Audit `engagement.proposal.withdrawn` each."""
    queryset = Proposal.objects.select_for_update().filter(
        request=request, status__in=LIVE_PROPOSAL_STATES
    )
    if exclude_pk is not None:
        queryset = queryset.exclude(pk=exclude_pk)
    withdrawn = []
    now = timezone.now()
    for proposal in queryset.order_by("pk"):
        was_sent = proposal.status != ProposalStatus.SUGGESTED
        proposal.status = ProposalStatus.WITHDRAWN
        proposal.decided_at = now
        proposal.save(update_fields=["status", "decided_at", "updated_at"])
        volunteer_user = proposal.volunteer.user
        audit_record(
            actor=actor,
            action="engagement.proposal.withdrawn",
            obj=proposal,
            subject=volunteer_user,
            changed_fields=["status", "decided_at"],
        )
        if was_sent:
            notify(
                user=volunteer_user,
                kind="engagement.proposal.withdrawn",
                template="engagement/notifications/proposal_withdrawn",
                context={"proposal_id": proposal.pk, "taken": taken},
                url=_proposal_url(proposal),
            )
        withdrawn.append(proposal)
    return withdrawn


def _propose_next_best(request: HelpRequest, *, actor: Any) -> Proposal | None:
    """Ask the engine for the next best volunteer when nobody else is asked any more.

    The workflow step that triggered it (a decline, lapse or refusal) stands even when the
    engine fails: the error is logged and the nightly run catches up.
    """
    if request.status not in OPEN_REQUEST_STATES or request.anonymised_at is not None:
        return None
    if Proposal.objects.filter(request=request, status__in=LIVE_PROPOSAL_STATES).exists():
        return None
    try:
        with transaction.atomic():
            proposal = matching_services.propose_next_best(request=request, actor=actor)
    except NotImplementedError:
        logger.warning("propose_next_best is not available; request %s waits", request.pk)
        return None
    except Exception:
        logger.exception("propose_next_best failed for request %s", request.pk)
        return None
    request.refresh_from_db(fields=["status"])
    help_request_sync_status(request)
    return proposal


# --- coordinators ----------------------------------------------------------------------------


def proposal_send(*, actor: Any, proposal: Proposal, via: str = "web") -> Proposal:
    """Send an engine suggestion to the volunteer (suggested → proposed), answer due in
    `LOTSE_PROPOSAL_RESPONSE_DAYS` days. Several proposals for one request may be out at once
    (the first to accept wins).

    Coordinators of the request's district only (PermissionDenied). ValidationError when the
    proposal is no longer a suggestion, the request is no longer waiting or already has a
    volunteer, or the volunteer is paused or full. Side effects: audit
    `engagement.proposal.sent`; the volunteer is notified; the request becomes "proposed".
    """
    _check_coordinator(actor, proposal.request)
    with transaction.atomic():
        request, locked = _lock(proposal)
        if locked.status != ProposalStatus.SUGGESTED:
            raise _error(_("This suggestion has already been handled."), code="state")
        _check_request_open(request)
        if _has_winner(request):
            raise _error(_("A volunteer has already accepted this request."), code="taken")
        volunteer = _lock_volunteer(locked.volunteer_id)
        _check_available(volunteer)
        now = timezone.now()
        locked.status = ProposalStatus.PROPOSED
        locked.proposed_at = now
        locked.respond_by = _response_deadline(now)
        locked.save(update_fields=["status", "proposed_at", "respond_by", "updated_at"])
        audit_record(
            actor=actor,
            action="engagement.proposal.sent",
            obj=locked,
            subject=volunteer.user,
            changed_fields=["status", "proposed_at", "respond_by"],
            via=via,
        )
        notify_volunteer_of_proposal(locked)
        help_request_sync_status(request)
    return locked


def proposal_reject(*, actor: Any, proposal: Proposal, reason: str, via: str = "web") -> Proposal:
    """Reject an engine suggestion with a reason (required); suggested → rejected.

    Coordinators of the request's district only (PermissionDenied); ValidationError for a
    missing or bad reason or a proposal that is no longer a suggestion. Side effects: audit
    `engagement.proposal.rejected`; the request's status follows.
    """
    _check_coordinator(actor, proposal.request)
    reason = _clean_text(reason, field="reason", required=True, max_length=MAX_REASON)
    with transaction.atomic():
        request, locked = _lock(proposal)
        if locked.status != ProposalStatus.SUGGESTED:
            raise _error(_("This suggestion has already been handled."), code="state")
        locked.status = ProposalStatus.REJECTED
        locked.reason = reason
        locked.decided_at = timezone.now()
        locked.decided_by = actor
        locked.save(update_fields=["status", "reason", "decided_at", "decided_by", "updated_at"])
        audit_record(
            actor=actor,
            action="engagement.proposal.rejected",
            obj=locked,
            subject=locked.volunteer.user,
            changed_fields=["status", "reason", "decided_at", "decided_by"],
            via=via,
        )
        help_request_sync_status(request)
    return locked


def proposal_create_manual(
    *, actor: Any, request: HelpRequest, volunteer: VolunteerProfile, via: str = "web"
) -> Proposal:
    """Match by hand: propose a volunteer of the coordinator's districts for a request; the
    proposal is sent at once (origin manual, status proposed).

    Coordinators of the request's district only (PermissionDenied). ValidationError when the
    volunteer is not one of the coordinator's, paused, full or already proposed for this
    request, or the request is no longer waiting. Side effects: audit
    `engagement.proposal.created`; the volunteer is notified; the request becomes "proposed".
    """
    _check_coordinator(actor, request)
    if volunteer.district_id not in coordinated_district_ids(actor):
        raise _error(_("Please choose a volunteer of your districts."), "volunteer", "district")
    with transaction.atomic():
        locked_request = HelpRequest.objects.select_for_update().get(pk=request.pk)
        _check_request_open(locked_request)
        if _has_winner(locked_request):
            raise _error(_("A volunteer has already accepted this request."), code="taken")
        locked_volunteer = _lock_volunteer(volunteer.pk)
        _check_available(locked_volunteer)
        if Proposal.objects.filter(request=locked_request, volunteer=locked_volunteer).exists():
            raise _error(
                _("This volunteer has already been proposed for this request."),
                "volunteer",
                "duplicate",
            )
        now = timezone.now()
        proposal = Proposal(
            request=locked_request,
            volunteer=locked_volunteer,
            origin=ProposalOrigin.MANUAL,
            status=ProposalStatus.PROPOSED,
            created_by=actor,
            proposed_at=now,
            respond_by=_response_deadline(now),
            reasons=proposal_reasons_for(locked_request, locked_volunteer),
        )
        try:
            with transaction.atomic():
                proposal.save()
        except IntegrityError as error:
            raise _error(
                _("This volunteer has already been proposed for this request."),
                "volunteer",
                "duplicate",
            ) from error
        audit_record(
            actor=actor,
            action="engagement.proposal.created",
            obj=proposal,
            subject=locked_volunteer.user,
            changed_fields=["request", "volunteer", "origin", "status", "respond_by"],
            via=via,
        )
        notify_volunteer_of_proposal(proposal)
        help_request_sync_status(locked_request)
    return proposal


# --- volunteers ------------------------------------------------------------------------------


def proposal_accept(
    *, actor: Any, proposal: Proposal, volunteer_contact: str, via: str = "web"
) -> Proposal:
    """The volunteer accepts a proposal sent to them (proposed → accepted).

    `volunteer_contact` (required, plain text, at most 200 characters) tells the newcomer how
    to reach the volunteer once they confirm. Locks the request, then the volunteer profile;
    ValidationError (nothing changed) when the proposal is not the actor's, no longer open, the
    request already has a volunteer ("someone else was faster", also when the database
    constraint fires) or the volunteer is full (active Patenschaften plus accepted proposals).
    Side effects: the request's other live proposals are withdrawn (their volunteers told);
    audit `engagement.proposal.accepted`; the coordinators are notified; a newcomer who chose
    e-mail is asked to confirm.
    """
    _check_own_proposal(actor, proposal)
    contact = _clean_text(
        volunteer_contact,
        field="volunteer_contact",
        required=True,
        max_length=MAX_VOLUNTEER_CONTACT,
    )
    faster = _("Another volunteer was faster: this request has already been taken.")
    with transaction.atomic():
        request, locked = _lock(proposal)
        if locked.status != ProposalStatus.PROPOSED:
            raise _error(_("This proposal is no longer open."), code="state")
        if request.status not in OPEN_REQUEST_STATES or request.anonymised_at is not None:
            raise _error(_("This request is no longer waiting for a volunteer."), code="request")
        if _has_winner(request, exclude_pk=locked.pk):
            raise _error(faster, code="taken")
        volunteer = _lock_volunteer(locked.volunteer_id)
        if volunteer_live_load(volunteer=volunteer) >= volunteer.max_patenschaften:
            raise _error(
                _(
                    "You already have as many Patenschaften as you said you can take on "
                    "(%(max)d). End one or raise the number in your profile first."
                )
                % {"max": volunteer.max_patenschaften},
                code="capacity",
            )
        locked.status = ProposalStatus.ACCEPTED
        locked.volunteer_contact = contact
        locked.decided_at = timezone.now()
        locked.decided_by = actor
        try:
            with transaction.atomic():
                locked.save(
                    update_fields=[
                        "status",
                        "volunteer_contact",
                        "decided_at",
                        "decided_by",
                        "updated_at",
                    ]
                )
        except IntegrityError as error:
            raise _error(faster, code="taken") from error
        audit_record(
            actor=actor,
            action="engagement.proposal.accepted",
            obj=locked,
            subject=actor,
            changed_fields=["status", "volunteer_contact", "decided_at", "decided_by"],
            via=via,
        )
        proposals_withdraw_for_request(
            actor=actor, request=request, exclude_pk=locked.pk, taken=True
        )
        help_request_sync_status(request)
        locked.volunteer = volunteer
        _notify_coordinators(
            request,
            kind="engagement.proposal.accepted",
            template="engagement/notifications/proposal_accepted",
            context={"request_id": request.pk, "volunteer": _volunteer_name(locked)},
            actor=actor,
        )
        if request.contact_channel == ContactChannel.EMAIL and request.contact_value:
            mail_enqueue(
                to=request.contact_value,
                template="engagement/email/request_volunteer_found",
                context={"first_name": request.first_name},
                language=request.form_language,
            )
    return locked


def proposal_decline(
    *, actor: Any, proposal: Proposal, reason: str = "", via: str = "web"
) -> Proposal:
    """The volunteer declines a proposal sent to them (proposed or accepted → declined); the
    reason is optional (plain text, at most 1000 characters).

    ValidationError (nothing changed) when the proposal is not the actor's or no longer open.
    Side effects: audit `engagement.proposal.declined`; the coordinators are notified; the
    engine proposes the next best volunteer when nobody else is asked.
    """
    _check_own_proposal(actor, proposal)
    reason = _clean_text(reason, field="reason", required=False, max_length=MAX_REASON)
    with transaction.atomic():
        request, locked = _lock(proposal)
        if locked.status not in (ProposalStatus.PROPOSED, ProposalStatus.ACCEPTED):
            raise _error(_("This proposal is no longer open."), code="state")
        locked.status = ProposalStatus.DECLINED
        locked.reason = reason
        locked.decided_at = timezone.now()
        locked.decided_by = actor
        locked.save(update_fields=["status", "reason", "decided_at", "decided_by", "updated_at"])
        audit_record(
            actor=actor,
            action="engagement.proposal.declined",
            obj=locked,
            subject=actor,
            changed_fields=["status", "reason", "decided_at", "decided_by"],
            via=via,
        )
        help_request_sync_status(request)
        _notify_coordinators(
            request,
            kind="engagement.proposal.declined",
            template="engagement/notifications/proposal_declined",
            context={"request_id": request.pk, "volunteer": _volunteer_name(locked)},
            actor=actor,
        )
        _propose_next_best(request, actor=None)
    return locked


def proposals_lapse_overdue(*, now: datetime.datetime | None = None) -> int:
    """Lapse the proposals whose answer is overdue (proposed, `respond_by` passed) and ask the
    engine for the next best volunteer of each request left without a live proposal.

    Idempotent (the periodic task runs it hourly); returns how many lapsed. Side effects per
    proposal: audit `engagement.proposal.lapsed` (actor: the system).
    """
    now = now or timezone.now()
    overdue = list(
        Proposal.objects.filter(status=ProposalStatus.PROPOSED, respond_by__lt=now)
        .order_by("request_id", "pk")
        .values_list("pk", "request_id")
    )
    count = 0
    for pk, request_id in overdue:
        with transaction.atomic():
            request = HelpRequest.objects.select_for_update().get(pk=request_id)
            locked = Proposal.objects.select_for_update().get(pk=pk)
            if locked.status != ProposalStatus.PROPOSED or not locked.respond_by:
                continue
            if locked.respond_by >= now:
                continue
            locked.status = ProposalStatus.LAPSED
            locked.decided_at = now
            locked.save(update_fields=["status", "decided_at", "updated_at"])
            audit_record(
                actor=None,
                action="engagement.proposal.lapsed",
                obj=locked,
                subject=locked.volunteer.user,
                changed_fields=["status", "decided_at"],
                via="task",
            )
            count += 1
            help_request_sync_status(request)
            _propose_next_best(request, actor=None)
    return count


# --- the newcomer (or a coordinator on their behalf) -----------------------------------------


def proposal_confirm(*, actor: Any, proposal: Proposal, via: str = "web") -> Proposal:
    """The newcomer agrees to the volunteer who accepted (accepted → confirmed): the request
    becomes "matched" and the Patenschaft starts (`patenschaft_start`, in this transaction,
    with the request and the volunteer rows locked).

    `actor` None is the newcomer (the caller checked the status link); otherwise a coordinator
    of the request's district (PermissionDenied for anybody else). ValidationError when the
    proposal is not accepted (any more). Side effects: audit `engagement.proposal.confirmed`;
    the volunteer and the coordinators are notified.
    """
    _check_newcomer_or_coordinator(actor, proposal.request)
    with transaction.atomic():
        request, locked = _lock(proposal)
        if locked.status != ProposalStatus.ACCEPTED:
            raise _error(_("There is no volunteer waiting for your answer."), code="state")
        if request.status not in OPEN_REQUEST_STATES or request.anonymised_at is not None:
            raise _error(_("This request is no longer waiting for a volunteer."), code="request")
        volunteer = _lock_volunteer(locked.volunteer_id)
        locked.volunteer = volunteer
        locked.status = ProposalStatus.CONFIRMED
        locked.save(update_fields=["status", "updated_at"])
        request.status = RequestStatus.MATCHED
        request.save(update_fields=["status", "updated_at"])
        proposals_withdraw_for_request(actor=actor, request=request, exclude_pk=locked.pk)
        patenschaften_services.patenschaft_start(proposal=locked, actor=actor)
        audit_record(
            actor=actor,
            action="engagement.proposal.confirmed",
            obj=locked,
            subject=volunteer.user,
            changed_fields=["status"],
            via=via,
        )
        _tell_volunteer_and_coordinators(locked, request, event="confirmed", actor=actor)
    return locked


def _tell_volunteer_and_coordinators(
    proposal: Proposal, request: HelpRequest, *, event: str, actor: Any
) -> None:
    """Notify the volunteer and the district's coordinators of `event` (one template pair,
    `proposal_<event>`, told apart by `for_volunteer`)."""
    kind = f"engagement.proposal.{event}"
    template = f"engagement/notifications/proposal_{event}"
    notify(
        user=proposal.volunteer.user,
        kind=kind,
        template=template,
        context={"request_id": request.pk, "for_volunteer": True, "volunteer": ""},
        url=_proposal_url(proposal),
    )
    _notify_coordinators(
        request,
        kind=kind,
        template=template,
        context={
            "request_id": request.pk,
            "for_volunteer": False,
            "volunteer": _volunteer_name(proposal),
        },
        actor=actor,
    )


def proposal_refuse(
    *, actor: Any, proposal: Proposal, reason: str = "", via: str = "web"
) -> Proposal:
    """The newcomer says no to the volunteer who accepted (accepted → refused); the request is
    open again and the engine proposes the next best volunteer. The reason is optional.

    `actor` None is the newcomer (the caller checked the status link); otherwise a coordinator
    of the request's district (PermissionDenied for anybody else). Side effects: audit
    `engagement.proposal.refused`; the volunteer and the coordinators are notified.
    """
    _check_newcomer_or_coordinator(actor, proposal.request)
    reason = _clean_text(reason, field="reason", required=False, max_length=MAX_REASON)
    with transaction.atomic():
        request, locked = _lock(proposal)
        if locked.status != ProposalStatus.ACCEPTED:
            raise _error(_("There is no volunteer waiting for your answer."), code="state")
        locked.status = ProposalStatus.REFUSED
        locked.reason = reason
        locked.decided_at = timezone.now()
        locked.decided_by = actor
        locked.save(update_fields=["status", "reason", "decided_at", "decided_by", "updated_at"])
        volunteer_user = locked.volunteer.user
        audit_record(
            actor=actor,
            action="engagement.proposal.refused",
            obj=locked,
            subject=volunteer_user,
            changed_fields=["status", "reason", "decided_at", "decided_by"],
            via=via,
        )
        help_request_sync_status(request)
        _tell_volunteer_and_coordinators(locked, request, event="refused", actor=actor)
        _propose_next_best(request, actor=None)
    return locked


def volunteer_account_erased(user: Any) -> list[int]:
    """Before a volunteer's account is erased (a `core.privacy` erasure hook): their running
    Patenschaften and live proposals disappear with it, so their help requests go back to the
    district's coordinators — open again (or still proposed to somebody else), audited, the
    coordinators told. Returns the ids of the requests handed back. Runs inside the erasure
    transaction; keeps nothing of the volunteer."""
    profile = VolunteerProfile.objects.filter(user=user).first()
    if profile is None:
        return []
    request_ids = sorted(
        set(
            Proposal.objects.filter(
                volunteer=profile,
                status__in=(*LIVE_PROPOSAL_STATES, ProposalStatus.CONFIRMED),
                request__status__in=(*OPEN_REQUEST_STATES, RequestStatus.MATCHED),
            ).values_list("request_id", flat=True)
        )
    )
    handed_back = []
    for request in HelpRequest.objects.select_for_update().filter(pk__in=request_ids):
        # The registry deletes these rows anyway (with the Patenschaft and its hours); going
        # first lets the request's status be worked out from the proposals that remain.
        Proposal.objects.filter(request=request, volunteer=profile).delete()
        if request.status == RequestStatus.MATCHED:
            request.status = RequestStatus.OPEN
            HelpRequest.objects.filter(pk=request.pk).update(
                status=RequestStatus.OPEN, updated_at=timezone.now()
            )
        help_request_sync_status(request)
        audit_record(
            actor=None,
            action="engagement.request.volunteer_left",
            obj=request,
            changed_fields=["status"],
        )
        _notify_coordinators(
            request,
            kind="engagement.request.volunteer_left",
            template="engagement/notifications/volunteer_left",
            context={"request_id": request.pk},
            actor=None,
        )
        handed_back.append(request.pk)
    return handed_back
