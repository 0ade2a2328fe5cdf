"""Hours volunteers give, and their review. (Owned by the Patenschaften area.)

Volunteers log hours for one of their Patenschaften or for an opportunity whose organisation
accepted their application. The district's coordinators review Patenschaft hours, the
organisation's members the hours given to its opportunities. Only approved hours go into an
Engagementnachweis.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from lotse.core.audit import audit_record
from lotse.core.validators import validate_plain_text
from lotse.notifications.services import notify
from lotse.volunteers.models import VolunteerProfile

from ..choices import ApplicationStatus, HoursStatus
from ..models import Application, HoursEntry, Opportunity, Patenschaft
from ..permissions import can_review_hours_entry
from .patenschaften import NOTIFICATION_TEMPLATES, recipient_language

MIN_HOURS = Decimal("0.25")
MAX_HOURS_PER_DAY = Decimal("24")
MAX_ACTIVITY = 300
MAX_REVIEW_NOTE = 500


def format_hours(value: Decimal) -> str:
    """Hours in the active language: "2", "1,25" (German), "1.5" (English)."""
    text = formats.number_format(value, decimal_pos=2, use_l10n=True)
    separator = formats.get_format("DECIMAL_SEPARATOR")
    if separator in text:
        text = text.rstrip("0").rstrip(separator)
    return text


def parse_hours(value: Any) -> Decimal | None:
    """Return `value` as a Decimal, or None when it is not a finite number."""
    try:
        hours = Decimal(str(value).strip().replace(",", "."))
    except (InvalidOperation, ValueError):
        return None
    return hours if hours.is_finite() else None


def _check_hours(errors: dict[str, list[str]], value: Any) -> Decimal | None:
    hours = parse_hours(value)
    if hours is None:
        errors.setdefault("hours", []).append(_("Please enter the hours as a number."))
        return None
    if hours < MIN_HOURS or hours > MAX_HOURS_PER_DAY:
        errors.setdefault("hours", []).append(
            _("Please enter between 0.25 and 24 hours."),
        )
        return None
    if (hours * 4) % 1 != 0:
        errors.setdefault("hours", []).append(
            _("Please enter the hours in quarter hours (for example 1.25 or 2.5)."),
        )
        return None
    return hours.quantize(Decimal("0.01"))


def _check_activity(errors: dict[str, list[str]], activity: str) -> str:
    activity = " ".join((activity or "").split())
    if not activity:
        errors.setdefault("activity", []).append(_("Please say briefly what you did."))
    elif len(activity) > MAX_ACTIVITY:
        errors.setdefault("activity", []).append(
            _("Please use at most %(max)d characters.") % {"max": MAX_ACTIVITY}
        )
    else:
        try:
            validate_plain_text(activity)
        except ValidationError as error:
            errors.setdefault("activity", []).extend(error.messages)
    return activity


def _check_target(
    errors: dict[str, list[str]],
    *,
    volunteer: VolunteerProfile,
    patenschaft: Patenschaft | None,
    opportunity: Opportunity | None,
    date: datetime.date | None,
) -> None:
    if (patenschaft is None) == (opportunity is None):
        errors.setdefault("patenschaft", []).append(
            _("Please choose the Patenschaft or the opportunity the hours were for.")
        )
        return
    if patenschaft is not None:
        if patenschaft.volunteer_id != volunteer.pk:
            errors.setdefault("patenschaft", []).append(
                _("You can only log hours for your own Patenschaften.")
            )
            return
        if date is not None and date < patenschaft.started_on:
            errors.setdefault("date", []).append(
                _("The date cannot be before the Patenschaft started (%(date)s).")
                % {"date": formats.date_format(patenschaft.started_on, "SHORT_DATE_FORMAT")}
            )
        if date is not None and patenschaft.ended_on and date > patenschaft.ended_on:
            errors.setdefault("date", []).append(
                _("The date cannot be after the Patenschaft ended (%(date)s).")
                % {"date": formats.date_format(patenschaft.ended_on, "SHORT_DATE_FORMAT")}
            )
        return
    assert opportunity is not None
    accepted = Application.objects.filter(
        opportunity_id=opportunity.pk, volunteer_id=volunteer.pk, status=ApplicationStatus.ACCEPTED
    ).exists()
    if not accepted:
        errors.setdefault("opportunity", []).append(
            _("You can only log hours for opportunities where your application was accepted.")
        )


def hours_log(
    *,
    actor: Any,
    volunteer: VolunteerProfile,
    patenschaft: Patenschaft | None = None,
    opportunity: Opportunity | None = None,
    date: datetime.date,
    hours: Decimal | str | float,
    activity: str,
    via: str = "web",
) -> HoursEntry:
    """Log hours the volunteer gave, for one Patenschaft or one opportunity (pending review).

    The date may not lie in the future (nor before the Patenschaft's start or after its end);
    0.25 to 24 hours in quarter hours, at most 24 hours per day over all entries that were not
    rejected; `activity` is plain text of at most 300 characters. Only the volunteer logs their
    own hours (PermissionDenied otherwise). Raises ValidationError keyed by field, nothing saved.
    Side effect: audit `engagement.hours.logged`.
    """
    if not getattr(actor, "is_authenticated", False) or volunteer.user_id != actor.pk:
        raise PermissionDenied
    errors: dict[str, list[str]] = {}
    if not isinstance(date, datetime.date) or isinstance(date, datetime.datetime):
        errors.setdefault("date", []).append(_("Please enter a valid date."))
        date = None  # type: ignore[assignment]
    elif date > timezone.localdate():
        errors.setdefault("date", []).append(_("The date cannot be in the future."))
    amount = _check_hours(errors, hours)
    activity = _check_activity(errors, activity)
    _check_target(
        errors, volunteer=volunteer, patenschaft=patenschaft, opportunity=opportunity, date=date
    )
    if errors:
        raise ValidationError(errors)
    assert amount is not None
    with transaction.atomic():
        # One volunteer's entries are written one at a time, so the daily sum holds.
        VolunteerProfile.objects.select_for_update().filter(pk=volunteer.pk).exists()
        logged = HoursEntry.objects.filter(volunteer_id=volunteer.pk, date=date).exclude(
            status=HoursStatus.REJECTED
        ).aggregate(total=Sum("hours"))["total"] or Decimal(0)
        if logged + amount > MAX_HOURS_PER_DAY:
            left = max(MAX_HOURS_PER_DAY - logged, Decimal(0))
            raise ValidationError(
                {
                    "hours": [
                        _(
                            "A day has at most 24 hours: you already logged %(logged)s hours "
                            "on this day, so at most %(left)s more."
                        )
                        % {
                            "logged": format_hours(logged),
                            "left": format_hours(left),
                        }
                    ]
                }
            )
        entry = HoursEntry(
            volunteer=volunteer,
            patenschaft=patenschaft,
            opportunity=opportunity,
            date=date,
            hours=amount,
            activity=activity,
            status=HoursStatus.PENDING,
        )
        entry.full_clean()
        entry.save()
        audit_record(
            actor=actor,
            action="engagement.hours.logged",
            obj=entry,
            subject=volunteer.user,
            changed_fields=["date", "hours", "activity", "patenschaft", "opportunity"],
            via=via,
        )
    return entry


def _locked_entry(entry: HoursEntry) -> HoursEntry:
    return (
        HoursEntry.objects.select_for_update(of=("self",))
        .select_related("volunteer__user", "patenschaft", "opportunity")
        .get(pk=entry.pk)
    )


def _require_pending(entry: HoursEntry) -> None:
    if entry.status != HoursStatus.PENDING:
        raise ValidationError({"__all__": [_("These hours have already been reviewed.")]})


def _review(
    *, actor: Any, entry: HoursEntry, status: HoursStatus, note: str, via: str
) -> HoursEntry:
    locked = _locked_entry(entry)
    if not can_review_hours_entry(actor, locked):
        raise PermissionDenied
    _require_pending(locked)
    locked.status = status
    locked.reviewed_by = actor
    locked.reviewed_at = timezone.now()
    locked.review_note = note
    locked.save(update_fields=["status", "reviewed_by", "reviewed_at", "review_note", "updated_at"])
    audit_record(
        actor=actor,
        action=f"engagement.hours.{'approved' if status == HoursStatus.APPROVED else 'rejected'}",
        obj=locked,
        subject=locked.volunteer.user,
        changed_fields=["status", "reviewed_by", "reviewed_at", "review_note"],
        via=via,
    )
    for field in ("status", "reviewed_by", "reviewed_at", "review_note"):
        setattr(entry, field, getattr(locked, field))
    return locked


def hours_approve(*, actor: Any, entry: HoursEntry, via: str = "web") -> HoursEntry:
    """Approve pending hours (coordinators of the Patenschaft's district, members of the
    opportunity's organisation; PermissionDenied otherwise, ValidationError when already
    reviewed). Side effect: audit `engagement.hours.approved`."""
    with transaction.atomic():
        return _review(actor=actor, entry=entry, status=HoursStatus.APPROVED, note="", via=via)


def hours_approve_many(*, actor: Any, entries: Iterable[HoursEntry], via: str = "web") -> int:
    """Approve several pending entries at once: all or none (one transaction). Returns how many."""
    count = 0
    with transaction.atomic():
        for entry in entries:
            _review(actor=actor, entry=entry, status=HoursStatus.APPROVED, note="", via=via)
            count += 1
    return count


def hours_reject(*, actor: Any, entry: HoursEntry, note: str, via: str = "web") -> HoursEntry:
    """Reject pending hours with a reason for the volunteer (same reviewers as approving).

    Side effects: audit `engagement.hours.rejected`; the volunteer is notified with the reason.
    """
    note = " ".join((note or "").split())
    errors: dict[str, list[str]] = {}
    if not note:
        errors["note"] = [_("Please tell the volunteer why the hours are not approved.")]
    elif len(note) > MAX_REVIEW_NOTE:
        errors["note"] = [_("Please use at most %(max)d characters.") % {"max": MAX_REVIEW_NOTE}]
    else:
        try:
            validate_plain_text(note)
        except ValidationError as error:
            errors["note"] = list(error.messages)
    with transaction.atomic():
        # Permission and state come before the input errors: a stranger learns nothing.
        locked = _locked_entry(entry)
        if not can_review_hours_entry(actor, locked):
            raise PermissionDenied
        _require_pending(locked)
        if errors:
            raise ValidationError(errors)
        reviewed = _review(
            actor=actor, entry=entry, status=HoursStatus.REJECTED, note=note, via=via
        )
        volunteer_user = reviewed.volunteer.user
        with translation.override(recipient_language(volunteer_user)):
            context = {
                "date": formats.date_format(reviewed.date, "SHORT_DATE_FORMAT"),
                "hours": format_hours(reviewed.hours),
                "note": note,
            }
        notify(
            user=volunteer_user,
            kind="engagement.hours.rejected",
            template=f"{NOTIFICATION_TEMPLATES}/hours_rejected",
            context=context,
            url=reverse("engagement:hours_list"),
        )
    return reviewed


def hours_delete(*, actor: Any, entry: HoursEntry, via: str = "web") -> None:
    """Delete an own entry that is still pending (PermissionDenied for others' entries,
    ValidationError once reviewed). Side effect: audit `engagement.hours.deleted`."""
    with transaction.atomic():
        locked = _locked_entry(entry)
        if not getattr(actor, "is_authenticated", False) or locked.volunteer.user_id != actor.pk:
            raise PermissionDenied
        _require_pending(locked)
        audit_record(
            actor=actor,
            action="engagement.hours.deleted",
            obj=locked,
            subject=locked.volunteer.user,
            changed_fields=["date", "hours", "activity"],
            via=via,
        )
        locked.delete()
