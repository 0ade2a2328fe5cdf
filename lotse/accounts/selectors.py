"""Reads about users and their roles."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, Q, QuerySet

from .models import RoleAssignment, User
from .roles import STAFF_ROLES, Role, permissions_of


def user_role_assignments(*, user: Any) -> list[RoleAssignment]:
    """Return the user's role assignments, cached on the user object for the request."""
    if not getattr(user, "is_authenticated", False):
        return []
    cached = getattr(user, "_lotse_role_assignments", None)
    if cached is None:
        cached = list(RoleAssignment.objects.filter(user=user).select_related("district", "state"))
        user._lotse_role_assignments = cached
    return cached


def user_roles(*, user: Any) -> set[str]:
    return {assignment.role for assignment in user_role_assignments(user=user)}


def user_has_role(*, user: Any, role: Role) -> bool:
    return role in user_roles(user=user)


def user_coordinated_district_ids(*, user: Any) -> set[int]:
    """Return the ids of the districts the user coordinates."""
    return {
        assignment.district_id
        for assignment in user_role_assignments(user=user)
        if assignment.role == Role.COORDINATOR and assignment.district_id is not None
    }


def user_edited_state_ids(*, user: Any) -> set[int]:
    """Return the ids of the Länder the user is a state editor of."""
    return {
        assignment.state_id
        for assignment in user_role_assignments(user=user)
        if assignment.role == Role.STATE_EDITOR and assignment.state_id is not None
    }


def user_is_organisation_admin(*, user: Any) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    cached = getattr(user, "_lotse_is_org_admin", None)
    if cached is None:
        cached = user.memberships.filter(role="admin").exists()
        user._lotse_is_org_admin = cached
    return bool(cached)


def user_is_staff(*, user: Any) -> bool:
    """True when the user holds any staff role and so must log in with a second factor."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser or user.is_staff:
        return True
    return bool(user_roles(user=user) & STAFF_ROLES) or user_is_organisation_admin(user=user)


def user_permissions(*, user: Any) -> frozenset[str]:
    """Return the permission codes the user's roles grant."""
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    roles = user_roles(user=user)
    if user.is_superuser:
        roles.add(Role.PLATFORM_ADMIN)
    return permissions_of(roles)


def user_can_manage_users(*, user: Any) -> bool:
    """True for platform administrators and superusers."""
    return "accounts.manage_users" in user_permissions(user=user)


def user_list(*, user: Any, search: str = "") -> QuerySet[User]:
    """Return the users a platform admin manages (nobody else gets any), optionally filtered.

    Searches e-mail address, first and last name; role assignments are prefetched.
    """
    if not user_can_manage_users(user=user):
        return User.objects.none()
    queryset = User.objects.order_by("email").prefetch_related(
        Prefetch(
            "role_assignments",
            queryset=RoleAssignment.objects.select_related("district", "state").order_by("role"),
        )
    )
    search = search.strip()
    if search:
        queryset = queryset.filter(
            Q(email__icontains=search)
            | Q(first_name__icontains=search)
            | Q(last_name__icontains=search)
        )
    return queryset


def user_memberships(*, user: Any, subject: User) -> list[Any]:
    """Return `subject`'s organisation memberships for a platform admin (else nothing)."""
    if not user_can_manage_users(user=user):
        return []
    from lotse.organisations.models import Membership

    return list(
        Membership.objects.filter(user=subject)
        .select_related("organisation")
        .order_by("organisation__name")
    )


def organisation_choices() -> list[tuple[int, str]]:
    """Return (id, name) of every organisation, for the admin's membership form."""
    from lotse.organisations.models import Organisation

    return list(Organisation.objects.order_by("name").values_list("pk", "name"))
