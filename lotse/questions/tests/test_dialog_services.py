"""Services of Dialog digital: announcing, editing, cancelling, starting and ending sessions;
submitting (validation, limits), voting (exact counts, no double votes), moderation (approve,
reject, merge — every voter once —, answered), the speaker link, the write-up and the archive
(idempotent publication)."""

from __future__ import annotations

import datetime
import random

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from lotse.accounts.roles import Role
from lotse.accounts.tests.factories import RoleAssignmentFactory, UserFactory
from lotse.core.choices import Topic
from lotse.core.models import AuditEvent
from lotse.notifications.models import Notification
from lotse.questions.choices import (
    EntrySource,
    EntryStatus,
    SessionQuestionStatus,
    SessionStatus,
)
from lotse.questions.models import DialogSession, Entry, SessionQuestion, Vote
from lotse.questions.selectors.dialog import session_get_by_speaker_key, speaker_key_hash
from lotse.questions.services import dialog as services
from lotse.questions.services.dialog import (
    QUESTIONS_PER_SESSION,
    QUESTIONS_PER_WINDOW,
    SessionClosedError,
    SubmissionLimitError,
    entry_title,
)
from lotse.questions.tests.factories import DialogSessionFactory, SessionQuestionFactory
from lotse.regions.models import State
from lotse.volunteers.tests.factories import VolunteerProfileFactory

pytestmark = pytest.mark.django_db

NOW = timezone.now


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"


def editor(code: str = "BY"):
    user = UserFactory()
    RoleAssignmentFactory(user=user, role=Role.STATE_EDITOR, state=State.objects.get(code=code))
    return user


def volunteer():
    return VolunteerProfileFactory().user


def live_session(**kwargs) -> DialogSession:
    values = {
        "status": SessionStatus.LIVE,
        "starts_at": NOW() - datetime.timedelta(minutes=10),
        "ends_at": NOW() + datetime.timedelta(minutes=50),
    }
    return DialogSessionFactory(**(values | kwargs))


def approved(session: DialogSession, **kwargs) -> SessionQuestion:
    return SessionQuestionFactory(session=session, status=SessionQuestionStatus.APPROVED, **kwargs)


def fields(**overrides):
    start = timezone.localtime() + datetime.timedelta(days=3)
    values = {
        "title": "Arbeit und Ausbildung",
        "description": "Fragen an den Staatsminister.",
        "topic": Topic.WORK,
        "starts_at": start,
        "ends_at": start + datetime.timedelta(hours=1, minutes=30),
        "speaker": "Staatsminister Dr. Beispiel",
        "video_url": "https://konferenz.example/raum-1",
        "languages": ["de", "ar"],
    }
    return values | overrides


def error_codes(excinfo) -> dict[str, list[str]]:
    error = excinfo.value
    return {name: [e.code for e in errors] for name, errors in error.error_dict.items()}


def voters_of(question: SessionQuestion) -> list[int | None]:
    return sorted(Vote.objects.filter(question=question).values_list("voter_id", flat=True))


# --- announcing and editing ------------------------------------------------------------------


def test_a_state_editor_announces_a_session_of_their_land():
    author = editor()
    bavaria = State.objects.get(code="BY")

    session = services.session_announce(actor=author, state=bavaria, **fields())

    assert session.status == SessionStatus.ANNOUNCED
    assert session.state == bavaria
    assert session.languages == ["de", "ar"]
    assert session.created_by == author
    assert AuditEvent.objects.filter(action="questions.session.announced").count() == 1


