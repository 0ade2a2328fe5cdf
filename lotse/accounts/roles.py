"""Roles are data, permissions are code: the one map from role to permissions.

A role assignment gives a user a role, scoped where the role needs it (a coordinator to a
district, a state editor to a Land). Object rules (`permissions.py` of each module) then decide
*which* records a permission reaches.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    COORDINATOR = "coordinator", _("Integration coordinator (Integrationslotse/-lotsin)")
    STATE_EDITOR = "state_editor", _("State editor")
    FUNDING_REVIEWER = "funding_reviewer", _("Funding reviewer")
    JUROR = "juror", _("Jury member")
    PLATFORM_ADMIN = "platform_admin", _("Platform administrator")


# Roles whose scope is a district / a Land; the others are not scoped.
DISTRICT_SCOPED_ROLES = frozenset({Role.COORDINATOR})
STATE_SCOPED_ROLES = frozenset({Role.STATE_EDITOR})

# Every staff role must log in with a second factor (TOTP). Organisation admins are staff too
# (their flag lives on the organisation membership).
STAFF_ROLES = frozenset(Role)

ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    Role.COORDINATOR: frozenset(
        {
            "volunteers.view_district_volunteers",
            "organisations.view_directory",
            "questions.answer_district_questions",
            "questions.edit_knowledge_base",
            "infobriefe.write_infobriefe",
        }
    ),
    Role.STATE_EDITOR: frozenset(
        {
            "organisations.view_directory",
            "questions.answer_forwarded_questions",
            "questions.edit_knowledge_base",
            "questions.moderate_dialog",
            "infobriefe.write_infobriefe",
        }
    ),
    Role.FUNDING_REVIEWER: frozenset(),
    Role.JUROR: frozenset(),
    Role.PLATFORM_ADMIN: frozenset(
        {
            "accounts.manage_users",
            "organisations.manage_organisations",
            "organisations.view_directory",
        }
    ),
}


def permissions_of(roles: set[str]) -> frozenset[str]:
    """Return the union of the permissions of `roles`."""
    result: set[str] = set()
    for role in roles:
        result |= ROLE_PERMISSIONS.get(role, frozenset())
    return frozenset(result)
