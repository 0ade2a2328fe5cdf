"""Object rules of the organisations module (used by HTML views and the API alike)."""

from typing import Any

import rules

from lotse.accounts.selectors import user_permissions

from .models import Membership, Organisation


def _member_organisation_ids(user: Any) -> set[int]:
    """Return the ids of the user's organisations, cached on the user for the request."""
    cached = getattr(user, "_lotse_organisation_ids", None)
    if cached is None:
        cached = set(Membership.objects.filter(user=user).values_list("organisation_id", flat=True))
        user._lotse_organisation_ids = cached
    return cached


@rules.predicate
def is_member_of_organisation(user: Any, organisation: Organisation | None) -> bool:
    """True when the user is a member or admin of this organisation."""
    if organisation is None or not getattr(user, "is_authenticated", False):
        return False
    return organisation.pk in _member_organisation_ids(user)


@rules.predicate
def is_platform_admin(user: Any) -> bool:
    """True when the user's roles allow managing all organisations."""
    return "organisations.manage_organisations" in user_permissions(user=user)


@rules.predicate
def is_published(user: Any, organisation: Organisation | None) -> bool:
    """True when the organisation is shown in the public directory."""
    return organisation is not None and organisation.is_published


can_edit_organisation = is_member_of_organisation | is_platform_admin
can_view_organisation = is_published | can_edit_organisation
can_create_organisation = is_platform_admin
