"""Object rules of the accounts module."""

from typing import Any

import rules

from .selectors import user_can_manage_users


@rules.predicate
def can_manage_users(user: Any) -> bool:
    """Platform administrators (and superusers) manage users, roles and memberships."""
    return user_can_manage_users(user=user)


rules.add_perm("accounts.manage_users", can_manage_users)
