"""Pages of the knowledge base: the public search (htmx, highlighting, pagination, query
counts), entries (drafts 404 for the public), the similar-entries partial, and the editors'
pages with their permissions (404 across districts, state editors for their Land)."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lotse.accounts.roles import Role
from lotse.accounts.tests.factories import RoleAssignmentFactory, UserFactory
from lotse.conftest import login_verified
from lotse.core.choices import Topic
from lotse.notifications.models import Notification
from lotse.questions.choices import EntrySource, EntryStatus, MessageKind, QuestionStatus
from lotse.questions.models import Entry
from lotse.questions.services.knowledge import entry_create, entry_translate
from lotse.questions.tests.factories import (
    DialogSessionFactory,
    MessageFactory,
    QuestionFactory,
)
from lotse.regions.models import District, State
from lotse.volunteers.tests.factories import VolunteerProfileFactory

pytestmark = pytest.mark.django_db
LIST = reverse("questions:entry_list")
SIMILAR = reverse("questions:entry_similar")
CREATE = reverse("questions:entry_create")
MANAGE = reverse("questions:entry_manage")


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def bavaria(db):
    return State.objects.get(code="BY")


@pytest.fixture
def coordinator(munich):
    return RoleAssignmentFactory(role=Role.COORDINATOR, district=munich).user


@pytest.fixture
def coordinator_client(coordinator) -> Client:
    return login_verified(Client(), coordinator)


@pytest.fixture
def other_coordinator_client(nuremberg) -> Client:
    user = RoleAssignmentFactory(role=Role.COORDINATOR, district=nuremberg).user
    return login_verified(Client(), user)


@pytest.fixture
def state_editor_client(bavaria) -> Client:
    user = RoleAssignmentFactory(role=Role.STATE_EDITOR, state=bavaria, district=None).user
    return login_verified(Client(), user)


@pytest.fixture
def volunteer_client(db) -> Client:
    client = Client()
    client.force_login(VolunteerProfileFactory().user)
    return client


def make_entry(title="Wohnberechtigungsschein beantragen", *, publish=True, **overrides):
    values = {
        "actor": None,
        "language": "de",
        "title": title,
        "question": "Wie bekommt eine Familie einen Wohnberechtigungsschein?",
        "answer": "Beim Wohnungsamt.\n\nBringen Sie die Nachweise mit.",
        "topic": Topic.HOUSING,
        "state": State.objects.get(code="BY"),
        "district": District.objects.get(ags="09162"),
        "publish": publish,
    }
    return entry_create(**(values | overrides))


# --- the public search ---------------------------------------------------------------------------


def test_anyone_searches_and_sees_highlighted_hits(client):
    entry = make_entry("Wohnungen in München")
    response = client.get(LIST, {"q": "Wohnung"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "1 entry found" in html
    assert "<mark>Wohnungen</mark> in München" in html
    assert reverse("questions:entry_detail", args=[entry.pk]) in html


def test_htmx_gets_the_results_only(client):
    make_entry()
    response = client.get(LIST, {"q": "Wohnberechtigungsschein"}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert "<html" not in html
    assert "<mark>Wohnberechtigungsschein</mark>" in html


def test_no_entries_found_gives_tips(client):
    make_entry()
    html = client.get(LIST, {"q": "Zahnspange"}).content.decode()
    assert "No entries found." in html
    assert "Check the spelling" in html


def test_the_page_says_when_it_shows_entries_with_some_of_the_words(client):
    make_entry()
    html = client.get(LIST, {"q": "Wohnberechtigungsschein Zahnspange"}).content.decode()
    assert "No entry contains all words; showing entries with some of them." in html


def test_markup_in_entries_is_escaped(client):
    make_entry("Wohnung <script>alert(1)</script>", answer="<img src=x onerror=alert(2)> Wohnung")
    html = client.get(LIST, {"q": "Wohnung"}).content.decode()
    assert "<script>alert(1)" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_bad_filter_values_are_explained_and_never_fail(client):
    make_entry()
    response = client.get(LIST, {"q": "Wohnberechtigungsschein" + " x" * 200, "topic": "nope"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Select a valid choice" in html
    assert "at most 200 characters" in html
    assert client.get(LIST, {"q": "a\x00b", "page": "abc"}).status_code == 200


def test_the_list_is_paginated_with_twenty_per_page(client):
    for n in range(23):
        make_entry(f"Wohnung Nummer {n}")
    first = client.get(LIST, {"q": "Wohnung"})
    assert len(first.context["result"].hits) == 20
    assert "Page 1 of 2" in first.content.decode()
    second = client.get(LIST, {"q": "Wohnung", "page": 2})
    assert len(second.context["result"].hits) == 3


def _queries(client: Client, params: dict[str, str]) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(LIST, params).status_code == 200
    return len(context.captured_queries)


@pytest.mark.parametrize("params", [{"q": "Wohnung"}, {}, {"q": "Wohnung", "topic": "housing"}])
def test_the_list_does_a_constant_number_of_queries(client, params):
    # More than a page both times (with fewer hits than a page the search asks one more
    # question: how many match only in the text).
    for n in range(21):
        make_entry(f"Wohnung Nummer {n}")
    few = _queries(client, params)
    for n in range(42):
        make_entry(f"Wohnung Nummer {n + 21}", answer="Die Wohnung ist frei.")
    assert _queries(client, params) == few


def test_a_short_list_does_few_queries(client):
    for n in range(3):
        make_entry(f"Wohnung Nummer {n}")
    assert _queries(client, {"q": "Wohnung"}) <= 8


# --- an entry ------------------------------------------------------------------------------------


def test_an_entry_shows_its_texts_escaped_in_paragraphs(client):
    entry = make_entry(answer="Erster Absatz <script>x()</script>.\n\nZweiter Absatz.")
    html = client.get(reverse("questions:entry_detail", args=[entry.pk])).content.decode()
    assert "<p>Erster Absatz &lt;script&gt;x()&lt;/script&gt;.</p>" in html
    assert "<p>Zweiter Absatz.</p>" in html
    assert "Answered by the Lotsen team München" in html
    assert "Housing" in html


def test_an_entry_of_the_state_editors_says_so(client, bavaria):
    entry = make_entry(district=None)
    html = client.get(reverse("questions:entry_detail", args=[entry.pk])).content.decode()
    assert "Answered by the state editors of Bayern" in html


def test_translations_are_linked_in_their_own_language(client):
    entry = make_entry()
    english = entry_translate(
        actor=None,
        entry=entry,
        language="en",
        title="Housing certificate",
        question="How?",
        answer="At the office.",
        publish=True,
    )
    entry_translate(
        actor=None, entry=entry, language="ar", title="x", question="y", answer="z"
    )  # a draft: not linked for the public
    html = client.get(reverse("questions:entry_detail", args=[entry.pk])).content.decode()
    link = re.search(rf'<a[^>]*href="/knowledge/{english.pk}/"[^>]*>([^<]*)</a>', html)
    assert link is not None
    assert 'lang="en"' in link.group(0) and 'hreflang="en"' in link.group(0)
    assert link.group(1) == "English"
    assert "العربية" not in html


def test_an_answer_from_dialog_digital_links_its_session(client, bavaria):
    session = DialogSessionFactory(title="Wohnen und Ankommen")
    entry = make_entry(district=None, source=EntrySource.DIALOG, session=session)
    html = client.get(reverse("questions:entry_detail", args=[entry.pk])).content.decode()
    assert "Wohnen und Ankommen" in html
    assert "From Dialog digital" in html


def test_drafts_are_404_for_the_public_and_shown_to_their_editors(
    client, volunteer_client, other_coordinator_client, coordinator_client, state_editor_client
):
    draft = make_entry(publish=False)
    url = reverse("questions:entry_detail", args=[draft.pk])
    assert client.get(url).status_code == 404
    assert volunteer_client.get(url).status_code == 404
    assert other_coordinator_client.get(url).status_code == 404
    response = coordinator_client.get(url)
    assert response.status_code == 200
    assert "Draft: only the editors see this entry." in response.content.decode()
    assert state_editor_client.get(url).status_code == 200


def test_an_unknown_entry_is_404(client):
    assert client.get(reverse("questions:entry_detail", args=[999999])).status_code == 404


# --- similar entries for the ask form ------------------------------------------------------------


def test_similar_entries_partial(client):
    entry = make_entry()
    response = client.get(
        SIMILAR, {"title": "Wohnberechtigungsschein", "text": "Wie bekomme ich den?"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Maybe these answers help:" in html
    assert reverse("questions:entry_detail", args=[entry.pk]) in html


def test_similar_entries_partial_is_empty_without_hits_or_text(client):
    make_entry()
    assert client.get(SIMILAR, {"title": "Zahnspange", "text": ""}).content.strip() == b""
    assert client.get(SIMILAR).content.strip() == b""
    huge = client.get(SIMILAR, {"title": "x" * 50_000, "text": "\x00<script>"})
    assert huge.status_code == 200


# --- editors -------------------------------------------------------------------------------------


def _form(**overrides):
    return {
        "title": "Kitaplatz finden",
        "question": "Wie finde ich einen Kitaplatz?",
        "answer": "Melden Sie sich beim Jugendamt.",
        "topic": Topic.SCHOOL_CHILDCARE,
        "language": "de",
        "action": "publish",
    } | overrides


def test_a_coordinator_publishes_an_entry_of_their_district(coordinator_client, munich):
    response = coordinator_client.post(CREATE, _form())
    entry = Entry.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("questions:entry_detail", args=[entry.pk])
    assert entry.status == EntryStatus.PUBLISHED and entry.district == munich


def test_saving_as_draft(coordinator_client):
    coordinator_client.post(CREATE, _form(action="draft"))
    assert Entry.objects.get().status == EntryStatus.DRAFT


def test_a_coordinator_of_two_districts_chooses(coordinator, coordinator_client, nuremberg):
    RoleAssignmentFactory(user=coordinator, role=Role.COORDINATOR, district=nuremberg)
    html = coordinator_client.get(CREATE).content.decode()
    assert "Published by" in html and "Lotsen team Nürnberg" in html
    coordinator_client.post(CREATE, _form(publisher=f"district:{nuremberg.pk}"))
    assert Entry.objects.get().district == nuremberg


def test_a_state_editor_writes_for_the_land(state_editor_client, bavaria):
    state_editor_client.post(CREATE, _form())
    entry = Entry.objects.get()
    assert entry.district is None and entry.state == bavaria


def test_a_huge_answer_is_refused(coordinator_client):
    response = coordinator_client.post(CREATE, _form(answer="x" * 50_000))
    assert response.status_code == 200
    assert "at most 10000 characters" in response.content.decode()
    assert not Entry.objects.exists()


def test_nul_bytes_are_refused(coordinator_client):
    response = coordinator_client.post(CREATE, _form(title="Kita\x00platz"))
    assert response.status_code == 200
    assert not Entry.objects.exists()


def test_volunteers_cannot_write(volunteer_client):
    assert volunteer_client.get(CREATE).status_code == 404
    assert volunteer_client.post(CREATE, _form()).status_code == 404
    assert not Entry.objects.exists()


def test_editing_across_districts_is_404_and_the_state_editor_may(
    coordinator_client, other_coordinator_client, state_editor_client
):
    entry = make_entry()
    url = reverse("questions:entry_edit", args=[entry.pk])
    assert other_coordinator_client.get(url).status_code == 404
    assert other_coordinator_client.post(url, _form(title="Fremd")).status_code == 404
    assert coordinator_client.get(url).status_code == 200
    response = state_editor_client.post(url, _form(title="Vom Land"))
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.title == "Vom Land"


def test_publish_and_withdraw_are_posts(coordinator_client, other_coordinator_client, client):
    entry = make_entry(publish=False)
    publish = reverse("questions:entry_publish", args=[entry.pk])
    withdraw = reverse("questions:entry_withdraw", args=[entry.pk])
    assert coordinator_client.get(publish).status_code == 405
    assert other_coordinator_client.post(publish).status_code == 404
    assert client.post(publish).status_code == 302  # to the login page
    coordinator_client.post(publish)
    entry.refresh_from_db()
    assert entry.status == EntryStatus.PUBLISHED
    coordinator_client.post(withdraw)
    entry.refresh_from_db()
    assert entry.status == EntryStatus.WITHDRAWN
    assert client.get(reverse("questions:entry_detail", args=[entry.pk])).status_code == 404


def test_translating_offers_the_missing_languages(coordinator_client):
    entry = make_entry()
    url = reverse("questions:entry_translate", args=[entry.pk])
    form = coordinator_client.get(url).context["form"]
    codes = [code for code, _name in form.fields["language"].choices]
    assert "de" not in codes and "en" in codes
    response = coordinator_client.post(
        url,
        {
            "language": "en",
            "title": "Housing certificate",
            "question": "How?",
            "answer": "At the office.",
            "action": "publish",
        },
    )
    english = Entry.objects.get(language="en")
    assert response.url == reverse("questions:entry_detail", args=[english.pk])
    assert english.group == entry.group
    refused = coordinator_client.post(
        url, {"language": "de", "title": "x", "question": "y", "answer": "z"}
    )
    assert refused.status_code == 200
    assert Entry.objects.count() == 2


def test_the_manage_list_shows_what_the_user_may_edit(
    coordinator_client, other_coordinator_client, nuremberg
):
    own = make_entry("Eigener Eintrag", publish=False)
    make_entry("Fremder Eintrag", district=nuremberg)
    page = coordinator_client.get(MANAGE).context["page_obj"]
    assert [entry.pk for entry in page] == [own.pk]
    filtered = coordinator_client.get(MANAGE, {"status": "published"}).context["page_obj"]
    assert list(filtered) == []
    html = other_coordinator_client.get(MANAGE).content.decode()
    assert "Fremder Eintrag" in html and "Eigener Eintrag" not in html


def test_the_manage_list_does_a_constant_number_of_queries(coordinator_client):
    for n in range(3):
        make_entry(f"Eintrag {n}")
    with CaptureQueriesContext(connection) as few:
        coordinator_client.get(MANAGE)
    for n in range(30):
        make_entry(f"Eintrag {n + 3}")
    with CaptureQueriesContext(connection) as many:
        coordinator_client.get(MANAGE)
    assert len(many.captured_queries) == len(few.captured_queries)


# --- from a question -----------------------------------------------------------------------------


@pytest.fixture
def answered_question(munich, coordinator):
    question = QuestionFactory(
        district=munich,
        status=QuestionStatus.ANSWERED,
        title="Wohnung für Familie Yilmaz",
        text="Familie Yilmaz (Tel. 0176 1234567) sucht eine Wohnung.",
    )
    MessageFactory(question=question, author=coordinator, kind=MessageKind.ANSWER, text="Erstens.")
    MessageFactory(question=question, kind=MessageKind.REPLY, text="Danke!")
    MessageFactory(question=question, author=coordinator, kind=MessageKind.ANSWER, text="Zweitens.")
    return question


def test_the_form_is_prefilled_from_the_question_with_a_privacy_hint(
    coordinator_client, answered_question
):
    url = reverse("questions:entry_from_question", args=[answered_question.pk])
    response = coordinator_client.get(url)
    html = response.content.decode()
    assert "Remove every personal detail before you publish." in html
    assert "phone numbers" in html and "dates of birth" in html
    initial = response.context["form"].initial
    assert initial["title"] == "Wohnung für Familie Yilmaz"
    assert initial["answer"] == "Erstens.\n\nZweitens."
    assert initial["topic"] == Topic.HOUSING


def test_publishing_a_question_notifies_the_asker(coordinator_client, answered_question):
    url = reverse("questions:entry_from_question", args=[answered_question.pk])
    response = coordinator_client.post(
        url,
        _form(title="Wohnung für eine Familie", question="Eine Familie sucht eine Wohnung."),
    )
    entry = Entry.objects.get()
    assert response.url == reverse("questions:entry_detail", args=[entry.pk])
    assert entry.source_question == answered_question
    assert Notification.objects.filter(user=answered_question.asker).count() == 1


def test_only_the_team_of_the_question_may_publish_it(
    answered_question, other_coordinator_client, state_editor_client, client
):
    url = reverse("questions:entry_from_question", args=[answered_question.pk])
    assert other_coordinator_client.get(url).status_code == 404
    assert state_editor_client.get(url).status_code == 404  # not forwarded
    asker = Client()
    asker.force_login(answered_question.asker)
    assert asker.get(url).status_code == 404
    assert other_coordinator_client.post(url, _form()).status_code == 404
    assert not Entry.objects.exists()


def test_a_registered_user_without_a_role_gets_404_everywhere(db):
    user_client = Client()
    user_client.force_login(UserFactory())
    entry = make_entry()
    for url in (
        CREATE,
        MANAGE,
        reverse("questions:entry_edit", args=[entry.pk]),
        reverse("questions:entry_translate", args=[entry.pk]),
    ):
        assert user_client.get(url).status_code == 404
