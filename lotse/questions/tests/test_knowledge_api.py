"""API of the knowledge base: the public search and published entries."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from lotse.core.choices import Topic
from lotse.questions.services.knowledge import entry_create, entry_translate
from lotse.regions.models import District, State

pytestmark = pytest.mark.django_db
LIST = reverse("api:knowledge-entry-list")


def make_entry(title="Wohnungen in München", *, publish=True, **overrides):
    values = {
        "actor": None,
        "language": "de",
        "title": title,
        "question": "Wie finde ich eine Wohnung?",
        "answer": "Fragen Sie beim Wohnungsamt <b>nach</b>.",
        "topic": Topic.HOUSING,
        "state": State.objects.get(code="BY"),
        "district": District.objects.get(ags="09162"),
        "publish": publish,
    }
    return entry_create(**(values | overrides))


def test_anyone_searches(client: Client):
    entry = make_entry()
    make_entry("Entwurf zur Wohnung", publish=False)
    data = client.get(LIST, {"q": "Wohnung"}).json()
    assert data["count"] == 1 and data["count_capped"] is False and data["any_word"] is False
    assert data["page"] == 1 and data["num_pages"] == 1
    hit = data["results"][0]
    assert hit["id"] == entry.pk
    assert hit["title_html"] == "<mark>Wohnungen</mark> in München"
    assert hit["snippet_html"] == "Wie finde ich eine <mark>Wohnung</mark>?"
    assert hit["district"] == "09162" and hit["state"] == "BY" and hit["topic"] == "housing"


def test_filters_and_fallback(client: Client):
    make_entry()
    assert client.get(LIST, {"q": "Wohnung", "topic": "health"}).json()["count"] == 0
    assert client.get(LIST, {"q": "Wohnung", "language": "en"}).json()["count"] == 0
    data = client.get(LIST, {"q": "Wohnung Zahnspange"}).json()
    assert data["any_word"] is True and data["count"] == 1


def test_bad_parameters_are_400(client: Client):
    assert client.get(LIST, {"q": "x" * 201}).status_code == 400
    assert client.get(LIST, {"q": "a\x00b"}).status_code == 400
    assert client.get(LIST, {"topic": "nope"}).status_code == 400
    assert client.get(LIST, {"page": "0"}).status_code == 400
    assert client.get(LIST, {"q": '"*:(NEAR AND -'}).status_code == 200


def test_a_published_entry_with_its_translations(client: Client):
    entry = make_entry()
    english = entry_translate(
        actor=None,
        entry=entry,
        language="en",
        title="Flats",
        question="How?",
        answer="Ask.",
        publish=True,
    )
    data = client.get(reverse("api:knowledge-entry-detail", args=[entry.pk])).json()
    assert data["title"] == "Wohnungen in München"
    assert data["answer"] == "Fragen Sie beim Wohnungsamt <b>nach</b>."
    assert data["translations"] == {"en": english.pk}
    assert data["district"] == "09162" and data["state"] == "BY"


def test_drafts_are_404(client: Client):
    draft = make_entry(publish=False)
    assert client.get(reverse("api:knowledge-entry-detail", args=[draft.pk])).status_code == 404
