"""API of Dialog digital: sessions (public), questions (list, submit with limits), votes
(POST/DELETE, closed sessions, merged questions)."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from lotse.accounts.roles import Role
from lotse.accounts.tests.factories import RoleAssignmentFactory, UserFactory
from lotse.conftest import login_verified
from lotse.questions.choices import SessionQuestionStatus, SessionStatus
from lotse.questions.models import SessionQuestion, Vote
from lotse.questions.services import dialog as services
from lotse.questions.services.dialog import QUESTIONS_PER_WINDOW
from lotse.questions.tests.factories import DialogSessionFactory, SessionQuestionFactory
from lotse.regions.models import State
from lotse.volunteers.tests.factories import VolunteerProfileFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"


def editor():
    user = UserFactory()
    RoleAssignmentFactory(user=user, role=Role.STATE_EDITOR, state=State.objects.get(code="BY"))
    return user


def volunteer():
    return VolunteerProfileFactory().user


def api_client(user) -> Client:
    return login_verified(Client(enforce_csrf_checks=False), user)


def live_session(**kwargs):
    values = {
        "status": SessionStatus.LIVE,
        "starts_at": timezone.now() - datetime.timedelta(minutes=10),
        "ends_at": timezone.now() + datetime.timedelta(minutes=50),
    }
    return DialogSessionFactory(**(values | kwargs))


def approved(session, **kwargs):
    return SessionQuestionFactory(session=session, status=SessionQuestionStatus.APPROVED, **kwargs)


def questions_url(session) -> str:
    return reverse("api:session-question-list", args=[session.pk])


def vote_url(session, question) -> str:
    return reverse("api:session-question-vote", args=[session.pk, question.pk])


def test_sessions_are_public_and_the_video_link_only_for_volunteers_in_time(client):
    session = live_session()
    DialogSessionFactory()
    listing = client.get(reverse("api:session-list")).json()
    assert listing["count"] == 2
    assert listing["results"][0]["id"] == session.pk  # live first
    detail = client.get(reverse("api:session-detail", args=[session.pk])).json()
    assert detail["video_url"] is None
    assert detail["state"] == "BY"
    assert detail["languages"] == ["de", "en", "ar"]
    own = api_client(volunteer()).get(reverse("api:session-detail", args=[session.pk])).json()
    assert own["video_url"] == session.video_url
    assert client.get(reverse("api:session-detail", args=[999999])).status_code == 404


def test_question_list_shows_approved_and_answered_plus_own(client):
    session = live_session()
    author = volunteer()
    top = approved(session, vote_count=4)
    low = approved(session, vote_count=1)
    answered = SessionQuestionFactory(session=session, status="answered")
    mine = SessionQuestionFactory(
        session=session, author=author, status="rejected", rejection_reason="Bitte konkreter."
    )
    SessionQuestionFactory(session=session, status="pending")
    anonymous = client.get(questions_url(session)).json()
    assert [row["id"] for row in anonymous["results"]] == [top.pk, low.pk, answered.pk]
    assert all(row["rejection_reason"] is None for row in anonymous["results"])
    services.session_question_vote(actor=author, question=top)
    rows = {
        row["id"]: row for row in api_client(author).get(questions_url(session)).json()["results"]
    }
    assert set(rows) == {top.pk, low.pk, answered.pk, mine.pk}
    assert rows[mine.pk]["own"] is True
    assert rows[mine.pk]["rejection_reason"] == "Bitte konkreter."
    assert rows[top.pk]["voted"] is True and rows[low.pk]["voted"] is False
    assert "author" not in rows[top.pk]


def test_submit_a_question():
    session = live_session()
    author = volunteer()
    response = api_client(author).post(
        questions_url(session),
        {"text": "<b>Wann</b> gibt es Kurse?", "language": "en"},
        content_type="application/json",
    )
    assert response.status_code == 201
    body = response.json()
    assert body["status"] == SessionQuestionStatus.PENDING
    assert body["text"] == "<b>Wann</b> gibt es Kurse?"
    assert body["own"] is True


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"text": "", "language": "de"}, "text"),
        ({"text": "x" * 50_000, "language": "de"}, "text"),
        ({"text": "Frage\u0000", "language": "de"}, "text"),
        ({"text": "Frage?", "language": "uk"}, "language"),
        ({"language": "de"}, "text"),
    ],
)
def test_bad_questions_are_400(payload, field):
    session = live_session(languages=["de", "en"])
    response = api_client(volunteer()).post(
        questions_url(session), payload, content_type="application/json"
    )
    assert response.status_code == 400
    assert field in response.json()
    assert not SessionQuestion.objects.exists()


def test_only_registered_volunteers_submit_and_closed_sessions_are_409(client):
    session = live_session()
    payload = {"text": "Frage?", "language": "de"}
    assert client.post(questions_url(session), payload).status_code == 403
    assert (
        api_client(UserFactory())
        .post(questions_url(session), payload, content_type="application/json")
        .status_code
        == 403
    )
    closed = live_session(status=SessionStatus.ENDED)
    response = api_client(volunteer()).post(
        questions_url(closed), payload, content_type="application/json"
    )
    assert response.status_code == 409
    assert "no longer takes questions" in response.json()["detail"]
    assert not SessionQuestion.objects.exists()


def test_flooding_the_api_is_429_and_stores_nothing_more():
    session = live_session()
    browser = api_client(volunteer())
    statuses = [
        browser.post(
            questions_url(session),
            {"text": f"Frage {n}", "language": "de"},
            content_type="application/json",
        ).status_code
        for n in range(QUESTIONS_PER_WINDOW + 3)
    ]
    assert statuses == [201] * QUESTIONS_PER_WINDOW + [429] * 3
    assert SessionQuestion.objects.count() == QUESTIONS_PER_WINDOW


def test_vote_and_undo():
    session = live_session()
    question = approved(session)
    browser = api_client(volunteer())
    first = browser.post(vote_url(session, question))
    second = browser.post(vote_url(session, question))
    assert first.status_code == second.status_code == 200
    assert first.json() == {
        "question": question.pk,
        "voted": True,
        "changed": True,
        "vote_count": 1,
    }
    assert second.json()["changed"] is False
    undo = browser.delete(vote_url(session, question))
    assert undo.json() == {
        "question": question.pk,
        "voted": False,
        "changed": True,
        "vote_count": 0,
    }
    question.refresh_from_db()
    assert question.vote_count == 0 == Vote.objects.count()


def test_vote_on_a_closed_session_is_409_and_nothing_changes():
    session = live_session(status=SessionStatus.ARCHIVED)
    question = approved(session)
    response = api_client(volunteer()).post(vote_url(session, question))
    assert response.status_code == 409
    assert "no longer takes questions or votes" in response.json()["detail"]
    assert not Vote.objects.exists()


def test_vote_rules_in_the_api(client):
    session = live_session()
    question = approved(session)
    pending = SessionQuestionFactory(session=session, status="pending")
    answered = SessionQuestionFactory(session=session, status="answered")
    assert client.post(vote_url(session, question)).status_code == 403
    assert api_client(UserFactory()).post(vote_url(session, question)).status_code == 403
    assert api_client(volunteer()).post(vote_url(session, pending)).status_code == 404
    assert api_client(volunteer()).post(vote_url(session, answered)).status_code == 400
    assert api_client(volunteer()).post(vote_url(live_session(), question)).status_code == 404
    assert not Vote.objects.exists()


def test_vote_on_a_merged_question_counts_for_its_target():
    session = live_session()
    duplicate, target = approved(session), approved(session)
    services.session_question_merge(actor=editor(), duplicate=duplicate, target=target)
    response = api_client(volunteer()).post(vote_url(session, duplicate))
    assert response.json()["question"] == target.pk
    target.refresh_from_db()
    assert target.vote_count == 2  # the duplicate's author and the new voter


def test_csrf_is_required_for_session_authenticated_writes():
    session = live_session()
    question = approved(session)
    browser = login_verified(Client(enforce_csrf_checks=True), volunteer())
    assert browser.post(vote_url(session, question)).status_code == 403
    assert not Vote.objects.exists()


def test_a_busy_database_is_503_with_retry_after(monkeypatch):
    session = live_session()
    question = approved(session)

    def busy(**_kwargs):
        raise services.SessionBusyError()

    monkeypatch.setattr("lotse.questions.api.dialog.session_question_vote", busy)
    response = api_client(volunteer()).post(vote_url(session, question))
    assert response.status_code == 503
    assert response["Retry-After"] == "1"
    assert "try again" in response.json()["detail"]
    assert not Vote.objects.exists()
