"""The public archive: sent Infobriefe only (anything else 404), newest first, the reader's
language with German where a text is missing, search (words ANDed, case-insensitive beyond
ASCII, on SQLite and PostgreSQL), the web version with its fallback note and language links,
sanitised HTML, constant query counts."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from lotse.infobriefe.choices import InfobriefStatus
from lotse.infobriefe.selectors.archive import archive_list
from lotse.infobriefe.tests.factories import InfobriefFactory, InfobriefVersionFactory
from lotse.infobriefe.tests.letters_people import sent_infobrief

pytestmark = pytest.mark.django_db
ARCHIVE = reverse("infobriefe:archive")


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


def version_url(infobrief, language: str) -> str:
    return reverse("infobriefe:archive_version", args=[infobrief.pk, language])


def subjects(response) -> list[str]:
    return [row["version"].subject for row in response.context["rows"]]


@pytest.fixture
def letters():
    """Three sent Infobriefe (oldest first) and one of each other status."""
    now = timezone.now()
    old = sent_infobrief(
        texts={
            "de": ("Ärzte und Dolmetscher", "Die Ärztekammer hilft bei der Suche."),
            "uk": ("Лікарі", "Консультація лікарів онлайн."),
        },
        when=now - datetime.timedelta(days=30),
    )
    middle = sent_infobrief(
        texts={"de": ("Wohnen in Bayern", "Beratung zur Wohnungssuche, auch online.")},
        when=now - datetime.timedelta(days=10),
    )
    new = sent_infobrief(
        texts={
            "de": ("Neue Sprachkurse", "Integrationskurse beginnen im Mai."),
            "en": ("New language courses", "Integration courses start in May."),
        },
        when=now - datetime.timedelta(days=1),
    )
    hidden = []
    for status in (
        InfobriefStatus.DRAFT,
        InfobriefStatus.SCHEDULED,
        InfobriefStatus.PREPARING,
        InfobriefStatus.SENDING,
        InfobriefStatus.PAUSED,
    ):
        infobrief = InfobriefFactory(status=status)
        InfobriefVersionFactory(
            infobrief=infobrief, language="de", subject=f"Geheim {status}", body="Beratung online"
        )
        hidden.append(infobrief)
    return {"old": old, "middle": middle, "new": new, "hidden": hidden}


def test_archive_lists_sent_infobriefe_newest_first(client, letters):
    response = client.get(ARCHIVE, {"language": "de"})

    assert response.status_code == 200
    assert subjects(response) == ["Neue Sprachkurse", "Wohnen in Bayern", "Ärzte und Dolmetscher"]
    assert "Geheim" not in response.content.decode()


def test_archive_defaults_to_the_readers_language_with_german_fallback(client, letters):
    response = client.get(ARCHIVE, HTTP_ACCEPT_LANGUAGE="uk")

    assert response.context["language"] == "uk"
    rows = {row["infobrief"].pk: row for row in response.context["rows"]}
    assert rows[letters["old"].pk]["version"].subject == "Лікарі"
    assert rows[letters["old"].pk]["fallback"] is False
    assert rows[letters["new"].pk]["version"].language == "de"
    assert rows[letters["new"].pk]["fallback"] is True
    assert rows[letters["new"].pk]["languages"] == [("de", "Deutsch"), ("en", "English")]


def test_an_unknown_language_falls_back_to_the_readers(client, letters):
    response = client.get(ARCHIVE, {"language": "xx"}, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200
    assert response.context["language"] == "en"
    assert subjects(response)[0] == "New language courses"


@pytest.mark.parametrize(
    ("language", "query", "expected"),
    [
        ("de", "beratung ONLINE", ["Wohnen in Bayern"]),
        ("de", "online beratung wohnung", ["Wohnen in Bayern"]),
        ("de", "online kurse", []),
        ("de", "ärzte", ["Ärzte und Dolmetscher"]),
        ("de", "ÄRZTEKAMMER", ["Ärzte und Dolmetscher"]),
        ("uk", "КОНСУЛЬТАЦІЯ", ["Лікарі"]),
        # A language without a text is searched in German.
        ("uk", "wohnungssuche", ["Wohnen in Bayern"]),
        # A language with a text is searched in that language only.
        ("uk", "ärztekammer", []),
        ("en", "COURSES may", ["New language courses"]),
        ("de", "100% (a+b)*", []),
    ],
)
def test_search_ands_words_case_insensitively_in_the_shown_language(
    client, letters, language, query, expected
):
    response = client.get(ARCHIVE, {"language": language, "q": query})

    assert response.status_code == 200
    assert subjects(response) == expected


def test_search_selector_never_finds_unsent_infobriefe(letters):
    found = archive_list(language="de", query="geheim")

    assert list(found) == []


def test_archive_htmx_gets_the_results_only(client, letters):
    response = client.get(ARCHIVE, {"q": "kurse", "language": "de"}, HTTP_HX_REQUEST="true")

    body = response.content.decode()
    assert "<html" not in body
    assert "Neue Sprachkurse" in body
    assert "1 Infobrief found" in body


def test_invalid_search_input_never_errors(client, letters):
    response = client.get(ARCHIVE, {"q": "a\x00b" + "x" * 500, "page": "-3"})

    assert response.status_code == 200


def test_archive_costs_the_same_queries_for_any_number(client, letters):
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(ARCHIVE, {"language": "uk", "q": "a"}).status_code == 200
        return len(queries)

    few = count()
    for index in range(8):
        sent_infobrief(texts={"de": (f"Brief {index}", "a"), "uk": (f"Лист {index}", "a")})

    assert count() == few


# --- one Infobrief -----------------------------------------------------------------------------


def test_detail_redirects_to_the_readers_language_or_german(client, letters):
    to_ukrainian = client.get(
        reverse("infobriefe:archive_detail", args=[letters["old"].pk]), HTTP_ACCEPT_LANGUAGE="uk"
    )
    to_german = client.get(
        reverse("infobriefe:archive_detail", args=[letters["middle"].pk]),
        HTTP_ACCEPT_LANGUAGE="uk",
    )

    assert to_ukrainian["Location"] == version_url(letters["old"], "uk")
    assert to_german["Location"] == version_url(letters["middle"], "de")


def test_web_version_shows_the_text_sender_date_and_other_languages(client, letters):
    response = client.get(version_url(letters["old"], "uk"))

    body = response.content.decode()
    assert response.status_code == 200
    assert '<h1 class="kern-heading-large" lang="uk" dir="ltr">Лікарі</h1>' in body
    assert "Консультація лікарів онлайн." in body
    assert "Redaktion Integration" in body
    assert f'href="{version_url(letters["old"], "de")}"' in body
    assert 'hreflang="de"' in body
    assert "is not available in" not in body


def test_a_missing_language_shows_german_with_a_note(client, letters):
    response = client.get(version_url(letters["middle"], "ar"))

    body = response.content.decode()
    assert response.status_code == 200
    assert response.context["fallback"] is True
    assert "This Infobrief is not available in العربية. Here is the German text." in body
    assert '<h1 class="kern-heading-large" lang="de" dir="ltr">Wohnen in Bayern</h1>' in body


def test_a_right_to_left_text_is_marked(client):
    infobrief = sent_infobrief(texts={"de": ("Titel", "Text"), "fa": ("عنوان", "متن")})

    body = client.get(version_url(infobrief, "fa")).content.decode()

    assert 'lang="fa" dir="rtl"' in body


def test_web_version_html_is_sanitised(client):
    infobrief = sent_infobrief(
        texts={
            "de": (
                "Sicher",
                "# Titel\n\n<script>alert(1)</script>\n\n[Link](https://example.org) "
                '<a href="javascript:alert(2)">x</a>',
            )
        }
    )

    body = client.get(version_url(infobrief, "de")).content.decode()

    assert "<script>alert" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert '<a href="https://example.org" rel="noopener noreferrer">Link</a>' in body
    assert '<a href="javascript' not in body
    assert "&lt;a href=&quot;javascript" in body or '&lt;a href="javascript' in body  # as text
    assert "<h2>Titel</h2>" in body


@pytest.mark.parametrize(
    "status",
    [
        InfobriefStatus.DRAFT,
        InfobriefStatus.SCHEDULED,
        InfobriefStatus.PREPARING,
        InfobriefStatus.SENDING,
        InfobriefStatus.PAUSED,
    ],
)
def test_anything_not_sent_is_404(client, status):
    infobrief = InfobriefFactory(status=status)
    InfobriefVersionFactory(infobrief=infobrief, language="de")

    assert client.get(version_url(infobrief, "de")).status_code == 404
    assert client.get(reverse("infobriefe:archive_detail", args=[infobrief.pk])).status_code == 404


def test_unknown_language_or_infobrief_is_404(client, letters):
    assert client.get(version_url(letters["old"], "xx")).status_code == 404
    assert client.get(reverse("infobriefe:archive_version", args=[999999, "de"])).status_code == 404


def test_web_version_costs_constant_queries(client, django_assert_max_num_queries):
    infobrief = sent_infobrief(
        texts={code: (f"Betreff {code}", "Text") for code in ("de", "en", "uk", "ar", "fa", "tr")}
    )

    with django_assert_max_num_queries(3):
        response = client.get(version_url(infobrief, "tr"))

    assert response.status_code == 200
