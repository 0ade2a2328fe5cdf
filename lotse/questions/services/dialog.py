"""Writes of Dialog digital: themed virtual sessions in which volunteers put questions to the
Staatsminister or Staatssekretär.

Who: state editors announce sessions for their Land and moderate them (rules perms
`questions.announce_session`, `questions.moderate_session`); registered volunteers (confirmed
e-mail + volunteer profile) submit and vote while a session is announced or live
(`questions.take_part_in_session`); the speaker follows the live view through a secret
read-only link (only its SHA-256 is stored, the key is shown once to the moderators).

Decisions (the product's rules, in one place):

- **Status.** announced → live → ended → archived; cancelled from announced. "Live" is set by a
  moderator ("start session", possible from `START_EARLY` before the announced start); an
  announced session is also *treated* as live between `starts_at` and `ends_at` (badge, video
  link, marking questions answered), so a forgotten start button blocks nobody. "End session"
  is a moderator's button as well (also for an announced session whose start has passed);
  nothing ends a session automatically. Questions and votes are accepted while announced or
  live (`OPEN_FOR_QUESTIONS`); ended, archived or cancelled sessions refuse them with
  `SessionClosedError` (HTTP 409 in the API and for htmx) and nothing changes.
- **Times** are entered in Europe/Berlin; the start lies in the future when announcing (and when
  it is moved), the end after the start, at most `MAX_DURATION` (8 h). While live only the end
  may move. Registered participants (everyone who submitted or voted) are notified of a
  cancellation and of a change of the time.
- **Video link**: https only; shown to registered volunteers from 30 minutes before the start
  until the end (or while live), to the session's moderators always; never to anybody else
  (see `selectors.dialog.session_video_visible`).
- **Submissions**: text 1–1,000 characters of plain text (markup is stored as text and always
  escaped on output; control characters such as NUL are refused), in one of the session's
  languages. Per person and session at most `QUESTIONS_PER_WINDOW` (5) in
  `QUESTION_WINDOW` (10 minutes) and `QUESTIONS_PER_SESSION` (20) in total, counted in the
  database under the session's row lock (exact under concurrency) → `SubmissionLimitError`
  (HTTP 429; the form keeps the text). The views add a cache-based cap per person across all
  sessions (`lotse.core.ratelimit`, `subject=user:<pk>`).
- **Votes**: one per person and question (constraint `vote_one_per_person`). The service locks
  the question row (`select_for_update`), inserts the vote in a savepoint (an IntegrityError
  means "already voted": a no-op) and increments `vote_count` with an F expression; undo deletes
  the row and decrements only when a row was deleted. A vote by someone who already voted, and
  an undo by someone who has no vote, are answered from a plain read without any lock (nothing
  changes; true at the moment of the read). Voting on a merged question votes on the question
  it went into. Authors MAY vote for their own question (a question starts at 0 votes, every
  vote counts alike). Only approved, not yet answered questions take new votes; undo works on
  answered ones too. Votes are not written to the audit log (the Vote row records them).
- **Busy database**: every write runs in its own short transaction. On SQLite the writes of this
  module take turns on a per-process lock (`_one_writer_at_a_time`), so that waiting writers
  wake at once instead of polling SQLite's busy timeout in growing sleeps; on "database is
  locked" (or a PostgreSQL deadlock/serialisation failure) the whole transaction is rolled back
  and retried up to `BUSY_RETRIES` times, then `SessionBusyError` (HTTP 503) tells the client
  that nothing was stored. A vote is therefore either stored and acknowledged or refused
  visibly, never lost (`manage.py vote_benchmark` checks this against a running server).
- **Merging** a duplicate (pending or approved) into a target (approved or answered): under the
  row locks of both questions (taken in pk order) the target gets one vote for every distinct
  person who voted for either question, and the duplicate's author counts as a voter of the
  target too (their interest is the same question); anonymised votes (voter deleted) move as
  they are. The target's `vote_count` is recomputed from its Vote rows, the duplicate keeps no
  votes, questions merged into the duplicate earlier now point to the target (merges stay one
  level deep), and the authors of both are notified.
- **Moderation**: approve (pending or rejected), reject with a reason the author sees and is
  notified of, merge, mark answered (while the session runs or after it ended), undo answered
  (not once the archive is published). Moderation texts are shown without authors' names.
- **Lists that update themselves** (session page every 5 s, live and speaker views every 2 s):
  the client polls the list partial with the version it shows (`?v=`); the server answers 204
  when nothing changed, so htmx leaves the page (and the focus) alone; while someone types in
  a polled list (a reason, a merge form) `questions/dialog.js` skips the poll. Only changes of
  the counts (open, answered, waiting) are announced in the `aria-live` region, not every vote.
- **Archive**: after the session the editors write up the answers and a summary (ended or
  archived sessions) and publish: every answered question with a written answer becomes a
  published knowledge-base entry (`services.knowledge.entry_create`, source Dialog digital);
  publishing again updates the texts through `entry_update` (idempotent, never a second entry;
  an entry withdrawn in the knowledge base stays withdrawn; an entry whose answer was emptied
  is withdrawn). The status becomes archived, the speaker link stops working, and authors of
  newly published answers are notified.
"""

from __future__ import annotations

import datetime
import random
import secrets
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, OperationalError, transaction
from django.db.models import Exists, F, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from lotse.core.audit import audit_record
from lotse.core.choices import Topic
from lotse.core.validators import add_error, clean_plain_text
from lotse.notifications.services import notify

