"""Patenschaften and their check-ins. (Owned by the Patenschaften area.)

A Patenschaft starts when the newcomer confirms a proposal (`patenschaft_start`, called by the
proposal workflow). The volunteer checks in about once a month (`patenschaft_check_in`); a
daily task (`patenschaften_remind_and_flag`) reminds volunteers after 30 days without a word and
tells the district's coordinators after 60 days. Either side can end a Patenschaft
(`patenschaft_end`), which closes the help request.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from lotse.accounts.models import User
from lotse.accounts.roles import Role
from lotse.core.audit import audit_record
from lotse.core.validators import validate_plain_text
from lotse.notifications.services import notify

from ..choices import (
    WINNING_PROPOSAL_STATES,
    PatenschaftEndReason,
    PatenschaftStatus,
    RequestCloseReason,
    RequestStatus,
)
from ..models import CheckIn, HelpRequest, Patenschaft, Proposal
from ..permissions import coordinated_district_ids

# A volunteer is asked for a check-in after this long without one (and at most this often).
CHECK_IN_INTERVAL = datetime.timedelta(days=30)
# After this long without a check-in the district's coordinators are told (once per silence).
FLAG_AFTER = datetime.timedelta(days=60)
MAX_NOTE = 1000

NOTIFICATION_TEMPLATES = "engagement/notifications"

# How the end of a Patenschaft closes its help request.
_CLOSE_REASON = {
    PatenschaftEndReason.GOAL_REACHED: RequestCloseReason.RESOLVED,
    PatenschaftEndReason.MOVED: RequestCloseReason.MOVED,
    PatenschaftEndReason.NEWCOMER_STOPPED: RequestCloseReason.WITHDRAWN,
    PatenschaftEndReason.NO_CONTACT: RequestCloseReason.NO_CONTACT,
}


# --- helpers -----------------------------------------------------------------------------------


def district_coordinators(*, district_id: int) -> list[User]:
    """Return the active coordinators of a district (the people told about its Patenschaften)."""
    return list(
        User.objects.filter(
            is_active=True,
            role_assignments__role=Role.COORDINATOR,
            role_assignments__district_id=district_id,
        )
        .distinct()
        .order_by("pk")
    )


def recipient_language(user: Any) -> str:
    return getattr(user, "preferred_language", "") or settings.LANGUAGE_CODE


def _facts_for(user: Any, patenschaft: Patenschaft) -> dict[str, str]:
    """Topic and start date of a Patenschaft, written in the recipient's language."""
    with translation.override(recipient_language(user)):
        return {
            "topic": str(patenschaft.request.get_topic_display()),
            "started_on": formats.date_format(patenschaft.started_on, "SHORT_DATE_FORMAT"),
        }


def patenschaft_url(patenschaft: Patenschaft) -> str:
    return reverse("engagement:patenschaft_detail", kwargs={"pk": patenschaft.pk})


def patenschaft_check_in_url(patenschaft: Patenschaft) -> str:
    return reverse("engagement:patenschaft_check_in", kwargs={"pk": patenschaft.pk})


def _clean_note(errors: dict[str, list[str]], note: str, field: str = "note") -> str:
    note = (note or "").strip()
    if len(note) > MAX_NOTE:
        errors.setdefault(field, []).append(
            _("Please use at most %(max)d characters.") % {"max": MAX_NOTE}
        )
        return note
    try:
        validate_plain_text(note)
    except ValidationError as error:
        errors.setdefault(field, []).extend(error.messages)
    return note


def _is_volunteer(actor: Any, patenschaft: Patenschaft) -> bool:
    return bool(
        getattr(actor, "is_authenticated", False) and patenschaft.volunteer.user_id == actor.pk
    )


def _is_coordinator(actor: Any, patenschaft: Patenschaft) -> bool:
    return patenschaft.district_id in coordinated_district_ids(actor)


def _locked(patenschaft: Patenschaft) -> Patenschaft:
    """The Patenschaft again, row-locked, with what the services and notifications read."""
    return (
        Patenschaft.objects.select_for_update(of=("self",))
        .select_related("request", "volunteer__user", "district")
        .get(pk=patenschaft.pk)
    )