def test_only_state_editors_announce_and_only_for_their_land():
    bavaria, hesse = State.objects.get(code="BY"), State.objects.get(code="HE")
    with pytest.raises(PermissionDenied):
        services.session_announce(actor=volunteer(), state=bavaria, **fields())
    with pytest.raises(ValidationError) as excinfo:
        services.session_announce(actor=editor(), state=hesse, **fields())
    assert "state" in error_codes(excinfo)
    assert not DialogSession.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field", "code"),
    [
        ({"title": ""}, "title", "required"),
        ({"title": "   "}, "title", "required"),
        ({"title": "x" * 50_000}, "title", "max_length"),
        ({"description": "x" * 50_000}, "description", "max_length"),
        ({"title": "Wohnen\x00"}, "title", "control"),
        ({"speaker": ""}, "speaker", "required"),
        ({"video_url": "http://konferenz.example/raum"}, "video_url", "https"),
        ({"video_url": "javascript:alert(1)"}, "video_url", "https"),
        ({"video_url": "https://"}, "video_url", "https"),
        ({"video_url": ""}, "video_url", "required"),
        ({"languages": []}, "languages", "required"),
        ({"languages": ["de", "xx"]}, "languages", "choice"),
        ({"topic": "nope"}, "topic", "choice"),
        ({"starts_at": None}, "starts_at", "required"),
    ],
)
def test_bad_session_input_is_refused_and_nothing_is_stored(overrides, field, code):
    with pytest.raises(ValidationError) as excinfo:
        services.session_announce(
            actor=editor(), state=State.objects.get(code="BY"), **fields(**overrides)
        )
    assert code in error_codes(excinfo)[field]
    assert not DialogSession.objects.exists()


def test_times_start_in_the_future_end_after_start_at_most_eight_hours():
    author, bavaria = editor(), State.objects.get(code="BY")
    past = timezone.now() - datetime.timedelta(minutes=1)
    cases = [
        ({"starts_at": past, "ends_at": past + datetime.timedelta(hours=1)}, "starts_at", "past"),
        (
            {"ends_at": fields()["starts_at"] - datetime.timedelta(minutes=5)},
            "ends_at",
            "order",
        ),
        ({"ends_at": fields()["starts_at"]}, "ends_at", "order"),
        (
            {"ends_at": fields()["starts_at"] + datetime.timedelta(hours=8, minutes=1)},
            "ends_at",
            "duration",
        ),
    ]
    for overrides, field, code in cases:
        with pytest.raises(ValidationError) as excinfo:
            services.session_announce(actor=author, state=bavaria, **fields(**overrides))
        assert code in error_codes(excinfo)[field]
    eight_hours = {"ends_at": fields()["starts_at"] + datetime.timedelta(hours=8)}
    assert services.session_announce(actor=author, state=bavaria, **fields(**eight_hours))


def test_markup_is_stored_as_plain_text():
    session = services.session_announce(
        actor=editor(),
        state=State.objects.get(code="BY"),
        **fields(title="<script>alert(1)</script> Wohnen"),
    )
    assert session.title == "<script>alert(1)</script> Wohnen"


def participants(session):
    """A volunteer who asked, one who voted, one who did neither."""
    asker, voter, bystander = volunteer(), volunteer(), volunteer()
    question = approved(session, author=asker)
    services.session_question_vote(actor=voter, question=question)
    return asker, voter, bystander


def test_changing_the_time_notifies_everyone_who_asked_or_voted():
    moderator = editor()
    session = DialogSessionFactory()
    asker, voter, bystander = participants(session)
    values = fields(title=session.title)

    services.session_update(actor=moderator, session=session, **values)

    session.refresh_from_db()
    assert session.starts_at == values["starts_at"]
    told = set(
        Notification.objects.filter(kind="questions.session.rescheduled").values_list(
            "user", flat=True
        )
    )
    assert told == {asker.pk, voter.pk}
    assert bystander.pk not in told
    body = Notification.objects.filter(user=asker).latest("pk").body
    assert session.title in body


def test_changing_only_the_text_notifies_nobody_and_no_change_writes_nothing():
    moderator = editor()
    session = DialogSessionFactory()
    participants(session)
    values = {
        "title": "Neuer Titel",
        "description": session.description,
        "topic": session.topic,
        "starts_at": session.starts_at,
        "ends_at": session.ends_at,
        "speaker": session.speaker,
        "video_url": session.video_url,
        "languages": session.languages,
    }
    services.session_update(actor=moderator, session=session, **values)
    assert not Notification.objects.filter(kind="questions.session.rescheduled").exists()
    audits = AuditEvent.objects.filter(action="questions.session.changed").count()
    services.session_update(
        actor=moderator, session=DialogSession.objects.get(pk=session.pk), **values
    )
    assert AuditEvent.objects.filter(action="questions.session.changed").count() == audits