from ..choices import (
    OPEN_FOR_QUESTIONS,
    EntrySource,
    EntryStatus,
    SessionQuestionStatus,
    SessionStatus,
)
from ..models import (
    MAX_REASON,
    MAX_SESSION_QUESTION,
    MAX_TEXT,
    MAX_TITLE,
    DialogSession,
    Entry,
    SessionQuestion,
    Vote,
)
from ..permissions import edited_state_ids, is_registered_volunteer
from ..selectors.dialog import session_is_running, session_participants, speaker_key_hash
from . import knowledge

MAX_DURATION = datetime.timedelta(hours=8)
START_EARLY = datetime.timedelta(hours=1)
QUESTIONS_PER_WINDOW = 5
QUESTION_WINDOW = datetime.timedelta(minutes=10)
QUESTIONS_PER_SESSION = 20
ENTRY_TITLE_CHARS = 120
MAX_SPEAKER = 200
MAX_VIDEO_URL = 500
BUSY_RETRIES = 4
# On SQLite, how long a write waits for its turn in this process before "busy".
WRITER_WAIT_SECONDS = 30
_SQLITE_WRITERS: dict[str, threading.Lock] = {}

_HTTPS_URL = URLValidator(schemes=["https"])
_MODERATABLE = (SessionStatus.ANNOUNCED, SessionStatus.LIVE, SessionStatus.ENDED)
_WRITE_UP = (SessionStatus.ENDED, SessionStatus.ARCHIVED)


class SessionClosedError(ValidationError):
    """The session no longer takes questions or votes (ended, archived or cancelled)."""


class SubmissionLimitError(ValidationError):
    """The person has sent too many questions to this session (for now or in total)."""


class SessionBusyError(Exception):
    """The database stayed busy; nothing was stored. The client may try again."""

    def __init__(self) -> None:
        super().__init__(_("Too many people are voting right now. Please try again."))


@dataclass(frozen=True)
class VoteResult:
    """The outcome of a vote or its undo, for the question the vote counts for (the target of
    a merged question)."""

    question: SessionQuestion
    voted: bool
    changed: bool
    vote_count: int


@dataclass
class ArchiveResult:
    created: list[Entry] = field(default_factory=list)
    updated: list[Entry] = field(default_factory=list)
    withdrawn: list[Entry] = field(default_factory=list)


# --- helpers ---------------------------------------------------------------------------------


def site_languages() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


def _clean_languages(errors: dict[str, list[Any]], languages: Iterable[str] | None) -> list[str]:
    chosen = {str(code) for code in (languages or ())}
    known = site_languages()
    if chosen - set(known):
        add_error(errors, "languages", _("Please choose only from the list."), "choice")
    elif not chosen:
        add_error(errors, "languages", _("Please choose at least one language."), "required")
    return [code for code in known if code in chosen]


def _clean_video_url(errors: dict[str, list[Any]], value: Any) -> str:
    url = str(value or "").strip()
    if not url:
        add_error(
            errors, "video_url", _("Please enter the link to the video conference."), "required"
        )
        return url
    if len(url) > MAX_VIDEO_URL:
        add_error(
            errors,
            "video_url",
            _("Please use at most %(max)d characters.") % {"max": MAX_VIDEO_URL},
            "max_length",
        )
        return url
    try:
        _HTTPS_URL(url)
    except ValidationError:
        add_error(
            errors,
            "video_url",
            _("Please enter a secure web address starting with https://."),
            "https",
        )
    return url


def _check_times(
    errors: dict[str, list[Any]],
    starts_at: datetime.datetime | None,
    ends_at: datetime.datetime | None,
    *,
    now: datetime.datetime,
    start_in_future: bool,
) -> None:
    if starts_at is None:
        add_error(errors, "starts_at", _("Please enter when the session starts."), "required")
    if ends_at is None:
        add_error(errors, "ends_at", _("Please enter when the session ends."), "required")
    if starts_at is None or ends_at is None:
        return
    if timezone.is_naive(starts_at) or timezone.is_naive(ends_at):
        raise ValueError("starts_at and ends_at must be aware datetimes")
    if start_in_future and starts_at <= now:
        add_error(errors, "starts_at", _("The start must lie in the future."), "past")
    if ends_at <= starts_at:
        add_error(errors, "ends_at", _("The end must come after the start."), "order")
    elif ends_at - starts_at > MAX_DURATION:
        add_error(
            errors,
            "ends_at",
            _("A session lasts at most %(hours)d hours.")
            % {"hours": MAX_DURATION.total_seconds() // 3600},
            "duration",
        )


def _check_moderator(actor: Any, session: DialogSession) -> None:
    if not (
        getattr(actor, "is_authenticated", False)
        and actor.has_perm("questions.moderate_session", session)
    ):
        raise PermissionDenied


def _session_url(session: DialogSession) -> str:
    return reverse("questions:session_detail", kwargs={"pk": session.pk})


def _short(text: str, limit: int = 120) -> str:
    text = " ".join((text or "").split())
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0] or text[:limit]
    return cut.rstrip(" ,;:.-–") + "…"


def entry_title(text: str) -> str:
    """The title of the knowledge-base entry of a question: its first ~120 characters, cut at
    a word."""
    return _short(text, ENTRY_TITLE_CHARS)


