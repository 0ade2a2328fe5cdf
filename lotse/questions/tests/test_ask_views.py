"""HTML views of "Ask your Lotse": asking (and the explanations for those who cannot yet),
"my questions", the detail page for the asker and the team, every action, the queue and bad
input."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from lotse.accounts.roles import Role
from lotse.accounts.tests.factories import RoleAssignmentFactory, UserFactory
from lotse.conftest import login_verified
from lotse.core.choices import Topic
from lotse.core.models import AuditEvent
from lotse.notifications.models import Notification
from lotse.questions.choices import MessageKind, QuestionStatus
from lotse.questions.models import Message, Question
from lotse.questions.tests.conftest import make_role
from lotse.questions.tests.factories import MessageFactory, QuestionFactory
from lotse.regions.models import Postcode, State
from lotse.volunteers.tests.factories import VolunteerProfileFactory

pytestmark = pytest.mark.django_db

ASK = reverse("questions:question_create")
MINE = reverse("questions:question_mine")
QUEUE = reverse("questions:question_queue")
# Session, user, second factor, roles, filter districts, count, rows, the header's three
# queries, the unread notifications badge: the same for 3 and for 30 questions.
QUEUE_QUERIES = 11
SCRIPT = "<script>alert(1)</script>"
ESCAPED_SCRIPT = "&lt;script&gt;alert(1)&lt;/script&gt;"


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


def _client(user) -> Client:
    return login_verified(Client(), user)


def _url(name: str, question) -> str:
    return reverse(f"questions:{name}", kwargs={"pk": question.pk})


def _html(response) -> str:
    return response.content.decode()


def _form(**overrides):
    data = {
        "title": "Wohnberechtigungsschein",
        "text": "Wie beantragt eine Familie einen Wohnberechtigungsschein?",
        "topic": Topic.HOUSING,
        "context": "",
    }
    return data | overrides


def _url_exists(name: str, **kwargs) -> bool:
    try:
        reverse(name, kwargs=kwargs or None)
    except NoReverseMatch:
        return False
    return True


# --- asking ----------------------------------------------------------------------------------


def test_the_form_suggests_similar_entries_while_typing(volunteer):
    response = _client(volunteer).get(ASK)
    assert response.status_code == 200
    html = _html(response)
    assert 'name="title"' in html and 'name="text"' in html and 'name="context"' in html
    assert "München" in html  # whose team is asked
    if _url_exists("questions:entry_similar"):
        assert 'id="similar-entries"' in html
        assert 'aria-live="polite"' in html
        assert f'hx-get="{reverse("questions:entry_similar")}"' in html
        assert 'hx-include="#id_title, #id_text"' in html
        assert (
            'hx-trigger="input changed delay:500ms from:#id_title, '
            'input changed delay:500ms from:#id_text"' in html
        )
    else:
        assert 'id="similar-entries"' not in html


def test_asking_sends_the_question_to_the_team(volunteer, coordinator):
    client = _client(volunteer)
    response = client.post(ASK, _form(context="Seit März in München."))
    question = Question.objects.get()
    assert response.status_code == 302
    assert response["Location"] == _url("question_detail", question)
    assert question.asker == volunteer
    assert question.context == "Seit März in München."
    assert question.language == "en"
    assert Notification.objects.filter(user=coordinator, kind="questions.question.new").exists()
    page = client.get(response["Location"])
    assert "Your question has been sent to the team of" in _html(page)


def test_without_a_volunteer_profile_the_page_explains(db):
    response = _client(UserFactory()).get(ASK)
    assert response.status_code == 200
    html = _html(response)
    assert "Questions to the Lotsen are for registered volunteers." in html
    assert reverse("volunteers:profile_edit") in html
    # Posting changes nothing.
    assert _client(UserFactory()).post(ASK, _form()).status_code == 200
    assert not Question.objects.exists()


def test_an_unconfirmed_address_is_explained(munich):
    user = VolunteerProfileFactory(user=UserFactory(email_confirmed_at=None)).user
    response = _client(user).get(ASK)
    assert response.status_code == 200
    assert "Please confirm your e-mail address first." in _html(response)


def test_anonymous_visitors_log_in_first(client):
    response = client.get(ASK)
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"title": ""}, "Please give your question a short title."),
        ({"text": ""}, "Please write your question."),
        ({"topic": ""}, "Please choose a topic."),
        ({"topic": "cooking"}, "Please choose a topic."),
        ({"title": "x" * 50_000}, "Please use at most 200 characters (you used 50000)."),
        ({"text": "x" * 50_000}, "Please use at most 10000 characters (you used 50000)."),
        ({"context": "x" * 50_000}, "Please use at most 2000 characters (you used 50000)."),
        ({"text": "Hallo\x00Welt"}, "The text contains invalid control characters"),
        ({"title": "Hallo\x00"}, "The text contains invalid control characters"),
    ],
)
def test_bad_input_shows_clear_errors_and_stores_nothing(volunteer, data, message):
    response = _client(volunteer).post(ASK, _form(**data))
    assert response.status_code == 200
    assert message in _html(response)
    assert 'class="kern-alert kern-alert--danger"' in _html(response)
    assert not Question.objects.exists()


def test_markup_is_stored_as_text_and_escaped_on_output(volunteer, coordinator):
    _client(volunteer).post(ASK, _form(title=SCRIPT, text=f"Text {SCRIPT}", context=SCRIPT))
    question = Question.objects.get()
    assert question.title == SCRIPT
    for user in (volunteer, coordinator):
        html = _html(_client(user).get(_url("question_detail", question)))
        assert SCRIPT not in html
        assert html.count(ESCAPED_SCRIPT) >= 3
    for page, user in ((MINE, volunteer), (QUEUE, coordinator)):
        html = _html(_client(user).get(page))
        assert SCRIPT not in html
        assert ESCAPED_SCRIPT in html


# --- my questions ----------------------------------------------------------------------------


def test_my_questions_lists_only_mine_with_status_and_activity(volunteer, question):
    QuestionFactory(title="Someone else's")
    answered = QuestionFactory(asker=volunteer, title="Beantwortet", status=QuestionStatus.ANSWERED)
    MessageFactory(question=answered, kind=MessageKind.ANSWER, author=UserFactory())
    response = _client(volunteer).get(MINE)
    html = _html(response)
    assert response.status_code == 200
    assert "Wohngeld beantragen" in html and "Beantwortet" in html
    assert "Someone else" not in html
    assert "Answered" in html and "Waiting to be taken" in html
    # Most recent activity first: the answered one has the newest message.
    assert [q.pk for q in response.context["page_obj"]] == [answered.pk, question.pk]


@pytest.mark.parametrize("rows", [3, 30])
def test_my_questions_uses_a_constant_number_of_queries(
    volunteer, django_assert_max_num_queries, rows
):
    for _index in range(rows):
        question = QuestionFactory(asker=volunteer)
        MessageFactory(question=question)
    client = _client(volunteer)
    client.get(MINE)
    with django_assert_max_num_queries(8):
        response = client.get(MINE)
    assert len(response.context["page_obj"]) == min(rows, 25)


def test_my_questions_are_paginated(volunteer):
    QuestionFactory.create_batch(27, asker=volunteer)
    client = _client(volunteer)
    assert len(client.get(MINE).context["page_obj"]) == 25
    assert len(client.get(MINE, {"page": 2}).context["page_obj"]) == 2


# --- who sees a question ---------------------------------------------------------------------


def test_the_asker_and_the_districts_coordinators_see_the_question(
    question, volunteer, coordinator, nuremberg
):
    url = _url("question_detail", question)
    assert _client(volunteer).get(url).status_code == 200
    assert not AuditEvent.objects.filter(action="questions.question.viewed").exists()
    assert _client(coordinator).get(url).status_code == 200
    assert AuditEvent.objects.filter(
        action="questions.question.viewed",
        actor=coordinator,
        subject=volunteer,
        object_id=str(question.pk),
    ).exists()
    others = [
        VolunteerProfileFactory(postcode=Postcode.objects.get(code="90402")).user,
        VolunteerProfileFactory().user,  # another volunteer of the same district
        make_role(Role.COORDINATOR, district=nuremberg),
        make_role(Role.STATE_EDITOR, state=State.objects.get(code="BY")),  # before forwarding
        UserFactory(),
    ]
    for user in others:
        assert _client(user).get(url).status_code == 404


def test_state_editors_see_forwarded_questions_of_their_land_only(question, editor):
    url = _url("question_detail", question)
    assert _client(editor).get(url).status_code == 404
    Question.objects.filter(pk=question.pk).update(forwarded_at=timezone.now())
    assert _client(editor).get(url).status_code == 200
    other_land = make_role(Role.STATE_EDITOR, state=State.objects.get(code="BW"))
    assert _client(other_land).get(url).status_code == 404


def test_an_unknown_question_is_404(volunteer, coordinator):
    url = reverse("questions:question_detail", kwargs={"pk": 999_999})
    assert _client(volunteer).get(url).status_code == 404
    assert _client(coordinator).get(url).status_code == 404


def test_the_thread_hides_forward_notes_from_the_asker(question, volunteer, coordinator):
    answer = MessageFactory(
        question=question, author=coordinator, kind=MessageKind.ANSWER, text="Beim Wohnungsamt."
    )
    MessageFactory(
        question=question,
        author=coordinator,
        kind=MessageKind.FORWARD,
        text="Interne Notiz fürs Land",
    )
    Question.objects.filter(pk=question.pk).update(forwarded_at=timezone.now())
    asker_html = _html(_client(volunteer).get(_url("question_detail", question)))
    assert answer.text in asker_html
    assert "Interne Notiz" not in asker_html
    assert "forwarded to the state level" in asker_html
    team_html = _html(_client(coordinator).get(_url("question_detail", question)))
    assert "Interne Notiz fürs Land" in team_html
    assert "Only the team sees this note" in team_html


def test_the_team_sees_the_askers_name_the_land_only_the_district(
    question, volunteer, editor, coordinator
):
    Question.objects.filter(pk=question.pk).update(forwarded_at=timezone.now())
    name = volunteer.get_full_name()
    assert name in _html(_client(coordinator).get(_url("question_detail", question)))
    editor_html = _html(_client(editor).get(_url("question_detail", question)))
    assert name not in editor_html
    assert "by a volunteer of" in editor_html


# --- the asker's actions ---------------------------------------------------------------------


def test_the_asker_replies(question, volunteer, coordinator):
    question.status = QuestionStatus.ASKED_BACK
    question.waiting_since = None
    question.assignee = coordinator
    question.save()
    response = _client(volunteer).post(_url("question_reply", question), {"text": "In München."})
    assert response.status_code == 302
    question.refresh_from_db()
    assert question.status == QuestionStatus.IN_PROGRESS
    assert question.waiting_since is not None
    assert Message.objects.get().kind == MessageKind.REPLY
    assert Notification.objects.filter(user=coordinator, kind="questions.question.replied").exists()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Please write a reply."),
        ("x" * 50_000, "Please use at most 10000 characters (you used 50000)."),
        ("Nul\x00", "The text contains invalid control characters"),
    ],
)
def test_a_bad_reply_is_refused(question, volunteer, text, message):
    response = _client(volunteer).post(_url("question_reply", question), {"text": text})
    assert response.status_code == 200
    assert message in _html(response)
    assert not Message.objects.exists()


def test_a_reply_to_a_closed_question_is_refused_clearly(question, volunteer):
    Question.objects.filter(pk=question.pk).update(status=QuestionStatus.CLOSED)
    response = _client(volunteer).post(_url("question_reply", question), {"text": "Noch was"})
    assert response.status_code == 200
    assert "This question is closed. If you need more help, please ask a new question." in _html(
        response
    )
    assert not Message.objects.exists()


def test_nobody_else_posts_to_a_question(question, coordinator, nuremberg):
    stranger = VolunteerProfileFactory().user
    other_coordinator = make_role(Role.COORDINATOR, district=nuremberg)
    for user in (stranger, other_coordinator):
        client = _client(user)
        assert client.post(_url("question_reply", question), {"text": "Hi"}).status_code == 404
        assert client.post(_url("question_close", question)).status_code == 404
        assert client.post(_url("question_take", question)).status_code == 404
        assert (
            client.post(
                _url("question_answer", question), {"text": "Hi", "kind": "answer"}
            ).status_code
            == 404
        )
    # The coordinator is not the asker; the asker is not the team.
    assert (
        _client(coordinator).post(_url("question_reply", question), {"text": "x"}).status_code
        == 404
    )
    asker = _client(question.asker)
    assert asker.post(_url("question_take", question)).status_code == 404
    assert (
        asker.post(_url("question_answer", question), {"text": "x", "kind": "answer"}).status_code
        == 404
    )
    assert asker.post(_url("question_forward", question), {"note": "x"}).status_code == 404
    assert not Message.objects.exists()
    question.refresh_from_db()
    assert question.status == QuestionStatus.OPEN


def test_the_asker_marks_the_question_resolved(question, volunteer):
    response = _client(volunteer).post(_url("question_close", question), follow=True)
    question.refresh_from_db()
    assert question.status == QuestionStatus.CLOSED
    html = _html(response)
    assert "Thank you! Your question is marked as resolved." in html
    assert "My question is resolved" not in html
    assert 'action="' + _url("question_reply", question) not in html


def test_posting_actions_need_post(question, volunteer):
    assert _client(volunteer).get(_url("question_close", question)).status_code == 405


# --- the team's actions ----------------------------------------------------------------------


def test_take_release_and_take_over_on_the_page(question, coordinator, colleague):
    url = _url("question_detail", question)
    response = _client(coordinator).post(_url("question_take", question), follow=True)
    assert "You have taken this question" in _html(response)
    question.refresh_from_db()
    assert question.assignee == coordinator

    colleague_html = _html(_client(colleague).get(url))
    assert f"Taken by {coordinator.get_full_name()} since" in colleague_html
    assert _url("question_take_over", question) in colleague_html
    assert _url("question_answer", question) not in colleague_html

    response = _client(colleague).post(_url("question_take", question), follow=True)
    assert f"{coordinator.get_full_name()} has taken this question. Take it over first." in _html(
        response
    )
    response = _client(colleague).post(_url("question_take_over", question), follow=True)
    assert "You have taken over the question." in _html(response)
    question.refresh_from_db()
    assert question.assignee == colleague
    assert Notification.objects.filter(
        user=coordinator, kind="questions.question.taken_over"
    ).exists()

    _client(colleague).post(_url("question_release", question))
    question.refresh_from_db()
    assert question.assignee is None
    assert "Nobody has taken this question yet." in _html(_client(coordinator).get(url))


def test_answering_and_asking_back(question, coordinator, volunteer):
    client = _client(coordinator)
    response = client.post(
        _url("question_answer", question), {"text": "Welche Stadt?", "kind": "ask_back"}
    )
    assert response.status_code == 302
    question.refresh_from_db()
    assert question.status == QuestionStatus.ASKED_BACK
    assert question.assignee == coordinator
    client.post(_url("question_answer", question), {"text": "Beim Amt.", "kind": "answer"})
    question.refresh_from_db()
    assert question.status == QuestionStatus.ANSWERED
    assert question.first_answered_at is not None
    kinds = list(Notification.objects.filter(user=volunteer).values_list("kind", flat=True))
    assert sorted(kinds) == ["questions.question.answered", "questions.question.asked_back"]
    html = _html(_client(volunteer).get(_url("question_detail", question)))
    assert "Welche Stadt?" in html and "Beim Amt." in html


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"text": "", "kind": "answer"}, "Please write your answer."),
        ({"text": "x" * 50_000, "kind": "answer"}, "Please use at most 10000 characters"),
        ({"text": "Nul\x00", "kind": "answer"}, "The text contains invalid control characters"),
        ({"text": "Antwort"}, "Please choose whether you answer or ask back."),
        ({"text": "Antwort", "kind": "forward"}, "Please choose whether you answer or ask back."),
    ],
)
def test_bad_answers_are_refused(question, coordinator, data, message):
    response = _client(coordinator).post(_url("question_answer", question), data)
    assert response.status_code == 200
    assert message in _html(response)
    assert not Message.objects.exists()


def test_answering_a_question_taken_by_somebody_else_is_refused(question, coordinator, colleague):
    Question.objects.filter(pk=question.pk).update(
        assignee=coordinator, assigned_at=timezone.now(), status=QuestionStatus.IN_PROGRESS
    )
    response = _client(colleague).post(
        _url("question_answer", question), {"text": "Meine Antwort", "kind": "answer"}
    )
    assert response.status_code == 200
    html = _html(response)
    assert f"{coordinator.get_full_name()} has taken this question. Take it over first." in html
    assert "Meine Antwort" in html  # the text is not lost
    assert not Message.objects.exists()


def test_answering_a_closed_question_is_refused(question, coordinator):
    Question.objects.filter(pk=question.pk).update(status=QuestionStatus.CLOSED)
    response = _client(coordinator).post(
        _url("question_answer", question), {"text": "Spät", "kind": "answer"}
    )
    assert response.status_code == 200
    assert "This question is closed. It cannot be answered any more." in _html(response)
    assert not Message.objects.exists()


def test_forwarding_on_the_page(question, coordinator, editor, volunteer):
    response = _client(coordinator).post(_url("question_forward", question), {"note": ""})
    assert response.status_code == 200
    assert "Please write a note for the state editors." in _html(response)

    response = _client(coordinator).post(
        _url("question_forward", question), {"note": "Bitte Landesrecht prüfen"}, follow=True
    )
    assert "The question has been forwarded to the state editors." in _html(response)
    question.refresh_from_db()
    assert question.forwarded_at is not None
    assert Notification.objects.filter(user=editor, kind="questions.question.forwarded").exists()
    # No second forwarding form; the editor sees and answers it, but cannot forward.
    html = _html(_client(coordinator).get(_url("question_detail", question)))
    assert _url("question_forward", question) not in html
    editor_client = _client(editor)
    editor_html = _html(editor_client.get(_url("question_detail", question)))
    assert "Bitte Landesrecht prüfen" in editor_html
    assert _url("question_forward", question) not in editor_html
    assert editor_client.post(_url("question_forward", question), {"note": "x"}).status_code == 404
    editor_client.post(_url("question_answer", question), {"text": "Land", "kind": "answer"})
    question.refresh_from_db()
    assert question.status == QuestionStatus.ANSWERED
    asker_html = _html(_client(volunteer).get(_url("question_detail", question)))
    assert "forwarded to the state level" in asker_html
    assert "Bitte Landesrecht" not in asker_html


def test_forwarding_twice_is_refused(question, coordinator, editor):
    client = _client(coordinator)
    client.post(_url("question_forward", question), {"note": "Erstes Mal"})
    response = client.post(_url("question_forward", question), {"note": "Zweites Mal"})
    assert response.status_code == 200
    assert "This question has already been forwarded to the state editors." in _html(response)
    assert Message.objects.filter(kind=MessageKind.FORWARD).count() == 1


def test_the_team_closes(question, coordinator, volunteer):
    _client(coordinator).post(_url("question_close", question))
    question.refresh_from_db()
    assert question.status == QuestionStatus.CLOSED
    assert Notification.objects.filter(user=volunteer, kind="questions.question.closed").exists()
    response = _client(coordinator).post(_url("question_close", question), follow=True)
    assert "This question is already closed." in _html(response)


def test_the_publish_link_needs_an_answer(question, coordinator):
    url = _url("question_detail", question)
    if not _url_exists("questions:entry_from_question", pk=question.pk):
        pytest.skip("The knowledge area has not added questions:entry_from_question yet.")
    publish = reverse("questions:entry_from_question", kwargs={"pk": question.pk})
    assert publish not in _html(_client(coordinator).get(url))
    _client(coordinator).post(_url("question_answer", question), {"text": "A", "kind": "answer"})
    assert publish in _html(_client(coordinator).get(url))
    assert publish not in _html(_client(question.asker).get(url))


# --- the queue -------------------------------------------------------------------------------


def test_the_queue_is_for_the_team_only(volunteer, coordinator, editor):
    assert _client(volunteer).get(QUEUE).status_code == 404
    assert _client(UserFactory()).get(QUEUE).status_code == 404
    assert _client(coordinator).get(QUEUE).status_code == 200
    assert _client(editor).get(QUEUE).status_code == 200


def test_the_queue_shows_waiting_time_taken_by_and_forwarded(coordinator, colleague, nuremberg):
    now = timezone.now()
    oldest = QuestionFactory(
        title="Älteste Frage",
        waiting_since=now - datetime.timedelta(days=3, hours=1),
        status=QuestionStatus.IN_PROGRESS,
        assignee=colleague,
        forwarded_at=now,
    )
    newest = QuestionFactory(title="Neueste Frage", waiting_since=now - datetime.timedelta(hours=2))
    QuestionFactory(title="Beantwortet", status=QuestionStatus.ANSWERED, waiting_since=None)
    QuestionFactory(title="Nürnberger Frage", district=nuremberg)

    response = _client(coordinator).get(QUEUE)
    html = _html(response)
    assert [row["question"] for row in response.context["rows"]] == [oldest, newest]
    assert "waiting 3 days" in html
    assert "waiting 2 hours" in html
    assert f"taken by {colleague.get_full_name()}" in html
    assert "not taken" in html
    assert "forwarded" in html
    assert "Beantwortet" not in html and "Nürnberger" not in html
    assert 'id="question-results"' in html
    assert 'hx-get="' + QUEUE + '"' in html  # the shared filter form


def test_the_queue_filters_and_answers_htmx_with_the_results(coordinator):
    QuestionFactory(title="Gesundheitsfrage", topic=Topic.HEALTH)
    QuestionFactory(title="Wohnfrage", topic=Topic.HOUSING)
    taken = QuestionFactory(
        title="Meine Frage", assignee=coordinator, status=QuestionStatus.IN_PROGRESS
    )
    client = _client(coordinator)
    response = client.get(QUEUE, {"topic": Topic.HEALTH}, headers={"HX-Request": "true"})
    html = _html(response)
    assert "Gesundheitsfrage" in html and "Wohnfrage" not in html
    assert "<html" not in html  # the partial only
    response = client.get(QUEUE, {"assigned": "me"})
    assert [row["question"] for row in response.context["rows"]] == [taken]
    response = client.get(QUEUE, {"assigned": "none"})
    assert len(response.context["rows"]) == 2
    response = client.get(QUEUE, {"status": "answered"})
    assert response.context["rows"] == []
    response = client.get(QUEUE, {"status": "nonsense"})
    assert response.status_code == 200
    assert 'class="kern-alert kern-alert--warning"' in _html(response)
    assert len(response.context["rows"]) == 3


def test_the_district_filter_appears_for_several_districts(munich, nuremberg):
    both = make_role(Role.COORDINATOR, district=munich)
    RoleAssignmentFactory(user=both, role=Role.COORDINATOR, district=nuremberg)
    QuestionFactory(title="Münchner Frage")
    QuestionFactory(title="Nürnberger Frage", district=nuremberg)
    client = _client(both)
    assert 'name="district"' in _html(client.get(QUEUE))
    response = client.get(QUEUE, {"district": nuremberg.pk})
    assert [row["question"].title for row in response.context["rows"]] == ["Nürnberger Frage"]
    single = make_role(Role.COORDINATOR, district=munich)
    assert 'name="district"' not in _html(_client(single).get(QUEUE))


def test_the_queue_header_shows_the_median_and_the_number_waiting(munich, coordinator):
    for hours in (1, 3, 10):
        question = QuestionFactory(status=QuestionStatus.ANSWERED, waiting_since=None)
        created = timezone.now() - datetime.timedelta(days=2)
        Question.objects.filter(pk=question.pk).update(
            created_at=created, first_answered_at=created + datetime.timedelta(hours=hours)
        )
    QuestionFactory()
    html = _html(_client(coordinator).get(QUEUE))
    assert "median 3 hours (based on 3 answered questions)" in html
    stats = _client(coordinator).get(QUEUE).context["stats"]
    assert [(row["district"], row["waiting"]) for row in stats] == [(munich, 1)]


def test_the_queue_of_a_state_editor_holds_forwarded_questions(editor, munich):
    QuestionFactory(title="Nicht weitergeleitet")
    forwarded = QuestionFactory(title="Weitergeleitet", forwarded_at=timezone.now())
    response = _client(editor).get(QUEUE)
    assert [row["question"] for row in response.context["rows"]] == [forwarded]
    assert "Nicht weitergeleitet" not in _html(response)


@pytest.mark.parametrize("rows", [3, 30])
def test_the_queue_uses_a_constant_number_of_queries(
    coordinator, colleague, django_assert_num_queries, rows
):
    for index in range(rows):
        QuestionFactory(
            assignee=colleague if index % 2 else None,
            forwarded_at=timezone.now() if index % 3 == 0 else None,
        )
    client = _client(coordinator)
    client.get(QUEUE)  # warm the session
    # The same number for 3 and 30 rows.
    with django_assert_num_queries(QUEUE_QUERIES):
        response = client.get(QUEUE)
    assert len(response.context["rows"]) == min(rows, 25)


def test_the_queue_is_paginated(coordinator):
    QuestionFactory.create_batch(27)
    client = _client(coordinator)
    assert len(client.get(QUEUE).context["rows"]) == 25
    assert len(client.get(QUEUE, {"page": 2}).context["rows"]) == 2
