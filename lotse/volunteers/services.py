"""Writes of the volunteers module."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lotse.core.audit import audit_record
from lotse.core.availability import mask_from_cells, parse_cell_key
from lotse.core.choices import Language, LanguageLevel, Topic
from lotse.core.validators import validate_name, validate_plain_text
from lotse.regions.models import District, Postcode

from .choices import TRAVEL_RADIUS_CHOICES, VolunteerRole, VolunteerStatus
from .models import VolunteerLanguage, VolunteerProfile, VolunteerRoleChoice, VolunteerTopic

UNKNOWN_POSTCODE_MESSAGE = gettext_lazy(
    "We do not know this postcode. Please enter a five-digit German postcode."
)

_PROFILE_FIELDS = (
    "postcode",
    "travel_radius_km",
    "max_patenschaften",
    "district",
    "skills",
    "availability",
    "status",
)


def _snapshot(profile: VolunteerProfile) -> dict[str, Any]:
    return {
        "postcode": profile.postcode_id,
        "district": profile.district_id,
        "travel_radius_km": profile.travel_radius_km,
        "max_patenschaften": profile.max_patenschaften,
        "skills": profile.skills,
        "availability": profile.availability,
        "status": profile.status,
    }


def _add(errors: dict[str, list[Any]], field: str, error: Any) -> None:
    errors.setdefault(field, []).append(error)


def _check_name(errors: dict[str, list[Any]], field: str, value: str) -> None:
    if not value.strip():
        _add(errors, field, ValidationError(_("This field is required."), code="required"))
        return
    if len(value) > 100:
        _add(errors, field, ValidationError(_("Please use at most 100 characters."), code="max"))
        return
    try:
        validate_name(value)
    except ValidationError as error:
        _add(errors, field, error)


def _check_languages(
    errors: dict[str, list[Any]], languages: Sequence[tuple[str, str]]
) -> dict[str, str]:
    result: dict[str, str] = {}
    if not languages:
        _add(errors, "languages", ValidationError(_("Please name at least one language."), "min"))
    for language, level in languages:
        if language not in Language.values:
            _add(errors, "languages", ValidationError(_("Unknown language."), "language"))
        elif level not in LanguageLevel.values:
            _add(errors, "languages", ValidationError(_("Unknown language level."), "level"))
        elif language in result:
            _add(
                errors,
                "languages",
                ValidationError(_("Please name each language only once."), "duplicate"),
            )
        else:
            result[language] = level
    return result


def _check_choices(
    errors: dict[str, list[Any]], field: str, values: Iterable[str], allowed: list[str]
) -> set[str]:
    chosen = set(values)
    if chosen - set(allowed):
        _add(errors, field, ValidationError(_("Please choose only from the list."), "choice"))
    return chosen & set(allowed)


def _check_availability(errors: dict[str, list[Any]], cell_keys: Iterable[str]) -> int:
    cells = []
    for key in cell_keys:
        try:
            cells.append(parse_cell_key(str(key)))
        except (ValueError, TypeError):
            _add(
                errors,
                "availability",
                ValidationError(_("Unknown time of the week."), "availability"),
            )
    return mask_from_cells(cells)


def _sync_children(
    profile: VolunteerProfile,
    *,
    languages: dict[str, str],
    topics: set[str],
    roles: set[str],
) -> set[str]:
    """Bring languages, topics and roles in line with the wanted values; return what changed."""
    changed: set[str] = set()
    current_languages = {row.language: row for row in profile.languages.all()}
    for code, row in current_languages.items():
        if code not in languages:
            row.delete()
            changed.add("languages")
        elif row.level != languages[code]:
            row.level = languages[code]
            row.full_clean()
            row.save(update_fields=["level"])
            changed.add("languages")
    for code, level in languages.items():
        if code not in current_languages:
            language = VolunteerLanguage(volunteer=profile, language=code, level=level)
            language.full_clean()
            language.save()
            changed.add("languages")

    current_topics = set(profile.topics.values_list("topic", flat=True))
    if current_topics != topics:
        profile.topics.exclude(topic__in=topics).delete()
        VolunteerTopic.objects.bulk_create(
            [VolunteerTopic(volunteer=profile, topic=topic) for topic in topics - current_topics]
        )
        changed.add("topics")

    current_roles = set(profile.roles.values_list("role", flat=True))
    if current_roles != roles:
        profile.roles.exclude(role__in=roles).delete()
        VolunteerRoleChoice.objects.bulk_create(
            [VolunteerRoleChoice(volunteer=profile, role=role) for role in roles - current_roles]
        )
        changed.add("roles")
    return changed


def volunteer_profile_save(
    *,
    actor: Any,
    user: Any,
    first_name: str,
    last_name: str,
    postcode: str,
    travel_radius_km: int,
    district_id: int | None,
    skills: str,
    availability: Iterable[str],
    status: str,
    languages: Sequence[tuple[str, str]],
    topics: Iterable[str],
    roles: Iterable[str] = (),
    max_patenschaften: int = 1,
    via: str = "web",
) -> VolunteerProfile:
    """Create or update the volunteer profile of `user`, with names, languages, topics and roles.

    `availability` holds cell keys like "1-2" (Tuesday evening); `district_id` None means "the
    district of the postcode". Raises ValidationError (a dict keyed by field name) and saves
    nothing when any value is invalid. Side effects: writes the user's names, the profile and
    its languages/topics/roles in one transaction; records `volunteers.profile.created` or
    `volunteers.profile.changed` with the names of the changed fields.
    """
    errors: dict[str, list[Any]] = {}
    first_name, last_name = (first_name or "").strip(), (last_name or "").strip()
    _check_name(errors, "first_name", first_name)
    _check_name(errors, "last_name", last_name)

    postcode_row = (
        Postcode.objects.select_related("district").filter(code=(postcode or "").strip()).first()
    )
    if postcode_row is None:
        _add(errors, "postcode", ValidationError(UNKNOWN_POSTCODE_MESSAGE, "postcode"))

    district: District | None = None
    if district_id:
        district = District.objects.filter(pk=district_id).first()
        if district is None:
            _add(errors, "district", ValidationError(_("Unknown district."), "district"))
    elif postcode_row is not None:
        district = postcode_row.district

    if travel_radius_km not in {km for km, _label in TRAVEL_RADIUS_CHOICES}:
        _add(
            errors,
            "travel_radius_km",
            ValidationError(_("Please choose a travel radius."), "radius"),
        )
    if not isinstance(max_patenschaften, int) or not 1 <= max_patenschaften <= 5:
        _add(
            errors,
            "max_patenschaften",
            ValidationError(_("Please choose a number from 1 to 5."), "capacity"),
        )
    if status not in VolunteerStatus.values:
        _add(errors, "status", ValidationError(_("Please choose a status."), "status"))
    skills = skills or ""
    if len(skills) > 2000:
        _add(errors, "skills", ValidationError(_("Please use at most 2000 characters."), "max"))
    else:
        try:
            validate_plain_text(skills)
        except ValidationError as error:
            _add(errors, "skills", error)

    wanted_languages = _check_languages(errors, list(languages))
    wanted_topics = _check_choices(errors, "topics", topics, Topic.values)
    if not wanted_topics and "topics" not in errors:
        _add(errors, "topics", ValidationError(_("Please choose at least one topic."), "min"))
    wanted_roles = _check_choices(errors, "roles", roles, VolunteerRole.values)
    mask = _check_availability(errors, availability)
    if errors:
        raise ValidationError(errors)

    with transaction.atomic():
        profile = VolunteerProfile.objects.select_for_update().filter(user=user).first()
        created = profile is None
        if profile is None:
            profile = VolunteerProfile(user=user)
        before = {} if created else _snapshot(profile)
        profile.postcode = postcode_row  # type: ignore[assignment]
        profile.district = district  # type: ignore[assignment]
        profile.travel_radius_km = travel_radius_km
        profile.max_patenschaften = max_patenschaften
        profile.skills = skills
        profile.availability = mask
        profile.status = status
        profile.full_clean(exclude=["user"])
        profile.save()

        changed: set[str] = set()
        if user.first_name != first_name:
            changed.add("first_name")
        if user.last_name != last_name:
            changed.add("last_name")
        if changed:
            user.first_name, user.last_name = first_name, last_name
            user.save(update_fields=["first_name", "last_name"])
        after = _snapshot(profile)
        changed |= {name for name in _PROFILE_FIELDS if created or before.get(name) != after[name]}
        changed |= _sync_children(
            profile, languages=wanted_languages, topics=wanted_topics, roles=wanted_roles
        )
        if created or changed:
            audit_record(
                actor=actor,
                action="volunteers.profile.created" if created else "volunteers.profile.changed",
                obj=profile,
                subject=user,
                changed_fields=changed,
                via=via,
            )
    return profile