# --- start -------------------------------------------------------------------------------------


def patenschaft_start(*, proposal: Proposal, actor: Any | None, via: str = "web") -> Patenschaft:
    """Start the Patenschaft of a confirmed proposal (called by the proposal workflow inside its
    transaction, with the request and volunteer rows locked). Returns the Patenschaft.

    The Patenschaft belongs to the request's district and starts today; the request is marked
    matched. Raises ValidationError when the proposal is not accepted/confirmed or the request
    already has a Patenschaft. Side effects: audit `engagement.patenschaft.started`, a
    notification (and e-mail on commit) to the volunteer with a link to the Patenschaft's page.
    """
    request: HelpRequest = proposal.request
    if proposal.status not in WINNING_PROPOSAL_STATES:
        raise ValidationError(
            {"proposal": _("A Patenschaft can only start from an accepted proposal.")}
        )
    if Patenschaft.objects.filter(Q(request_id=request.pk) | Q(proposal_id=proposal.pk)).exists():
        raise ValidationError({"request": _("This request already has a Patenschaft.")})
    with transaction.atomic():
        patenschaft = Patenschaft(
            request=request,
            proposal=proposal,
            volunteer=proposal.volunteer,
            district_id=request.district_id,
            status=PatenschaftStatus.ACTIVE,
            started_on=timezone.localdate(),
        )
        patenschaft.full_clean(validate_unique=False, validate_constraints=False)
        patenschaft.save()
        if request.status != RequestStatus.MATCHED:
            request.status = RequestStatus.MATCHED
            request.save(update_fields=["status", "updated_at"])
        volunteer_user = proposal.volunteer.user
        audit_record(
            actor=actor,
            action="engagement.patenschaft.started",
            obj=patenschaft,
            subject=volunteer_user,
            changed_fields=["status", "started_on", "volunteer", "request", "district"],
            via=via,
        )
        notify(
            user=volunteer_user,
            kind="engagement.patenschaft.started",
            template=f"{NOTIFICATION_TEMPLATES}/patenschaft_started",
            context=_facts_for(volunteer_user, patenschaft),
            url=patenschaft_url(patenschaft),
        )
    return patenschaft


# --- check-ins ---------------------------------------------------------------------------------


def patenschaft_check_in(
    *,
    actor: Any,
    patenschaft: Patenschaft,
    still_active: bool,
    has_problems: bool,
    note: str = "",
    via: str = "web",
) -> CheckIn:
    """Record the volunteer's check-in: still active? any problems?

    Only the Patenschaft's volunteer may check in (PermissionDenied otherwise), and only while it
    is active (ValidationError). Clears the 60-day flag. When the volunteer reports problems or
    that it is no longer active, the district's coordinators are notified.
    Side effects: one CheckIn row, audit `engagement.patenschaft.checked_in`.
    """
    if not _is_volunteer(actor, patenschaft):
        raise PermissionDenied
    errors: dict[str, list[str]] = {}
    note = _clean_note(errors, note)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = _locked(patenschaft)
        if locked.status != PatenschaftStatus.ACTIVE:
            raise ValidationError(
                {"__all__": [_("This Patenschaft has ended; a check-in is no longer needed.")]}
            )
        check_in = CheckIn(
            patenschaft=locked,
            still_active=bool(still_active),
            has_problems=bool(has_problems),
            note=note,
        )
        check_in.full_clean()
        check_in.save()
        locked.last_check_in_at = check_in.created_at
        locked.flagged_at = None
        locked.save(update_fields=["last_check_in_at", "flagged_at", "updated_at"])
        audit_record(
            actor=actor,
            action="engagement.patenschaft.checked_in",
            obj=locked,
            subject=locked.volunteer.user,
            changed_fields=["last_check_in_at", "flagged_at"],
            via=via,
        )
        if has_problems or not still_active:
            for coordinator in district_coordinators(district_id=locked.district_id):
                notify(
                    user=coordinator,
                    kind="engagement.patenschaft.check_in_attention",
                    template=f"{NOTIFICATION_TEMPLATES}/patenschaft_check_in_attention",
                    context={
                        **_facts_for(coordinator, locked),
                        "volunteer_name": locked.volunteer.user.get_full_name(),
                        "still_active": bool(still_active),
                        "has_problems": bool(has_problems),
                    },
                    url=patenschaft_url(locked),
                )
        patenschaft.last_check_in_at = locked.last_check_in_at
        patenschaft.flagged_at = None
    return check_in


