"""Reads of Dialog digital, scoped to the viewer.

- Sessions are public (list, detail, archive); moderation reads go through
  `session_get_for_moderator`, which is a 404 for everybody but the state editors of the
  session's Land.
- The speaker reaches the live view through a secret link (`session_get_by_speaker_key`).
- The boards (`session_board`, `session_live_board`) load everything a polled list shows in a
  constant number of queries and carry a `version`: the client sends it back with the next
  poll, and an unchanged version is answered with 204 (nothing to swap).
"""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass, field
from typing import Any

from django.db.models import (
    Case,
    Count,
    DateTimeField,
    F,
    IntegerField,
    Q,
    QuerySet,
    Value,
    When,
)
from django.shortcuts import get_object_or_404
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from lotse.accounts.models import User
from lotse.regions.models import State

from ..choices import (
    OPEN_FOR_QUESTIONS,
    EntryStatus,
    SessionQuestionStatus,
    SessionStatus,
)
from ..models import DialogSession, Entry, SessionQuestion, Vote
from ..permissions import edited_state_ids, is_registered_volunteer

# The video link appears this long before the start (and disappears at the end).
VIDEO_LINK_LEAD = datetime.timedelta(minutes=30)
# A board shows at most this many open questions (the most voted); pending likewise (oldest).
BOARD_LIMIT = 500
PENDING_LIMIT = 200
# Cancelled sessions stay in the "upcoming" part of the list until a day after their date.
CANCELLED_VISIBLE = datetime.timedelta(days=1)

# Order of the public list: live, then upcoming (soonest first), then past (newest first).
GROUP_LIVE, GROUP_UPCOMING, GROUP_PAST = 0, 1, 2


