"""Reads of opportunities and applications, scoped to the viewer.

Every queryset comes with its `select_related`/`prefetch_related`, so a list page does the same
number of queries whatever the number of rows.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    FloatField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
)
from django.shortcuts import get_object_or_404
from django.utils import timezone

from lotse.core.geo import bounding_box, distance_km_expression
from lotse.organisations.models import Organisation
from lotse.organisations.permissions import is_platform_admin
from lotse.regions.models import Postcode

from ..choices import ApplicationStatus, OpportunityKind, OpportunityStatus
from ..models import Application, Opportunity, OpportunityLanguage
from ..permissions import member_organisation_ids


@dataclass(frozen=True)
class OpportunityFilters:
    """The filters of the public opportunity list (UI and API).

    `date_from` shows one-off opportunities on or after that day only (ongoing ones have no
    date and are shown only without a date filter). `near_postcode` orders by distance;
    with `distance_km` only places within that distance (and online opportunities) remain.
    """

    topic: str = ""
    district_id: int | None = None
    language: str = ""
    near_postcode: Postcode | None = None
    distance_km: float | None = None
    date_from: datetime.date | None = None
    online_only: bool = False


def _start_of_day(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _not_past(now: datetime.datetime) -> Q:
    """Ongoing ones, and one-off ones whose end (or, without an end, whose day) has not passed."""
    today = _start_of_day(timezone.localdate(now))
    return (
        ~Q(kind=OpportunityKind.ONE_OFF)
        | Q(ends_at__gte=now)
        | Q(ends_at__isnull=True, starts_at__gte=today)
    )


def _with_details(queryset: QuerySet[Opportunity]) -> QuerySet[Opportunity]:
    return queryset.select_related("organisation", "district", "postcode").prefetch_related(
        Prefetch("languages", queryset=OpportunityLanguage.objects.order_by("language", "pk"))
    )


def opportunity_public_list(
    *, user: Any, filters: OpportunityFilters | None = None
) -> QuerySet[Opportunity]:
    """Return the open opportunities of published organisations for the public list, filtered.

    Full, closed and past one-off opportunities are not listed. Ordered by newest first; with a
    date filter by start; with `near_postcode` by distance (online ones last), each row
    annotated with `distance_km`.
    """
    filters = filters or OpportunityFilters()
    now = timezone.now()
    queryset = Opportunity.objects.filter(
        _not_past(now), status=OpportunityStatus.OPEN, organisation__is_published=True
    )
    if filters.topic:
        queryset = queryset.filter(topic=filters.topic)
    if filters.district_id:
        queryset = queryset.filter(district_id=filters.district_id)
    if filters.language:
        queryset = queryset.filter(
            Exists(
                OpportunityLanguage.objects.filter(
                    opportunity=OuterRef("pk"), language=filters.language
                )
            )
        )
    if filters.online_only:
        queryset = queryset.filter(is_online=True)
    if filters.date_from is not None:
        start = _start_of_day(filters.date_from)
        queryset = queryset.filter(kind=OpportunityKind.ONE_OFF).filter(
            Q(ends_at__gte=start) | Q(ends_at__isnull=True, starts_at__gte=start)
        )
    queryset = _with_details(queryset)
    origin = filters.near_postcode
    if origin is None:
        if filters.date_from is not None:
            return queryset.order_by("starts_at", "pk")
        return queryset.order_by("-created_at", "-pk")
    # Online opportunities have no place, hence no distance. (PostgreSQL's GREATEST/LEAST
    # ignore NULLs, so the expression alone would give them 0 km there.)
    queryset = queryset.annotate(
        distance_km=Case(
            When(postcode__isnull=True, then=Value(None, output_field=FloatField())),
            default=distance_km_expression(
                "postcode__latitude", "postcode__longitude", origin.latitude, origin.longitude
            ),
            output_field=FloatField(),
        )
    )
    if filters.distance_km is not None:
        min_lat, max_lat, min_lon, max_lon = bounding_box(
            origin.latitude, origin.longitude, filters.distance_km
        )
        queryset = queryset.filter(
            Q(is_online=True)
            | Q(
                postcode__latitude__range=(min_lat, max_lat),
                postcode__longitude__range=(min_lon, max_lon),
                distance_km__lte=filters.distance_km,
            )
        )
    return queryset.order_by(F("distance_km").asc(nulls_last=True), "starts_at", "pk")


def opportunity_visible_list(*, user: Any) -> QuerySet[Opportunity]:
    """Return the opportunities whose page the viewer may open (any status).

    Those of published organisations; of unpublished ones only for the organisation's members,
    the volunteers who applied, and platform admins.
    """
    queryset = Opportunity.objects.all()
    if not is_platform_admin(user):
        condition: Any = Q(organisation__is_published=True)
        if getattr(user, "is_authenticated", False):
            applied = Exists(
                Application.objects.filter(opportunity=OuterRef("pk"), volunteer__user=user)
            )
            condition = condition | Q(organisation_id__in=member_organisation_ids(user)) | applied
        queryset = queryset.filter(condition)
    return _with_details(queryset)


def opportunity_get_visible(*, user: Any, pk: int) -> Opportunity:
    """Return one opportunity the viewer may see; Http404 otherwise."""
    return get_object_or_404(opportunity_visible_list(user=user), pk=pk)


def opportunity_manageable_list(*, user: Any) -> QuerySet[Opportunity]:
    """Return the opportunities of the user's organisations (all for platform admins).

    Each row has `pending_count` (applications waiting for an answer). Open ones first, then
    by newest.
    """
    if not getattr(user, "is_authenticated", False):
        return Opportunity.objects.none()
    queryset = Opportunity.objects.all()
    if not is_platform_admin(user):
        queryset = queryset.filter(organisation_id__in=member_organisation_ids(user))
    return (
        _with_details(queryset)
        .annotate(
            pending_count=Count(
                "applications", filter=Q(applications__status=ApplicationStatus.PENDING)
            )
        )
        .annotate(
            status_rank=Case(
                When(status=OpportunityStatus.OPEN, then=Value(0)),
                When(status=OpportunityStatus.FULL, then=Value(1)),
                default=Value(2),
            )
        )
        .order_by("status_rank", "-created_at", "-pk")
    )


def opportunity_get_for_manager(*, user: Any, pk: int) -> Opportunity:
    """Return one opportunity the user manages; Http404 for every other one."""
    return get_object_or_404(opportunity_manageable_list(user=user), pk=pk)


def organisations_for_posting(*, user: Any) -> QuerySet[Organisation]:
    """Return the organisations the user may post opportunities for (all for platform admins)."""
    if not getattr(user, "is_authenticated", False):
        return Organisation.objects.none()
    queryset = Organisation.objects.order_by("name", "pk")
    if not is_platform_admin(user):
        queryset = queryset.filter(pk__in=member_organisation_ids(user))
    return queryset


# --- applications ------------------------------------------------------------------------------


def _application_details(queryset: QuerySet[Application]) -> QuerySet[Application]:
    return queryset.select_related(
        "opportunity__organisation",
        "opportunity__district",
        "volunteer__user",
        "volunteer__district",
        "decided_by",
    )


def application_list_for_opportunity(
    *, user: Any, opportunity: Opportunity
) -> QuerySet[Application]:
    """Return the applications of an opportunity the user manages (none for anyone else).

    Pending ones first, then by date; the volunteers' languages are prefetched.
    """
    managed = opportunity_manageable_list(user=user).filter(pk=opportunity.pk)
    queryset = Application.objects.filter(opportunity__in=managed.values("pk"))
    return (
        _application_details(queryset)
        .prefetch_related("volunteer__languages")
        .annotate(
            pending_rank=Case(
                When(status=ApplicationStatus.PENDING, then=Value(0)), default=Value(1)
            )
        )
        .order_by("pending_rank", "created_at", "pk")
    )


def application_list_of_volunteer(*, user: Any) -> QuerySet[Application]:
    """Return the user's own applications, newest first."""
    if not getattr(user, "is_authenticated", False):
        return Application.objects.none()
    return _application_details(Application.objects.filter(volunteer__user=user)).order_by(
        "-created_at", "-pk"
    )


def application_visible_list(*, user: Any) -> QuerySet[Application]:
    """Return the applications the user may open: their own, and those to their organisations'
    opportunities (all for platform admins)."""
    if not getattr(user, "is_authenticated", False):
        return Application.objects.none()
    queryset = Application.objects.all()
    if not is_platform_admin(user):
        queryset = queryset.filter(
            Q(volunteer__user=user)
            | Q(opportunity__organisation_id__in=member_organisation_ids(user))
        )
    return _application_details(queryset)


def application_get_visible(*, user: Any, pk: int) -> Application:
    """Return one application the user may open; Http404 otherwise."""
    return get_object_or_404(application_visible_list(user=user), pk=pk)


def application_get_own(*, user: Any, pk: int) -> Application:
    """Return one of the user's own applications; Http404 for every other one."""
    return get_object_or_404(application_list_of_volunteer(user=user), pk=pk)


def application_of_volunteer_for(*, user: Any, opportunity: Opportunity) -> Application | None:
    """Return the user's application for this opportunity, if any."""
    if not getattr(user, "is_authenticated", False):
        return None
    return Application.objects.filter(opportunity=opportunity, volunteer__user=user).first()