@contextmanager
def _one_writer_at_a_time() -> Iterator[None]:
    """On SQLite, let this process's Dialog digital writes take turns on a lock.

    SQLite has one writer at a time; threads waiting for its lock poll it in growing sleeps
    (the busy timeout), so under many concurrent votes some wait for seconds while the lock
    is free. Waiting on a Python lock wakes the next writer at once. Other processes (the
    task worker) still meet SQLite's own busy timeout. PostgreSQL needs none of this (row
    locks).
    """
    connection = transaction.get_connection()
    if connection.vendor != "sqlite":
        yield
        return
    lock = _SQLITE_WRITERS.setdefault(connection.alias, threading.Lock())
    if not lock.acquire(timeout=WRITER_WAIT_SECONDS):
        raise SessionBusyError()
    try:
        yield
    finally:
        lock.release()


def _retry_busy[R](call: Callable[[], R]) -> R:
    """Run a write transaction; when the database is busy (SQLite "database is locked",
    PostgreSQL deadlock or lock timeout) retry it, then raise SessionBusyError.

    Inside an outer transaction (tests, or a caller's atomic block) nothing can be retried: the
    error propagates as it is.
    """
    if transaction.get_connection().in_atomic_block:
        return call()
    for attempt in range(BUSY_RETRIES):
        try:
            with _one_writer_at_a_time():
                return call()
        except OperationalError as error:
            if attempt == BUSY_RETRIES - 1:
                raise SessionBusyError() from error
            time.sleep(0.05 * (attempt + 1) + random.random() * 0.05)  # noqa: S311 - jitter
    raise AssertionError("unreachable")  # pragma: no cover


@contextmanager
def _writing() -> Iterator[None]:
    """The transaction of an editor's or moderator's action: on SQLite it takes its turn with
    the votes (`_one_writer_at_a_time`); a database that stays busy becomes SessionBusyError
    (nothing stored) instead of a server error."""
    if transaction.get_connection().in_atomic_block:
        with transaction.atomic():
            yield
        return
    try:
        with _one_writer_at_a_time(), transaction.atomic():
            yield
    except OperationalError as error:
        raise SessionBusyError() from error


def _notify_participants(
    session: DialogSession, *, kind: str, template: str, context: dict[str, Any], actor: Any
) -> int:
    count = 0
    for user in session_participants(session=session):
        if getattr(actor, "pk", None) == user.pk:
            continue
        notify(user=user, kind=kind, template=template, context=context, url=_session_url(session))
        count += 1
    return count


# --- sessions --------------------------------------------------------------------------------


def _clean_session(
    errors: dict[str, list[Any]],
    *,
    title: str,
    description: str,
    topic: str,
    speaker: str,
    video_url: str,
    languages: Iterable[str],
) -> dict[str, Any]:
    cleaned: dict[str, Any] = {
        "title": clean_plain_text(
            errors,
            "title",
            title,
            max_length=MAX_TITLE,
            missing=_("Please enter the theme of the session."),
            single_line=True,
        ),
        "description": clean_plain_text(
            errors, "description", description, max_length=MAX_TEXT, missing=None
        ),
        "speaker": clean_plain_text(
            errors,
            "speaker",
            speaker,
            max_length=MAX_SPEAKER,
            missing=_("Please enter who answers the questions."),
            single_line=True,
        ),
        "video_url": _clean_video_url(errors, video_url),
        "languages": _clean_languages(errors, languages),
    }
    if topic not in Topic.values:
        add_error(errors, "topic", _("Please choose a topic."), "choice")
    cleaned["topic"] = topic
    return cleaned


def session_announce(
    *,
    actor: Any,
    state: Any,
    title: str,
    description: str,
    topic: str,
    starts_at: datetime.datetime | None,
    ends_at: datetime.datetime | None,
    speaker: str,
    video_url: str,
    languages: Iterable[str],
    via: str = "web",
) -> DialogSession:
    """Announce a session of `state` (a Land the actor edits).

    Raises PermissionDenied for anybody but a state editor and ValidationError (dict keyed by
    field, nothing saved) for bad input. Side effect: audit `questions.session.announced`.
    """
    if not (
        getattr(actor, "is_authenticated", False) and actor.has_perm("questions.announce_session")
    ):
        raise PermissionDenied
    errors: dict[str, list[Any]] = {}
    cleaned = _clean_session(
        errors,
        title=title,
        description=description,
        topic=topic,
        speaker=speaker,
        video_url=video_url,
        languages=languages,
    )
    if state is None or state.pk not in edited_state_ids(actor):
        add_error(errors, "state", _("Please choose a Land you are an editor of."), "state")
    _check_times(errors, starts_at, ends_at, now=timezone.now(), start_in_future=True)
    if errors:
        raise ValidationError(errors)
    assert starts_at is not None and ends_at is not None
    with _writing():
        session = DialogSession(
            state=state,
            starts_at=starts_at,
            ends_at=ends_at,
            status=SessionStatus.ANNOUNCED,
            created_by=actor,
            **cleaned,
        )
        session.full_clean()
        session.save()
        audit_record(
            actor=actor,
            action="questions.session.announced",
            obj=session,
            changed_fields=[*cleaned, "state", "starts_at", "ends_at"],
            via=via,
        )
    return session