def test_editing_rules():
    moderator = editor()
    session = live_session()
    values = {
        "title": session.title,
        "description": "",
        "topic": session.topic,
        "starts_at": session.starts_at,
        "ends_at": session.ends_at + datetime.timedelta(minutes=30),
        "speaker": session.speaker,
        "video_url": session.video_url,
        "languages": ["de"],
    }
    # While live, the end may move, the start may not.
    assert (
        services.session_update(actor=moderator, session=session, **values).ends_at
        == (values["ends_at"])
    )
    moved = values | {"starts_at": session.starts_at + datetime.timedelta(minutes=5)}
    with pytest.raises(ValidationError) as excinfo:
        services.session_update(actor=moderator, session=session, **moved)
    assert "live" in error_codes(excinfo)["starts_at"]
    # Ended sessions are not edited; other Länder's editors not at all.
    ended = DialogSessionFactory(status=SessionStatus.ENDED)
    with pytest.raises(ValidationError):
        services.session_update(actor=moderator, session=ended, **values)
    with pytest.raises(PermissionDenied):
        services.session_update(actor=editor("HE"), session=session, **values)


# --- status ----------------------------------------------------------------------------------


def test_cancel_an_announced_session_tells_the_participants_with_the_message():
    session = DialogSessionFactory(speaker_key_hash=speaker_key_hash("k" * 30))
    asker, voter, bystander = participants(session)

    services.session_cancel(actor=editor(), session=session, message="Der Minister ist krank.")

    session.refresh_from_db()
    assert session.status == SessionStatus.CANCELLED
    assert session.speaker_key_hash is None
    notes = Notification.objects.filter(kind="questions.session.cancelled")
    assert {n.user_id for n in notes} == {asker.pk, voter.pk}
    assert not Notification.objects.filter(user=bystander).exists()
    assert all("Der Minister ist krank." in n.body for n in notes)


def test_only_announced_sessions_can_be_cancelled():
    for status in (SessionStatus.LIVE, SessionStatus.ENDED, SessionStatus.ARCHIVED):
        session = DialogSessionFactory(status=status)
        with pytest.raises(ValidationError):
            services.session_cancel(actor=editor(), session=session)
        session.refresh_from_db()
        assert session.status == status


def test_start_from_one_hour_before_and_end():
    moderator = editor()
    too_early = DialogSessionFactory(starts_at=NOW() + datetime.timedelta(hours=2))
    with pytest.raises(ValidationError):
        services.session_start(actor=moderator, session=too_early)
    soon = DialogSessionFactory(starts_at=NOW() + datetime.timedelta(minutes=50))
    assert services.session_start(actor=moderator, session=soon).status == SessionStatus.LIVE
    with pytest.raises(ValidationError):
        services.session_start(actor=moderator, session=soon)
    assert services.session_end(actor=moderator, session=soon).status == SessionStatus.ENDED
    with pytest.raises(ValidationError):
        services.session_end(actor=moderator, session=soon)


def test_an_announced_session_whose_start_has_passed_can_be_ended():
    moderator = editor()
    not_yet = DialogSessionFactory()
    with pytest.raises(ValidationError):
        services.session_end(actor=moderator, session=not_yet)
    forgotten = DialogSessionFactory(
        starts_at=NOW() - datetime.timedelta(minutes=5),
        ends_at=NOW() + datetime.timedelta(minutes=30),
    )
    assert services.session_end(actor=moderator, session=forgotten).status == SessionStatus.ENDED


def test_moderation_services_refuse_other_lands_editors_and_volunteers():
    session = live_session()
    question = approved(session)
    for outsider in (editor("HE"), volunteer(), UserFactory()):
        with pytest.raises(PermissionDenied):
            services.session_start(actor=outsider, session=session)
        with pytest.raises(PermissionDenied):
            services.session_question_mark_answered(actor=outsider, question=question)
        with pytest.raises(PermissionDenied):
            services.session_speaker_link_create(actor=outsider, session=session)


# --- submitting ------------------------------------------------------------------------------


def test_a_registered_volunteer_submits_a_question_it_waits_for_moderation():
    session = DialogSessionFactory()
    author = volunteer()

    question = services.session_question_submit(
        actor=author, session=session, text="  Wann gibt es mehr Kitaplätze?  ", language="de"
    )

    assert question.status == SessionQuestionStatus.PENDING
    assert question.text == "Wann gibt es mehr Kitaplätze?"
    assert question.author == author
    assert AuditEvent.objects.filter(action="questions.session_question.submitted").exists()


