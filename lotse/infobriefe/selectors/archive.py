"""Reads of the public archive: sent Infobriefe only (anything else is a 404).

Readers choose a language; every sent Infobrief is listed, in that language when it has a
version in it, else in German (the list says so). The search looks at the text the reader is
shown: the chosen language's version, or the German one where that is missing. Words are
ANDed, each matched case-insensitively anywhere in the subject or the body. The match is a
regular expression of the escaped word, so that case folding is Unicode-aware on both
databases (SQLite's LIKE folds ASCII only; Django runs SQLite's REGEXP through Python's `re`,
PostgreSQL has `~*`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Exists, F, OuterRef, Prefetch, Q, QuerySet
from django.db.models.functions import Coalesce
from django.http import Http404

from ..choices import InfobriefStatus
from ..models import Infobrief, InfobriefVersion

GERMAN = "de"
MAX_QUERY_LENGTH = 200
MAX_WORDS = 10


def language_codes() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


def archive_language(value: object) -> str:
    """`value` if it is a language of the site (also "de-at" → "de"), else German."""
    code = str(value or "").split("-")[0].lower()
    return code if code in language_codes() else GERMAN


def search_words(query: str) -> list[str]:
    """The words of a search (at most MAX_WORDS, duplicates once)."""
    words = (query or "")[:MAX_QUERY_LENGTH].split()
    return list(dict.fromkeys(word.lower() for word in words))[:MAX_WORDS]


def _sent() -> QuerySet[Infobrief]:
    return Infobrief.objects.filter(status=InfobriefStatus.SENT).annotate(
        published_at=Coalesce("started_at", "finished_at", "scheduled_at", "created_at")
    )


def _versions_matching(language: str, words: list[str]) -> Exists:
    versions = InfobriefVersion.objects.filter(infobrief=OuterRef("pk"), language=language)
    for word in words:
        pattern = re.escape(word)
        versions = versions.filter(Q(subject__iregex=pattern) | Q(body__iregex=pattern))
    return Exists(versions)


def archive_list(*, language: str, query: str = "") -> QuerySet[Infobrief]:
    """Sent Infobriefe, newest first, each with `in_language` (a version in `language`
    exists) and its versions' languages and subjects prefetched (not the bodies); filtered
    by the words of `query` in the text shown in `language` (German where it is missing)."""
    language = archive_language(language)
    has_language = Exists(
        InfobriefVersion.objects.filter(infobrief=OuterRef("pk"), language=language)
    )
    infobriefe = _sent().annotate(in_language=has_language)
    words = search_words(query)
    if words:
        infobriefe = infobriefe.filter(
            (Q(in_language=True) & _versions_matching(language, words))
            | (Q(in_language=False) & _versions_matching(GERMAN, words))
        )
    return (
        infobriefe.select_related("state", "team_district")
        .prefetch_related(
            Prefetch(
                "versions",
                queryset=InfobriefVersion.objects.only("id", "infobrief_id", "language", "subject"),
            )
        )
        .order_by(F("published_at").desc(), "-id")
    )


def archive_get(*, pk: int | str) -> Infobrief:
    """A sent Infobrief with all its versions, else 404."""
    infobrief = (
        _sent()
        .select_related("state", "team_district")
        .prefetch_related("versions")
        .filter(pk=pk)
        .first()
    )
    if infobrief is None:
        raise Http404
    return infobrief


@dataclass(frozen=True)
class Shown:
    """The version a reader of `requested` gets, and whether it is the German fallback."""

    version: InfobriefVersion
    requested: str
    fallback: bool


def archive_version_for(*, infobrief: Infobrief, language: str) -> Shown:
    """The version in `language`, else the German one (prefetched versions); 404 without
    either (a sent Infobrief always has German)."""
    present = {version.language: version for version in infobrief.versions.all()}
    if language in present:
        return Shown(version=present[language], requested=language, fallback=False)
    if GERMAN in present:
        return Shown(version=present[GERMAN], requested=language, fallback=True)
    raise Http404


def archive_languages(*, infobrief: Infobrief) -> list[str]:
    """The languages the Infobrief exists in, in the order of the site's languages."""
    present = {version.language for version in infobrief.versions.all()}
    return [code for code in language_codes() if code in present]