def session_update(
    *,
    actor: Any,
    session: DialogSession,
    title: str,
    description: str,
    topic: str,
    starts_at: datetime.datetime | None,
    ends_at: datetime.datetime | None,
    speaker: str,
    video_url: str,
    languages: Iterable[str],
    via: str = "web",
) -> DialogSession:
    """Change an announced or live session (its moderators only).

    A new start must lie in the future; while live only the end may move. When the time
    changes, the registered participants are notified. Side effect: audit
    `questions.session.changed` with the changed field names.
    """
    _check_moderator(actor, session)
    errors: dict[str, list[Any]] = {}
    cleaned = _clean_session(
        errors,
        title=title,
        description=description,
        topic=topic,
        speaker=speaker,
        video_url=video_url,
        languages=languages,
    )
    now = timezone.now()
    if session.status not in OPEN_FOR_QUESTIONS:
        add_error(errors, "__all__", _("This session can no longer be changed."), "closed")
    moved_start = starts_at is not None and starts_at != session.starts_at
    if session.status == SessionStatus.LIVE and moved_start:
        add_error(errors, "starts_at", _("The start of a running session cannot move."), "live")
    _check_times(errors, starts_at, ends_at, now=now, start_in_future=moved_start)
    if (
        session.status == SessionStatus.LIVE
        and ends_at is not None
        and ends_at != session.ends_at
        and ends_at <= now
    ):
        add_error(errors, "ends_at", _("Use “End session” to end it now."), "past")
    if errors:
        raise ValidationError(errors)

    with _writing():
        locked = DialogSession.objects.select_for_update().get(pk=session.pk)
        if locked.status not in OPEN_FOR_QUESTIONS:
            raise ValidationError(_("This session can no longer be changed."), code="closed")
        values = {**cleaned, "starts_at": starts_at, "ends_at": ends_at}
        changed = [name for name, value in values.items() if getattr(locked, name) != value]
        if not changed:
            return locked
        for name in changed:
            setattr(locked, name, values[name])
        locked.full_clean()
        locked.save()
        audit_record(
            actor=actor,
            action="questions.session.changed",
            obj=locked,
            changed_fields=changed,
            via=via,
        )
        if {"starts_at", "ends_at"} & set(changed):
            _notify_participants(
                locked,
                kind="questions.session.rescheduled",
                template="questions/notifications/session_rescheduled",
                context={
                    "title": locked.title,
                    "starts_at": locked.starts_at,
                    "ends_at": locked.ends_at,
                },
                actor=actor,
            )
    return locked


def session_cancel(
    *, actor: Any, session: DialogSession, message: str = "", via: str = "web"
) -> DialogSession:
    """Cancel an announced session; registered participants are notified (with the optional
    message). Side effects: audit `questions.session.cancelled`; the speaker link stops
    working."""
    _check_moderator(actor, session)
    errors: dict[str, list[Any]] = {}
    message = clean_plain_text(errors, "message", message, max_length=MAX_REASON, missing=None)
    if errors:
        raise ValidationError(errors)
    with _writing():
        locked = DialogSession.objects.select_for_update().get(pk=session.pk)
        if locked.status != SessionStatus.ANNOUNCED:
            raise ValidationError(
                _("Only a session that has not started yet can be cancelled."), code="status"
            )
        locked.status = SessionStatus.CANCELLED
        locked.speaker_key_hash = None
        locked.save(update_fields=["status", "speaker_key_hash", "updated_at"])
        audit_record(
            actor=actor,
            action="questions.session.cancelled",
            obj=locked,
            changed_fields=["status", "speaker_key_hash"],
            via=via,
        )
        _notify_participants(
            locked,
            kind="questions.session.cancelled",
            template="questions/notifications/session_cancelled",
            context={"title": locked.title, "starts_at": locked.starts_at, "message": message},
            actor=actor,
        )
    return locked


def session_start(*, actor: Any, session: DialogSession, via: str = "web") -> DialogSession:
    """Start an announced session (from one hour before its announced start). Side effect:
    audit `questions.session.started`."""
    _check_moderator(actor, session)
    with _writing():
        locked = DialogSession.objects.select_for_update().get(pk=session.pk)
        if locked.status != SessionStatus.ANNOUNCED:
            raise ValidationError(_("Only an announced session can be started."), code="status")
        if timezone.now() < locked.starts_at - START_EARLY:
            raise ValidationError(
                _("The session can be started at the earliest one hour before its start."),
                code="early",
            )
        locked.status = SessionStatus.LIVE
        locked.save(update_fields=["status", "updated_at"])
        audit_record(
            actor=actor,
            action="questions.session.started",
            obj=locked,
            changed_fields=["status"],
            via=via,
        )
    return locked


def session_end(*, actor: Any, session: DialogSession, via: str = "web") -> DialogSession:
    """End a live session (or an announced one whose start has passed): no more questions or
    votes. Side effect: audit `questions.session.ended`."""
    _check_moderator(actor, session)
    with _writing():
        locked = DialogSession.objects.select_for_update().get(pk=session.pk)
        started = locked.status == SessionStatus.LIVE or (
            locked.status == SessionStatus.ANNOUNCED and locked.starts_at <= timezone.now()
        )
        if not started:
            raise ValidationError(_("Only a running session can be ended."), code="status")
        locked.status = SessionStatus.ENDED
        locked.save(update_fields=["status", "updated_at"])
        audit_record(
            actor=actor,
            action="questions.session.ended",
            obj=locked,
            changed_fields=["status"],
            via=via,
        )
    return locked


def session_speaker_link_create(*, actor: Any, session: DialogSession, via: str = "web") -> str:
    """Create (or replace) the speaker's secret read-only link; return its key, once.

    Only the SHA-256 of the key is stored; an earlier link stops working. Not for cancelled or
    archived sessions. Side effect: audit `questions.session.speaker_link_created`.
    """
    _check_moderator(actor, session)
    key = secrets.token_urlsafe(24)
    with _writing():
        locked = DialogSession.objects.select_for_update().get(pk=session.pk)
        if locked.status in (SessionStatus.CANCELLED, SessionStatus.ARCHIVED):
            raise ValidationError(_("This session no longer has a speaker view."), code="status")
        locked.speaker_key_hash = speaker_key_hash(key)
        locked.save(update_fields=["speaker_key_hash", "updated_at"])
        audit_record(
            actor=actor,
            action="questions.session.speaker_link_created",
            obj=locked,
            changed_fields=["speaker_key_hash"],
            via=via,
        )
    return key