def test_only_registered_volunteers_submit():
    session = DialogSessionFactory()
    unconfirmed = VolunteerProfileFactory(user__email_confirmed_at=None).user
    for outsider in (UserFactory(), unconfirmed, editor()):
        with pytest.raises(PermissionDenied):
            services.session_question_submit(
                actor=outsider, session=session, text="Frage?", language="de"
            )
    assert not SessionQuestion.objects.exists()


@pytest.mark.parametrize(
    ("text", "language", "field", "code"),
    [
        ("", "de", "text", "required"),
        ("   \n ", "de", "text", "required"),
        ("x" * 50_000, "de", "text", "max_length"),
        ("x" * 1_001, "de", "text", "max_length"),
        ("Frage\x00mit NUL", "de", "text", "control"),
        ("Frage?", "uk", "language", "choice"),
        ("Frage?", "xx", "language", "choice"),
    ],
)
def test_bad_questions_are_refused_and_nothing_is_stored(text, language, field, code):
    session = DialogSessionFactory(languages=["de", "en"])
    with pytest.raises(ValidationError) as excinfo:
        services.session_question_submit(
            actor=volunteer(), session=session, text=text, language=language
        )
    assert code in error_codes(excinfo)[field]
    assert not SessionQuestion.objects.exists()


def test_a_question_of_exactly_1000_characters_and_markup_is_kept_as_text():
    session = DialogSessionFactory()
    long = services.session_question_submit(
        actor=volunteer(), session=session, text="x" * 1_000, language="de"
    )
    markup = services.session_question_submit(
        actor=volunteer(), session=session, text="<script>alert(1)</script>", language="de"
    )
    assert len(long.text) == 1_000
    assert markup.text == "<script>alert(1)</script>"


@pytest.mark.parametrize(
    "status", [SessionStatus.ENDED, SessionStatus.ARCHIVED, SessionStatus.CANCELLED]
)
def test_closed_sessions_take_no_questions(status):
    session = DialogSessionFactory(status=status)
    with pytest.raises(SessionClosedError):
        services.session_question_submit(
            actor=volunteer(), session=session, text="Frage?", language="de"
        )
    assert not SessionQuestion.objects.exists()


def test_five_questions_per_ten_minutes_then_refused_nothing_more_stored():
    session, author = DialogSessionFactory(), volunteer()
    for number in range(QUESTIONS_PER_WINDOW):
        services.session_question_submit(
            actor=author, session=session, text=f"Frage {number}", language="de"
        )
    with pytest.raises(SubmissionLimitError) as excinfo:
        services.session_question_submit(
            actor=author, session=session, text="Noch eine", language="de"
        )
    assert "minutes" in excinfo.value.messages[0]
    assert SessionQuestion.objects.filter(author=author).count() == QUESTIONS_PER_WINDOW
    # Others are not affected, nor the same person in another session.
    services.session_question_submit(actor=volunteer(), session=session, text="Ich", language="de")
    services.session_question_submit(
        actor=author, session=DialogSessionFactory(), text="Andere Sitzung", language="de"
    )


def test_at_most_twenty_questions_per_session():
    session, author = DialogSessionFactory(), volunteer()
    earlier = timezone.now() - datetime.timedelta(hours=1)
    for number in range(QUESTIONS_PER_SESSION):
        question = SessionQuestionFactory(session=session, author=author, text=f"Frage {number}")
        SessionQuestion.objects.filter(pk=question.pk).update(created_at=earlier)
    with pytest.raises(SubmissionLimitError) as excinfo:
        services.session_question_submit(
            actor=author, session=session, text="Nummer 21", language="de"
        )
    assert excinfo.value.code == "session_cap"
    assert SessionQuestion.objects.filter(author=author).count() == QUESTIONS_PER_SESSION


# --- voting ----------------------------------------------------------------------------------


