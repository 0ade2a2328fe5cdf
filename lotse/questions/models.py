"""Questions to the Lotsen, the knowledge base and Dialog digital.

- `Question` + `Message`: a volunteer's private question to their district's coordinators and
  the thread that follows (answers, questions back, replies, forwarding to the state editors).
- `Entry`: one public knowledge-base text (FAQ) in one language. Translations of the same
  entry share `group`. Entries come from answered questions, from the editors, or from a Dialog
  digital archive. The search index (PostgreSQL tsvector + GIN, SQLite FTS5) is kept by
  `services.knowledge` (see `selectors.search`).
- `DialogSession` + `SessionQuestion` + `Vote`: themed virtual sessions with the minister or
  state secretary; volunteers submit and upvote questions, moderators (state editors of the
  session's Land) approve, reject, merge and mark answered; the answers are published as an
  archive of entries.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from lotse.core.choices import Topic
from lotse.core.models import TimeStampedModel

from .choices import (
    EntrySource,
    EntryStatus,
    MessageKind,
    QuestionStatus,
    SessionQuestionStatus,
    SessionStatus,
)

MAX_TITLE = 200
MAX_TEXT = 10_000  # a question or an answer
MAX_CONTEXT = 2_000
MAX_SESSION_QUESTION = 1_000
MAX_REASON = 1_000

SITE_LANGUAGE_CHOICES = settings.LANGUAGES


class Question(TimeStampedModel):
    """A volunteer's question to the coordinators of their district (private)."""

    asker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("asked by"),
        null=True,  # cut when the asker deletes their account
        blank=True,
        on_delete=models.SET_NULL,
        related_name="questions_asked",
    )
    # The asker's district when asking: its coordinators answer.
    district = models.ForeignKey(
        "regions.District",
        verbose_name=_("district"),
        on_delete=models.PROTECT,
        related_name="questions",
    )
    title = models.CharField(_("title"), max_length=MAX_TITLE)
    text = models.TextField(_("your question"), max_length=MAX_TEXT)
    topic = models.CharField(_("topic"), max_length=30, choices=Topic.choices)
    # Optional background (no attachments): what happened so far, which authority, etc.
    context = models.TextField(_("background (optional)"), max_length=MAX_CONTEXT, blank=True)
    language = models.CharField(
        _("language"), max_length=10, choices=SITE_LANGUAGE_CHOICES, default="de"
    )
    status = models.CharField(
        _("status"), max_length=12, choices=QuestionStatus.choices, default=QuestionStatus.OPEN
    )
    # The coordinator (or state editor) who took the question: visible to the whole team so
    # that two people don't answer twice.
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("taken by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="questions_assigned",
    )
    assigned_at = models.DateTimeField(_("taken at"), null=True, blank=True)
    # Since when the asker waits for the team (creation or the asker's last reply); empty while
    # the ball is in the asker's court or the question is closed. The queue sorts by it.
    waiting_since = models.DateTimeField(_("waiting since"), null=True, blank=True)
    first_answered_at = models.DateTimeField(_("first answered"), null=True, blank=True)
    # Forwarded to the state editors of the district's Land (who then see and may answer it).
    forwarded_at = models.DateTimeField(_("forwarded"), null=True, blank=True)
    forwarded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("forwarded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["district", "status", "waiting_since"]),
            models.Index(fields=["district", "first_answered_at"]),
            models.Index(fields=["asker", "-created_at"]),
            models.Index(fields=["forwarded_at"]),
        ]

    def __str__(self) -> str:
        return self.title


