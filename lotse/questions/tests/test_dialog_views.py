"""HTML views of Dialog digital: the public list and session page, questions and votes (htmx
and plain POST), polling (204 when unchanged), announcing, moderation and the live view, the
speaker link, the write-up and the archive; escaping, permissions (404) and query counts."""

from __future__ import annotations

import datetime
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from lotse.accounts.roles import Role
from lotse.accounts.tests.factories import RoleAssignmentFactory, UserFactory
from lotse.conftest import login_verified
from lotse.core.choices import Topic
from lotse.questions.choices import EntryStatus, SessionQuestionStatus, SessionStatus
from lotse.questions.models import DialogSession, Entry, SessionQuestion, Vote
from lotse.questions.selectors.dialog import speaker_key_hash
from lotse.questions.services import dialog as services
from lotse.questions.services.dialog import QUESTIONS_PER_WINDOW
from lotse.questions.tests.factories import (
    DialogSessionFactory,
    EntryFactory,
    SessionQuestionFactory,
)
from lotse.regions.models import State
from lotse.volunteers.tests.factories import VolunteerProfileFactory

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"


def editor(code: str = "BY"):
    user = UserFactory()
    RoleAssignmentFactory(user=user, role=Role.STATE_EDITOR, state=State.objects.get(code=code))
    return user


def volunteer():
    return VolunteerProfileFactory().user


def client_for(user) -> Client:
    return login_verified(Client(), user)


def live_session(**kwargs) -> DialogSession:
    values = {
        "status": SessionStatus.LIVE,
        "starts_at": timezone.now() - datetime.timedelta(minutes=10),
        "ends_at": timezone.now() + datetime.timedelta(minutes=50),
    }
    return DialogSessionFactory(**(values | kwargs))


def approved(session, **kwargs) -> SessionQuestion:
    return SessionQuestionFactory(session=session, status=SessionQuestionStatus.APPROVED, **kwargs)


def detail_url(session) -> str:
    return reverse("questions:session_detail", args=[session.pk])


def vote_url(session, question) -> str:
    return reverse("questions:session_vote", args=[session.pk, question.pk])


def ask_url(session) -> str:
    return reverse("questions:session_ask", args=[session.pk])


def version_of(response) -> str:
    match = re.search(r"\?v=([0-9a-f.\-]+)", response.content.decode())
    assert match, "no polling version in the response"
    return match.group(1)


# --- list ------------------------------------------------------------------------------------


def test_list_shows_live_then_upcoming_then_past(client):
    past = DialogSessionFactory(
        title="Vergangen",
        status=SessionStatus.ARCHIVED,
        starts_at=timezone.now() - datetime.timedelta(days=30),
        ends_at=timezone.now() - datetime.timedelta(days=30) + datetime.timedelta(hours=1),
    )
    later = DialogSessionFactory(
        title="Später", starts_at=timezone.now() + datetime.timedelta(days=20)
    )
    soon = DialogSessionFactory(title="Bald")
    live = live_session(title="Jetzt")
    old_cancelled = DialogSessionFactory(
        title="Abgesagt alt",
        status=SessionStatus.CANCELLED,
        starts_at=timezone.now() - datetime.timedelta(days=3),
        ends_at=timezone.now() - datetime.timedelta(days=3) + datetime.timedelta(hours=1),
    )
    html = client.get(reverse("questions:session_list")).content.decode()
    positions = [html.index(s.title) for s in (live, soon, later, past)]
    assert positions == sorted(positions)
    assert old_cancelled.title not in html
    assert reverse("questions:session_archive", args=[past.pk]) in html
    assert "Announce a session" not in html


def test_list_is_paginated_and_uses_constant_queries(client, django_assert_max_num_queries):
    def queries_for(count: int) -> int:
        for _ in range(count):
            session = DialogSessionFactory()
            approved(session)
        with django_assert_max_num_queries(12) as context:
            assert client.get(reverse("questions:session_list")).status_code == 200
        return len(context.captured_queries)

    assert queries_for(3) == queries_for(30)
    second = client.get(reverse("questions:session_list"), {"page": 2}).content.decode()
    assert "Page 2 of 2" in second


# --- session page ----------------------------------------------------------------------------


