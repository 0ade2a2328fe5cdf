"""Reads of Patenschaften and check-ins, scoped to the viewer. (Owned by the Patenschaften
area.)"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import DateField, F, Prefetch, Q, QuerySet
from django.db.models.functions import Coalesce, TruncDate
from django.shortcuts import get_object_or_404
from django.utils import timezone

from ..choices import PatenschaftStatus
from ..models import CheckIn, HelpRequestLanguage, Patenschaft
from ..permissions import coordinated_district_ids

FLAG_DAYS = 60


@dataclass(frozen=True)
class PatenschaftFilters:
    """Filters of the coordinators' list (UI and API)."""

    status: str = ""
    flagged: bool = False
    district_id: int | None = None


def _with_details(queryset: QuerySet[Patenschaft]) -> QuerySet[Patenschaft]:
    return queryset.select_related("request", "volunteer__user", "district").prefetch_related(
        Prefetch("request__languages", queryset=HelpRequestLanguage.objects.order_by("language"))
    )


def _with_last_contact(queryset: QuerySet[Patenschaft]) -> QuerySet[Patenschaft]:
    """Annotate `last_contact`: the day of the last check-in, or the start without one."""
    return queryset.annotate(
        last_contact=Coalesce(
            TruncDate("last_check_in_at"), F("started_on"), output_field=DateField()
        )
    )


def _own(user: Any) -> Q:
    if not getattr(user, "is_authenticated", False):
        return Q(pk__in=[])
    return Q(volunteer__user_id=user.pk)


def _coordinated(user: Any) -> Q:
    return Q(district_id__in=coordinated_district_ids(user))


def patenschaften_own(*, user: Any) -> QuerySet[Patenschaft]:
    """The user's own Patenschaften as a volunteer: active first, newest first."""
    return _with_details(_with_last_contact(Patenschaft.objects.filter(_own(user)))).order_by(
        "status", "-started_on", "-pk"
    )


def patenschaften_visible(*, user: Any) -> QuerySet[Patenschaft]:
    """Every Patenschaft the user may open: their own, and those of districts they coordinate."""
    return _with_details(
        _with_last_contact(Patenschaft.objects.filter(_own(user) | _coordinated(user)))
    ).order_by("status", F("last_contact").asc(), "pk")


def flag_cutoff(today: datetime.date | None = None) -> datetime.date:
    return (today or timezone.localdate()) - datetime.timedelta(days=FLAG_DAYS)


def patenschaften_for_coordinator(
    *, user: Any, filters: PatenschaftFilters | None = None
) -> QuerySet[Patenschaft]:
    """The Patenschaften of the user's districts, longest without a check-in first.

    `filters.flagged` keeps the active ones without a check-in for 60 days (or flagged by the
    daily task and not checked in since).
    """
    filters = filters or PatenschaftFilters()
    queryset = _with_last_contact(Patenschaft.objects.filter(_coordinated(user)))
    if filters.district_id:
        queryset = queryset.filter(district_id=filters.district_id)
    if filters.status:
        queryset = queryset.filter(status=filters.status)
    if filters.flagged:
        queryset = queryset.filter(status=PatenschaftStatus.ACTIVE).filter(
            Q(flagged_at__isnull=False) | Q(last_contact__lte=flag_cutoff())
        )
    return _with_details(queryset).order_by(F("last_contact").asc(), "started_on", "pk")


def patenschaft_get_visible(*, user: Any, pk: int) -> Patenschaft:
    """One Patenschaft the user may open; Http404 for every other."""
    return get_object_or_404(patenschaften_visible(user=user), pk=pk)


def patenschaft_get_own(*, user: Any, pk: int) -> Patenschaft:
    """One of the user's own Patenschaften; Http404 for every other."""
    return get_object_or_404(patenschaften_own(user=user), pk=pk)


def patenschaft_check_ins(*, patenschaft: Patenschaft, limit: int = 12) -> list[CheckIn]:
    """The latest check-ins of a Patenschaft (the caller has already been allowed to see it)."""
    return list(patenschaft.check_ins.order_by("-created_at", "-pk")[:limit])


def days_since_contact(patenschaft: Patenschaft, today: datetime.date | None = None) -> int:
    """Days since the last check-in (or the start), for a row annotated with `last_contact`."""
    today = today or timezone.localdate()
    last = getattr(patenschaft, "last_contact", None)
    if last is None:
        last = (
            timezone.localdate(patenschaft.last_check_in_at)
            if patenschaft.last_check_in_at
            else patenschaft.started_on
        )
    if isinstance(last, datetime.datetime):
        last = last.date()
    return max((today - last).days, 0)


def is_flagged(patenschaft: Patenschaft, today: datetime.date | None = None) -> bool:
    """Active and 60 days (or more) without a check-in, or flagged by the daily task."""
    if patenschaft.status != PatenschaftStatus.ACTIVE:
        return False
    return patenschaft.flagged_at is not None or days_since_contact(patenschaft, today) >= FLAG_DAYS