class Message(TimeStampedModel):
    """One post in a question's thread."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    kind = models.CharField(_("kind"), max_length=10, choices=MessageKind.choices)
    text = models.TextField(_("text"), max_length=MAX_TEXT)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["question", "created_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"


class Entry(TimeStampedModel):
    """A public knowledge-base entry (FAQ) in one language."""

    # Translations of one entry share the group.
    group = models.UUIDField(_("translation group"), default=uuid.uuid4, db_index=True)
    language = models.CharField(
        _("language"), max_length=10, choices=SITE_LANGUAGE_CHOICES, default="de"
    )
    title = models.CharField(_("title"), max_length=MAX_TITLE)
    question = models.TextField(_("question"), max_length=MAX_TEXT)
    answer = models.TextField(_("answer"), max_length=MAX_TEXT)
    topic = models.CharField(_("topic"), max_length=30, choices=Topic.choices)
    source = models.CharField(
        _("source"), max_length=10, choices=EntrySource.choices, default=EntrySource.EDITORIAL
    )
    status = models.CharField(
        _("status"), max_length=10, choices=EntryStatus.choices, default=EntryStatus.DRAFT
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    # Who is responsible for the text: a district's team or the state editors of a Land.
    district = models.ForeignKey(
        "regions.District",
        verbose_name=_("district"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="knowledge_entries",
    )
    state = models.ForeignKey(
        "regions.State",
        verbose_name=_("Land"),
        on_delete=models.PROTECT,
        related_name="knowledge_entries",
    )
    source_question = models.ForeignKey(
        Question,
        verbose_name=_("from question"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="entries",
    )
    source_session_question = models.ForeignKey(
        "SessionQuestion",
        verbose_name=_("from Dialog digital question"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="entries",
    )
    session = models.ForeignKey(
        "DialogSession",
        verbose_name=_("Dialog digital session"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="entries",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("written by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("last edited by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("knowledge-base entry")
        verbose_name_plural = _("knowledge-base entries")
        ordering = ["-published_at", "-id"]
        indexes = [
            models.Index(fields=["status", "language", "topic"]),
            models.Index(fields=["session", "status"]),
            models.Index(fields=["district", "status"]),
            # The knowledge base without a query: the newest published entries.
            models.Index(fields=["status", "-published_at", "-id"], name="entry_status_newest"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["group", "language"], name="entry_one_per_language"),
            models.CheckConstraint(
                condition=~Q(status=EntryStatus.PUBLISHED) | Q(published_at__isnull=False),
                name="entry_published_has_date",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class DialogSession(TimeStampedModel):
    """A Dialog digital session: a themed virtual forum with the minister or state secretary."""

    state = models.ForeignKey(
        "regions.State",
        verbose_name=_("Land"),
        on_delete=models.PROTECT,
        related_name="dialog_sessions",
    )
    title = models.CharField(_("theme"), max_length=MAX_TITLE)
    description = models.TextField(_("description"), max_length=MAX_TEXT, blank=True)
    topic = models.CharField(_("topic"), max_length=30, choices=Topic.choices, default=Topic.OTHER)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    speaker = models.CharField(_("speaker"), max_length=200)
    video_url = models.URLField(_("link to the video conference"), max_length=500)
    # Languages the session offers (interpretation / questions accepted in).
    languages = models.JSONField(_("languages"), default=list)
    status = models.CharField(
        _("status"), max_length=10, choices=SessionStatus.choices, default=SessionStatus.ANNOUNCED
    )
    # The introduction of the public archive page, written after the session.
    summary = models.TextField(_("summary"), max_length=MAX_TEXT, blank=True)
    archived_at = models.DateTimeField(_("archive published"), null=True, blank=True)
    # SHA-256 of the key of the speaker's read-only live view link (no account needed).
    speaker_key_hash = models.CharField(max_length=64, unique=True, null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("announced by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("Dialog digital session")
        verbose_name_plural = _("Dialog digital sessions")
        ordering = ["-starts_at", "-id"]
        indexes = [models.Index(fields=["state", "status", "starts_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="dialog_session_ends_after"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class SessionQuestion(TimeStampedModel):
    """A volunteer's question to a Dialog digital session."""

    session = models.ForeignKey(DialogSession, on_delete=models.CASCADE, related_name="questions")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("asked by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="session_questions",
    )
    text = models.TextField(_("your question"), max_length=MAX_SESSION_QUESTION)
    language = models.CharField(
        _("language"), max_length=10, choices=SITE_LANGUAGE_CHOICES, default="de"
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=SessionQuestionStatus.choices,
        default=SessionQuestionStatus.PENDING,
    )
    # Shown to the author when rejected.
    rejection_reason = models.TextField(_("reason"), max_length=MAX_REASON, blank=True)
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="merged_questions",
    )
    # Number of Vote rows; kept in step by the services under the question's row lock.
    vote_count = models.PositiveIntegerField(_("votes"), default=0)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("moderated by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    moderated_at = models.DateTimeField(_("moderated"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answered in the session"), null=True, blank=True)
    # The editors' write-up of the answer given in the session (published in the archive).
    answer = models.TextField(_("answer"), max_length=MAX_TEXT, blank=True)

    class Meta:
        verbose_name = _("Dialog digital question")
        verbose_name_plural = _("Dialog digital questions")
        ordering = ["-vote_count", "created_at", "id"]
        indexes = [
            models.Index(fields=["session", "status", "-vote_count"]),
            models.Index(fields=["author", "session"]),
        ]

    def __str__(self) -> str:
        return self.text[:60]


class Vote(models.Model):
    """One person's upvote of a session question (one per person, enforced by the database)."""

    question = models.ForeignKey(SessionQuestion, on_delete=models.CASCADE, related_name="votes")
    voter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("voter"),
        null=True,  # cut when the voter deletes their account: the vote still counts
        blank=True,
        on_delete=models.SET_NULL,
        related_name="session_votes",
    )
    created_at = models.DateTimeField(_("voted"), auto_now_add=True)

    class Meta:
        verbose_name = _("vote")
        verbose_name_plural = _("votes")
        constraints = [
            models.UniqueConstraint(fields=["question", "voter"], name="vote_one_per_person"),
        ]

    def __str__(self) -> str:
        return f"vote #{self.pk}"
