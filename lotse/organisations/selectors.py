"""Reads of organisations, scoped to the viewer."""

from typing import Any

from django.db.models import Prefetch, Q, QuerySet

from lotse.regions.models import District

from .models import Membership, Organisation
from .permissions import is_platform_admin


def _with_profile(queryset: QuerySet[Organisation]) -> QuerySet[Organisation]:
    """Prefetch everything a list or detail shows, so the query count does not grow with rows."""
    return queryset.select_related("postcode").prefetch_related(
        "topics",
        "languages",
        Prefetch("districts", queryset=District.objects.order_by("name")),
    )


def organisation_directory(
    *,
    user: Any,
    kind: str = "",
    district: District | None = None,
    topic: str = "",
    language: str = "",
    search: str = "",
) -> QuerySet[Organisation]:
    """Return the published organisations for the public directory, filtered and ordered by name."""
    queryset = Organisation.objects.filter(is_published=True)
    if kind:
        queryset = queryset.filter(kind=kind)
    if district is not None:
        queryset = queryset.filter(districts=district)
    if topic:
        queryset = queryset.filter(topics__topic=topic)
    if language:
        queryset = queryset.filter(languages__language=language)
    if search:
        queryset = queryset.filter(name__icontains=search)
    # Each filter matches at most one row per organisation (unique constraints), so no
    # duplicates arise and no DISTINCT is needed.
    return _with_profile(queryset.order_by("name", "pk"))


def organisation_visible_list(*, user: Any) -> QuerySet[Organisation]:
    """Return the organisations the viewer may open: published ones, their own, all for admins."""
    queryset = Organisation.objects.all()
    if not is_platform_admin(user):
        condition = Q(is_published=True)
        if getattr(user, "is_authenticated", False):
            condition |= Q(memberships__user=user)
        queryset = queryset.filter(pk__in=Organisation.objects.filter(condition).values("pk"))
    return _with_profile(queryset.order_by("name", "pk"))


def organisation_editable_list(*, user: Any) -> QuerySet[Organisation]:
    """Return the organisations whose profile the viewer may edit (own ones; all for admins)."""
    if not getattr(user, "is_authenticated", False):
        return Organisation.objects.none()
    queryset = Organisation.objects.all()
    if not is_platform_admin(user):
        queryset = queryset.filter(memberships__user=user)
    return _with_profile(queryset.order_by("name", "pk"))


def membership_list_of_user(*, user: Any) -> QuerySet[Membership]:
    """Return the user's memberships with their organisations, ordered by organisation name."""
    if not getattr(user, "is_authenticated", False):
        return Membership.objects.none()
    return (
        Membership.objects.filter(user=user)
        .select_related("organisation")
        .order_by("organisation__name", "pk")
    )


def district_choices_by_state() -> list[tuple[str, list[tuple[str, str]]]]:
    """Return all districts grouped by Land as (state name, [(slug, name), …]) in one query."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for slug, name, state_name in District.objects.order_by("state__name", "name").values_list(
        "slug", "name", "state__name"
    ):
        groups.setdefault(state_name, []).append((slug, name))
    return list(groups.items())