def test_session_page_shows_approved_questions_by_votes_not_pending_ones(client):
    session = live_session()
    low = approved(session, text="Wenige Stimmen", vote_count=1)
    high = approved(session, text="Viele Stimmen", vote_count=9)
    SessionQuestionFactory(session=session, text="Noch geheim", status="pending")
    html = client.get(detail_url(session)).content.decode()
    assert html.index(high.text) < html.index(low.text)
    assert "Noch geheim" not in html
    assert "Vote for this question" not in html  # anonymous: no vote buttons
    assert "Log in" in html


def test_user_text_is_escaped_everywhere():
    session = live_session(title="<script>alert('t')</script>")
    moderator = editor()
    author = volunteer()
    approved(session, author=author, text="<script>alert('q')</script>")
    SessionQuestionFactory(
        session=session,
        author=author,
        status=SessionQuestionStatus.REJECTED,
        text="<b>fett</b>",
        rejection_reason="<img src=x onerror=alert(1)>",
    )
    key = services.session_speaker_link_create(actor=moderator, session=session)
    pages = [
        client_for(author).get(detail_url(session)),
        client_for(moderator).get(reverse("questions:session_live", args=[session.pk])),
        client_for(moderator).get(reverse("questions:session_moderate", args=[session.pk])),
        Client().get(reverse("questions:session_speaker", args=[key])),
    ]
    for response in pages:
        html = response.content.decode()
        assert response.status_code == 200
        assert "<script>alert(" not in html
        assert "&lt;script&gt;alert(" in html
        assert "<img src=x" not in html


def test_volunteers_see_their_own_questions_with_status_and_reason():
    session = live_session()
    author = volunteer()
    target = approved(session, text="Die Hauptfrage")
    SessionQuestionFactory(session=session, author=author, text="Wartet", status="pending")
    SessionQuestionFactory(
        session=session,
        author=author,
        text="Abgelehnt",
        status=SessionQuestionStatus.REJECTED,
        rejection_reason="Bitte beim Thema bleiben.",
    )
    SessionQuestionFactory(
        session=session,
        author=author,
        text="Doppelt",
        status=SessionQuestionStatus.MERGED,
        merged_into=target,
    )
    html = client_for(author).get(detail_url(session)).content.decode()
    assert "Your questions" in html
    assert "Waiting for moderation" in html
    assert "Bitte beim Thema bleiben." in html
    assert "Merged into:" in html
    assert "Die Hauptfrage" in html
    # Another volunteer sees none of it.
    other = client_for(volunteer()).get(detail_url(session)).content.decode()
    assert "Bitte beim Thema bleiben." not in other
    assert "Wartet" not in other


def test_the_video_link_is_for_registered_volunteers_from_30_minutes_before(client):
    soon = DialogSessionFactory(
        starts_at=timezone.now() + datetime.timedelta(minutes=20),
        ends_at=timezone.now() + datetime.timedelta(minutes=80),
    )
    later = DialogSessionFactory()
    link = soon.video_url
    assert link not in client.get(detail_url(soon)).content.decode()
    assert link not in client_for(UserFactory()).get(detail_url(soon)).content.decode()
    assert link in client_for(volunteer()).get(detail_url(soon)).content.decode()
    assert later.video_url not in client_for(volunteer()).get(detail_url(later)).content.decode()
    assert later.video_url in client_for(editor()).get(detail_url(later)).content.decode()
    ended = live_session(status=SessionStatus.ENDED)
    assert ended.video_url not in client_for(volunteer()).get(detail_url(ended)).content.decode()


def test_unknown_session_is_404(client):
    assert client.get(reverse("questions:session_detail", args=[999999])).status_code == 404


# --- polling ---------------------------------------------------------------------------------


def test_polling_answers_204_while_nothing_changed_and_the_list_when_it_did():
    session = live_session()
    question = approved(session)
    watcher = client_for(volunteer())
    page = watcher.get(detail_url(session))
    version = version_of(page)

    unchanged = watcher.get(detail_url(session), {"v": version}, headers=HTMX)
    assert unchanged.status_code == 204
    assert unchanged.content == b""

    services.session_question_vote(actor=volunteer(), question=question)
    changed = watcher.get(detail_url(session), {"v": version}, headers=HTMX)
    assert changed.status_code == 200
    html = changed.content.decode()
    assert "<html" not in html
    assert 'id="session-board"' in html
    assert "1 vote" in html
    assert version_of(changed) != version
    # A vote alone is not announced to screen readers; a new question is.
    assert "hx-swap-oob" not in html
    approved(session)
    newer = watcher.get(detail_url(session), {"v": version_of(changed)}, headers=HTMX)
    assert "hx-swap-oob" in newer.content.decode()
    assert "2 open questions, 0 answered." in newer.content.decode()


