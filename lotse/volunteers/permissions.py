"""Object rules of the volunteers module, used by the HTML views and the API alike."""

from typing import Any

import rules

from lotse.accounts.selectors import user_coordinated_district_ids

from .models import VolunteerProfile


@rules.predicate
def has_confirmed_email(user: Any) -> bool:
    """Return True for a logged-in user whose e-mail address is confirmed."""
    return bool(getattr(user, "is_authenticated", False) and user.email_confirmed_at)


@rules.predicate
def is_coordinator(user: Any) -> bool:
    """Return True when the user coordinates at least one district."""
    return bool(user_coordinated_district_ids(user=user))


@rules.predicate
def is_coordinator_of_volunteer(user: Any, profile: VolunteerProfile | None) -> bool:
    """Return True when the user coordinates the district the volunteer belongs to."""
    if profile is None:
        return False
    return profile.district_id in user_coordinated_district_ids(user=user)


@rules.predicate
def is_own_profile(user: Any, profile: VolunteerProfile | None) -> bool:
    """Return True when the profile belongs to the user."""
    return bool(
        profile is not None
        and getattr(user, "is_authenticated", False)
        and profile.user_id == user.pk
    )


rules.add_perm("volunteers.edit_own_profile", has_confirmed_email)
rules.add_perm("volunteers.list_district_volunteers", is_coordinator)
rules.add_perm("volunteers.view_volunteer", is_coordinator_of_volunteer | is_own_profile)