# --- questions -------------------------------------------------------------------------------


def _closed_error() -> SessionClosedError:
    return SessionClosedError(
        _("This session no longer takes questions or votes."), code="session_closed"
    )


def session_question_submit(
    *, actor: Any, session: DialogSession, text: str, language: str, via: str = "web"
) -> SessionQuestion:
    """A registered volunteer submits a question; it waits for moderation.

    Raises PermissionDenied (not a registered volunteer), SessionClosedError (session ended,
    archived or cancelled), ValidationError (dict keyed by field) for bad input and
    SubmissionLimitError when the person reached the limits per window or per session.
    Nothing is stored in any of these cases. Side effect: audit
    `questions.session_question.submitted`.
    """
    if not is_registered_volunteer(actor):
        raise PermissionDenied
    if session.status not in OPEN_FOR_QUESTIONS:
        raise _closed_error()
    errors: dict[str, list[Any]] = {}
    text = clean_plain_text(
        errors,
        "text",
        text,
        max_length=MAX_SESSION_QUESTION,
        missing=_("Please enter your question."),
    )
    offered = session.languages or site_languages()
    if language not in offered:
        add_error(errors, "language", _("Please choose one of the session's languages."), "choice")
    if errors:
        raise ValidationError(errors)

    def submit() -> SessionQuestion:
        with transaction.atomic():
            # The session's row lock makes the limits exact when one person sends in parallel.
            locked = DialogSession.objects.select_for_update().get(pk=session.pk)
            if locked.status not in OPEN_FOR_QUESTIONS:
                raise _closed_error()
            mine = SessionQuestion.objects.filter(session=locked, author=actor)
            if mine.count() >= QUESTIONS_PER_SESSION:
                raise SubmissionLimitError(
                    _(
                        "You have sent %(count)d questions to this session, the most one "
                        "person can send. Please vote for other questions instead."
                    )
                    % {"count": QUESTIONS_PER_SESSION},
                    code="session_cap",
                )
            since = timezone.now() - QUESTION_WINDOW
            if mine.filter(created_at__gte=since).count() >= QUESTIONS_PER_WINDOW:
                raise SubmissionLimitError(
                    _(
                        "You have sent %(count)d questions in the last %(minutes)d minutes. "
                        "Please wait a few minutes before you send the next one."
                    )
                    % {
                        "count": QUESTIONS_PER_WINDOW,
                        "minutes": QUESTION_WINDOW.total_seconds() // 60,
                    },
                    code="rate_limited",
                )
            question = SessionQuestion(
                session=locked,
                author=actor,
                text=text,
                language=language,
                status=SessionQuestionStatus.PENDING,
            )
            question.full_clean()
            question.save()
            audit_record(
                actor=actor,
                action="questions.session_question.submitted",
                obj=question,
                subject=actor,
                changed_fields=["text", "language"],
                via=via,
            )
            return question

    return _retry_busy(submit)


def _lock_vote_target(question: SessionQuestion) -> SessionQuestion:
    """Lock the question a vote counts for (the merge target of a merged question).

    Called inside a transaction. A question merged while we waited for its lock is followed
    to its target (merges are one level deep, so this ends).
    """
    target_id = question.merged_into_id or question.pk
    for _attempt in range(5):
        locked = (
            SessionQuestion.objects.select_for_update(of=("self",))
            .select_related("session")
            .get(pk=target_id)
        )
        if locked.status == SessionQuestionStatus.MERGED and locked.merged_into_id:
            target_id = locked.merged_into_id
            continue
        return locked
    raise ValidationError(_("This question cannot take votes."), code="merged")


def _vote_state(actor: Any, question: SessionQuestion) -> SessionQuestion | None:
    """The question a vote counts for, with `mine` (whether the actor voted for it), read
    without a lock; None when it was merged meanwhile (the locked path follows it)."""
    target_id = question.merged_into_id or question.pk
    target = (
        SessionQuestion.objects.filter(pk=target_id)
        .select_related("session")
        .annotate(mine=Exists(Vote.objects.filter(question=OuterRef("pk"), voter=actor)))
        .first()
    )
    if target is None or target.status == SessionQuestionStatus.MERGED:
        return None
    return target


