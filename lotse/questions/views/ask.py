"""HTML views of "Ask your Lotse": the volunteer asks, follows and replies; the team (district
coordinators, and state editors for forwarded questions) works the queue and answers.

Every change is a POST to a service. A question somebody may not see is a 404.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from lotse.core.audit import audit_record

from ..choices import MessageKind, QuestionStatus
from ..forms.ask import AnswerForm, ForwardForm, QuestionForm, QueueFilterForm, ReplyForm
from ..models import Question
from ..permissions import edited_state_ids, is_asker, is_coordinator_of_question
from ..selectors.ask import (
    is_in_a_team,
    question_get_for_asker,
    question_get_for_team,
    question_get_for_viewer,
    question_list_mine,
    question_queue,
    question_thread,
    queue_districts,
    queue_stats,
)
from ..services import ask as services
from ..services.ask import display_name

PAGE_SIZE = 25


# --- helpers ---------------------------------------------------------------------------------


def humanise_duration(delta: datetime.timedelta) -> str:
    """A duration in words, rounded: minutes below an hour, hours below two days, else days."""
    seconds = max(delta.total_seconds(), 0)
    if seconds < 3600:
        minutes = max(round(seconds / 60), 1)
        return ngettext("%(count)d minute", "%(count)d minutes", minutes) % {"count": minutes}
    if seconds < 48 * 3600:
        hours = max(round(seconds / 3600), 1)
        return ngettext("%(count)d hour", "%(count)d hours", hours) % {"count": hours}
    days = round(seconds / 86400)
    return ngettext("%(count)d day", "%(count)d days", days) % {"count": days}


def apply_service_errors(form: Form, error: ValidationError) -> None:
    """Show a service's ValidationError on the form (unknown fields as form errors)."""
    if not hasattr(error, "error_dict"):
        for message in error.messages:
            form.add_error(None, message)
        return
    for field, field_errors in error.message_dict.items():
        target = field if field in form.fields else None
        for message in field_errors:
            form.add_error(target, message)


def _posted(request: HttpRequest) -> Any:
    return request.POST if request.method == "POST" else None


def _to_detail(question: Question) -> HttpResponse:
    return redirect("questions:question_detail", pk=question.pk)


# --- asking ----------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def question_create(request: HttpRequest) -> HttpResponse:
    """A volunteer asks the team of their district. Without a volunteer profile (or a
    confirmed e-mail address, or a district) the page explains what is missing."""
    user = request.user
    profile = getattr(user, "volunteer_profile", None)
    if profile is None or not user.email_confirmed_at:  # type: ignore[union-attr]
        return render(
            request,
            "questions/ask/no_profile.html",
            {
                "has_profile": profile is not None,
                "confirmed": bool(user.email_confirmed_at),  # type: ignore[union-attr]
            },
        )
    if profile.district_id is None:
        return render(request, "questions/ask/no_district.html")
    form = QuestionForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            question = services.question_create(
                actor=user,
                language=translation.get_language() or "",
                **form.cleaned_data,
            )
        except PermissionDenied as error:  # pragma: no cover - checked above
            raise Http404 from error
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(
                request,
                _("Your question has been sent to the team of %(district)s.")
                % {"district": profile.district.name},
            )
            return _to_detail(question)
    # The form suggests similar knowledge-base entries while the volunteer types (htmx, once
    # the knowledge area provides `questions:entry_similar`).
    return render(request, "questions/ask/form.html", {"form": form, "district": profile.district})


