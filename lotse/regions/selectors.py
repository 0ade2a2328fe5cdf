"""Reads of region data (public)."""

from django.db.models import Count, Q, QuerySet

from .models import District, Postcode, State


def postcode_get(*, code: str) -> Postcode | None:
    """Return the postcode with its district, or None if Germany has no such postcode."""
    code = (code or "").strip()
    if len(code) != 5 or not code.isdigit():
        return None
    return Postcode.objects.select_related("district").filter(code=code).first()


def district_list(*, state_code: str = "", search: str = "") -> QuerySet[District]:
    """Return districts for the public directory, with their published organisation count."""
    queryset = District.objects.select_related("state", "administrative_region").annotate(
        organisation_count=Count("organisations", filter=Q(organisations__is_published=True))
    )
    if state_code:
        queryset = queryset.filter(state__code=state_code)
    if search:
        queryset = queryset.filter(name__icontains=search)
    return queryset.order_by("name", "ags")


def state_list() -> QuerySet[State]:
    return State.objects.order_by("name")
