"""Object rules of the Infobriefe, used by the HTML views, the API and the services.

- Coordinators write Infobriefe of their district team: the audience is that one district.
  Every coordinator of the district sees and edits the team's Infobriefe.
- State editors write Infobriefe of their Land (the whole Land, one Regierungsbezirk or
  selected districts). They see every Infobrief of their Land, the district teams' too, but
  edit and send only the Land's own (those without a district team).
- Anyone reads sent Infobriefe in the public archive; nobody else sees drafts (404).
"""

from __future__ import annotations

from typing import Any

import rules

from lotse.accounts.selectors import user_coordinated_district_ids, user_edited_state_ids

from .models import Infobrief


def coordinated_district_ids(user: Any) -> set[int]:
    if not getattr(user, "is_authenticated", False):
        return set()
    return user_coordinated_district_ids(user=user)


def edited_state_ids(user: Any) -> set[int]:
    if not getattr(user, "is_authenticated", False):
        return set()
    return user_edited_state_ids(user=user)


@rules.predicate
def is_infobrief_writer(user: Any) -> bool:
    """A coordinator or a state editor (may write Infobriefe at all)."""
    return bool(coordinated_district_ids(user) or edited_state_ids(user))


@rules.predicate
def can_view_infobrief(user: Any, infobrief: Infobrief) -> bool:
    if infobrief.team_district_id is not None and infobrief.team_district_id in (
        coordinated_district_ids(user)
    ):
        return True
    return infobrief.state_id in edited_state_ids(user)


@rules.predicate
def can_edit_infobrief(user: Any, infobrief: Infobrief) -> bool:
    """Edit, test, schedule, send, pause and resume."""
    if infobrief.team_district_id is not None:
        return infobrief.team_district_id in coordinated_district_ids(user)
    return infobrief.state_id in edited_state_ids(user)


rules.add_perm("infobriefe.write", is_infobrief_writer)
rules.add_perm("infobriefe.view_infobrief", can_view_infobrief)
rules.add_perm("infobriefe.edit_infobrief", can_edit_infobrief)