def _vote(actor: Any, question: SessionQuestion, *, add: bool, via: str) -> VoteResult:
    if not is_registered_volunteer(actor):
        raise PermissionDenied
    if question.session.status not in OPEN_FOR_QUESTIONS:
        raise _closed_error()
    # Fast path without a write lock: voting again, or taking back a vote that is not there,
    # changes nothing (true at the moment of this read).
    current = _vote_state(actor, question)
    if current is not None:
        if current.session.status not in OPEN_FOR_QUESTIONS:
            raise _closed_error()
        mine = bool(getattr(current, "mine", False))
        if add and not mine and current.status != SessionQuestionStatus.APPROVED:
            raise ValidationError(_("This question no longer takes votes."), code="not_open")
        if add == mine:
            return VoteResult(current, voted=add, changed=False, vote_count=current.vote_count)

    def run() -> VoteResult:
        with transaction.atomic():
            locked = _lock_vote_target(question)
            if locked.session.status not in OPEN_FOR_QUESTIONS:
                raise _closed_error()
            if add:
                if locked.status != SessionQuestionStatus.APPROVED:
                    raise ValidationError(
                        _("This question no longer takes votes."), code="not_open"
                    )
                try:
                    with transaction.atomic():
                        Vote.objects.create(question=locked, voter=actor)
                except IntegrityError:  # voted meanwhile: nothing to do
                    return VoteResult(
                        locked, voted=True, changed=False, vote_count=locked.vote_count
                    )
                SessionQuestion.objects.filter(pk=locked.pk).update(vote_count=F("vote_count") + 1)
                locked.vote_count += 1
                return VoteResult(locked, voted=True, changed=True, vote_count=locked.vote_count)
            deleted, _rows = Vote.objects.filter(question=locked, voter=actor).delete()
            if not deleted:
                return VoteResult(locked, voted=False, changed=False, vote_count=locked.vote_count)
            SessionQuestion.objects.filter(pk=locked.pk, vote_count__gt=0).update(
                vote_count=F("vote_count") - 1
            )
            locked.vote_count = max(locked.vote_count - 1, 0)
            return VoteResult(locked, voted=False, changed=True, vote_count=locked.vote_count)

    return _retry_busy(run)


def session_question_vote(*, actor: Any, question: SessionQuestion, via: str = "web") -> VoteResult:
    """Vote for a question (for its target when it was merged). A second vote by the same
    person changes nothing (`changed` False).

    Raises PermissionDenied (not a registered volunteer), SessionClosedError, ValidationError
    (the question is not approved), SessionBusyError (nothing stored).
    """
    return _vote(actor, question, add=True, via=via)


def session_question_unvote(
    *, actor: Any, question: SessionQuestion, via: str = "web"
) -> VoteResult:
    """Take one's vote back (from the target of a merged question). Without a vote nothing
    changes. Raises like `session_question_vote`."""
    return _vote(actor, question, add=False, via=via)


def _lock_question(question: SessionQuestion) -> SessionQuestion:
    return (
        SessionQuestion.objects.select_for_update(of=("self",))
        .select_related("session")
        .get(pk=question.pk)
    )


def _check_moderatable(session: DialogSession) -> None:
    if session.status not in _MODERATABLE:
        raise ValidationError(
            _("The questions of this session can no longer be moderated."), code="status"
        )


def session_question_approve(
    *, actor: Any, question: SessionQuestion, via: str = "web"
) -> SessionQuestion:
    """Approve a pending (or earlier rejected) question: it is shown and takes votes. Side
    effect: audit `questions.session_question.approved`."""
    _check_moderator(actor, question.session)
    with _writing():
        locked = _lock_question(question)
        _check_moderatable(locked.session)
        if locked.status not in (SessionQuestionStatus.PENDING, SessionQuestionStatus.REJECTED):
            raise ValidationError(
                _("Only waiting or rejected questions can be approved."), code="status"
            )
        locked.status = SessionQuestionStatus.APPROVED
        locked.rejection_reason = ""
        locked.moderated_by = actor
        locked.moderated_at = timezone.now()
        locked.save(
            update_fields=[
                "status",
                "rejection_reason",
                "moderated_by",
                "moderated_at",
                "updated_at",
            ]
        )
        audit_record(
            actor=actor,
            action="questions.session_question.approved",
            obj=locked,
            subject=locked.author,
            changed_fields=["status"],
            via=via,
        )
    return locked


def session_question_reject(
    *, actor: Any, question: SessionQuestion, reason: str, via: str = "web"
) -> SessionQuestion:
    """Reject a pending or approved question with a reason the author sees; the author is
    notified. Side effect: audit `questions.session_question.rejected`."""
    _check_moderator(actor, question.session)
    errors: dict[str, list[Any]] = {}
    reason = clean_plain_text(
        errors,
        "reason",
        reason,
        max_length=MAX_REASON,
        missing=_("Please tell the author why the question is not taken."),
    )
    if errors:
        raise ValidationError(errors)
    with _writing():
        locked = _lock_question(question)
        _check_moderatable(locked.session)
        if locked.status not in (SessionQuestionStatus.PENDING, SessionQuestionStatus.APPROVED):
            raise ValidationError(
                _("Only waiting or approved questions can be rejected."), code="status"
            )
        locked.status = SessionQuestionStatus.REJECTED
        locked.rejection_reason = reason
        locked.moderated_by = actor
        locked.moderated_at = timezone.now()
        locked.save(
            update_fields=[
                "status",
                "rejection_reason",
                "moderated_by",
                "moderated_at",
                "updated_at",
            ]
        )
        audit_record(
            actor=actor,
            action="questions.session_question.rejected",
            obj=locked,
            subject=locked.author,
            changed_fields=["status", "rejection_reason"],
            via=via,
        )
        notify(
            user=locked.author,
            kind="questions.session_question.rejected",
            template="questions/notifications/session_question_rejected",
            context={
                "title": locked.session.title,
                "question": _short(locked.text),
                "reason": reason,
            },
            url=_session_url(locked.session),
        )
    return locked