def test_vote_twice_undo_twice():
    question = approved(DialogSessionFactory())
    voter = volunteer()

    first = services.session_question_vote(actor=voter, question=question)
    second = services.session_question_vote(actor=voter, question=question)

    assert (first.voted, first.changed, first.vote_count) == (True, True, 1)
    assert (second.voted, second.changed, second.vote_count) == (True, False, 1)
    question.refresh_from_db()
    assert question.vote_count == 1 == Vote.objects.filter(question=question).count()

    undo = services.session_question_unvote(actor=voter, question=question)
    again = services.session_question_unvote(actor=voter, question=question)
    assert (undo.voted, undo.changed, undo.vote_count) == (False, True, 0)
    assert (again.voted, again.changed, again.vote_count) == (False, False, 0)
    question.refresh_from_db()
    assert question.vote_count == 0 == Vote.objects.filter(question=question).count()


def test_authors_may_vote_for_their_own_question():
    author = volunteer()
    question = approved(DialogSessionFactory(), author=author)
    assert services.session_question_vote(actor=author, question=question).vote_count == 1


def test_many_voters_sequentially_give_exact_counts():
    session = live_session()
    questions = [approved(session) for _ in range(4)]
    people = [volunteer() for _ in range(25)]
    rng = random.Random(7)
    expected: dict[int, set[int]] = {q.pk: set() for q in questions}
    for _ in range(300):
        person, question = rng.choice(people), rng.choice(questions)
        if rng.random() < 0.3:
            services.session_question_unvote(actor=person, question=question)
            expected[question.pk].discard(person.pk)
        else:
            services.session_question_vote(actor=person, question=question)
            expected[question.pk].add(person.pk)
    for question in questions:
        question.refresh_from_db()
        assert question.vote_count == len(expected[question.pk])
        assert set(voters_of(question)) == expected[question.pk]


@pytest.mark.parametrize(
    "status", [SessionStatus.ENDED, SessionStatus.ARCHIVED, SessionStatus.CANCELLED]
)
def test_no_votes_on_closed_sessions_nothing_changes(status):
    session = live_session()
    question = approved(session)
    voter = volunteer()
    services.session_question_vote(actor=voter, question=question)
    DialogSession.objects.filter(pk=session.pk).update(status=status)
    question = SessionQuestion.objects.select_related("session").get(pk=question.pk)

    with pytest.raises(SessionClosedError):
        services.session_question_vote(actor=volunteer(), question=question)
    with pytest.raises(SessionClosedError):
        services.session_question_unvote(actor=voter, question=question)

    question.refresh_from_db()
    assert question.vote_count == 1 == Vote.objects.filter(question=question).count()


def test_no_votes_for_pending_rejected_or_answered_questions_but_undo_after_answer():
    session = live_session()
    voter = volunteer()
    for status in (
        SessionQuestionStatus.PENDING,
        SessionQuestionStatus.REJECTED,
        SessionQuestionStatus.ANSWERED,
    ):
        question = SessionQuestionFactory(session=session, status=status)
        with pytest.raises(ValidationError):
            services.session_question_vote(actor=voter, question=question)
    answered = approved(session)
    services.session_question_vote(actor=voter, question=answered)
    services.session_question_mark_answered(actor=editor(), question=answered)
    assert services.session_question_unvote(actor=voter, question=answered).changed
    assert not Vote.objects.filter(voter=voter).exists()


def test_only_registered_volunteers_vote():
    question = approved(live_session())
    with pytest.raises(PermissionDenied):
        services.session_question_vote(actor=UserFactory(), question=question)
    assert not Vote.objects.exists()


def test_voting_on_a_merged_question_votes_on_its_target():
    session = live_session()
    duplicate, target = approved(session), approved(session)
    services.session_question_merge(actor=editor(), duplicate=duplicate, target=target)
    voter = volunteer()
    duplicate.refresh_from_db()

    result = services.session_question_vote(actor=voter, question=duplicate)

    assert result.question.pk == target.pk
    assert voter.pk in voters_of(target)
    assert not Vote.objects.filter(question=duplicate).exists()
    undo = services.session_question_unvote(actor=voter, question=duplicate)
    assert undo.changed and voter.pk not in voters_of(target)


# --- moderation ------------------------------------------------------------------------------


