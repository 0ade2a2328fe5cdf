"""Writes of organisations: create (platform admins) and update the public profile (members)."""

from collections.abc import Iterable
from typing import Any, TypedDict

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from lotse.core.audit import audit_record
from lotse.core.choices import Language, Topic
from lotse.regions.models import District, Postcode

from .models import Organisation, OrganisationLanguage, OrganisationTopic
from .permissions import can_create_organisation, can_edit_organisation

# Paths next to /organisations/<slug>/ that a slug must never shadow.
RESERVED_SLUGS = frozenset({"mine", "new", "create", "edit"})
SCALAR_FIELDS = (
    "name",
    "kind",
    "description",
    "website",
    "contact_name",
    "contact_email",
    "contact_phone",
    "street",
    "postcode",
    "city",
    "is_published",
)
_TRANSLITERATION = str.maketrans(
    {"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ẞ": "SS"}
)


class OrganisationData(TypedDict, total=False):
    """The public profile of an organisation; on update, only the keys given are changed."""

    name: str
    kind: str
    description: str
    districts: Iterable[District]
    topics: Iterable[str]
    languages: Iterable[str]
    website: str
    contact_name: str
    contact_email: str
    contact_phone: str
    street: str
    postcode: Postcode | None
    city: str
    is_published: bool


def organisation_slug_for(name: str, *, exclude_pk: int | None = None) -> str:
    """Return a unique slug for `name` (umlauts become ae/oe/ue/ss; a number is added if taken)."""
    base = slugify(name.translate(_TRANSLITERATION))[:200].strip("-") or "organisation"
    taken = Organisation.objects.filter(slug__startswith=base)
    if exclude_pk is not None:
        taken = taken.exclude(pk=exclude_pk)
    taken_slugs = set(taken.values_list("slug", flat=True)) | RESERVED_SLUGS
    slug, number = base, 2
    while slug in taken_slugs:
        slug, number = f"{base}-{number}", number + 1
    return slug


def _check_choices(values: Iterable[str], allowed: Iterable[str], field: str) -> list[str]:
    result = list(dict.fromkeys(values))
    unknown = set(result) - set(allowed)
    if unknown:
        raise ValidationError(
            {field: _("Unknown value: %(values)s.") % {"values": ", ".join(sorted(unknown))}}
        )
    return result


def _apply(organisation: Organisation, data: OrganisationData) -> tuple[set[str], dict[str, Any]]:
    """Set the scalar fields on the instance; return the changed names and the related values."""
    changed: set[str] = set()
    for field in SCALAR_FIELDS:
        if field in data and getattr(organisation, field) != data[field]:  # type: ignore[literal-required]
            setattr(organisation, field, data[field])  # type: ignore[literal-required]
            changed.add(field)
    related: dict[str, Any] = {}
    if "districts" in data:
        related["districts"] = {district.pk for district in data["districts"]}
        if not related["districts"]:
            raise ValidationError({"districts": _("Please choose at least one district.")})
    if "topics" in data:
        related["topics"] = _check_choices(data["topics"], Topic.values, "topics")
    if "languages" in data:
        related["languages"] = _check_choices(data["languages"], Language.values, "languages")
    return changed, related


def _save_related(
    organisation: Organisation, related: dict[str, Any], *, created: bool
) -> set[str]:
    """Write districts, topics and languages; return the names of those that changed."""
    changed: set[str] = set()
    if "districts" in related:
        before: set[Any] = (
            set() if created else set(organisation.districts.values_list("pk", flat=True))
        )
        if before != related["districts"]:
            organisation.districts.set(related["districts"])
            changed.add("districts")
    if "topics" in related:
        before = set() if created else set(organisation.topics.values_list("topic", flat=True))
        if before != set(related["topics"]):
            organisation.topics.all().delete()
            OrganisationTopic.objects.bulk_create(
                OrganisationTopic(organisation=organisation, topic=t) for t in related["topics"]
            )
            changed.add("topics")
    if "languages" in related:
        before = (
            set() if created else set(organisation.languages.values_list("language", flat=True))
        )
        if before != set(related["languages"]):
            organisation.languages.all().delete()
            OrganisationLanguage.objects.bulk_create(
                OrganisationLanguage(organisation=organisation, language=code)
                for code in related["languages"]
            )
            changed.add("languages")
    return changed


@transaction.atomic
def organisation_create(*, actor: Any, data: OrganisationData, via: str = "web") -> Organisation:
    """Create an organisation with its public profile (platform admins only).

    The slug is generated from the name. Raises PermissionDenied for other actors and
    ValidationError for invalid data (nothing is saved then). Side effect: an audit event
    `organisations.organisation.created`.
    """
    if not can_create_organisation(actor):
        raise PermissionDenied
    organisation = Organisation()
    changed, related = _apply(organisation, data)
    if "districts" not in related:
        raise ValidationError({"districts": _("Please choose at least one district.")})
    organisation.slug = organisation_slug_for(organisation.name)
    organisation.full_clean()
    organisation.save()
    changed |= _save_related(organisation, related, created=True)
    audit_record(
        actor=actor,
        action="organisations.organisation.created",
        obj=organisation,
        changed_fields=changed,
        via=via,
    )
    return organisation


@transaction.atomic
def organisation_update(
    *, actor: Any, organisation: Organisation, data: OrganisationData, via: str = "web"
) -> Organisation:
    """Change the public profile of an organisation; only the keys present in `data` are touched.

    The slug stays stable so that links keep working. Returns the saved organisation (a fresh
    instance; the one passed in is left untouched).
    Raises PermissionDenied unless the actor is a member of the organisation or a platform
    admin, and ValidationError for invalid data (nothing is saved then). Side effect: an audit
    event `organisations.organisation.changed` with the changed field names, if any changed.
    """
    if not can_edit_organisation(actor, organisation):
        raise PermissionDenied
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    changed, related = _apply(organisation, data)
    organisation.full_clean()
    if changed:
        organisation.save()
    changed |= _save_related(organisation, related, created=False)
    if changed:
        audit_record(
            actor=actor,
            action="organisations.organisation.changed",
            obj=organisation,
            changed_fields=changed,
            via=via,
        )
    return organisation
