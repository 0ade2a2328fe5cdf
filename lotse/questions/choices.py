"""Vocabularies and states of the questions module (questions to the Lotsen, knowledge base,
Dialog digital)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class QuestionStatus(models.TextChoices):
    """The life of a question to the district's coordinators.

    open (nobody has taken it) → in_progress (a coordinator took it) → answered, or
    asked_back (the coordinator needs more from the volunteer; a reply makes it in_progress
    again) → closed. A reply to an answer makes it in_progress again. Forwarding to the state
    editors is a flag (`forwarded_at`), not a state: the district keeps seeing the question.
    """

    OPEN = "open", pgettext_lazy("question status", "Waiting to be taken")
    IN_PROGRESS = "in_progress", pgettext_lazy("question status", "In progress")
    ASKED_BACK = "asked_back", pgettext_lazy("question status", "Question back to you")
    ANSWERED = "answered", pgettext_lazy("question status", "Answered")
    CLOSED = "closed", pgettext_lazy("question status", "Closed")


# Statuses in which the team owes the volunteer something (the queue).
WAITING_FOR_TEAM = (QuestionStatus.OPEN, QuestionStatus.IN_PROGRESS)


class MessageKind(models.TextChoices):
    ANSWER = "answer", pgettext_lazy("message kind", "Answer")
    ASK_BACK = "ask_back", pgettext_lazy("message kind", "Question back")
    REPLY = "reply", pgettext_lazy("message kind", "Reply")
    FORWARD = "forward", pgettext_lazy("message kind", "Forwarded to the state editors")


class EntrySource(models.TextChoices):
    QUESTION = "question", _("Answered question")
    EDITORIAL = "editorial", _("Written by the editors")
    DIALOG = "dialog", _("Dialog digital")


class EntryStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("entry status", "Draft")
    PUBLISHED = "published", pgettext_lazy("entry status", "Published")
    WITHDRAWN = "withdrawn", pgettext_lazy("entry status", "Withdrawn")


class SessionStatus(models.TextChoices):
    """announced → live → ended → archived; cancelled from announced.

    Questions can be submitted and voted on while announced or live.
    """

    ANNOUNCED = "announced", pgettext_lazy("session status", "Announced")
    LIVE = "live", pgettext_lazy("session status", "Live now")
    ENDED = "ended", pgettext_lazy("session status", "Ended")
    ARCHIVED = "archived", pgettext_lazy("session status", "Archive published")
    CANCELLED = "cancelled", pgettext_lazy("session status", "Cancelled")


OPEN_FOR_QUESTIONS = (SessionStatus.ANNOUNCED, SessionStatus.LIVE)


class SessionQuestionStatus(models.TextChoices):
    PENDING = "pending", pgettext_lazy("session question status", "Waiting for moderation")
    APPROVED = "approved", pgettext_lazy("session question status", "Approved")
    REJECTED = "rejected", pgettext_lazy("session question status", "Rejected")
    MERGED = "merged", pgettext_lazy("session question status", "Merged with another question")
    ANSWERED = "answered", pgettext_lazy("session question status", "Answered")