def test_approve_and_reject_with_a_reason_the_author_is_told():
    moderator, author = editor(), volunteer()
    question = SessionQuestionFactory(
        session=DialogSessionFactory(), author=author, status=SessionQuestionStatus.PENDING
    )

    with pytest.raises(ValidationError) as excinfo:
        services.session_question_reject(actor=moderator, question=question, reason="  ")
    assert "required" in error_codes(excinfo)["reason"]
    rejected = services.session_question_reject(
        actor=moderator, question=question, reason="Bitte <b>konkreter</b> fragen."
    )

    assert rejected.status == SessionQuestionStatus.REJECTED
    assert rejected.rejection_reason == "Bitte <b>konkreter</b> fragen."
    note = Notification.objects.get(user=author, kind="questions.session_question.rejected")
    assert "Bitte <b>konkreter</b> fragen." in note.body
    again = services.session_question_approve(actor=moderator, question=rejected)
    assert again.status == SessionQuestionStatus.APPROVED
    assert again.rejection_reason == ""
    assert again.moderated_by == moderator


def test_moderation_state_rules():
    moderator = editor()
    session = live_session()
    merged = SessionQuestionFactory(session=session, status=SessionQuestionStatus.MERGED)
    with pytest.raises(ValidationError):
        services.session_question_approve(actor=moderator, question=merged)
    with pytest.raises(ValidationError):
        services.session_question_reject(actor=moderator, question=merged, reason="x")
    archived = approved(DialogSessionFactory(status=SessionStatus.ARCHIVED))
    with pytest.raises(ValidationError):
        services.session_question_reject(actor=moderator, question=archived, reason="x")


def test_mark_answered_while_running_and_undo():
    moderator = editor()
    question = approved(live_session())
    answered = services.session_question_mark_answered(actor=moderator, question=question)
    assert answered.status == SessionQuestionStatus.ANSWERED
    assert answered.answered_at is not None
    with pytest.raises(ValidationError):
        services.session_question_mark_answered(actor=moderator, question=answered)
    reopened = services.session_question_unmark_answered(actor=moderator, question=answered)
    assert reopened.status == SessionQuestionStatus.APPROVED
    assert reopened.answered_at is None
    # An announced session counts as running inside its time; before that it does not.
    early = approved(DialogSessionFactory())
    with pytest.raises(ValidationError):
        services.session_question_mark_answered(actor=moderator, question=early)
    inside = approved(
        DialogSessionFactory(
            starts_at=NOW() - datetime.timedelta(minutes=1),
            ends_at=NOW() + datetime.timedelta(minutes=59),
        )
    )
    assert services.session_question_mark_answered(actor=moderator, question=inside)


def test_merge_keeps_every_distinct_voter_once_and_counts_the_duplicates_author():
    moderator = editor()
    session = live_session()
    dup_author, target_author = volunteer(), volunteer()
    duplicate = approved(session, author=dup_author)
    target = approved(session, author=target_author)
    both, only_dup, only_target = volunteer(), volunteer(), volunteer()
    for person in (both, only_dup):
        services.session_question_vote(actor=person, question=duplicate)
    for person in (both, only_target):
        services.session_question_vote(actor=person, question=target)
    earlier = approved(session)
    services.session_question_merge(actor=moderator, duplicate=earlier, target=duplicate)

    result = services.session_question_merge(actor=moderator, duplicate=duplicate, target=target)

    duplicate.refresh_from_db()
    earlier.refresh_from_db()
    assert duplicate.status == SessionQuestionStatus.MERGED
    assert duplicate.merged_into == target
    assert duplicate.vote_count == 0
    assert not Vote.objects.filter(question=duplicate).exists()
    expected = sorted({both.pk, only_dup.pk, only_target.pk, dup_author.pk, earlier.author_id})
    assert voters_of(target) == expected
    assert result.vote_count == len(expected)
    target.refresh_from_db()
    assert target.vote_count == len(expected)
    # Merges stay one level deep.
    assert earlier.merged_into_id == target.pk
    told = Notification.objects.filter(kind="questions.session_question.merged")
    assert {dup_author.pk, target_author.pk} <= {n.user_id for n in told}


