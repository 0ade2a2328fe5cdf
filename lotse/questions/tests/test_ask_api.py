"""API of "Ask your Lotse": the own questions and the team's queue, asking, the thread,
replying and answering; scoping (404), validation like the forms."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from lotse.accounts.roles import Role
from lotse.accounts.tests.factories import UserFactory
from lotse.conftest import login_verified
from lotse.core.choices import Topic
from lotse.core.models import AuditEvent
from lotse.notifications.models import Notification
from lotse.questions.choices import MessageKind, QuestionStatus
from lotse.questions.models import Message, Question
from lotse.questions.tests.conftest import make_role
from lotse.questions.tests.factories import MessageFactory, QuestionFactory
from lotse.regions.models import State
from lotse.volunteers.tests.factories import VolunteerProfileFactory

pytestmark = pytest.mark.django_db
LIST = reverse("api:question-list")


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


def _client(user) -> Client:
    return login_verified(Client(), user)


def _detail(question) -> str:
    return reverse("api:question-detail", kwargs={"pk": question.pk})


def _reply(question) -> str:
    return reverse("api:question-reply", kwargs={"pk": question.pk})


def _answer(question) -> str:
    return reverse("api:question-answer", kwargs={"pk": question.pk})


def _post(client, url, data):
    return client.post(url, data, content_type="application/json")


# --- list ------------------------------------------------------------------------------------


def test_the_list_holds_my_own_questions(volunteer, question):
    QuestionFactory(title="Fremd")
    body = _client(volunteer).get(LIST).json()
    assert body["count"] == 1
    row = body["results"][0]
    assert row["id"] == question.pk
    assert row["title"] == "Wohngeld beantragen"
    assert row["status"] == "open"
    assert row["district"] == "09162"
    assert row["forwarded"] is False
    assert row["taken_by"] is None
    assert row["last_activity"] is not None
    assert "messages" not in row


def test_the_queue_scope_is_for_the_team(volunteer, coordinator, colleague, editor, nuremberg):
    now = timezone.now()
    older = QuestionFactory(waiting_since=now - datetime.timedelta(days=2), assignee=colleague)
    newer = QuestionFactory(waiting_since=now - datetime.timedelta(hours=2))
    QuestionFactory(status=QuestionStatus.ANSWERED, waiting_since=None)
    QuestionFactory(district=nuremberg)

    response = _client(coordinator).get(LIST, {"scope": "queue"})
    rows = response.json()["results"]
    assert [row["id"] for row in rows] == [older.pk, newer.pk]
    assert rows[0]["taken_by"] == colleague.get_full_name()
    response = _client(coordinator).get(LIST, {"scope": "queue", "assigned": "none"})
    assert [row["id"] for row in response.json()["results"]] == [newer.pk]
    response = _client(coordinator).get(LIST, {"scope": "queue", "status": "all"})
    assert response.json()["count"] == 3
    response = _client(coordinator).get(LIST, {"scope": "queue", "district": "09564"})
    assert response.json()["count"] == 0
    assert _client(editor).get(LIST, {"scope": "queue"}).json()["count"] == 0
    assert _client(volunteer).get(LIST, {"scope": "queue"}).status_code == 403
    assert _client(coordinator).get(LIST, {"scope": "everything"}).status_code == 400


@pytest.mark.parametrize("rows", [3, 30])
def test_the_queue_uses_a_constant_number_of_queries(
    coordinator, colleague, django_assert_max_num_queries, rows
):
    for index in range(rows):
        QuestionFactory(assignee=colleague if index % 2 else None)
    client = _client(coordinator)
    client.get(LIST, {"scope": "queue"})
    with django_assert_max_num_queries(8):
        response = client.get(LIST, {"scope": "queue"})
    assert len(response.json()["results"]) == min(rows, 25)


def test_anonymous_callers_are_refused(client):
    assert client.get(LIST).status_code == 403


# --- asking ----------------------------------------------------------------------------------


def test_asking(volunteer, coordinator):
    response = _post(
        _client(volunteer),
        LIST,
        {
            "title": "Kita-Platz",
            "text": "Wie finde ich einen Kita-Platz?",
            "topic": "school_childcare",
        },
    )
    assert response.status_code == 201
    body = response.json()
    question = Question.objects.get()
    assert body["id"] == question.pk
    assert body["messages"] == []
    assert body["context"] == ""
    assert question.asker == volunteer
    assert Notification.objects.filter(user=coordinator, kind="questions.question.new").exists()
    assert AuditEvent.objects.filter(action="questions.question.created", via="api").exists()


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"title": ""}, "title", "Please give your question a short title."),
        ({"text": ""}, "text", "Please write your question."),
        ({"title": "x" * 50_000}, "title", "Please use at most 200 characters."),
        ({"text": "x" * 50_000}, "text", "Please use at most 10000 characters."),
        ({"context": "x" * 50_000}, "context", "Please use at most 2000 characters."),
        ({"text": "Nul\x00"}, "text", "The text contains invalid control characters"),
        ({"context": "Steuer\x07zeichen"}, "context", "The text contains invalid control"),
        ({"topic": "cooking"}, "topic", "Please choose a topic."),
    ],
)
def test_bad_questions_are_refused(volunteer, data, field, message):
    payload = {"title": "Titel", "text": "Text", "topic": Topic.HOUSING} | data
    response = _post(_client(volunteer), LIST, payload)
    assert response.status_code == 400
    assert response.json()[field][0].startswith(message)
    assert not Question.objects.exists()


def test_markup_is_kept_as_text(volunteer):
    script = "<script>alert(1)</script>"
    response = _post(
        _client(volunteer), LIST, {"title": script, "text": script, "topic": Topic.OTHER}
    )
    assert response.status_code == 201
    assert response.json()["title"] == script
    assert response["Content-Type"] == "application/json"


def test_only_registered_volunteers_ask(coordinator):
    response = _post(
        _client(UserFactory()), LIST, {"title": "T", "text": "Q", "topic": Topic.OTHER}
    )
    assert response.status_code == 403
    response = _post(_client(coordinator), LIST, {"title": "T", "text": "Q", "topic": "other"})
    assert response.status_code == 403
    assert not Question.objects.exists()


# --- detail ----------------------------------------------------------------------------------


def test_the_asker_sees_the_thread_without_internal_notes(question, volunteer, coordinator):
    MessageFactory(question=question, author=coordinator, kind=MessageKind.ANSWER, text="Amt")
    MessageFactory(question=question, author=coordinator, kind=MessageKind.FORWARD, text="Intern")
    MessageFactory(question=question, author=volunteer, kind=MessageKind.REPLY, text="Danke")
    body = _client(volunteer).get(_detail(question)).json()
    assert [(m["kind"], m["text"]) for m in body["messages"]] == [
        ("answer", "Amt"),
        ("reply", "Danke"),
    ]
    assert body["messages"][1]["author_name"] == "You"
    assert body["messages"][1]["from_asker"] is True
    assert body["taken_by"] is None
    assert not AuditEvent.objects.filter(action="questions.question.viewed").exists()

    body = _client(coordinator).get(_detail(question)).json()
    assert [m["kind"] for m in body["messages"]] == ["answer", "forward", "reply"]
    assert body["messages"][2]["author_name"] == volunteer.get_full_name()
    assert AuditEvent.objects.filter(
        action="questions.question.viewed", actor=coordinator, subject=volunteer, via="api"
    ).exists()


def test_nobody_else_sees_a_question(question, editor, nuremberg):
    for user in (
        VolunteerProfileFactory().user,
        make_role(Role.COORDINATOR, district=nuremberg),
        editor,
        UserFactory(),
    ):
        assert _client(user).get(_detail(question)).status_code == 404
    Question.objects.filter(pk=question.pk).update(forwarded_at=timezone.now())
    assert _client(editor).get(_detail(question)).status_code == 200
    other_land = make_role(Role.STATE_EDITOR, state=State.objects.get(code="BW"))
    assert _client(other_land).get(_detail(question)).status_code == 404
    missing = reverse("api:question-detail", kwargs={"pk": 999_999})
    assert _client(question.asker).get(missing).status_code == 404


# --- reply and answer ------------------------------------------------------------------------


def test_the_asker_replies(question, volunteer, coordinator):
    Question.objects.filter(pk=question.pk).update(
        status=QuestionStatus.ASKED_BACK, waiting_since=None, assignee=coordinator
    )
    response = _post(_client(volunteer), _reply(question), {"text": "München"})
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "in_progress"
    assert body["messages"][-1]["text"] == "München"
    assert Notification.objects.filter(user=coordinator, kind="questions.question.replied").exists()


@pytest.mark.parametrize("text", ["", "x" * 50_000, "Nul\x00"])
def test_bad_replies_are_refused(question, volunteer, text):
    response = _post(_client(volunteer), _reply(question), {"text": text})
    assert response.status_code == 400
    assert "text" in response.json()
    assert not Message.objects.exists()


def test_only_the_asker_replies(question, coordinator):
    for user in (coordinator, VolunteerProfileFactory().user):
        assert _post(_client(user), _reply(question), {"text": "Hallo"}).status_code == 404
    assert not Message.objects.exists()


def test_a_reply_to_a_closed_question_is_refused(question, volunteer):
    Question.objects.filter(pk=question.pk).update(status=QuestionStatus.CLOSED)
    response = _post(_client(volunteer), _reply(question), {"text": "Noch was"})
    assert response.status_code == 400
    assert "This question is closed." in response.json()["non_field_errors"][0]


def test_the_team_answers_and_asks_back(question, coordinator, volunteer):
    client = _client(coordinator)
    response = _post(client, _answer(question), {"kind": "ask_back", "text": "Welche Stadt?"})
    assert response.status_code == 200
    assert response.json()["status"] == "asked_back"
    assert response.json()["taken_by"] == coordinator.get_full_name()
    response = _post(client, _answer(question), {"kind": "answer", "text": "Beim Amt."})
    body = response.json()
    assert body["status"] == "answered"
    assert body["first_answered_at"] is not None
    assert [m["kind"] for m in body["messages"]] == ["ask_back", "answer"]
    assert Notification.objects.filter(user=volunteer).count() == 2


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"kind": "answer", "text": ""}, "text"),
        ({"kind": "answer", "text": "x" * 50_000}, "text"),
        ({"kind": "answer", "text": "Nul\x00"}, "text"),
        ({"kind": "forward", "text": "Notiz"}, "kind"),
        ({"text": "Ohne Art"}, "kind"),
    ],
)
def test_bad_answers_are_refused(question, coordinator, data, field):
    response = _post(_client(coordinator), _answer(question), data)
    assert response.status_code == 400
    assert field in response.json()
    assert not Message.objects.exists()


def test_an_answer_to_a_question_taken_by_somebody_else_is_refused(
    question, coordinator, colleague
):
    Question.objects.filter(pk=question.pk).update(
        assignee=coordinator, assigned_at=timezone.now(), status=QuestionStatus.IN_PROGRESS
    )
    response = _post(_client(colleague), _answer(question), {"kind": "answer", "text": "Ich"})
    assert response.status_code == 400
    assert response.json()["non_field_errors"] == [
        f"{coordinator.get_full_name()} has taken this question. Take it over first."
    ]


def test_an_answer_to_a_closed_question_is_refused(question, coordinator):
    Question.objects.filter(pk=question.pk).update(status=QuestionStatus.CLOSED)
    response = _post(_client(coordinator), _answer(question), {"kind": "answer", "text": "Spät"})
    assert response.status_code == 400
    assert response.json()["non_field_errors"] == [
        "This question is closed. It cannot be answered any more."
    ]


def test_only_the_team_answers(question, volunteer, editor, nuremberg):
    for user in (volunteer, editor, make_role(Role.COORDINATOR, district=nuremberg)):
        response = _post(_client(user), _answer(question), {"kind": "answer", "text": "Hallo"})
        assert response.status_code == 404
    assert not Message.objects.exists()
