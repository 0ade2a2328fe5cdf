"""Writes of "Ask your Lotse": a volunteer's private question to the team of their district
(its coordinators; once forwarded, also the state editors of the district's Land).

States (see `choices.QuestionStatus`): open → in_progress (taken) → answered | asked_back →
closed. The asker's reply makes a question wait for the team again (in progress when someone
has taken it, else open). Forwarding is a flag, not a state.

Taking a question shows the whole team who handles it. Answering or asking back a question
somebody else has taken is refused ("take it over first"), so two people never answer twice;
answering an untaken question takes it.

Every function checks who may act (PermissionDenied), validates its input (ValidationError
with translated messages, nothing stored), runs in one transaction under the question's row
lock, writes the audit trail and notifies (in-app + e-mail on commit).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from lotse.core.audit import audit_record
from lotse.core.choices import Topic
from lotse.core.validators import add_error, clean_plain_text
from lotse.notifications.services import notify

from ..choices import WAITING_FOR_TEAM, MessageKind, QuestionStatus
from ..models import MAX_CONTEXT, MAX_TEXT, MAX_TITLE, Message, Question
from ..permissions import (
    is_asker,
    is_coordinator_of_question,
    is_registered_volunteer,
    is_team_of_question,
)
from ..selectors.ask import district_coordinators, state_editors

# A person asks at most this many questions in 24 hours (spam and mistakes).
MAX_QUESTIONS_PER_DAY = 10
MAX_NOTE = MAX_TEXT

# Control characters (NUL and friends); tabs and line breaks are fine.


def display_name(user: Any) -> str:
    """How a team member appears to others: the full name, else the e-mail address."""
    if user is None:
        return _("a former member of the team")
    return user.get_full_name() or user.email


def _raise_if(errors: dict[str, list[Any]]) -> None:
    if errors:
        raise ValidationError(errors)


def _error(message: str, code: str) -> ValidationError:
    return ValidationError({"__all__": [ValidationError(message, code=code)]})


def _question_url(question: Question) -> str:
    return reverse("questions:question_detail", kwargs={"pk": question.pk})


def _locked(question: Question) -> Question:
    return (
        Question.objects.select_for_update(of=("self",))
        .select_related("district", "district__state", "asker", "assignee")
        .get(pk=question.pk)
    )


def _check_open(question: Question) -> None:
    if question.status == QuestionStatus.CLOSED:
        raise _error(_("This question is closed."), "closed")


def _staff_context(question: Question) -> dict[str, Any]:
    """What a notification to the team says: number, topic and district, no personal text."""
    return {
        "question_id": question.pk,
        "topic": question.get_topic_display(),
        "district": question.district.name,
        "state": question.district.state.name,
    }


def _asker_context(question: Question, actor: Any = None) -> dict[str, Any]:
    return {"question_id": question.pk, "title": question.title, "name": display_name(actor)}


def _notify_all(users: Any, *, actor: Any, kind: str, name: str, question: Question) -> None:
    url = _question_url(question)
    context = _staff_context(question) | {"name": display_name(actor)}
    for user in users:
        if getattr(actor, "pk", None) == user.pk:
            continue
        notify(
            user=user,
            kind=kind,
            template=f"questions/notifications/{name}",
            context=context,
            url=url,
        )


def _notify_asker(question: Question, *, actor: Any, kind: str, name: str) -> None:
    if question.asker is None or question.asker_id == getattr(actor, "pk", None):
        return
    notify(
        user=question.asker,
        kind=kind,
        template=f"questions/notifications/{name}",
        context=_asker_context(question, actor),
        url=_question_url(question),
    )


def _team_to_tell(question: Question) -> list[Any]:
    """Whom a message of the asker concerns: the assignee, or (nobody has taken the question)
    the district's coordinators and, once forwarded, the Land's state editors."""
    if question.assignee is not None and question.assignee.is_active:
        return [question.assignee]
    users = list(district_coordinators(district_id=question.district_id))
    if question.forwarded_at is not None:
        seen = {user.pk for user in users}
        users += [
            user
            for user in state_editors(state_id=question.district.state_id)
            if user.pk not in seen
        ]
    return users


# --- the asker -------------------------------------------------------------------------------


def question_create(
    *,
    actor: Any,
    title: str,
    text: str,
    topic: str,
    context: str = "",
    language: str = "",
    via: str = "web",
) -> Question:
    """Ask the team of the actor's district (the district of their volunteer profile).

    PermissionDenied unless the actor is a registered volunteer (confirmed e-mail address and
    volunteer profile). ValidationError (dict keyed by field, nothing stored) for bad input, a
    profile without district, or more than `MAX_QUESTIONS_PER_DAY` questions in 24 hours.
    Side effects: the question (open, waiting since now); audit `questions.question.created`;
    each coordinator of the district is notified ("new question").
    """
    if not is_registered_volunteer(actor):
        raise PermissionDenied
    errors: dict[str, list[Any]] = {}
    title = clean_plain_text(
        errors,
        "title",
        title,
        max_length=MAX_TITLE,
        missing=_("Please give your question a short title."),
        single_line=True,
    )
    text = clean_plain_text(
        errors, "text", text, max_length=MAX_TEXT, missing=_("Please write your question.")
    )
    context = clean_plain_text(errors, "context", context, max_length=MAX_CONTEXT, missing=None)
    if topic not in Topic.values:
        add_error(errors, "topic", _("Please choose a topic."), "choice")
    district = getattr(actor.volunteer_profile, "district", None)
    if district is None:
        add_error(
            errors,
            "__all__",
            _("Please add your district to your volunteer profile first."),
            "no_district",
        )
    since = timezone.now() - datetime.timedelta(days=1)
    if Question.objects.filter(asker=actor, created_at__gte=since).count() >= (
        MAX_QUESTIONS_PER_DAY
    ):
        add_error(
            errors,
            "__all__",
            _(
                "You have asked %(number)d questions in the last 24 hours. Please wait for the "
                "answers or try again tomorrow."
            )
            % {"number": MAX_QUESTIONS_PER_DAY},
            "too_many",
        )
    _raise_if(errors)
    codes = {code for code, _name in settings.LANGUAGES}
    now = timezone.now()
    with transaction.atomic():
        question = Question(
            asker=actor,
            district=district,
            title=title,
            text=text,
            topic=topic,
            context=context,
            language=language if language in codes else settings.LANGUAGE_CODE,
            status=QuestionStatus.OPEN,
            waiting_since=now,
        )
        question.full_clean()
        question.save()
        audit_record(
            actor=actor,
            action="questions.question.created",
            obj=question,
            subject=actor,
            changed_fields=["title", "text", "topic", "context"],
            via=via,
        )
        _notify_all(
            district_coordinators(district_id=question.district_id),
            actor=actor,
            kind="questions.question.new",
            name="question_new",
            question=question,
        )
    return question


def question_reply(*, actor: Any, question: Question, text: str, via: str = "web") -> Message:
    """The asker adds to the thread (answers a question back, or follows up).

    The question waits for the team again: in progress when someone has taken it, else open;
    `waiting_since` becomes now unless it was already waiting. PermissionDenied for anybody
    but the asker; ValidationError for bad text or a closed question. Side effects: the reply;
    audit `questions.question.replied`; the assignee is notified, or, if nobody has taken it,
    the district's coordinators (and the state editors of a forwarded question).
    """
    if not is_asker(actor, question):
        raise PermissionDenied
    errors: dict[str, list[Any]] = {}
    text = clean_plain_text(
        errors, "text", text, max_length=MAX_TEXT, missing=_("Please write a reply.")
    )
    _raise_if(errors)
    with transaction.atomic():
        locked = _locked(question)
        if locked.status == QuestionStatus.CLOSED:
            raise _error(
                _("This question is closed. If you need more help, please ask a new question."),
                "closed",
            )
        message = Message(question=locked, author=actor, kind=MessageKind.REPLY, text=text)
        message.full_clean()
        message.save()
        was_waiting = locked.status in WAITING_FOR_TEAM and locked.waiting_since is not None
        locked.status = QuestionStatus.IN_PROGRESS if locked.assignee_id else QuestionStatus.OPEN
        if not was_waiting:
            locked.waiting_since = timezone.now()
        locked.save(update_fields=["status", "waiting_since", "updated_at"])
        audit_record(
            actor=actor,
            action="questions.question.replied",
            obj=locked,
            subject=locked.asker,
            changed_fields=["status", "waiting_since"],
            via=via,
        )
        _notify_all(
            _team_to_tell(locked),
            actor=actor,
            kind="questions.question.replied",
            name="question_replied",
            question=locked,
        )
    return message


def question_close(*, actor: Any, question: Question, via: str = "web") -> Question:
    """Close a question: the asker ("my question is resolved") or the team.

    PermissionDenied for anybody else; ValidationError when it is closed already. Side
    effects: audit `questions.question.closed`; the asker is told when the team closed it, the
    assignee when the asker did.
    """
    by_asker = bool(is_asker(actor, question))
    if not by_asker and not is_team_of_question(actor, question):
        raise PermissionDenied
    with transaction.atomic():
        locked = _locked(question)
        if locked.status == QuestionStatus.CLOSED:
            raise _error(_("This question is already closed."), "closed")
        locked.status = QuestionStatus.CLOSED
        locked.closed_at = timezone.now()
        locked.waiting_since = None
        locked.save(update_fields=["status", "closed_at", "waiting_since", "updated_at"])
        audit_record(
            actor=actor,
            action="questions.question.closed",
            obj=locked,
            subject=locked.asker,
            changed_fields=["status", "closed_at", "waiting_since"],
            via=via,
        )
        if by_asker:
            if locked.assignee is not None:
                _notify_all(
                    [locked.assignee],
                    actor=actor,
                    kind="questions.question.closed",
                    name="question_closed_by_asker",
                    question=locked,
                )
        else:
            _notify_asker(
                locked, actor=actor, kind="questions.question.closed", name="question_closed"
            )
    return locked


# --- the team --------------------------------------------------------------------------------


def _check_team(actor: Any, question: Question) -> None:
    if not is_team_of_question(actor, question):
        raise PermissionDenied


def _taken_by_other_error(question: Question) -> ValidationError:
    return _error(
        _("%(name)s has taken this question. Take it over first.")
        % {"name": display_name(question.assignee)},
        "taken",
    )


def _assign(question: Question, actor: Any, now: datetime.datetime) -> list[str]:
    question.assignee = actor
    question.assigned_at = now
    fields = ["assignee", "assigned_at"]
    if question.status == QuestionStatus.OPEN:
        question.status = QuestionStatus.IN_PROGRESS
        fields.append("status")
    return fields


def question_take(*, actor: Any, question: Question, via: str = "web") -> Question:
    """Take a question (assign it to oneself), visible to the whole team.

    Taking one's own question again changes nothing. ValidationError when somebody else has
    taken it (that is `question_take_over`) or it is closed. Side effect: audit
    `questions.question.taken`.
    """
    _check_team(actor, question)
    with transaction.atomic():
        locked = _locked(question)
        _check_open(locked)
        if locked.assignee_id == actor.pk:
            return locked
        if locked.assignee_id is not None:
            raise _taken_by_other_error(locked)
        fields = _assign(locked, actor, timezone.now())
        locked.save(update_fields=[*fields, "updated_at"])
        audit_record(
            actor=actor,
            action="questions.question.taken",
            obj=locked,
            subject=locked.asker,
            changed_fields=fields,
            via=via,
        )
    return locked


def question_take_over(*, actor: Any, question: Question, via: str = "web") -> Question:
    """Take over a question somebody else has taken; they are told. (An untaken question is
    simply taken.) ValidationError for a closed question. Side effects: audit
    `questions.question.taken_over`; the previous assignee is notified."""
    _check_team(actor, question)
    with transaction.atomic():
        locked = _locked(question)
        _check_open(locked)
        if locked.assignee_id == actor.pk:
            return locked
        previous = locked.assignee
        fields = _assign(locked, actor, timezone.now())
        locked.save(update_fields=[*fields, "updated_at"])
        audit_record(
            actor=actor,
            action="questions.question.taken_over" if previous else "questions.question.taken",
            obj=locked,
            subject=locked.asker,
            changed_fields=fields,
            via=via,
        )
        if previous is not None:
            _notify_all(
                [previous],
                actor=actor,
                kind="questions.question.taken_over",
                name="question_taken_over",
                question=locked,
            )
    return locked


def question_release(*, actor: Any, question: Question, via: str = "web") -> Question:
    """Give a question one has taken back to the team (a question in progress is open again).

    ValidationError unless the actor has taken it. Side effect: audit
    `questions.question.released`.
    """
    _check_team(actor, question)
    with transaction.atomic():
        locked = _locked(question)
        if locked.assignee_id != actor.pk:
            raise _error(_("You have not taken this question."), "not_taken")
        locked.assignee = None
        locked.assigned_at = None
        fields = ["assignee", "assigned_at"]
        if locked.status == QuestionStatus.IN_PROGRESS:
            locked.status = QuestionStatus.OPEN
            fields.append("status")
        locked.save(update_fields=[*fields, "updated_at"])
        audit_record(
            actor=actor,
            action="questions.question.released",
            obj=locked,
            subject=locked.asker,
            changed_fields=fields,
            via=via,
        )
    return locked


def _respond(*, actor: Any, question: Question, text: str, kind: MessageKind, via: str) -> Message:
    _check_team(actor, question)
    errors: dict[str, list[Any]] = {}
    missing = (
        _("Please write your answer.")
        if kind == MessageKind.ANSWER
        else _("Please write what you would like to know.")
    )
    text = clean_plain_text(errors, "text", text, max_length=MAX_TEXT, missing=missing)
    _raise_if(errors)
    now = timezone.now()
    with transaction.atomic():
        locked = _locked(question)
        if locked.status == QuestionStatus.CLOSED:
            raise _error(_("This question is closed. It cannot be answered any more."), "closed")
        if locked.assignee_id is not None and locked.assignee_id != actor.pk:
            raise _taken_by_other_error(locked)
        fields = ["status", "waiting_since"]
        if locked.assignee_id is None:
            fields += _assign(locked, actor, now)
        message = Message(question=locked, author=actor, kind=kind, text=text)
        message.full_clean()
        message.save()
        if kind == MessageKind.ANSWER:
            locked.status = QuestionStatus.ANSWERED
            if locked.first_answered_at is None:
                locked.first_answered_at = now
                fields.append("first_answered_at")
        else:
            locked.status = QuestionStatus.ASKED_BACK
        locked.waiting_since = None
        fields = list(dict.fromkeys(fields))
        locked.save(update_fields=[*fields, "updated_at"])
        action = "answered" if kind == MessageKind.ANSWER else "asked_back"
        audit_record(
            actor=actor,
            action=f"questions.question.{action}",
            obj=locked,
            subject=locked.asker,
            changed_fields=fields,
            via=via,
        )
        _notify_asker(
            locked, actor=actor, kind=f"questions.question.{action}", name=f"question_{action}"
        )
    return message


def question_answer(*, actor: Any, question: Question, text: str, via: str = "web") -> Message:
    """Answer a question (the team). An untaken question is taken by the actor; one taken by
    somebody else is refused (take it over first), as is a closed one.

    The question becomes answered, `first_answered_at` is set the first time, it no longer
    waits. Side effects: audit `questions.question.answered`; the asker is notified.
    """
    return _respond(actor=actor, question=question, text=text, kind=MessageKind.ANSWER, via=via)


def question_ask_back(*, actor: Any, question: Question, text: str, via: str = "web") -> Message:
    """Ask the asker something back (Rückfrage); the same rules as `question_answer`.

    The question becomes asked_back and no longer waits for the team. Side effects: audit
    `questions.question.asked_back`; the asker is notified.
    """
    return _respond(actor=actor, question=question, text=text, kind=MessageKind.ASK_BACK, via=via)


def question_forward(*, actor: Any, question: Question, note: str, via: str = "web") -> Question:
    """Forward a question to the state editors of the district's Land, with a note for them
    (only the team sees it). A district coordinator only; once per question.

    The assignment ends (the state level takes it from here; a question in progress is open
    again); the district keeps seeing and may still answer it. PermissionDenied for anybody
    but the district's coordinators; ValidationError for a missing note, a closed or already
    forwarded question, or a Land without state editors. Side effects: the note (a `forward`
    message); audit `questions.question.forwarded`; each state editor of the Land is notified.
    """
    if not is_coordinator_of_question(actor, question):
        raise PermissionDenied
    errors: dict[str, list[Any]] = {}
    note = clean_plain_text(
        errors,
        "note",
        note,
        max_length=MAX_NOTE,
        missing=_("Please write a note for the state editors."),
    )
    _raise_if(errors)
    with transaction.atomic():
        locked = _locked(question)
        _check_open(locked)
        if locked.forwarded_at is not None:
            raise _error(
                _("This question has already been forwarded to the state editors."), "forwarded"
            )
        editors = list(state_editors(state_id=locked.district.state_id))
        if not editors:
            raise _error(
                _("%(state)s has no state editors yet. Please answer the question yourself.")
                % {"state": locked.district.state.name},
                "no_editors",
            )
        now = timezone.now()
        Message.objects.create(question=locked, author=actor, kind=MessageKind.FORWARD, text=note)
        locked.forwarded_at = now
        locked.forwarded_by = actor
        locked.assignee = None
        locked.assigned_at = None
        fields = ["forwarded_at", "forwarded_by", "assignee", "assigned_at"]
        if locked.status == QuestionStatus.IN_PROGRESS:
            locked.status = QuestionStatus.OPEN
            fields.append("status")
        locked.save(update_fields=[*fields, "updated_at"])
        audit_record(
            actor=actor,
            action="questions.question.forwarded",
            obj=locked,
            subject=locked.asker,
            changed_fields=fields,
            via=via,
        )
        _notify_all(
            editors,
            actor=actor,
            kind="questions.question.forwarded",
            name="question_forwarded",
            question=locked,
        )
    return locked