def session_question_merge(
    *,
    actor: Any,
    duplicate: SessionQuestion,
    target: SessionQuestion,
    via: str = "web",
) -> SessionQuestion:
    """Merge a duplicate (pending or approved) into a target (approved or answered) of the
    same session; return the target.

    Under the row locks of both (pk order): every distinct voter of either question — and the
    duplicate's author — holds exactly one vote for the target; the target's `vote_count` is
    recomputed from its Vote rows; the duplicate becomes `merged` with no votes. Both authors
    are notified. Side effect: audit `questions.session_question.merged` (on both).
    """
    _check_moderator(actor, duplicate.session)
    if target.session_id != duplicate.session_id:
        raise ValidationError({"target": [_("Please choose a question of the same session.")]})
    if target.pk == duplicate.pk:
        raise ValidationError({"target": [_("A question cannot be merged into itself.")]})

    def merge() -> SessionQuestion:
        with transaction.atomic():
            locked = {}
            for pk in sorted((duplicate.pk, target.pk)):
                locked[pk] = _lock_question(SessionQuestion(pk=pk))
            dup, into = locked[duplicate.pk], locked[target.pk]
            _check_moderatable(dup.session)
            if dup.status not in (SessionQuestionStatus.PENDING, SessionQuestionStatus.APPROVED):
                raise ValidationError(
                    _("Only waiting or approved questions can be merged into another."),
                    code="status",
                )
            if into.status not in (
                SessionQuestionStatus.APPROVED,
                SessionQuestionStatus.ANSWERED,
            ):
                raise ValidationError(
                    {"target": [_("Please choose an approved or answered question.")]}
                )
            dup_voters = set(
                Vote.objects.filter(question=dup, voter__isnull=False).values_list(
                    "voter_id", flat=True
                )
            )
            if dup.author_id is not None:
                dup_voters.add(dup.author_id)
            into_voters = set(
                Vote.objects.filter(question=into, voter__isnull=False).values_list(
                    "voter_id", flat=True
                )
            )
            Vote.objects.bulk_create(
                [Vote(question=into, voter_id=pk) for pk in sorted(dup_voters - into_voters)]
            )
            # Votes of people who deleted their account still count; they move as they are.
            Vote.objects.filter(question=dup, voter__isnull=True).update(question=into)
            Vote.objects.filter(question=dup).delete()
            SessionQuestion.objects.filter(merged_into=dup).update(merged_into=into)
            now = timezone.now()
            dup.status = SessionQuestionStatus.MERGED
            dup.merged_into = into
            dup.vote_count = 0
            dup.moderated_by = actor
            dup.moderated_at = now
            dup.save(
                update_fields=[
                    "status",
                    "merged_into",
                    "vote_count",
                    "moderated_by",
                    "moderated_at",
                    "updated_at",
                ]
            )
            into.vote_count = Vote.objects.filter(question=into).count()
            into.save(update_fields=["vote_count", "updated_at"])
            for row, fields in ((dup, ["status", "merged_into"]), (into, ["vote_count"])):
                audit_record(
                    actor=actor,
                    action="questions.session_question.merged",
                    obj=row,
                    subject=row.author,
                    changed_fields=fields,
                    via=via,
                )
            context = {
                "title": into.session.title,
                "duplicate": _short(dup.text),
                "target": _short(into.text),
            }
            told: set[int] = set()
            for row, own in ((dup, True), (into, False)):
                if row.author is None or row.author.pk in told:
                    continue
                told.add(row.author.pk)
                notify(
                    user=row.author,
                    kind="questions.session_question.merged",
                    template="questions/notifications/session_question_merged",
                    context={**context, "own_duplicate": own},
                    url=_session_url(into.session),
                )
            return into

    return _retry_busy(merge)


def session_question_mark_answered(
    *, actor: Any, question: SessionQuestion, via: str = "web"
) -> SessionQuestion:
    """Mark an approved question as answered in the session (while it runs, or after it
    ended). Side effect: audit `questions.session_question.answered`."""
    _check_moderator(actor, question.session)
    with _writing():
        locked = _lock_question(question)
        session = locked.session
        if not (session_is_running(session) or session.status == SessionStatus.ENDED):
            raise ValidationError(
                _("Questions are marked as answered during the session."), code="status"
            )
        if locked.status != SessionQuestionStatus.APPROVED:
            raise ValidationError(
                _("Only approved questions can be marked as answered."), code="status"
            )
        locked.status = SessionQuestionStatus.ANSWERED
        locked.answered_at = timezone.now()
        locked.save(update_fields=["status", "answered_at", "updated_at"])
        audit_record(
            actor=actor,
            action="questions.session_question.answered",
            obj=locked,
            subject=locked.author,
            changed_fields=["status", "answered_at"],
            via=via,
        )
    return locked


def session_question_unmark_answered(
    *, actor: Any, question: SessionQuestion, via: str = "web"
) -> SessionQuestion:
    """Undo "answered" (a mistake in the live view): the question is open again. Not once the
    archive is published. Side effect: audit `questions.session_question.answer_undone`."""
    _check_moderator(actor, question.session)
    with _writing():
        locked = _lock_question(question)
        _check_moderatable(locked.session)
        if locked.status != SessionQuestionStatus.ANSWERED:
            raise ValidationError(_("This question is not marked as answered."), code="status")
        locked.status = SessionQuestionStatus.APPROVED
        locked.answered_at = None
        locked.save(update_fields=["status", "answered_at", "updated_at"])
        audit_record(
            actor=actor,
            action="questions.session_question.answer_undone",
            obj=locked,
            subject=locked.author,
            changed_fields=["status", "answered_at"],
            via=via,
        )
    return locked


# --- write-up and archive --------------------------------------------------------------------