def test_merge_moves_votes_of_deleted_accounts_and_refuses_nonsense():
    moderator = editor()
    session = live_session()
    duplicate, target = approved(session, author=None), approved(session)
    Vote.objects.create(question=duplicate, voter=None)
    Vote.objects.create(question=target, voter=None)
    SessionQuestion.objects.filter(pk__in=[duplicate.pk, target.pk]).update(vote_count=1)

    services.session_question_merge(actor=moderator, duplicate=duplicate, target=target)

    target.refresh_from_db()
    assert target.vote_count == 2 == Vote.objects.filter(question=target).count()
    with pytest.raises(ValidationError):
        services.session_question_merge(actor=moderator, duplicate=target, target=target)
    other_session = approved(live_session())
    with pytest.raises(ValidationError):
        services.session_question_merge(
            actor=moderator, duplicate=approved(session), target=other_session
        )
    pending_target = SessionQuestionFactory(session=session, status=SessionQuestionStatus.PENDING)
    with pytest.raises(ValidationError):
        services.session_question_merge(
            actor=moderator, duplicate=approved(session), target=pending_target
        )
    with pytest.raises(PermissionDenied):
        services.session_question_merge(
            actor=editor("HE"), duplicate=approved(session), target=target
        )


@pytest.fixture
def pool(db):
    return [volunteer() for _ in range(8)]


@hypothesis_settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    dup_voters=st.sets(st.integers(0, 7)),
    target_voters=st.sets(st.integers(0, 7)),
    dup_author=st.one_of(st.none(), st.integers(0, 7)),
    target_author=st.one_of(st.none(), st.integers(0, 7)),
    dup_pending=st.booleans(),
)
def test_merging_keeps_every_distinct_voter_exactly_once(
    pool, dup_voters, target_voters, dup_author, target_author, dup_pending
):
    moderator = editor()
    session = live_session()
    duplicate = approved(session, author=pool[dup_author] if dup_author is not None else None)
    target = approved(session, author=pool[target_author] if target_author is not None else None)
    for index in target_voters:
        services.session_question_vote(actor=pool[index], question=target)
    for index in dup_voters:
        services.session_question_vote(actor=pool[index], question=duplicate)
    if dup_pending:
        SessionQuestion.objects.filter(pk=duplicate.pk).update(status=SessionQuestionStatus.PENDING)
        duplicate.refresh_from_db()

    services.session_question_merge(actor=moderator, duplicate=duplicate, target=target)

    expected = {pool[i].pk for i in dup_voters | target_voters}
    if dup_author is not None:
        expected.add(pool[dup_author].pk)
    rows = voters_of(target)
    assert len(rows) == len(set(rows))
    assert set(rows) == expected
    target.refresh_from_db()
    assert target.vote_count == len(expected)
    assert not Vote.objects.filter(question=duplicate).exists()


# --- speaker link ----------------------------------------------------------------------------


def test_the_speaker_link_is_shown_once_stored_hashed_and_replaceable():
    moderator = editor()
    session = DialogSessionFactory()
    key = services.session_speaker_link_create(actor=moderator, session=session)
    session.refresh_from_db()
    assert session.speaker_key_hash == speaker_key_hash(key) != key
    assert session_get_by_speaker_key(key=key) == session
    new_key = services.session_speaker_link_create(actor=moderator, session=session)
    assert session_get_by_speaker_key(key=key) is None
    assert session_get_by_speaker_key(key=new_key) == session
    assert session_get_by_speaker_key(key="") is None
    assert session_get_by_speaker_key(key="x" * 500) is None
    cancelled = DialogSessionFactory(status=SessionStatus.CANCELLED)
    with pytest.raises(ValidationError):
        services.session_speaker_link_create(actor=moderator, session=cancelled)


# --- write-up and archive --------------------------------------------------------------------


def ended_session_with_answers():
    session = live_session()
    moderator = editor()
    author = volunteer()
    first = approved(session, author=author, text="Wie finde ich " + "sehr " * 40 + "Wohnung?")
    second = approved(session, language="ar", text="كيف أجد سكنا؟")
    unanswered = approved(session)
    for question in (first, second):
        services.session_question_mark_answered(actor=moderator, question=question)
    services.session_end(actor=moderator, session=session)
    session.refresh_from_db()
    return session, moderator, author, first, second, unanswered