@login_required
@require_GET
def question_mine(request: HttpRequest) -> HttpResponse:
    """The user's own questions with their status and last activity."""
    page = Paginator(question_list_mine(user=request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {
        "page_obj": page,
        "can_ask": request.user.has_perm("questions.ask"),
    }
    if request.headers.get("HX-Request"):
        return render(request, "questions/ask/mine.html#results", context)
    return render(request, "questions/ask/mine.html", context)


# --- one question ----------------------------------------------------------------------------


def _thread_rows(question: Question, *, as_team: bool, user: Any) -> list[dict[str, Any]]:
    rows = []
    show_asker_name = as_team and is_coordinator_of_question(user, question)
    for message in question_thread(question=question, include_internal=as_team):
        from_asker = message.author_id is not None and message.author_id == question.asker_id
        if message.author_id is not None and message.author_id == user.pk:
            author = _("You")
        elif from_asker:
            author = display_name(question.asker) if show_asker_name else _("The volunteer")
        elif message.author is None and message.kind == MessageKind.REPLY:
            author = _("The volunteer")
        else:
            author = display_name(message.author)
        rows.append(
            {
                "message": message,
                "author": author,
                "internal": message.kind == MessageKind.FORWARD,
                "from_team": message.kind != MessageKind.REPLY,
            }
        )
    return rows


def _render_detail(
    request: HttpRequest,
    question: Question,
    *,
    as_team: bool,
    reply_form: ReplyForm | None = None,
    answer_form: AnswerForm | None = None,
    forward_form: ForwardForm | None = None,
) -> HttpResponse:
    user = request.user
    closed = question.status == QuestionStatus.CLOSED
    asker = bool(is_asker(user, question))
    taken_by_me = question.assignee_id is not None and question.assignee_id == user.pk
    taken_by_other = question.assignee_id is not None and not taken_by_me
    can_forward = (
        as_team
        and not closed
        and question.forwarded_at is None
        and bool(is_coordinator_of_question(user, question))
    )
    can_publish = bool(
        as_team
        and question.first_answered_at is not None
        and user.has_perm("questions.publish_question", question)
    )
    context = {
        "question": question,
        "as_team": as_team,
        "is_asker": asker,
        "closed": closed,
        "thread": _thread_rows(question, as_team=as_team, user=user),
        "show_asker_name": as_team and is_coordinator_of_question(user, question),
        "taken_by_me": taken_by_me,
        "taken_by_other": taken_by_other,
        "assignee_name": display_name(question.assignee) if question.assignee_id else "",
        "forwarded_by_name": display_name(question.forwarded_by) if question.forwarded_at else "",
        "waiting": (
            humanise_duration(timezone.now() - question.waiting_since)
            if question.waiting_since
            else ""
        ),
        "can_reply": asker and not closed,
        "can_answer": as_team and not closed and not taken_by_other,
        "can_forward": can_forward,
        # The link (owned by the knowledge area) is shown once that URL exists.
        "can_publish": can_publish,
        "reply_form": reply_form or ReplyForm(auto_id="reply_%s"),
        "answer_form": answer_form or AnswerForm(auto_id="answer_%s"),
        "forward_form": forward_form or ForwardForm(auto_id="forward_%s"),
    }
    return render(request, "questions/ask/detail.html", context)


@login_required
@require_GET
def question_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The question and its thread, for the asker or the team (the team's access is
    audited); the actions each of them may take."""
    question, as_team = question_get_for_viewer(user=request.user, pk=pk)
    if as_team:
        audit_record(
            actor=request.user,
            action="questions.question.viewed",
            obj=question,
            subject=question.asker,
        )
    return _render_detail(request, question, as_team=as_team)


def _run(request: HttpRequest, question: Question, action: Any, success: str) -> HttpResponse:
    """Run a service action without input: success → message; refusal → error message."""
    try:
        action()
    except PermissionDenied as error:
        raise Http404 from error
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, success)
    return _to_detail(question)


@login_required
@require_POST
def question_reply(request: HttpRequest, pk: int) -> HttpResponse:
    """The asker replies (the team is notified)."""
    question = question_get_for_asker(user=request.user, pk=pk)
    form = ReplyForm(request.POST, auto_id="reply_%s")
    if form.is_valid():
        try:
            services.question_reply(
                actor=request.user, question=question, text=form.cleaned_data["text"]
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Your reply has been sent to the team."))
            return _to_detail(question)
    question, as_team = question_get_for_viewer(user=request.user, pk=pk)
    return _render_detail(request, question, as_team=as_team, reply_form=form)


@login_required
@require_POST
def question_close(request: HttpRequest, pk: int) -> HttpResponse:
    """The asker ("my question is resolved") or the team closes the question."""
    question, as_team = question_get_for_viewer(user=request.user, pk=pk)
    success = (
        _("The question has been closed.")
        if as_team and not is_asker(request.user, question)
        else _("Thank you! Your question is marked as resolved.")
    )
    return _run(
        request,
        question,
        lambda: services.question_close(actor=request.user, question=question),
        success,
    )


@login_required
@require_POST
def question_take(request: HttpRequest, pk: int) -> HttpResponse:
    question = question_get_for_team(user=request.user, pk=pk)
    return _run(
        request,
        question,
        lambda: services.question_take(actor=request.user, question=question),
        _("You have taken the question. The team sees that you answer it."),
    )


@login_required
@require_POST
def question_take_over(request: HttpRequest, pk: int) -> HttpResponse:
    question = question_get_for_team(user=request.user, pk=pk)
    return _run(
        request,
        question,
        lambda: services.question_take_over(actor=request.user, question=question),
        _("You have taken over the question."),
    )


@login_required
@require_POST
def question_release(request: HttpRequest, pk: int) -> HttpResponse:
    question = question_get_for_team(user=request.user, pk=pk)
    return _run(
        request,
        question,
        lambda: services.question_release(actor=request.user, question=question),
        _("You have released the question. Somebody else of the team can take it now."),
    )


@login_required
@require_POST
def question_answer(request: HttpRequest, pk: int) -> HttpResponse:
    """The team answers or asks back (the submit button says which)."""
    question = question_get_for_team(user=request.user, pk=pk)
    form = AnswerForm(request.POST, auto_id="answer_%s")
    if form.is_valid():
        service = (
            services.question_answer
            if form.cleaned_data["kind"] == MessageKind.ANSWER
            else services.question_ask_back
        )
        try:
            service(actor=request.user, question=question, text=form.cleaned_data["text"])
        except PermissionDenied as error:  # pragma: no cover - the selector scopes
            raise Http404 from error
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(
                request,
                _("Your answer has been sent to the volunteer.")
                if form.cleaned_data["kind"] == MessageKind.ANSWER
                else _("Your question back has been sent to the volunteer."),
            )
            return _to_detail(question)
    question = question_get_for_team(user=request.user, pk=pk)
    return _render_detail(request, question, as_team=True, answer_form=form)


@login_required
@require_POST
def question_forward(request: HttpRequest, pk: int) -> HttpResponse:
    """A district coordinator forwards the question to the state editors, with a note."""
    question = question_get_for_team(user=request.user, pk=pk)
    if not is_coordinator_of_question(request.user, question):
        raise Http404
    form = ForwardForm(request.POST, auto_id="forward_%s")
    if form.is_valid():
        try:
            services.question_forward(
                actor=request.user, question=question, note=form.cleaned_data["note"]
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The question has been forwarded to the state editors."))
            return _to_detail(question)
    question = question_get_for_team(user=request.user, pk=pk)
    return _render_detail(request, question, as_team=True, forward_form=form)


# --- the team's queue ------------------------------------------------------------------------


@login_required
@require_GET
def question_queue_view(request: HttpRequest) -> HttpResponse:
    """The queue of the user's team: longest waiting first, with per-district figures."""
    user = request.user
    if not is_in_a_team(user=user):
        raise Http404
    districts = list(queue_districts(user=user))
    form = QueueFilterForm(request.GET or None, districts=districts)
    queryset = question_queue(user=user, filters=form.filters())
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    now = timezone.now()
    rows = [
        {
            "question": question,
            "waiting": (
                humanise_duration(now - question.waiting_since) if question.waiting_since else ""
            ),
            "taken_by": display_name(question.assignee) if question.assignee_id else "",
        }
        for question in page.object_list
    ]
    context = {
        "form": form,
        "page_obj": page,
        "rows": rows,
        "show_district": len(districts) > 1 or bool(edited_state_ids(user)),
    }
    if request.headers.get("HX-Request"):
        return render(request, "questions/ask/queue.html#results", context)
    stats = [
        {
            "district": row.district,
            "waiting": row.waiting,
            "answered": row.answered,
            "median": humanise_duration(row.median) if row.median is not None else "",
        }
        for row in queue_stats(user=user, now=now)
    ]
    return render(request, "questions/ask/queue.html", context | {"stats": stats})
