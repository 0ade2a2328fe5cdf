"""Reads of the volunteers module, scoped to the viewer."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.shortcuts import get_object_or_404

from lotse.accounts.selectors import user_coordinated_district_ids
from lotse.core.availability import parse_cell_key, slot_bit
from lotse.core.geo import bounding_box, distance_km_expression
from lotse.regions.models import District, Postcode

from .models import VolunteerLanguage, VolunteerProfile, VolunteerTopic


@dataclass(frozen=True)
class VolunteerFilters:
    """The filters of the coordinators' volunteer list (UI and API)."""

    district_id: int | None = None
    topic: str = ""
    language: str = ""
    availability_cell: str = ""
    near_postcode: Postcode | None = None
    distance_km: float | None = None
    search: str = ""


def _with_details(queryset: QuerySet[VolunteerProfile]) -> QuerySet[VolunteerProfile]:
    return queryset.select_related("user", "postcode", "district").prefetch_related(
        "languages", "topics", "roles"
    )


def volunteer_profile_get_own(*, user: Any) -> VolunteerProfile | None:
    """Return the user's own volunteer profile with its details, or None."""
    if not getattr(user, "is_authenticated", False):
        return None
    return _with_details(VolunteerProfile.objects.filter(user=user)).first()


def coordinated_districts(*, user: Any) -> QuerySet[District]:
    """Return the districts the user coordinates, by name."""
    return District.objects.filter(pk__in=user_coordinated_district_ids(user=user)).order_by("name")


def volunteers_for_coordinator(*, user: Any) -> QuerySet[VolunteerProfile]:
    """Return all volunteer profiles in the districts the user coordinates (none for others)."""
    return VolunteerProfile.objects.filter(district__in=user_coordinated_district_ids(user=user))


def volunteer_list_for_coordinator(
    *, user: Any, filters: VolunteerFilters | None = None
) -> QuerySet[VolunteerProfile]:
    """Return the volunteers of the user's districts, filtered, with their details prefetched.

    With `filters.near_postcode` each row gets `distance_km` (great-circle distance between the
    postcode centres) and the rows are ordered by it; `filters.distance_km` keeps only rows
    within that distance, using a bounding box on the indexed coordinates first.
    """
    filters = filters or VolunteerFilters()
    queryset = volunteers_for_coordinator(user=user)
    if filters.district_id:
        queryset = queryset.filter(district_id=filters.district_id)
    if filters.topic:
        queryset = queryset.filter(
            Exists(VolunteerTopic.objects.filter(volunteer=OuterRef("pk"), topic=filters.topic))
        )
    if filters.language:
        queryset = queryset.filter(
            Exists(
                VolunteerLanguage.objects.filter(
                    volunteer=OuterRef("pk"), language=filters.language
                )
            )
        )
    if filters.availability_cell:
        bit = slot_bit(*parse_cell_key(filters.availability_cell))
        queryset = queryset.annotate(available_bit=F("availability").bitand(bit)).filter(
            available_bit__gt=0
        )
    for term in filters.search.split()[:5]:
        queryset = queryset.filter(
            Q(user__first_name__icontains=term)
            | Q(user__last_name__icontains=term)
            | Q(user__email__icontains=term)
        )
    queryset = _with_details(queryset)
    origin = filters.near_postcode
    if origin is None:
        return queryset.order_by("user__last_name", "user__first_name", "pk")
    queryset = queryset.annotate(
        distance_km=distance_km_expression(
            "postcode__latitude", "postcode__longitude", origin.latitude, origin.longitude
        )
    )
    if filters.distance_km is not None:
        min_lat, max_lat, min_lon, max_lon = bounding_box(
            origin.latitude, origin.longitude, filters.distance_km
        )
        queryset = queryset.filter(
            postcode__latitude__range=(min_lat, max_lat),
            postcode__longitude__range=(min_lon, max_lon),
            distance_km__lte=filters.distance_km,
        )
    return queryset.order_by("distance_km", "user__last_name", "user__first_name", "pk")


def volunteer_get_for_coordinator(*, user: Any, pk: int) -> VolunteerProfile:
    """Return one volunteer of the user's districts; raise Http404 for every other profile."""
    return get_object_or_404(_with_details(volunteers_for_coordinator(user=user)), pk=pk)
