"""Reads of help requests, scoped to the viewer.

Coordinators see the requests of the districts they coordinate (everybody else none, so a
detail view of another district's request is a 404). The newcomer reaches their own request
only through the secret status link (`help_request_get_by_key`).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.shortcuts import get_object_or_404

from lotse.accounts.models import User
from lotse.accounts.roles import Role
from lotse.accounts.selectors import user_coordinated_district_ids
from lotse.core.geo import distance_km_expression
from lotse.regions.models import District
from lotse.volunteers.choices import VolunteerRole, VolunteerStatus
from lotse.volunteers.models import VolunteerProfile, VolunteerRoleChoice

from ..choices import LIVE_PROPOSAL_STATES, RequestStatus
from ..models import HelpRequest, Proposal

# The queue shows the requests still waiting for a Patenschaft unless a status is chosen.
WAITING_STATES = (RequestStatus.OPEN, RequestStatus.PROPOSED)
STATUS_ALL = "all"


def help_request_key_hash(key: str) -> str:
    """Return the SHA-256 (hex) of a status link key, as stored in `access_key_hash`."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class RequestFilters:
    """Filters of the coordinators' request queue (UI and API).

    `status` empty means "waiting" (open or proposed); `STATUS_ALL` means every status.
    """

    status: str = ""
    topic: str = ""
    urgency: str = ""
    district_id: int | None = None


def _coordinated_ids(user: Any) -> set[int]:
    if not getattr(user, "is_authenticated", False):
        return set()
    return user_coordinated_district_ids(user=user)


def help_requests_for_coordinator(*, user: Any) -> QuerySet[HelpRequest]:
    """Return every help request of the districts the user coordinates (none for others)."""
    return HelpRequest.objects.filter(district__in=_coordinated_ids(user))


def help_request_list_for_coordinator(
    *, user: Any, filters: RequestFilters | None = None
) -> QuerySet[HelpRequest]:
    """Return the queue of the user's districts, oldest first, filtered.

    Each row has `live_proposals` (proposals suggested, sent or accepted); district, postcode
    and languages are loaded with the rows (a constant number of queries per page).
    """
    filters = filters or RequestFilters()
    queryset = help_requests_for_coordinator(user=user)
    if filters.status == STATUS_ALL:
        pass
    elif filters.status:
        queryset = queryset.filter(status=filters.status)
    else:
        queryset = queryset.filter(status__in=WAITING_STATES)
    if filters.topic:
        queryset = queryset.filter(topic=filters.topic)
    if filters.urgency:
        queryset = queryset.filter(urgency=filters.urgency)
    if filters.district_id:
        queryset = queryset.filter(district_id=filters.district_id)
    return (
        queryset.select_related("district", "postcode")
        .prefetch_related("languages")
        .annotate(
            live_proposals=Count("proposals", filter=Q(proposals__status__in=LIVE_PROPOSAL_STATES))
        )
        .order_by("created_at", "pk")
    )


def help_request_get_for_coordinator(*, user: Any, pk: int) -> HelpRequest:
    """Return one request of the user's districts with its details; Http404 for all others."""
    queryset = help_requests_for_coordinator(user=user).select_related(
        "district", "postcode", "entered_by", "interpreter__user", "interpreter__postcode"
    )
    return get_object_or_404(queryset.prefetch_related("languages"), pk=pk)


def help_request_get_by_key(*, key: str) -> HelpRequest | None:
    """Return the request of a status link key (None for an unknown or cleared key)."""
    key = (key or "").strip()
    if not key or len(key) > 100:
        return None
    return (
        HelpRequest.objects.select_related("district")
        .filter(access_key_hash=help_request_key_hash(key), anonymised_at__isnull=True)
        .first()
    )


def proposal_history_for_request(*, request: HelpRequest) -> QuerySet[Proposal]:
    """Return every proposal of a request, newest first, with volunteer and deciders."""
    return (
        Proposal.objects.filter(request=request)
        .select_related("volunteer__user", "volunteer__district", "created_by", "decided_by")
        .order_by("-created_at", "-pk")
    )


def district_coordinators(*, district_id: int) -> QuerySet[User]:
    """Return the active users who coordinate the district."""
    return (
        User.objects.filter(
            is_active=True,
            role_assignments__role=Role.COORDINATOR,
            role_assignments__district_id=district_id,
        )
        .distinct()
        .order_by("pk")
    )


def coordinated_districts(*, user: Any) -> QuerySet[District]:
    """Return the districts the user coordinates, by name."""
    return District.objects.filter(pk__in=_coordinated_ids(user)).order_by("name")


def interpreter_candidates(*, user: Any, request: HelpRequest) -> QuerySet[VolunteerProfile]:
    """Return the active volunteers of the request's district who offer to interpret.

    Nobody for a user who does not coordinate the request's district.
    """
    if request.district_id not in _coordinated_ids(user):
        return VolunteerProfile.objects.none()
    return (
        VolunteerProfile.objects.filter(
            district_id=request.district_id,
            status=VolunteerStatus.ACTIVE,
        )
        .filter(
            Exists(
                VolunteerRoleChoice.objects.filter(
                    volunteer=OuterRef("pk"), role=VolunteerRole.INTERPRETER
                )
            )
        )
        .select_related("user")
        .prefetch_related("languages")
        .order_by("user__last_name", "user__first_name", "pk")
    )


def volunteer_candidates_for_request(
    *, user: Any, request: HelpRequest, search: str = "", limit: int = 25
) -> QuerySet[VolunteerProfile]:
    """Return active volunteers of the user's districts a coordinator may match by hand.

    Excludes volunteers already proposed for this request; filters by name when `search` is
    given; ordered by the distance between the postcodes (each row has `distance_km`).
    """
    if request.district_id not in _coordinated_ids(user):
        return VolunteerProfile.objects.none()
    queryset = VolunteerProfile.objects.filter(
        district__in=_coordinated_ids(user), status=VolunteerStatus.ACTIVE
    ).exclude(Exists(Proposal.objects.filter(request=request, volunteer=OuterRef("pk"))))
    for term in search.split()[:5]:
        queryset = queryset.filter(
            Q(user__first_name__icontains=term) | Q(user__last_name__icontains=term)
        )
    postcode = request.postcode
    return (
        queryset.select_related("user", "postcode", "district")
        .prefetch_related("languages", "topics")
        .annotate(
            distance_km=distance_km_expression(
                "postcode__latitude", "postcode__longitude", postcode.latitude, postcode.longitude
            )
        )
        .order_by("distance_km", "user__last_name", "pk")[:limit]
    )