# --- end ---------------------------------------------------------------------------------------


def patenschaft_end(
    *,
    actor: Any,
    patenschaft: Patenschaft,
    reason: str,
    note: str = "",
    ended_on: datetime.date | None = None,
    via: str = "web",
) -> Patenschaft:
    """End a Patenschaft (its volunteer or a coordinator of its district).

    `ended_on` (default today) may be neither before the start nor in the future. The help
    request is closed. Raises PermissionDenied for other actors and ValidationError for bad
    input or a Patenschaft that already ended (nothing is changed then).
    Side effects: audit `engagement.patenschaft.ended`; the other side is notified (the
    volunteer when a coordinator ends it, the district's coordinators when the volunteer does).
    """
    by_volunteer = _is_volunteer(actor, patenschaft)
    if not by_volunteer and not _is_coordinator(actor, patenschaft):
        raise PermissionDenied
    today = timezone.localdate()
    ended_on = ended_on or today
    errors: dict[str, list[str]] = {}
    if reason not in PatenschaftEndReason.values:
        errors.setdefault("reason", []).append(_("Please choose a reason from the list."))
    note = _clean_note(errors, note)
    if ended_on > today:
        errors.setdefault("ended_on", []).append(_("The end date cannot be in the future."))
    if ended_on < patenschaft.started_on:
        errors.setdefault("ended_on", []).append(
            _("The end date cannot be before the Patenschaft started.")
        )
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = _locked(patenschaft)
        if locked.status != PatenschaftStatus.ACTIVE:
            raise ValidationError({"__all__": [_("This Patenschaft has already ended.")]})
        locked.status = PatenschaftStatus.ENDED
        locked.ended_on = ended_on
        locked.end_reason = reason
        locked.end_note = note
        locked.full_clean(validate_unique=False)
        locked.save(update_fields=["status", "ended_on", "end_reason", "end_note", "updated_at"])
        request = HelpRequest.objects.select_for_update().get(pk=locked.request_id)
        request.status = RequestStatus.CLOSED
        request.closed_at = timezone.now()
        request.close_reason = _CLOSE_REASON.get(reason, RequestCloseReason.OTHER)  # type: ignore[call-overload]
        request.save(update_fields=["status", "closed_at", "close_reason", "updated_at"])
        audit_record(
            actor=actor,
            action="engagement.patenschaft.ended",
            obj=locked,
            subject=locked.volunteer.user,
            changed_fields=["status", "ended_on", "end_reason", "end_note"],
            via=via,
        )
        recipients = (
            district_coordinators(district_id=locked.district_id)
            if by_volunteer
            else [locked.volunteer.user]
        )
        for recipient in recipients:
            if recipient.pk == getattr(actor, "pk", None):
                continue
            with translation.override(recipient_language(recipient)):
                reason_label = str(PatenschaftEndReason(reason).label)
            notify(
                user=recipient,
                kind="engagement.patenschaft.ended",
                template=f"{NOTIFICATION_TEMPLATES}/patenschaft_ended",
                context={
                    **_facts_for(recipient, locked),
                    "reason": reason_label,
                    "by_volunteer": by_volunteer,
                    "volunteer_name": locked.volunteer.user.get_full_name(),
                },
                url=patenschaft_url(locked),
            )
        for field in ("status", "ended_on", "end_reason", "end_note"):
            setattr(patenschaft, field, getattr(locked, field))
    return locked


