"""Services and selectors of "Ask your Lotse": asking, the team's transitions, notifications,
visibility, the queue header's median and account erasure."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from lotse.accounts.tests.factories import UserFactory
from lotse.core.choices import Topic
from lotse.core.models import AuditEvent
from lotse.core.privacy import erase_user
from lotse.notifications.models import Notification
from lotse.questions.choices import MessageKind, QuestionStatus
from lotse.questions.models import Message, Question
from lotse.questions.selectors.ask import (
    ASSIGNED_ME,
    ASSIGNED_NOBODY,
    STATUS_ALL,
    QueueFilters,
    question_list_mine,
    question_queue,
    question_thread,
    questions_for_team,
    queue_stats,
)
from lotse.questions.services.ask import (
    MAX_QUESTIONS_PER_DAY,
    question_answer,
    question_ask_back,
    question_close,
    question_create,
    question_forward,
    question_release,
    question_reply,
    question_take,
    question_take_over,
)
from lotse.questions.tests.factories import MessageFactory, QuestionFactory
from lotse.regions.models import Postcode
from lotse.volunteers.tests.factories import VolunteerProfileFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


def _ask(actor, **overrides):
    data = {
        "title": "Wohnberechtigungsschein",
        "text": "Wie beantragt eine Familie einen Wohnberechtigungsschein?",
        "topic": Topic.HOUSING,
        "context": "Die Familie wohnt seit März in München.",
        "language": "de",
    }
    return question_create(actor=actor, **(data | overrides))


def _errors(error: ValidationError) -> dict[str, list[str]]:
    return error.message_dict


# --- asking ----------------------------------------------------------------------------------


def test_asking_stores_the_question_and_tells_the_districts_coordinators(
    volunteer, coordinator, colleague, other_coordinator, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        question = _ask(volunteer)

    assert question.district.ags == "09162"
    assert question.status == QuestionStatus.OPEN
    assert question.waiting_since is not None
    assert question.asker == volunteer
    assert question.language == "de"
    assert question.context == "Die Familie wohnt seit März in München."
    notified = Notification.objects.filter(kind="questions.question.new")
    assert sorted(notified.values_list("user_id", flat=True)) == sorted(
        [coordinator.pk, colleague.pk]
    )
    first = notified.get(user=coordinator)
    assert first.url == f"/questions/{question.pk}/"
    assert first.title == f"New question from a volunteer in {question.district.name}"
    # The text of the question stays out of the mails.
    assert sorted(m.to[0] for m in mail.outbox) == sorted([coordinator.email, colleague.email])
    assert all("Wohnberechtigungsschein" not in m.body for m in mail.outbox)
    assert AuditEvent.objects.filter(
        action="questions.question.created", object_id=str(question.pk), subject=volunteer
    ).exists()


def test_html_is_kept_as_text(volunteer):
    question = _ask(volunteer, title="<script>alert(1)</script>", text="a < b & <b>bold</b>")
    question.refresh_from_db()
    assert question.title == "<script>alert(1)</script>"
    assert question.text == "a < b & <b>bold</b>"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("title", "", "Please give your question a short title."),
        ("title", "   ", "Please give your question a short title."),
        ("text", "", "Please write your question."),
        ("title", "x" * 50_000, "Please use at most 200 characters (you used 50000)."),
        ("text", "x" * 50_000, "Please use at most 10000 characters (you used 50000)."),
        ("context", "x" * 50_000, "Please use at most 2000 characters (you used 50000)."),
        ("text", "Hallo\x00Welt", "The text contains invalid control characters"),
        ("context", "Hallo\x00", "The text contains invalid control characters"),
        ("topic", "cooking", "Please choose a topic."),
    ],
)
def test_bad_input_is_refused_and_nothing_is_stored(volunteer, coordinator, field, value, message):
    with pytest.raises(ValidationError) as caught:
        _ask(volunteer, **{field: value})
    assert any(text.startswith(message) for text in _errors(caught.value)[field])
    assert not Question.objects.exists()
    assert not Notification.objects.exists()


def test_only_registered_volunteers_ask(munich):
    with pytest.raises(PermissionDenied):
        _ask(UserFactory())  # no volunteer profile
    unconfirmed = VolunteerProfileFactory(user=UserFactory(email_confirmed_at=None)).user
    with pytest.raises(PermissionDenied):
        _ask(unconfirmed)
    assert not Question.objects.exists()


def test_an_unknown_language_falls_back_to_the_site_language(volunteer, settings):
    assert _ask(volunteer, language="xx").language == settings.LANGUAGE_CODE


def test_at_most_ten_questions_a_day(volunteer):
    for number in range(MAX_QUESTIONS_PER_DAY):
        _ask(volunteer, title=f"Frage {number}")
    with pytest.raises(ValidationError) as caught:
        _ask(volunteer, title="Noch eine")
    assert "in the last 24 hours" in _errors(caught.value)["__all__"][0]
    assert Question.objects.count() == MAX_QUESTIONS_PER_DAY


def test_a_nuremberg_volunteer_asks_nurembergs_team(coordinator, other_coordinator):
    volunteer = VolunteerProfileFactory(postcode=Postcode.objects.get(code="90402")).user
    question = _ask(volunteer)
    assert question.district.ags == "09564"
    assert list(Notification.objects.values_list("user_id", flat=True)) == [other_coordinator.pk]


# --- taking ----------------------------------------------------------------------------------


def test_take_release_and_take_over(question, coordinator, colleague):
    question = question_take(actor=coordinator, question=question)
    assert question.assignee == coordinator
    assert question.assigned_at is not None
    assert question.status == QuestionStatus.IN_PROGRESS
    # Taking it again changes nothing.
    assert question_take(actor=coordinator, question=question).assignee == coordinator

    with pytest.raises(ValidationError) as caught:
        question_take(actor=colleague, question=question)
    name = coordinator.get_full_name()
    assert _errors(caught.value)["__all__"] == [
        f"{name} has taken this question. Take it over first."
    ]

    with pytest.raises(ValidationError):
        question_release(actor=colleague, question=question)

    question = question_take_over(actor=colleague, question=question)
    assert question.assignee == colleague
    notification = Notification.objects.get(user=coordinator)
    assert notification.kind == "questions.question.taken_over"
    assert colleague.get_full_name() in notification.body
    assert AuditEvent.objects.filter(action="questions.question.taken_over").exists()

    question = question_release(actor=colleague, question=question)
    assert question.assignee is None
    assert question.status == QuestionStatus.OPEN


def test_taking_over_an_untaken_question_just_takes_it(question, coordinator):
    question = question_take_over(actor=coordinator, question=question)
    assert question.assignee == coordinator
    assert not Notification.objects.exists()


def test_a_closed_question_cannot_be_taken(question, coordinator):
    question_close(actor=coordinator, question=question)
    question.refresh_from_db()
    with pytest.raises(ValidationError):
        question_take(actor=coordinator, question=question)


def test_other_districts_and_editors_before_forwarding_may_not_act(
    question, other_coordinator, editor, volunteer
):
    for actor in (other_coordinator, editor, volunteer, UserFactory()):
        with pytest.raises(PermissionDenied):
            question_take(actor=actor, question=question)
        with pytest.raises(PermissionDenied):
            question_answer(actor=actor, question=question, text="Antwort")
    assert not Message.objects.exists()


# --- answering -------------------------------------------------------------------------------


def test_answering_an_untaken_question_takes_it_and_tells_the_asker(
    question, coordinator, volunteer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        message = question_answer(actor=coordinator, question=question, text="Beim Wohnungsamt.")
    question.refresh_from_db()
    assert message.kind == MessageKind.ANSWER
    assert message.author == coordinator
    assert question.status == QuestionStatus.ANSWERED
    assert question.assignee == coordinator
    assert question.first_answered_at is not None
    assert question.waiting_since is None
    notification = Notification.objects.get(user=volunteer)
    assert notification.kind == "questions.question.answered"
    assert notification.title == "Your question has been answered"
    assert notification.url == f"/questions/{question.pk}/"
    assert [m.to for m in mail.outbox] == [[volunteer.email]]
    assert f"/questions/{question.pk}/" in mail.outbox[0].body
    assert AuditEvent.objects.filter(
        action="questions.question.answered", subject=volunteer
    ).exists()


def test_first_answered_at_is_set_once(question, coordinator, volunteer):
    question_answer(actor=coordinator, question=question, text="Erste Antwort")
    question.refresh_from_db()
    first = question.first_answered_at
    question_reply(actor=volunteer, question=question, text="Und dann?")
    question.refresh_from_db()
    question_answer(actor=coordinator, question=question, text="Zweite Antwort")
    question.refresh_from_db()
    assert question.first_answered_at == first
    assert question.status == QuestionStatus.ANSWERED


def test_answering_a_question_taken_by_somebody_else_is_refused(question, coordinator, colleague):
    question_take(actor=coordinator, question=question)
    question.refresh_from_db()
    for service in (question_answer, question_ask_back):
        with pytest.raises(ValidationError) as caught:
            service(actor=colleague, question=question, text="Ich auch")
        assert (
            "has taken this question. Take it over first." in (_errors(caught.value)["__all__"][0])
        )
    assert not Message.objects.exists()
    question.refresh_from_db()
    assert question.status == QuestionStatus.IN_PROGRESS


def test_asking_back_waits_for_the_asker(question, coordinator, volunteer):
    message = question_ask_back(actor=coordinator, question=question, text="Welche Stadt?")
    question.refresh_from_db()
    assert message.kind == MessageKind.ASK_BACK
    assert question.status == QuestionStatus.ASKED_BACK
    assert question.waiting_since is None
    assert question.first_answered_at is None
    assert question.assignee == coordinator
    notification = Notification.objects.get(user=volunteer)
    assert notification.kind == "questions.question.asked_back"
    assert question.title in notification.body


@pytest.mark.parametrize("text", ["", "  \n ", "x" * 50_000, "Nul\x00"])
def test_bad_answers_are_refused(question, coordinator, text):
    with pytest.raises(ValidationError) as caught:
        question_answer(actor=coordinator, question=question, text=text)
    assert "text" in _errors(caught.value)
    assert not Message.objects.exists()
    question.refresh_from_db()
    assert question.assignee is None


def test_a_closed_question_cannot_be_answered(question, coordinator, volunteer):
    question_close(actor=volunteer, question=question)
    question.refresh_from_db()
    with pytest.raises(ValidationError) as caught:
        question_answer(actor=coordinator, question=question, text="Zu spät")
    assert _errors(caught.value)["__all__"] == [
        "This question is closed. It cannot be answered any more."
    ]
    assert not Message.objects.exists()


# --- the asker's reply -----------------------------------------------------------------------


def test_a_reply_makes_the_question_wait_and_tells_the_assignee(
    question, coordinator, colleague, volunteer
):
    question_ask_back(actor=coordinator, question=question, text="Welche Stadt?")
    question.refresh_from_db()
    Notification.objects.all().delete()
    before = timezone.now()

    message = question_reply(actor=volunteer, question=question, text="München.")
    question.refresh_from_db()

    assert message.kind == MessageKind.REPLY
    assert question.status == QuestionStatus.IN_PROGRESS
    assert question.waiting_since >= before
    assert list(Notification.objects.values_list("user_id", "kind")) == [
        (coordinator.pk, "questions.question.replied")
    ]


def test_a_reply_without_assignee_tells_all_coordinators(
    question, coordinator, colleague, volunteer
):
    question_answer(actor=coordinator, question=question, text="Antwort")
    question.refresh_from_db()
    question_release(actor=coordinator, question=question)
    question.refresh_from_db()
    Notification.objects.all().delete()

    question_reply(actor=volunteer, question=question, text="Danke, aber …")
    question.refresh_from_db()

    assert question.status == QuestionStatus.OPEN
    assert sorted(Notification.objects.values_list("user_id", flat=True)) == sorted(
        [coordinator.pk, colleague.pk]
    )


def test_a_reply_while_waiting_keeps_the_place_in_the_queue(question, volunteer):
    waiting_since = question.waiting_since
    question_reply(actor=volunteer, question=question, text="Noch ein Detail.")
    question.refresh_from_db()
    assert question.waiting_since == waiting_since
    assert question.status == QuestionStatus.OPEN


def test_only_the_asker_replies_and_not_to_a_closed_question(question, volunteer, coordinator):
    for actor in (coordinator, VolunteerProfileFactory().user):
        with pytest.raises(PermissionDenied):
            question_reply(actor=actor, question=question, text="Hallo")
    question_close(actor=volunteer, question=question)
    question.refresh_from_db()
    with pytest.raises(ValidationError) as caught:
        question_reply(actor=volunteer, question=question, text="Noch was")
    assert "This question is closed." in _errors(caught.value)["__all__"][0]
    with pytest.raises(ValidationError):
        question_reply(actor=volunteer, question=question, text="")


# --- forwarding ------------------------------------------------------------------------------


def test_forwarding_tells_the_lands_editors_and_lets_them_answer(
    question, coordinator, editor, other_editor, volunteer
):
    question_take(actor=coordinator, question=question)
    question.refresh_from_db()
    assert question not in questions_for_team(user=editor)

    question = question_forward(actor=coordinator, question=question, note="Landesrecht?")

    assert question.forwarded_at is not None
    assert question.forwarded_by == coordinator
    assert question.assignee is None
    assert question.status == QuestionStatus.OPEN
    note = Message.objects.get(question=question)
    assert (note.kind, note.text, note.author) == (MessageKind.FORWARD, "Landesrecht?", coordinator)
    assert list(Notification.objects.values_list("user_id", "kind")) == [
        (editor.pk, "questions.question.forwarded")
    ]
    assert question in questions_for_team(user=editor)
    assert question not in questions_for_team(user=other_editor)
    # The note is internal: the asker's thread does not contain it.
    assert list(question_thread(question=question, include_internal=False)) == []

    question_answer(actor=editor, question=question, text="Antwort der Landesebene")
    question.refresh_from_db()
    assert question.status == QuestionStatus.ANSWERED
    assert question.assignee == editor
    assert Notification.objects.filter(user=volunteer, kind="questions.question.answered").exists()


def test_forwarding_twice_or_without_note_or_by_an_editor_is_refused(question, coordinator, editor):
    with pytest.raises(ValidationError) as caught:
        question_forward(actor=coordinator, question=question, note="  ")
    assert _errors(caught.value)["note"] == ["Please write a note for the state editors."]
    with pytest.raises(PermissionDenied):
        question_forward(actor=editor, question=question, note="Ich selbst")
    question_forward(actor=coordinator, question=question, note="Bitte übernehmen")
    question.refresh_from_db()
    with pytest.raises(ValidationError) as caught:
        question_forward(actor=coordinator, question=question, note="Nochmal")
    assert _errors(caught.value)["__all__"] == [
        "This question has already been forwarded to the state editors."
    ]
    with pytest.raises(PermissionDenied):
        question_forward(actor=editor, question=question, note="Ich selbst")
    assert Message.objects.filter(kind=MessageKind.FORWARD).count() == 1


def test_forwarding_needs_state_editors(question, coordinator):
    with pytest.raises(ValidationError) as caught:
        question_forward(actor=coordinator, question=question, note="Bitte übernehmen")
    assert "has no state editors yet" in _errors(caught.value)["__all__"][0]
    question.refresh_from_db()
    assert question.forwarded_at is None


def test_a_reply_to_a_forwarded_untaken_question_tells_coordinators_and_editors(
    question, coordinator, editor, volunteer
):
    question_forward(actor=coordinator, question=question, note="Bitte übernehmen")
    question.refresh_from_db()
    Notification.objects.all().delete()
    question_reply(actor=volunteer, question=question, text="Noch ein Detail")
    assert sorted(Notification.objects.values_list("user_id", flat=True)) == sorted(
        [coordinator.pk, editor.pk]
    )


# --- closing ---------------------------------------------------------------------------------


def test_the_asker_closes_and_the_assignee_is_told(question, coordinator, volunteer):
    question_answer(actor=coordinator, question=question, text="Antwort")
    question.refresh_from_db()
    Notification.objects.all().delete()
    question = question_close(actor=volunteer, question=question)
    assert question.status == QuestionStatus.CLOSED
    assert question.closed_at is not None
    assert question.waiting_since is None
    assert list(Notification.objects.values_list("user_id", "kind")) == [
        (coordinator.pk, "questions.question.closed")
    ]
    with pytest.raises(ValidationError):
        question_close(actor=volunteer, question=question)


def test_the_team_closes_and_the_asker_is_told(question, coordinator, volunteer, other_coordinator):
    with pytest.raises(PermissionDenied):
        question_close(actor=other_coordinator, question=question)
    question_close(actor=coordinator, question=question)
    notification = Notification.objects.get(user=volunteer)
    assert notification.title == "Your question has been closed"


# --- selectors -------------------------------------------------------------------------------


def test_visibility_of_the_team(question, coordinator, other_coordinator, editor, volunteer):
    assert list(questions_for_team(user=coordinator)) == [question]
    assert list(questions_for_team(user=other_coordinator)) == []
    assert list(questions_for_team(user=editor)) == []
    assert list(questions_for_team(user=volunteer)) == []
    assert list(question_list_mine(user=volunteer)) == [question]
    assert list(question_list_mine(user=coordinator)) == []


def test_the_queue_waits_longest_first_and_filters(munich, coordinator, colleague):
    now = timezone.now()
    recent = QuestionFactory(waiting_since=now - datetime.timedelta(hours=1))
    oldest = QuestionFactory(
        waiting_since=now - datetime.timedelta(days=3), topic=Topic.HEALTH, assignee=coordinator
    )
    middle = QuestionFactory(
        waiting_since=now - datetime.timedelta(days=1),
        status=QuestionStatus.IN_PROGRESS,
        assignee=colleague,
    )
    answered = QuestionFactory(status=QuestionStatus.ANSWERED, waiting_since=None)
    QuestionFactory(district=Postcode.objects.get(code="90402").district)

    assert list(question_queue(user=coordinator)) == [oldest, middle, recent]
    everything = list(question_queue(user=coordinator, filters=QueueFilters(status=STATUS_ALL)))
    assert everything[:3] == [oldest, middle, recent] and answered in everything
    assert list(
        question_queue(user=coordinator, filters=QueueFilters(status=QuestionStatus.ANSWERED))
    ) == [answered]
    assert list(question_queue(user=coordinator, filters=QueueFilters(topic=Topic.HEALTH))) == [
        oldest
    ]
    assert list(question_queue(user=coordinator, filters=QueueFilters(assigned=ASSIGNED_ME))) == [
        oldest
    ]
    assert list(
        question_queue(user=coordinator, filters=QueueFilters(assigned=ASSIGNED_NOBODY))
    ) == [recent]


def _answered(district, *, hours: float, days_ago: float = 1, **kwargs):
    question = QuestionFactory(district=district, status=QuestionStatus.ANSWERED, **kwargs)
    created = timezone.now() - datetime.timedelta(days=days_ago)
    Question.objects.filter(pk=question.pk).update(
        created_at=created, first_answered_at=created + datetime.timedelta(hours=hours)
    )
    return question


def test_the_median_time_to_the_first_answer(munich, nuremberg, coordinator):
    for hours in (1, 3, 10):
        _answered(munich, hours=hours)
    _answered(munich, hours=500, days_ago=120)  # before the period
    _answered(nuremberg, hours=7)  # another district
    QuestionFactory()  # waiting, not answered
    QuestionFactory(status=QuestionStatus.IN_PROGRESS)

    stats = queue_stats(user=coordinator)

    assert [row.district for row in stats] == [munich]
    assert stats[0].median == datetime.timedelta(hours=3)
    assert stats[0].answered == 3
    assert stats[0].waiting == 2


def test_the_median_of_an_even_number_and_of_none(munich, coordinator):
    assert queue_stats(user=coordinator)[0].median is None
    for hours in (2, 4):
        _answered(munich, hours=hours)
    assert queue_stats(user=coordinator)[0].median == datetime.timedelta(hours=3)


def test_a_state_editor_sees_figures_of_districts_with_forwarded_questions(
    munich, editor, coordinator
):
    assert queue_stats(user=editor) == []
    forwarded = _answered(munich, hours=6, forwarded_at=timezone.now())
    _answered(munich, hours=1)  # not forwarded: not the editor's
    stats = queue_stats(user=editor)
    assert [(row.district, row.answered, row.median) for row in stats] == [
        (forwarded.district, 1, datetime.timedelta(hours=6))
    ]


# --- erasure ---------------------------------------------------------------------------------


def test_erasing_the_asker_deletes_their_questions_and_threads(question, coordinator, volunteer):
    question_answer(actor=coordinator, question=question, text="Antwort")
    MessageFactory(question=question, author=volunteer)
    other = QuestionFactory()
    MessageFactory(question=other, author=coordinator, kind=MessageKind.ANSWER)

    erase_user(volunteer)

    assert list(Question.objects.all()) == [other]
    assert list(Message.objects.values_list("question_id", flat=True)) == [other.pk]


def test_erasing_a_coordinator_keeps_the_threads(question, coordinator):
    question_answer(actor=coordinator, question=question, text="Antwort")
    erase_user(coordinator)
    question.refresh_from_db()
    assert question.assignee is None
    message = Message.objects.get()
    assert message.author is None
    assert message.text == "Antwort"