def test_the_version_includes_the_viewers_own_state():
    session = live_session()
    question = approved(session)
    voter = volunteer()
    watcher = client_for(voter)
    version = version_of(watcher.get(detail_url(session)))
    # Another volunteer's vote changes the count, so everybody's version changes …
    services.session_question_vote(actor=voter, question=question)
    assert watcher.get(detail_url(session), {"v": version}, headers=HTMX).status_code == 200
    # … and a rejection of one's own pending question changes one's own version only.
    own = SessionQuestionFactory(session=session, author=voter, status="pending")
    other = client_for(volunteer())
    mine = version_of(watcher.get(detail_url(session)))
    theirs = version_of(other.get(detail_url(session)))
    services.session_question_reject(actor=editor(), question=own, reason="Nein")
    assert watcher.get(detail_url(session), {"v": mine}, headers=HTMX).status_code == 200
    assert other.get(detail_url(session), {"v": theirs}, headers=HTMX).status_code == 204


def test_closed_sessions_are_not_polled(client):
    html = client.get(detail_url(DialogSessionFactory(status=SessionStatus.ARCHIVED))).content
    assert b"hx-trigger" not in html


# --- voting ----------------------------------------------------------------------------------


def test_vote_with_htmx_turns_the_button_into_undo_and_back():
    session = live_session()
    question = approved(session)
    voter = volunteer()
    browser = client_for(voter)

    response = browser.post(vote_url(session, question), headers=HTMX)

    assert response.status_code == 200
    html = response.content.decode()
    assert "You voted (undo)" in html
    assert f'id="vote-{question.pk}"' in html
    assert "<html" not in html
    question.refresh_from_db()
    assert question.vote_count == 1

    undo = browser.post(vote_url(session, question), {"action": "undo"}, headers=HTMX)
    assert "Vote for this question" in undo.content.decode()
    question.refresh_from_db()
    assert question.vote_count == 0


def test_vote_without_javascript_redirects_back_and_a_second_vote_changes_nothing():
    session = live_session()
    question = approved(session)
    browser = client_for(volunteer())
    first = browser.post(vote_url(session, question))
    second = browser.post(vote_url(session, question))
    assert first.status_code == second.status_code == 302
    assert first["Location"].endswith(f"#question-{question.pk}")
    question.refresh_from_db()
    assert question.vote_count == 1 == Vote.objects.filter(question=question).count()


@pytest.mark.parametrize(
    "status", [SessionStatus.ENDED, SessionStatus.ARCHIVED, SessionStatus.CANCELLED]
)
def test_votes_on_closed_sessions_are_refused_with_409(status):
    session = live_session(status=status)
    question = approved(session)
    browser = client_for(volunteer())
    htmx = browser.post(vote_url(session, question), headers=HTMX)
    plain = browser.post(vote_url(session, question))
    assert htmx.status_code == plain.status_code == 409
    assert "no longer takes questions or votes" in htmx.content.decode()
    assert "no longer takes questions or votes" in plain.content.decode()
    assert not Vote.objects.exists()


def test_votes_need_a_registered_volunteer_and_a_visible_question():
    session = live_session()
    question = approved(session)
    pending = SessionQuestionFactory(session=session, status="pending")
    assert client_for(UserFactory()).post(vote_url(session, question)).status_code == 404
    assert client_for(volunteer()).post(vote_url(session, pending)).status_code == 404
    other = live_session()
    assert client_for(volunteer()).post(vote_url(other, question)).status_code == 404
    assert Client().post(vote_url(session, question)).status_code == 302
    assert not Vote.objects.exists()


# --- asking ----------------------------------------------------------------------------------


def test_ask_without_javascript():
    session = live_session()
    author = volunteer()
    response = client_for(author).post(
        ask_url(session), {"text": "Gibt es Sprachkurse am Abend?", "language": "de"}
    )
    assert response.status_code == 302
    question = SessionQuestion.objects.get()
    assert question.status == SessionQuestionStatus.PENDING
    assert question.author == author