# --- the daily reminder ------------------------------------------------------------------------


def patenschaften_remind_and_flag(*, now: datetime.datetime | None = None) -> dict[str, int]:
    """Ask volunteers for a check-in and flag long silences to the coordinators (daily task).

    For every active Patenschaft whose last check-in (or, without one, its start) lies 30 days
    or more back and whose volunteer was not asked in the last 30 days: notify the volunteer
    with a link to the check-in form and set `last_prompted_at`. After 60 days without a
    check-in and while `flagged_at` is empty: set `flagged_at` and notify the district's
    coordinators. Idempotent: a second run on the same day sends nothing.
    Returns {"reminded": n, "flagged": m}.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)

    def silent(patenschaft: Patenschaft, interval: datetime.timedelta) -> bool:
        if patenschaft.last_check_in_at is not None:
            return patenschaft.last_check_in_at <= now - interval
        return patenschaft.started_on <= today - interval

    def due_reminder(patenschaft: Patenschaft) -> bool:
        prompted = patenschaft.last_prompted_at
        return silent(patenschaft, CHECK_IN_INTERVAL) and (
            prompted is None or prompted <= now - CHECK_IN_INTERVAL
        )

    def due_flag(patenschaft: Patenschaft) -> bool:
        return patenschaft.flagged_at is None and silent(patenschaft, FLAG_AFTER)

    # The database narrows to the rows silent for 30 days; the rules above decide exactly.
    silent_a_month = Q(last_check_in_at__lte=now - CHECK_IN_INTERVAL) | Q(
        last_check_in_at__isnull=True, started_on__lte=today - CHECK_IN_INTERVAL
    )
    counts = {"reminded": 0, "flagged": 0}
    with transaction.atomic():
        candidates = (
            Patenschaft.objects.select_for_update(of=("self",))
            .filter(status=PatenschaftStatus.ACTIVE)
            .filter(silent_a_month)
            .filter(
                Q(last_prompted_at__isnull=True)
                | Q(last_prompted_at__lte=now - CHECK_IN_INTERVAL)
                | Q(flagged_at__isnull=True)
            )
            .select_related("request", "volunteer__user", "district")
            .order_by("pk")
        )
        coordinators: dict[int, list[User]] = {}
        for patenschaft in candidates:
            volunteer_user = patenschaft.volunteer.user
            remind, flag = due_reminder(patenschaft), due_flag(patenschaft)
            if remind:
                patenschaft.last_prompted_at = now
                patenschaft.save(update_fields=["last_prompted_at", "updated_at"])
                notify(
                    user=volunteer_user,
                    kind="engagement.patenschaft.check_in_reminder",
                    template=f"{NOTIFICATION_TEMPLATES}/patenschaft_check_in_reminder",
                    context=_facts_for(volunteer_user, patenschaft),
                    url=patenschaft_check_in_url(patenschaft),
                )
                counts["reminded"] += 1
            if flag:
                patenschaft.flagged_at = now
                patenschaft.save(update_fields=["flagged_at", "updated_at"])
                audit_record(
                    actor=None,
                    action="engagement.patenschaft.flagged",
                    obj=patenschaft,
                    subject=volunteer_user,
                    changed_fields=["flagged_at"],
                    via="task",
                )
                if patenschaft.district_id not in coordinators:
                    coordinators[patenschaft.district_id] = district_coordinators(
                        district_id=patenschaft.district_id
                    )
                last = patenschaft.last_check_in_at
                days = (today - (timezone.localdate(last) if last else patenschaft.started_on)).days
                for coordinator in coordinators[patenschaft.district_id]:
                    notify(
                        user=coordinator,
                        kind="engagement.patenschaft.flagged",
                        template=f"{NOTIFICATION_TEMPLATES}/patenschaft_flagged",
                        context={
                            **_facts_for(coordinator, patenschaft),
                            "volunteer_name": volunteer_user.get_full_name(),
                            "days": days,
                        },
                        url=patenschaft_url(patenschaft),
                    )
                counts["flagged"] += 1
    return counts
