"""Reads of hours entries, scoped to the viewer. (Owned by the Patenschaften area.)"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.shortcuts import get_object_or_404

from lotse.volunteers.models import VolunteerProfile

from ..choices import ApplicationStatus, HoursStatus
from ..models import HoursEntry, Opportunity, Patenschaft
from ..permissions import coordinated_district_ids, member_organisation_ids


def volunteer_profile_of(*, user: Any) -> VolunteerProfile | None:
    """The user's volunteer profile (with the user), or None."""
    if not getattr(user, "is_authenticated", False):
        return None
    return VolunteerProfile.objects.filter(user_id=user.pk).select_related("user").first()


def _with_details(queryset: QuerySet[HoursEntry]) -> QuerySet[HoursEntry]:
    return queryset.select_related(
        "volunteer__user",
        "patenschaft__request",
        "patenschaft__district",
        "opportunity__organisation",
    )


def hours_own(*, user: Any) -> QuerySet[HoursEntry]:
    """The user's own hours entries, newest first."""
    if not getattr(user, "is_authenticated", False):
        return HoursEntry.objects.none()
    return _with_details(HoursEntry.objects.filter(volunteer__user_id=user.pk)).order_by(
        "-date", "-pk"
    )


def hours_get_own(*, user: Any, pk: int) -> HoursEntry:
    return get_object_or_404(hours_own(user=user), pk=pk)


def _reviewable(user: Any) -> Q:
    return Q(patenschaft__district_id__in=coordinated_district_ids(user)) | Q(
        opportunity__organisation_id__in=member_organisation_ids(user)
    )


def is_hours_reviewer(*, user: Any) -> bool:
    """Coordinators and organisation members review hours (each only their own share)."""
    return bool(coordinated_district_ids(user) or member_organisation_ids(user))


def hours_pending_for_reviewer(*, user: Any) -> QuerySet[HoursEntry]:
    """Pending entries the user may approve: Patenschaft hours of the districts they coordinate,
    hours given to their organisations' opportunities. Oldest first."""
    if not is_hours_reviewer(user=user):
        return HoursEntry.objects.none()
    return _with_details(
        HoursEntry.objects.filter(status=HoursStatus.PENDING).filter(_reviewable(user))
    ).order_by("date", "pk")


def hours_get_pending_for_reviewer(*, user: Any, pk: int) -> HoursEntry:
    return get_object_or_404(hours_pending_for_reviewer(user=user), pk=pk)


def hours_monthly_totals(*, user: Any, months: int = 12) -> list[dict[str, Any]]:
    """Approved and pending hours of the user per month, newest month first (one query)."""
    if not getattr(user, "is_authenticated", False):
        return []
    rows = (
        HoursEntry.objects.filter(volunteer__user_id=user.pk)
        .exclude(status=HoursStatus.REJECTED)
        .annotate(month=TruncMonth("date"))
        .values("month")
        .annotate(
            approved=Sum("hours", filter=Q(status=HoursStatus.APPROVED)),
            pending=Sum("hours", filter=Q(status=HoursStatus.PENDING)),
        )
        .order_by("-month")[:months]
    )
    return [
        {
            "month": row["month"],
            "approved": row["approved"] or Decimal(0),
            "pending": row["pending"] or Decimal(0),
        }
        for row in rows
    ]


def hours_targets(*, volunteer: VolunteerProfile) -> tuple[list[Patenschaft], list[Opportunity]]:
    """What a volunteer can log hours for: their Patenschaften (active or ended) and the
    opportunities where their application was accepted."""
    patenschaften = list(
        Patenschaft.objects.filter(volunteer_id=volunteer.pk)
        .select_related("request")
        .order_by("status", "-started_on", "-pk")
    )
    opportunities = list(
        Opportunity.objects.filter(
            applications__volunteer_id=volunteer.pk,
            applications__status=ApplicationStatus.ACCEPTED,
        )
        .select_related("organisation")
        .distinct()
        .order_by("title", "pk")
    )
    return patenschaften, opportunities