def test_ask_with_htmx_clears_the_form_and_refreshes_the_list():
    session = live_session()
    response = client_for(volunteer()).post(
        ask_url(session), {"text": "Abendkurse?", "language": "en"}, headers=HTMX
    )
    assert response.status_code == 200
    assert response["HX-Trigger"] == "dialog-board-changed"
    html = response.content.decode()
    assert "waits for moderation" in html
    assert "Abendkurse?" not in html


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Please enter your question."),
        ("x" * 50_000, "at most 1000 characters"),
        ("Frage\x00", "Null characters are not allowed."),
    ],
)
def test_bad_questions_show_the_form_again(text, message):
    session = live_session()
    response = client_for(volunteer()).post(ask_url(session), {"text": text, "language": "de"})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not SessionQuestion.objects.exists()


def test_flooding_is_refused_with_429_nothing_more_is_stored_and_the_text_is_kept():
    session = live_session()
    browser = client_for(volunteer())
    for number in range(QUESTIONS_PER_WINDOW):
        response = browser.post(ask_url(session), {"text": f"Frage {number}", "language": "de"})
        assert response.status_code == 302
    refused = browser.post(ask_url(session), {"text": "Meine lange Frage", "language": "de"})
    htmx = browser.post(
        ask_url(session), {"text": "Noch eine Frage", "language": "de"}, headers=HTMX
    )
    assert refused.status_code == htmx.status_code == 429
    assert "Meine lange Frage" in refused.content.decode()
    assert "Noch eine Frage" in htmx.content.decode()
    assert "Please wait a few minutes" in htmx.content.decode()
    assert SessionQuestion.objects.count() == QUESTIONS_PER_WINDOW


