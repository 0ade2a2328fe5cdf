"""Reads of the editors: the Infobriefe a writer may see and edit, and what they may address.

- `infobriefe_for_editor`: coordinators see their district teams' Infobriefe, state editors
  every Infobrief of their Land (the district teams' too). Versions (subject and language
  only) and districts are prefetched: a list page costs the same number of queries for any
  number of rows.
- `infobrief_get_for_viewer` / `infobrief_get_for_editor`: one Infobrief or 404. State
  editors see a district team's Infobrief but do not edit it.
- `writer_owners`: the district teams and Länder the user writes for (the choices of the
  "new Infobrief" form); `owner_regions` / `owner_districts`: what a Land's Infobrief may
  address.
- `audience_summary`, `topics_summary`, `version_rows`: texts and rows for the pages.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from lotse.core.choices import Topic
from lotse.regions.models import AdministrativeRegion, District, State

from ..choices import AudienceLevel, mask_to_topics
from ..models import Infobrief, InfobriefVersion
from ..permissions import coordinated_district_ids, edited_state_ids

# Districts named in an audience summary before "and N more".
SUMMARY_DISTRICTS = 3


def _with_relations(queryset: QuerySet[Infobrief]) -> QuerySet[Infobrief]:
    return queryset.select_related("state", "team_district", "region").prefetch_related(
        Prefetch(
            "versions",
            queryset=InfobriefVersion.objects.only(
                "id", "infobrief_id", "language", "subject", "updated_at"
            ).order_by("language"),
        ),
        Prefetch("districts", queryset=District.objects.only("id", "name", "state_id")),
    )


def infobriefe_for_editor(*, user: Any) -> QuerySet[Infobrief]:
    """The Infobriefe the user may see as a writer (newest first); none for non-writers."""
    districts = coordinated_district_ids(user)
    states = edited_state_ids(user)
    if not districts and not states:
        return Infobrief.objects.none()
    return _with_relations(
        Infobrief.objects.filter(Q(team_district_id__in=districts) | Q(state_id__in=states))
    ).order_by("-created_at", "-id")


def infobriefe_editable(*, user: Any) -> QuerySet[Infobrief]:
    """The Infobriefe the user may edit: their teams' and their Länder's own ones."""
    districts = coordinated_district_ids(user)
    states = edited_state_ids(user)
    if not districts and not states:
        return Infobrief.objects.none()
    return _with_relations(
        Infobrief.objects.filter(
            Q(team_district_id__in=districts) | Q(team_district__isnull=True, state_id__in=states)
        )
    )


def infobrief_get_for_viewer(*, user: Any, pk: Any) -> Infobrief:
    """The Infobrief if the user may see it as a writer, else 404."""
    return get_object_or_404(infobriefe_for_editor(user=user), pk=pk)


def infobrief_get_for_editor(*, user: Any, pk: Any) -> Infobrief:
    """The Infobrief if the user may edit it, else 404."""
    return get_object_or_404(infobriefe_editable(user=user), pk=pk)


# --- owners and audiences ---------------------------------------------------------------------


@dataclass(frozen=True)
class Owner:
    """Who an Infobrief is from: a district team (coordinators) or a Land (state editors)."""

    key: str
    label: str
    state: State
    team_district: District | None


def writer_owners(*, user: Any) -> list[Owner]:
    """The district teams the user coordinates, then the Länder they edit (by name)."""
    owners: list[Owner] = []
    district_ids = coordinated_district_ids(user)
    if district_ids:
        for district in District.objects.filter(pk__in=district_ids).select_related("state"):
            owners.append(
                Owner(
                    key=f"district-{district.pk}",
                    label=_("District team %(district)s") % {"district": district.name},
                    state=district.state,
                    team_district=district,
                )
            )
    state_ids = edited_state_ids(user)
    if state_ids:
        for state in State.objects.filter(pk__in=state_ids):
            owners.append(
                Owner(
                    key=f"state-{state.pk}",
                    label=_("State editors of %(state)s") % {"state": state.name},
                    state=state,
                    team_district=None,
                )
            )
    return owners


def owner_regions(*, state_ids: set[int]) -> QuerySet[AdministrativeRegion]:
    """The Regierungsbezirke of the Länder (by official key)."""
    return AdministrativeRegion.objects.filter(state_id__in=state_ids).order_by("ags")


def owner_districts(*, state_ids: set[int]) -> QuerySet[District]:
    """The districts of the Länder (by name)."""
    return District.objects.filter(state_id__in=state_ids).order_by("name")


# --- texts and rows ---------------------------------------------------------------------------


def audience_summary(*, infobrief: Infobrief) -> str:
    """Whom the Infobrief addresses, in words (uses the prefetched districts)."""
    if infobrief.level == AudienceLevel.STATE:
        return _("The whole Land %(state)s") % {"state": infobrief.state.name}
    if infobrief.level == AudienceLevel.REGION and infobrief.region is not None:
        return _("Regierungsbezirk %(region)s") % {"region": infobrief.region.name}
    names = sorted(district.name for district in infobrief.districts.all())
    if not names:
        return _("No districts chosen")
    if len(names) <= SUMMARY_DISTRICTS:
        return ", ".join(names)
    rest = len(names) - SUMMARY_DISTRICTS
    return ngettext(
        "%(names)s and %(count)d more district",
        "%(names)s and %(count)d more districts",
        rest,
    ) % {"names": ", ".join(names[:SUMMARY_DISTRICTS]), "count": rest}


def topics_summary(*, infobrief: Infobrief) -> str:
    """The topics in words; no topic means everyone."""
    topics = mask_to_topics(infobrief.topics_mask)
    if not topics:
        return _("All subscribers, whatever their topics")
    return ", ".join(str(Topic(topic).label) for topic in topics)


@dataclass(frozen=True)
class VersionRow:
    code: str
    name: str
    version: InfobriefVersion | None


def version_rows(*, infobrief: Infobrief) -> list[VersionRow]:
    """Every language of the site with the Infobrief's text in it, or None (prefetched)."""
    present = {version.language: version for version in infobrief.versions.all()}
    return [
        VersionRow(code=code, name=str(name), version=present.get(code))
        for code, name in settings.LANGUAGES
    ]