def speaker_key_hash(key: str) -> str:
    """Return the SHA-256 (hex) of a speaker link key, as stored in `speaker_key_hash`."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def session_is_running(session: DialogSession, *, now: datetime.datetime | None = None) -> bool:
    """Live: started by a moderator, or announced and inside its announced time."""
    now = now or timezone.now()
    if session.status == SessionStatus.LIVE:
        return True
    return session.status == SessionStatus.ANNOUNCED and session.starts_at <= now < session.ends_at


def session_video_visible(
    *, user: Any, session: DialogSession, now: datetime.datetime | None = None
) -> bool:
    """The video link: for registered volunteers and the session's moderators, from
    `VIDEO_LINK_LEAD` before the start until the end (moderators always, to check it), never
    for a cancelled, ended or archived session."""
    if session.status not in OPEN_FOR_QUESTIONS:
        return False
    if session.state_id in edited_state_ids(user):
        return True
    if not is_registered_volunteer(user):
        return False
    now = now or timezone.now()
    in_window = session.starts_at - VIDEO_LINK_LEAD <= now < session.ends_at
    return session.status == SessionStatus.LIVE or in_window


# --- sessions --------------------------------------------------------------------------------


def session_list_public(*, user: Any, now: datetime.datetime | None = None) -> QuerySet[Any]:
    """Every session visitors may see, each with `group` (live, upcoming, past) and the
    number of approved and answered questions; live first, upcoming soonest first, then the
    past ones newest first. Cancelled sessions show until a day after their date."""
    now = now or timezone.now()
    running = Q(status=SessionStatus.LIVE) | Q(
        status=SessionStatus.ANNOUNCED, starts_at__lte=now, ends_at__gt=now
    )
    upcoming = Q(status=SessionStatus.ANNOUNCED, ends_at__gt=now) | Q(
        status=SessionStatus.CANCELLED
    )
    return (
        DialogSession.objects.exclude(
            status=SessionStatus.CANCELLED, ends_at__lt=now - CANCELLED_VISIBLE
        )
        .select_related("state")
        .annotate(
            group=Case(
                When(running, then=Value(GROUP_LIVE)),
                When(upcoming, then=Value(GROUP_UPCOMING)),
                default=Value(GROUP_PAST),
                output_field=IntegerField(),
            ),
            question_count=Count(
                "questions",
                filter=Q(
                    questions__status__in=(
                        SessionQuestionStatus.APPROVED,
                        SessionQuestionStatus.ANSWERED,
                    )
                ),
            ),
        )
        .annotate(
            # Live and upcoming soonest first; past ones (no value here) newest first below.
            upcoming_start=Case(
                When(group__lt=GROUP_PAST, then=F("starts_at")),
                default=Value(None),
                output_field=DateTimeField(),
            ),
        )
        .order_by("group", F("upcoming_start").asc(nulls_last=True), "-starts_at", "-pk")
    )


def sessions_public() -> QuerySet[DialogSession]:
    """Every session (all are public pages)."""
    return DialogSession.objects.select_related("state")


def session_get(*, user: Any, pk: int) -> DialogSession:
    """Return one session for its public page (Http404 for an unknown one)."""
    return get_object_or_404(sessions_public(), pk=pk)


def sessions_for_moderator(*, user: Any) -> QuerySet[DialogSession]:
    """The sessions of the Länder the user edits (none for anybody else)."""
    return sessions_public().filter(state__in=edited_state_ids(user))


def session_get_for_moderator(*, user: Any, pk: int) -> DialogSession:
    """Return a session the user moderates; Http404 for everybody else."""
    return get_object_or_404(sessions_for_moderator(user=user), pk=pk)


def session_get_by_speaker_key(*, key: str) -> DialogSession | None:
    """Return the session of a speaker link key (None for an unknown or cleared key)."""
    key = (key or "").strip()
    if not key or len(key) > 100:
        return None
    return sessions_public().filter(speaker_key_hash=speaker_key_hash(key)).first()


def session_get_archived(*, pk: int) -> DialogSession:
    """Return a session whose archive is published; Http404 otherwise."""
    return get_object_or_404(sessions_public(), pk=pk, status=SessionStatus.ARCHIVED)


def announce_states(*, user: Any) -> QuerySet[State]:
    """The Länder a state editor may announce sessions for, by name."""
    return State.objects.filter(pk__in=edited_state_ids(user)).order_by("name")


def session_participants(*, session: DialogSession) -> QuerySet[User]:
    """Active users who submitted a question to the session or voted in it."""
    return (
        User.objects.filter(is_active=True)
        .filter(Q(session_questions__session=session) | Q(session_votes__question__session=session))
        .distinct()
        .order_by("pk")
    )


# --- questions -------------------------------------------------------------------------------


def session_question_get(*, session: DialogSession, pk: int) -> SessionQuestion:
    """Return one question of the session (Http404 for a question of another session)."""
    return get_object_or_404(
        SessionQuestion.objects.select_related("session", "merged_into"), session=session, pk=pk
    )


def session_question_visible_get(*, session: DialogSession, pk: int) -> SessionQuestion:
    """Return a question volunteers may vote on: approved, answered or merged (a merged one
    stands for the question it went into). Pending and rejected ones are a 404."""
    return get_object_or_404(
        SessionQuestion.objects.select_related("session"),
        session=session,
        pk=pk,
        status__in=(
            SessionQuestionStatus.APPROVED,
            SessionQuestionStatus.ANSWERED,
            SessionQuestionStatus.MERGED,
        ),
    )


def _open_questions(session: DialogSession) -> QuerySet[SessionQuestion]:
    """Approved, not yet answered: most votes first, ties older first."""
    return SessionQuestion.objects.filter(
        session=session, status=SessionQuestionStatus.APPROVED
    ).order_by("-vote_count", "created_at", "pk")


def _answered_questions(session: DialogSession) -> QuerySet[SessionQuestion]:
    return SessionQuestion.objects.filter(
        session=session, status=SessionQuestionStatus.ANSWERED
    ).order_by("answered_at", "pk")


def merge_targets(*, session: DialogSession, exclude: SessionQuestion) -> QuerySet[SessionQuestion]:
    """The questions a duplicate may be merged into: approved or answered ones of the
    session (most votes first)."""
    return (
        SessionQuestion.objects.filter(
            session=session,
            status__in=(SessionQuestionStatus.APPROVED, SessionQuestionStatus.ANSWERED),
        )
        .exclude(pk=exclude.pk)
        .order_by("-vote_count", "created_at", "pk")
    )


def _digest(*parts: Any) -> str:
    return hashlib.sha1(repr(parts).encode("utf-8"), usedforsecurity=False).hexdigest()[:16]


def _row_state(question: SessionQuestion) -> tuple[Any, ...]:
    return (question.pk, question.status, question.vote_count, question.merged_into_id)


@dataclass
class Board:
    """What a polled question list shows, and its version."""

    open: list[SessionQuestion]
    answered: list[SessionQuestion]
    pending: list[SessionQuestion] = field(default_factory=list)
    own: list[SessionQuestion] = field(default_factory=list)
    voted_ids: set[int] = field(default_factory=set)
    open_total: int = 0
    pending_total: int = 0
    version: str = ""

    @property
    def announcement(self) -> tuple[int, int, int]:
        """The counts a screen reader hears about when they change."""
        return (self.open_total, len(self.answered), self.pending_total)

    def announcement_key(self) -> str:
        return "-".join(str(n) for n in self.announcement)


def _version(board: Board, session: DialogSession) -> str:
    digest = _digest(
        session.status,
        [_row_state(q) for q in board.open],
        [_row_state(q) for q in board.answered],
        [_row_state(q) for q in board.pending],
        [(*_row_state(q), q.rejection_reason) for q in board.own],
        sorted(board.voted_ids),
        board.open_total,
        board.pending_total,
    )
    # The counts come first so that the next poll knows what to announce.
    return f"{board.announcement_key()}.{digest}"


def parse_version_counts(version: str) -> tuple[int, ...] | None:
    """The counts of a version sent back by a client (None when it is not one of ours)."""
    head = (version or "").split(".", 1)[0]
    try:
        counts = tuple(int(part) for part in head.split("-"))
    except ValueError:
        return None
    return counts if len(counts) == 3 else None


def session_board(*, session: DialogSession, user: Any) -> Board:
    """The volunteer's view: open questions by votes, answered ones, the user's own questions
    (every status, with the question a merged one went into) and the ids the user voted on.
    Four queries whatever the number of questions."""
    open_questions = list(_open_questions(session)[:BOARD_LIMIT])
    open_total = len(open_questions)
    if open_total == BOARD_LIMIT:
        open_total = _open_questions(session).count()
    board = Board(
        open=open_questions,
        answered=list(_answered_questions(session)),
        open_total=open_total,
    )
    if getattr(user, "is_authenticated", False):
        board.own = list(
            SessionQuestion.objects.filter(session=session, author=user)
            .select_related("merged_into")
            .order_by("-created_at", "-pk")
        )
        board.voted_ids = set(
            Vote.objects.filter(question__session=session, voter=user).values_list(
                "question_id", flat=True
            )
        )
    board.version = _version(board, session)
    return board


def session_live_board(*, session: DialogSession, moderator: bool) -> Board:
    """The live view: open questions by votes (ties: older first), answered ones below, and
    for moderators the pending ones (oldest first)."""
    open_questions = list(_open_questions(session)[:BOARD_LIMIT])
    open_total = len(open_questions)
    if open_total == BOARD_LIMIT:
        open_total = _open_questions(session).count()
    board = Board(
        open=open_questions,
        answered=list(_answered_questions(session)),
        open_total=open_total,
    )
    if moderator:
        pending = SessionQuestion.objects.filter(
            session=session, status=SessionQuestionStatus.PENDING
        ).order_by("created_at", "pk")
        board.pending = list(pending[:PENDING_LIMIT])
        board.pending_total = len(board.pending)
        if board.pending_total == PENDING_LIMIT:
            board.pending_total = pending.count()
    board.version = _version(board, session)
    return board


def session_moderation_lists(*, session: DialogSession) -> dict[str, Any]:
    """The moderation page: pending (oldest first), approved by votes, answered, rejected and
    merged ones (newest first)."""
    questions = list(
        SessionQuestion.objects.filter(session=session)
        .select_related("merged_into")
        .order_by("created_at", "pk")
    )
    by_status: dict[str, list[SessionQuestion]] = {value: [] for value in SessionQuestionStatus}
    for question in questions:
        by_status[question.status].append(question)
    by_status[SessionQuestionStatus.APPROVED].sort(key=lambda q: (-q.vote_count, q.created_at))
    by_status[SessionQuestionStatus.ANSWERED].sort(
        key=lambda q: (q.answered_at or q.created_at, q.pk)
    )
    for status in (SessionQuestionStatus.REJECTED, SessionQuestionStatus.MERGED):
        by_status[status].reverse()
    return {
        "pending": by_status[SessionQuestionStatus.PENDING][:PENDING_LIMIT],
        "pending_total": len(by_status[SessionQuestionStatus.PENDING]),
        "approved": by_status[SessionQuestionStatus.APPROVED],
        "answered": by_status[SessionQuestionStatus.ANSWERED],
        "rejected": by_status[SessionQuestionStatus.REJECTED],
        "merged": by_status[SessionQuestionStatus.MERGED],
    }


def session_answered_questions(*, session: DialogSession) -> QuerySet[SessionQuestion]:
    """The answered questions of a session, in the order they were answered (write-up)."""
    return _answered_questions(session)


# --- archive ---------------------------------------------------------------------------------


def _entry_url(entry: Entry) -> str | None:
    try:
        return reverse("questions:entry_detail", kwargs={"pk": entry.pk})
    except NoReverseMatch:  # the knowledge area provides it
        return None


@dataclass
class ArchiveItem:
    question: SessionQuestion
    # The text shown: the entry in the visitor's language, else the original.
    entry: Entry
    translated: bool
    # Other languages of the same entry: (language code, name, url or None).
    translations: list[tuple[str, str, str | None]]


def session_archive_items(*, session: DialogSession, language: str) -> list[ArchiveItem]:
    """The archive of a session: every answered question whose entry is published, in the
    order answered, shown in `language` where a published translation exists. Three
    queries."""
    questions = list(
        _answered_questions(session).exclude(answer="")
    )  # the entry's original is the question's own
    originals = {
        entry.source_session_question_id: entry
        for entry in Entry.objects.filter(
            source_session_question__in=[q.pk for q in questions]
        ).order_by("pk")
        if entry.source_session_question_id is not None
    }
    groups = {entry.group for entry in originals.values()}
    family: dict[Any, list[Entry]] = {}
    for entry in Entry.objects.filter(group__in=groups, status=EntryStatus.PUBLISHED).order_by(
        "language", "pk"
    ):
        family.setdefault(entry.group, []).append(entry)
    items = []
    for question in questions:
        original = originals.get(question.pk)
        if original is None:
            continue
        published = family.get(original.group, [])
        if not published:
            continue
        shown = next((e for e in published if e.language == language), None)
        translated = shown is not None and shown.pk != original.pk
        if shown is None:
            shown = next((e for e in published if e.pk == original.pk), published[0])
        translations = [
            (entry.language, str(entry.get_language_display()), _entry_url(entry))
            for entry in published
            if entry.pk != shown.pk
        ]
        items.append(
            ArchiveItem(
                question=question, entry=shown, translated=translated, translations=translations
            )
        )
    return items