def session_write_up_save(
    *,
    actor: Any,
    session: DialogSession,
    summary: str,
    answers: dict[int, str],
    via: str = "web",
) -> DialogSession:
    """Save the editors' write-up: the summary and the answers to answered questions (keys:
    question ids of this session; others are refused). Ended or archived sessions only.
    Raises ValidationError with keys "summary" and "answer_<id>". Side effect: audit
    `questions.session.write_up_saved`."""
    _check_moderator(actor, session)
    errors: dict[str, list[Any]] = {}
    summary = clean_plain_text(errors, "summary", summary, max_length=MAX_TEXT, missing=None)
    cleaned: dict[int, str] = {}
    for pk, text in answers.items():
        cleaned[int(pk)] = clean_plain_text(
            errors, f"answer_{pk}", text, max_length=MAX_TEXT, missing=None
        )
    if errors:
        raise ValidationError(errors)
    with _writing():
        locked = DialogSession.objects.select_for_update().get(pk=session.pk)
        if locked.status not in _WRITE_UP:
            raise ValidationError(
                _("The answers are written up after the session has ended."), code="status"
            )
        questions = {
            q.pk: q
            for q in SessionQuestion.objects.filter(
                session=locked, status=SessionQuestionStatus.ANSWERED, pk__in=list(cleaned)
            )
        }
        unknown = set(cleaned) - set(questions)
        if unknown:
            raise ValidationError(
                _("Only answered questions of this session can get a written answer."),
                code="unknown",
            )
        changed: list[str] = []
        for pk, text in cleaned.items():
            question = questions[pk]
            if question.answer != text:
                question.answer = text
                question.save(update_fields=["answer", "updated_at"])
                changed.append(f"answer:{pk}")
        if locked.summary != summary:
            locked.summary = summary
            locked.save(update_fields=["summary", "updated_at"])
            changed.append("summary")
        if changed:
            audit_record(
                actor=actor,
                action="questions.session.write_up_saved",
                obj=locked,
                changed_fields=changed,
                via=via,
            )
    return locked


def session_archive_publish(
    *, actor: Any, session: DialogSession, via: str = "web"
) -> ArchiveResult:
    """Publish the archive of an ended session (or publish its changes again).

    Every answered question with a written answer becomes a published knowledge-base entry
    (`knowledge.entry_create`, in the question's language, source Dialog digital); a question
    that has its entry already gets it updated (`knowledge.entry_update`, never a second
    entry). An entry whose answer was emptied is withdrawn. The session becomes archived and
    its speaker link stops working; authors of newly published answers are notified.
    Side effect: audit `questions.session.archive_published`.
    """
    _check_moderator(actor, session)
    result = ArchiveResult()
    with _writing():
        # The session's row lock serialises two editors publishing at once (no double entry).
        locked = (
            DialogSession.objects.select_for_update().select_related("state").get(pk=session.pk)
        )
        if locked.status not in _WRITE_UP:
            raise ValidationError(
                _("The archive is published after the session has ended."), code="status"
            )
        questions = list(
            SessionQuestion.objects.filter(
                session=locked, status=SessionQuestionStatus.ANSWERED
            ).select_related("author")
        )
        by_pk = {q.pk: q for q in questions}
        originals: dict[int, Entry] = {}
        for entry in Entry.objects.filter(
            source_session_question__in=[q.pk for q in questions]
        ).order_by("pk"):
            question = by_pk[entry.source_session_question_id or 0]
            if entry.language == question.language and question.pk not in originals:
                originals[question.pk] = entry
        newly_published: list[SessionQuestion] = []
        for question in questions:
            original = originals.get(question.pk)
            answer = question.answer.strip()
            try:
                if answer and original is None:
                    entry = knowledge.entry_create(
                        actor=actor,
                        language=question.language,
                        title=entry_title(question.text),
                        question=question.text,
                        answer=answer,
                        topic=locked.topic,
                        state=locked.state,
                        source=EntrySource.DIALOG,
                        session=locked,
                        source_session_question=question,
                        publish=True,
                    )
                    result.created.append(entry)
                    newly_published.append(question)
                elif answer and original is not None:
                    values = {
                        "title": entry_title(question.text),
                        "question": question.text,
                        "answer": answer,
                        "topic": locked.topic,
                    }
                    if any(getattr(original, k) != v for k, v in values.items()):
                        original = knowledge.entry_update(actor=actor, entry=original, **values)
                        result.updated.append(original)
                    if original.status == EntryStatus.DRAFT:
                        knowledge.entry_publish(actor=actor, entry=original)
                        newly_published.append(question)
                elif original is not None and original.status == EntryStatus.PUBLISHED:
                    result.withdrawn.append(knowledge.entry_withdraw(actor=actor, entry=original))
            except ValidationError as error:
                raise ValidationError(
                    _("The answer to “%(question)s” could not be published: %(reason)s")
                    % {"question": _short(question.text, 60), "reason": " ".join(error.messages)},
                    code="entry",
                ) from error
        first = locked.status != SessionStatus.ARCHIVED
        locked.status = SessionStatus.ARCHIVED
        locked.archived_at = locked.archived_at or timezone.now()
        locked.speaker_key_hash = None
        locked.save(update_fields=["status", "archived_at", "speaker_key_hash", "updated_at"])
        audit_record(
            actor=actor,
            action="questions.session.archive_published",
            obj=locked,
            changed_fields=["status", "archived_at"] if first else ["entries"],
            via=via,
        )
        url = reverse("questions:session_archive", kwargs={"pk": locked.pk})
        told: set[int] = set()
        for question in newly_published:
            if question.author is None or question.author.pk in told:
                continue
            told.add(question.author.pk)
            notify(
                user=question.author,
                kind="questions.session.archive_published",
                template="questions/notifications/session_archive_published",
                context={"title": locked.title, "question": _short(question.text)},
                url=url,
            )
    return result