def test_the_hourly_cap_across_sessions_counts_per_account(settings):
    from lotse.questions.views import dialog as views

    browser = client_for(volunteer())
    sessions = [live_session() for _ in range(views.SUBMIT_PER_HOUR // QUESTIONS_PER_WINDOW + 1)]
    sent = 0
    for session in sessions:
        for number in range(QUESTIONS_PER_WINDOW):
            response = browser.post(ask_url(session), {"text": f"F{number}", "language": "de"})
            if response.status_code == 302:
                sent += 1
            else:
                assert response.status_code == 429
    assert sent == views.SUBMIT_PER_HOUR == SessionQuestion.objects.count()
    # Another account from the same address is not affected.
    other = client_for(volunteer())
    assert other.post(ask_url(sessions[0]), {"text": "Ich", "language": "de"}).status_code == 302


def test_asking_in_a_closed_session_is_409_and_keeps_the_text():
    session = live_session(status=SessionStatus.ENDED)
    response = client_for(volunteer()).post(
        ask_url(session), {"text": "Zu spät?", "language": "de"}, headers=HTMX
    )
    assert response.status_code == 409
    assert "Zu spät?" in response.content.decode()
    assert not SessionQuestion.objects.exists()


def test_only_registered_volunteers_can_ask():
    session = live_session()
    response = client_for(UserFactory()).post(ask_url(session), {"text": "x", "language": "de"})
    assert response.status_code == 404
    html = client_for(UserFactory()).get(detail_url(session)).content.decode()
    assert "Registered volunteers" in html


# --- announcing ------------------------------------------------------------------------------


def form_data(**overrides):
    start = timezone.localtime() + datetime.timedelta(days=5)
    data = {
        "title": "Gesundheit",
        "description": "Fragen rund um Arztbesuche.",
        "topic": Topic.HEALTH,
        "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (start + datetime.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
        "speaker": "Staatssekretärin Beispiel",
        "video_url": "https://konferenz.example/gesundheit",
        "languages": ["de", "uk"],
    }
    return data | overrides


def test_a_state_editor_announces_a_session():
    browser = client_for(editor())
    url = reverse("questions:session_create")
    assert "Announce a Dialog digital session" in browser.get(url).content.decode()
    response = browser.post(url, form_data())
    session = DialogSession.objects.get()
    assert response.status_code == 302
    assert response["Location"] == detail_url(session)
    assert session.languages == ["de", "uk"]
    assert session.state.code == "BY"
    assert (
        timezone.localtime(session.starts_at).strftime("%Y-%m-%dT%H:%M")
        == (form_data()["starts_at"])
    )


def test_announcing_with_bad_input_shows_the_errors():
    browser = client_for(editor())
    url = reverse("questions:session_create")
    response = browser.post(
        url, form_data(video_url="http://unsicher.example", languages=[], title="")
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "starting with https://" in html
    assert "Please choose at least one language." in html
    assert not DialogSession.objects.exists()
    past = timezone.localtime() - datetime.timedelta(days=1)
    response = browser.post(
        url,
        form_data(
            starts_at=past.strftime("%Y-%m-%dT%H:%M"),
            ends_at=(past + datetime.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        ),
    )
    assert "The start must lie in the future." in response.content.decode()
    assert not DialogSession.objects.exists()


def test_an_editor_of_two_laender_chooses_one():
    user = editor("BY")
    RoleAssignmentFactory(user=user, role=Role.STATE_EDITOR, state=State.objects.get(code="HE"))
    browser = client_for(user)
    url = reverse("questions:session_create")
    assert 'name="state"' in browser.get(url).content.decode()
    hesse = State.objects.get(code="HE")
    browser.post(url, form_data(state=hesse.pk))
    assert DialogSession.objects.get().state == hesse


def test_edit_and_cancel():
    moderator = editor()
    session = DialogSessionFactory()
    browser = client_for(moderator)
    edit = reverse("questions:session_edit", args=[session.pk])
    assert session.title in browser.get(edit).content.decode()
    response = browser.post(
        edit,
        form_data(
            title="Neuer Titel",
            starts_at=timezone.localtime(session.starts_at).strftime("%Y-%m-%dT%H:%M"),
            ends_at=timezone.localtime(session.ends_at).strftime("%Y-%m-%dT%H:%M"),
        ),
    )
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.title == "Neuer Titel"
    cancel = reverse("questions:session_cancel", args=[session.pk])
    assert browser.post(cancel, {"message": "Leider"}).status_code == 302
    session.refresh_from_db()
    assert session.status == SessionStatus.CANCELLED
    assert "This session has been cancelled." in browser.get(detail_url(session)).content.decode()


def test_start_and_end_buttons():
    moderator = editor()
    session = DialogSessionFactory(starts_at=timezone.now() + datetime.timedelta(minutes=30))
    browser = client_for(moderator)
    start = browser.post(reverse("questions:session_start", args=[session.pk]))
    assert start["Location"] == reverse("questions:session_live", args=[session.pk])
    session.refresh_from_db()
    assert session.status == SessionStatus.LIVE
    end = browser.post(reverse("questions:session_end", args=[session.pk]))
    assert end["Location"] == reverse("questions:session_write_up", args=[session.pk])
    session.refresh_from_db()
    assert session.status == SessionStatus.ENDED
    again = browser.post(reverse("questions:session_end", args=[session.pk]), follow=True)
    assert "Only a running session can be ended." in again.content.decode()


# --- moderation ------------------------------------------------------------------------------


def test_moderation_is_404_for_everybody_but_the_lands_editors():
    session = live_session()
    question = SessionQuestionFactory(session=session, status="pending")
    urls = [
        reverse("questions:session_moderate", args=[session.pk]),
        reverse("questions:session_live", args=[session.pk]),
        reverse("questions:session_write_up", args=[session.pk]),
        reverse("questions:session_question_reject", args=[session.pk, question.pk]),
    ]
    posts = [
        reverse("questions:session_question_approve", args=[session.pk, question.pk]),
        reverse("questions:session_question_answered", args=[session.pk, question.pk]),
        reverse("questions:session_speaker_link", args=[session.pk]),
        reverse("questions:session_end", args=[session.pk]),
        reverse("questions:session_archive_publish", args=[session.pk]),
    ]
    for outsider in (editor("HE"), volunteer(), UserFactory()):
        browser = client_for(outsider)
        for url in urls:
            assert browser.get(url).status_code == 404, url
        for url in posts:
            assert browser.post(url).status_code == 404, url
    question.refresh_from_db()
    assert question.status == SessionQuestionStatus.PENDING


def test_a_question_of_another_session_is_404_for_moderation():
    moderator = editor()
    session, other = live_session(), live_session()
    question = SessionQuestionFactory(session=other, status="pending")
    url = reverse("questions:session_question_approve", args=[session.pk, question.pk])
    assert client_for(moderator).post(url).status_code == 404


def test_moderation_page_approve_reject_merge_answered():
    moderator = editor()
    session = live_session()
    pending = SessionQuestionFactory(session=session, status="pending", text="Wartende Frage")
    rejected_one = SessionQuestionFactory(session=session, status="pending", text="Off-Topic")
    duplicate = approved(session, text="Doppelte Frage")
    target = approved(session, text="Zielfrage")
    browser = client_for(moderator)
    page = browser.get(reverse("questions:session_moderate", args=[session.pk]))
    assert "Wartende Frage" in page.content.decode()

    approve = browser.post(
        reverse("questions:session_question_approve", args=[session.pk, pending.pk]),
        {"next": "moderate"},
    )
    assert approve["Location"] == reverse("questions:session_moderate", args=[session.pk])
    reject_url = reverse("questions:session_question_reject", args=[session.pk, rejected_one.pk])
    missing = browser.post(reject_url, {"reason": ""})
    assert missing.status_code == 400
    assert browser.post(reject_url, {"reason": "Nicht zum Thema"}).status_code == 302
    merge_url = reverse("questions:session_question_merge", args=[session.pk, duplicate.pk])
    form = browser.get(merge_url).content.decode()
    assert "Zielfrage" in form and "Merge into" in form
    merged = browser.post(merge_url, {f"merge{duplicate.pk}-target": target.pk})
    assert merged.status_code == 302
    answered = browser.post(
        reverse("questions:session_question_answered", args=[session.pk, target.pk]),
        {"next": "live"},
    )
    assert answered["Location"] == reverse("questions:session_live", args=[session.pk])

    statuses = dict(SessionQuestion.objects.values_list("pk", "status"))
    assert statuses == {
        pending.pk: SessionQuestionStatus.APPROVED,
        rejected_one.pk: SessionQuestionStatus.REJECTED,
        duplicate.pk: SessionQuestionStatus.MERGED,
        target.pk: SessionQuestionStatus.ANSWERED,
    }
    undo = browser.post(
        reverse("questions:session_question_answered", args=[session.pk, target.pk]),
        {"action": "undo", "next": "moderate"},
    )
    assert undo.status_code == 302
    target.refresh_from_db()
    assert target.status == SessionQuestionStatus.APPROVED


def test_live_view_actions_work_inline_with_htmx():
    moderator = editor()
    session = live_session()
    pending = SessionQuestionFactory(session=session, status="pending", text="Neu hier")
    question = approved(session, text="Beliebt", vote_count=3)
    browser = client_for(moderator)
    live = reverse("questions:session_live", args=[session.pk])
    page = browser.get(live).content.decode()
    assert 'aria-live="polite"' in page
    assert "Neu hier" in page and "Beliebt" in page

    approve = browser.post(
        reverse("questions:session_question_approve", args=[session.pk, pending.pk]),
        headers=HTMX,
    )
    assert approve.status_code == 200
    assert 'id="live-board"' in approve.content.decode()
    assert "<html" not in approve.content.decode()

    reject = browser.post(
        reverse("questions:session_question_reject", args=[session.pk, pending.pk]),
        {"reason": ""},
        headers=HTMX,
    )
    assert reject.status_code == 400
    assert "Please tell the author" in reject.content.decode()

    done = browser.post(
        reverse("questions:session_question_answered", args=[session.pk, question.pk]),
        headers=HTMX,
    )
    html = done.content.decode()
    assert done.status_code == 200
    assert html.index("Beliebt") > html.index("Answered")
    merge_form = browser.get(
        reverse("questions:session_question_merge", args=[session.pk, pending.pk]),
        {"next": "live"},
        headers=HTMX,
    )
    assert "data-dialog-busy" in merge_form.content.decode()
    assert "<html" not in merge_form.content.decode()
    merged = browser.post(
        reverse("questions:session_question_merge", args=[session.pk, pending.pk]),
        {f"merge{pending.pk}-target": question.pk, "next": "live"},
        headers=HTMX,
    )
    assert merged.status_code == 200
    pending.refresh_from_db()
    assert pending.status == SessionQuestionStatus.MERGED


def test_live_view_polls_with_204_and_announces_count_changes():
    moderator = editor()
    session = live_session()
    approved(session)
    browser = client_for(moderator)
    live = reverse("questions:session_live", args=[session.pk])
    version = version_of(browser.get(live))
    assert browser.get(live, {"v": version}, headers=HTMX).status_code == 204
    SessionQuestionFactory(session=session, status="pending")
    changed = browser.get(live, {"v": version}, headers=HTMX)
    assert changed.status_code == 200
    assert "1 waiting for moderation." in changed.content.decode()


def test_live_view_orders_by_votes_ties_older_first():
    moderator = editor()
    session = live_session()
    old = approved(session, text="Alt gleich", vote_count=2)
    new = approved(session, text="Neu gleich", vote_count=2)
    top = approved(session, text="Spitze", vote_count=5)
    SessionQuestion.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - datetime.timedelta(minutes=5)
    )
    html = client_for(moderator).get(reverse("questions:session_live", args=[session.pk]))
    html = html.content.decode()
    assert html.index(top.text) < html.index(old.text) < html.index(new.text)


# --- speaker ---------------------------------------------------------------------------------


def test_speaker_link_is_shown_once_and_opens_the_read_only_view():
    moderator = editor()
    session = live_session()
    approved(session, text="Frage an den Minister")
    SessionQuestionFactory(session=session, status="pending", text="Ungeprüft")
    browser = client_for(moderator)
    browser.post(reverse("questions:session_speaker_link", args=[session.pk]))
    page = browser.get(reverse("questions:session_moderate", args=[session.pk])).content.decode()
    match = re.search(r"/dialog/speaker/([A-Za-z0-9_\-]+)/", page)
    assert match
    key = match.group(1)
    again = browser.get(reverse("questions:session_moderate", args=[session.pk])).content.decode()
    assert key not in again
    session.refresh_from_db()
    assert session.speaker_key_hash == speaker_key_hash(key)

    speaker = Client().get(reverse("questions:session_speaker", args=[key]))
    html = speaker.content.decode()
    assert speaker.status_code == 200
    assert "Frage an den Minister" in html
    assert "Ungeprüft" not in html
    assert "<form" not in html.split('id="speaker-board"')[1]
    assert speaker["X-Robots-Tag"] == "noindex, nofollow"
    version = version_of(speaker)
    poll = Client().get(
        reverse("questions:session_speaker", args=[key]), {"v": version}, headers=HTMX
    )
    assert poll.status_code == 204
    assert Client().get(reverse("questions:session_speaker", args=["wrong" * 6])).status_code == 404


def test_the_speaker_view_is_404_after_the_archive_is_published():
    moderator = editor()
    session = live_session()
    key = services.session_speaker_link_create(actor=moderator, session=session)
    services.session_end(actor=moderator, session=session)
    services.session_archive_publish(actor=moderator, session=session)
    assert Client().get(reverse("questions:session_speaker", args=[key])).status_code == 404


# --- write-up and archive --------------------------------------------------------------------


def archived_session():
    moderator = editor()
    session = live_session(summary="")
    question = approved(session, text="Wie lange dauert die Anerkennung?", language="de")
    services.session_question_mark_answered(actor=moderator, question=question)
    services.session_end(actor=moderator, session=session)
    return session, moderator, question


def test_write_up_and_publish_through_the_pages(client):
    session, moderator, question = archived_session()
    browser = client_for(moderator)
    url = reverse("questions:session_write_up", args=[session.pk])
    form = browser.get(url).content.decode()
    assert question.text in form
    saved = browser.post(
        url,
        {"summary": "Zusammenfassung <i>kursiv</i>", f"answer_{question.pk}": "Etwa drei Monate."},
    )
    assert saved.status_code == 302
    publish = browser.post(reverse("questions:session_archive_publish", args=[session.pk]))
    assert publish["Location"] == reverse("questions:session_archive", args=[session.pk])
    html = client.get(publish["Location"]).content.decode()
    assert "Etwa drei Monate." in html
    assert "Zusammenfassung &lt;i&gt;kursiv&lt;/i&gt;" in html
    assert Entry.objects.filter(session=session, status=EntryStatus.PUBLISHED).count() == 1
    browser.post(reverse("questions:session_archive_publish", args=[session.pk]))
    assert Entry.objects.filter(session=session).count() == 1


def test_write_up_refuses_bad_input_and_waits_for_the_end():
    moderator = editor()
    running = live_session()
    page = client_for(moderator).get(reverse("questions:session_write_up", args=[running.pk]))
    assert "after the session has ended" in page.content.decode()
    session, moderator, question = archived_session()
    response = client_for(moderator).post(
        reverse("questions:session_write_up", args=[session.pk]),
        {"summary": "x" * 50_000, f"answer_{question.pk}": "ok"},
    )
    assert response.status_code == 400
    question.refresh_from_db()
    assert question.answer == ""


def test_archive_is_404_until_published(client):
    session, _moderator, _question = archived_session()
    assert client.get(reverse("questions:session_archive", args=[session.pk])).status_code == 404


def test_archive_shows_the_translation_of_the_visitors_language_and_links(client, settings):
    session, moderator, question = archived_session()
    services.session_write_up_save(
        actor=moderator, session=session, summary="", answers={question.pk: "Drei Monate."}
    )
    services.session_archive_publish(actor=moderator, session=session)
    original = Entry.objects.get(session=session)
    EntryFactory(
        group=original.group,
        language="en",
        question="How long does recognition take?",
        answer="About three months.",
        session=session,
        state=session.state,
        district=None,
    )
    url = reverse("questions:session_archive", args=[session.pk])
    english = client.get(url, headers={"Accept-Language": "en"}).content.decode()
    assert "About three months." in english
    assert "Drei Monate." not in english
    assert "Deutsch" in english  # link to the original's language
    assert reverse("questions:entry_detail", args=[original.pk]) in english
    german = client.get(url, headers={"Accept-Language": "de"}).content.decode()
    assert "Drei Monate." in german


def test_archive_search_only_searches_this_session(client):
    session, moderator, question = archived_session()
    services.session_write_up_save(
        actor=moderator,
        session=session,
        summary="",
        answers={question.pk: "Die Anerkennung dauert drei Monate."},
    )
    services.session_archive_publish(actor=moderator, session=session)
    EntryFactory(title="Anerkennung woanders", answer="Anerkennung in einer anderen Quelle.")
    url = reverse("questions:session_archive", args=[session.pk])
    html = client.get(url, {"q": "Anerkennung"}).content.decode()
    assert "1 answer found" in html
    assert "woanders" not in html
    assert "<mark>Anerkennung</mark>" in html
    entry = Entry.objects.get(session=session)
    assert reverse("questions:entry_detail", args=[entry.pk]) in html
    partial = client.get(url, {"q": "Anerkennung"}, headers=HTMX).content.decode()
    assert "<html" not in partial
    nothing = client.get(url, {"q": "<script>"}).content.decode()
    assert "<script>" not in nothing.split('id="archive-results"')[1]


# --- query counts ----------------------------------------------------------------------------


def test_session_live_and_speaker_pages_use_constant_queries(django_assert_max_num_queries):
    moderator = editor()
    voter = volunteer()
    session = live_session()
    key = services.session_speaker_link_create(actor=moderator, session=session)
    volunteer_client = client_for(voter)
    moderator_client = client_for(moderator)

    def queries_for(count: int) -> list[int]:
        for number in range(count):
            question = approved(session, vote_count=number)
            if number % 2:
                services.session_question_vote(actor=voter, question=question)
            SessionQuestionFactory(session=session, status="pending", author=voter)
            SessionQuestionFactory(
                session=session,
                status=SessionQuestionStatus.MERGED,
                merged_into=question,
                author=voter,
            )
        counts = []
        for client, url in (
            (volunteer_client, detail_url(session)),
            (moderator_client, detail_url(session)),
            (Client(), detail_url(session)),
            (moderator_client, reverse("questions:session_live", args=[session.pk])),
            (moderator_client, reverse("questions:session_moderate", args=[session.pk])),
            (Client(), reverse("questions:session_speaker", args=[key])),
        ):
            with django_assert_max_num_queries(20) as context:
                assert client.get(url).status_code == 200
            counts.append(len(context.captured_queries))
        return counts

    assert queries_for(3) == queries_for(30)


def test_a_busy_database_shows_a_message_and_stores_nothing(monkeypatch):
    session = live_session()
    question = approved(session)

    def busy(**_kwargs):
        raise services.SessionBusyError()

    monkeypatch.setattr("lotse.questions.views.dialog.session_question_vote", busy)
    response = client_for(volunteer()).post(vote_url(session, question), headers=HTMX)
    assert response.status_code == 503
    assert "Please try again." in response.content.decode()
    assert 'id="session-board"' in response.content.decode()
    assert not Vote.objects.exists()