def test_the_write_up_comes_after_the_session():
    moderator = editor()
    session = live_session()
    question = approved(session)
    services.session_question_mark_answered(actor=moderator, question=question)
    with pytest.raises(ValidationError):
        services.session_write_up_save(
            actor=moderator, session=session, summary="", answers={question.pk: "Antwort"}
        )
    with pytest.raises(ValidationError):
        services.session_archive_publish(actor=moderator, session=session)


def test_write_up_validates_and_only_takes_answered_questions():
    session, moderator, _author, first, _second, unanswered = ended_session_with_answers()
    with pytest.raises(ValidationError) as excinfo:
        services.session_write_up_save(
            actor=moderator, session=session, summary="x" * 50_000, answers={first.pk: "\x00"}
        )
    assert set(error_codes(excinfo)) == {"summary", f"answer_{first.pk}"}
    with pytest.raises(ValidationError):
        services.session_write_up_save(
            actor=moderator, session=session, summary="", answers={unanswered.pk: "Antwort"}
        )
    first.refresh_from_db()
    assert first.answer == ""


def test_publishing_the_archive_creates_published_entries_idempotently():
    session, moderator, author, first, second, unanswered = ended_session_with_answers()
    services.session_write_up_save(
        actor=moderator,
        session=session,
        summary="Der Minister beantwortete zwei Fragen.",
        answers={first.pk: "Beim Wohnungsamt.", second.pk: "في مكتب السكن."},
    )

    result = services.session_archive_publish(actor=moderator, session=session)

    assert len(result.created) == 2
    entries = Entry.objects.filter(session=session).order_by("pk")
    assert [e.language for e in entries] == ["de", "ar"]
    entry = entries[0]
    assert entry.source == EntrySource.DIALOG
    assert entry.status == EntryStatus.PUBLISHED
    assert entry.published_at is not None
    assert entry.source_session_question == first
    assert entry.question == first.text
    assert entry.answer == "Beim Wohnungsamt."
    assert entry.topic == session.topic
    assert entry.state == session.state
    assert entry.title == entry_title(first.text)
    assert len(entry.title) <= 121 and entry.title.endswith("…")
    session.refresh_from_db()
    assert session.status == SessionStatus.ARCHIVED
    assert session.archived_at is not None
    assert Notification.objects.filter(
        user=author, kind="questions.session.archive_published"
    ).exists()

    # Publishing again: no second entry; changed answers update; emptied ones are withdrawn.
    services.session_write_up_save(
        actor=moderator,
        session=session,
        summary="Neu",
        answers={first.pk: "Beim Wohnungsamt der Stadt.", second.pk: ""},
    )
    again = services.session_archive_publish(actor=moderator, session=session)

    assert again.created == []
    assert Entry.objects.filter(session=session).count() == 2
    entries = {e.source_session_question_id: e for e in Entry.objects.filter(session=session)}
    assert entries[first.pk].answer == "Beim Wohnungsamt der Stadt."
    assert entries[second.pk].status == EntryStatus.WITHDRAWN
    assert (
        Notification.objects.filter(user=author, kind="questions.session.archive_published").count()
        == 1
    )
    assert not Entry.objects.filter(source_session_question=unanswered).exists()


def test_entry_title_cuts_at_a_word():
    assert entry_title("Kurz?") == "Kurz?"
    title = entry_title("Wort " * 60)
    assert len(title) <= 121
    assert title.endswith("Wort…")


# --- a busy database -------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_busy_database_is_retried_then_refused_visibly_never_half_done(monkeypatch):
    from django.db import OperationalError

    question = approved(live_session())
    voter = volunteer()
    original = services._lock_vote_target
    failures = {"left": 1}

    def flaky(target):
        if failures["left"] > 0:
            failures["left"] -= 1
            raise OperationalError("database is locked")
        return original(target)

    monkeypatch.setattr(services, "_lock_vote_target", flaky)
    monkeypatch.setattr(services.time, "sleep", lambda _seconds: None)

    result = services.session_question_vote(actor=voter, question=question)
    assert result.changed and result.vote_count == 1

    failures["left"] = services.BUSY_RETRIES
    other = volunteer()
    with pytest.raises(services.SessionBusyError):
        services.session_question_vote(actor=other, question=question)
    question.refresh_from_db()
    assert question.vote_count == 1 == Vote.objects.filter(question=question).count()
    assert not Vote.objects.filter(voter=other).exists()
