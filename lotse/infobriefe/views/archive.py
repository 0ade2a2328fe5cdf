"""The public archive of sent Infobriefe: the searchable list, and the web version of each
Infobrief in each language (the "web version" link of every mail).

Anything not sent is a 404, for everybody (editors see their drafts in the editor).
"""

from __future__ import annotations

from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.views.decorators.http import require_GET

from ..forms.letters import ArchiveSearchForm
from ..rendering import render_markdown
from ..selectors.archive import (
    GERMAN,
    archive_get,
    archive_language,
    archive_languages,
    archive_list,
    archive_version_for,
    search_words,
)

PAGE_SIZE = 20


def _reader_language(request: HttpRequest) -> str:
    return archive_language(translation.get_language())


def _names() -> dict[str, str]:
    return {code: str(name) for code, name in settings.LANGUAGES}


def _direction(language: str) -> str:
    return "rtl" if translation.get_language_info(language)["bidi"] else "ltr"


@require_GET
def archive(request: HttpRequest) -> HttpResponse:
    """Sent Infobriefe, newest first, in the chosen language (German where a text is
    missing), searchable; htmx gets the results only."""
    names = _names()
    params = request.GET.copy()
    if params.get("language") not in names:
        # No or an unknown language: the reader's (a filter default, not an error).
        params["language"] = _reader_language(request)
    form = ArchiveSearchForm(params)
    form.is_valid()
    data = getattr(form, "cleaned_data", {})
    language = archive_language(data.get("language"))
    # An invalid search (control characters, too long) searches nothing; the form says why.
    query = data.get("q", "") or ""
    page = Paginator(archive_list(language=language, query=query), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    rows = []
    for infobrief in page.object_list:
        versions = {version.language: version for version in infobrief.versions.all()}
        shown = versions.get(language) or versions.get(GERMAN)
        if shown is None:  # pragma: no cover - a sent Infobrief has a German text
            continue
        rows.append(
            {
                "infobrief": infobrief,
                "version": shown,
                "fallback": shown.language != language,
                "languages": [(code, names[code]) for code in names if code in versions],
            }
        )
    context = {
        "form": form,
        "page_obj": page,
        "rows": rows,
        "language": language,
        "language_name": names[language],
        "searched": bool(search_words(query)),
    }
    if request.headers.get("HX-Request"):
        return render(request, "infobriefe/archive/list.html#results", context)
    return render(request, "infobriefe/archive/list.html", context)


@require_GET
def archive_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Send the reader to the Infobrief in their language (or German)."""
    infobrief = archive_get(pk=pk)
    language = _reader_language(request)
    if language not in archive_languages(infobrief=infobrief):
        language = GERMAN
    return redirect("infobriefe:archive_version", pk=infobrief.pk, language=language)


@require_GET
def archive_version(request: HttpRequest, pk: int, language: str) -> HttpResponse:
    """The web version in `language`; German with a note when that text is missing."""
    names = _names()
    if language not in names:
        raise Http404
    infobrief = archive_get(pk=pk)
    shown = archive_version_for(infobrief=infobrief, language=language)
    version = shown.version
    context = {
        "infobrief": infobrief,
        "version": version,
        "html": render_markdown(version.body),
        "requested": language,
        "requested_name": names[language],
        "fallback": shown.fallback,
        "direction": _direction(version.language),
        "others": [
            (code, names[code], _direction(code))
            for code in archive_languages(infobrief=infobrief)
            if code != version.language
        ],
    }
    return render(request, "infobriefe/archive/version.html", context)
