"""HTML views of Dialog digital: the public list and session page (questions, votes, the
volunteer's own questions), announcing and editing, moderation, the live view (moderators)
and the speaker's view (secret link), the write-up and the public archive.

Polled lists (`session_detail`, `session_live`, `session_speaker` with `HX-Request`) answer
with the list partial, or 204 when the version the client sends as `v` is still current.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from lotse.core import ratelimit

from ..choices import OPEN_FOR_QUESTIONS, SessionStatus
from ..forms.dialog import (
    ArchiveSearchForm,
    MergeForm,
    QuestionForm,
    RejectForm,
    SessionCancelForm,
    SessionForm,
    WriteUpForm,
)
from ..models import DialogSession, SessionQuestion
from ..permissions import is_moderator_of_session, is_registered_volunteer
from ..selectors import search as search_selectors
from ..selectors.dialog import (
    Board,
    announce_states,
    merge_targets,
    parse_version_counts,
    session_answered_questions,
    session_archive_items,
    session_board,
    session_get,
    session_get_archived,
    session_get_by_speaker_key,
    session_get_for_moderator,
    session_is_running,
    session_list_public,
    session_live_board,
    session_moderation_lists,
    session_question_get,
    session_question_visible_get,
    session_video_visible,
)
from ..services.dialog import (
    SessionBusyError,
    SessionClosedError,
    SubmissionLimitError,
    session_announce,
    session_archive_publish,
    session_cancel,
    session_end,
    session_question_approve,
    session_question_mark_answered,
    session_question_merge,
    session_question_reject,
    session_question_submit,
    session_question_unmark_answered,
    session_question_unvote,
    session_question_vote,
    session_speaker_link_create,
    session_start,
    session_update,
    session_write_up_save,
)

PAGE_SIZE = 25
# Besides the limits per session (services), at most this many questions per person and hour
# across all sessions (counted per account, not per address).
SUBMIT_SCOPE = "dialog-question"
SUBMIT_PER_HOUR = 30
# The new speaker link, shown once on the moderation page.
_SPEAKER_KEY = "questions_dialog_speaker_link"

TEMPLATE = "questions/dialog/{}.html"


# --- helpers ---------------------------------------------------------------------------------


def _htmx(request: HttpRequest) -> bool:
    return bool(request.headers.get("HX-Request"))


def posted_data(request: HttpRequest) -> Any:
    return request.POST if request.method == "POST" else None


def _error_text(error: Exception) -> str:
    """The message of a refused service call (validation, closed session, busy database)."""
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(error)


def apply_service_errors(
    form: Form, error: Exception, mapping: dict[str, str] | None = None
) -> None:
    """Show a refused service call on the form: a ValidationError by field (unknown fields as
    form errors), anything else (busy database) as a form error."""
    if not isinstance(error, ValidationError):
        form.add_error(None, str(error))
        return
    if not hasattr(error, "error_dict"):
        for message in error.messages:
            form.add_error(None, message)
        return
    for name, field_errors in error.message_dict.items():
        target = (mapping or {}).get(name, name)
        target_field = target if target in form.fields else None
        for message in field_errors:
            form.add_error(target_field, message)


def _private(response: HttpResponse) -> HttpResponse:
    """The speaker's page behind a secret link: never indexed, no referrer to other sites."""
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _announcement(board: Board, previous: str, *, moderator: bool) -> str:
    """What the live region says when the counts changed since the client's version ("" when
    they did not: votes alone are not announced)."""
    counts = parse_version_counts(previous)
    if counts is None or counts == board.announcement:
        return ""
    return _counts_text(board, moderator=moderator)


def _counts_text(board: Board, *, moderator: bool) -> str:
    parts = [
        ngettext("%(count)d open question", "%(count)d open questions", board.open_total)
        % {"count": board.open_total},
        ngettext("%(count)d answered", "%(count)d answered", len(board.answered))
        % {"count": len(board.answered)},
    ]
    if moderator:
        parts.append(
            ngettext(
                "%(count)d waiting for moderation",
                "%(count)d waiting for moderation",
                board.pending_total,
            )
            % {"count": board.pending_total}
        )
    return ", ".join(parts) + "."


def _poll(
    request: HttpRequest, board: Board, template: str, context: dict[str, Any], *, moderator: bool
) -> HttpResponse:
    """Answer a poll: 204 when the client's version is current, else the list partial (with
    an out-of-band update of the live region when the counts changed)."""
    previous = request.GET.get("v", "")
    if previous == board.version:
        return HttpResponse(status=204)
    context["announcement"] = _announcement(board, previous, moderator=moderator)
    return render(request, f"{template}#board", context)


# --- public list and session page ------------------------------------------------------------


@require_GET
def session_list(request: HttpRequest) -> HttpResponse:
    """Upcoming and live sessions first, then the past ones and archives (25 a page)."""
    page = Paginator(session_list_public(user=request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {
        "page_obj": page,
        "can_announce": request.user.has_perm("questions.announce_session"),
    }
    return render(request, TEMPLATE.format("list"), context)


def _detail_context(
    request: HttpRequest, session: DialogSession, *, form: QuestionForm | None = None
) -> dict[str, Any]:
    user = request.user
    board = session_board(session=session, user=user)
    open_for_questions = session.status in OPEN_FOR_QUESTIONS
    volunteer = bool(is_registered_volunteer(user))
    can_take_part = volunteer and open_for_questions
    if can_take_part and form is None:
        form = QuestionForm(session=session, language=translation.get_language() or "")
    return {
        "session": session,
        "board": board,
        "moderator": bool(is_moderator_of_session(user, session)),
        "volunteer": volunteer,
        "can_take_part": can_take_part,
        "open_for_questions": open_for_questions,
        "running": session_is_running(session),
        "video_visible": session_video_visible(user=user, session=session),
        # A refused submission keeps its form (and text) even when the session just closed.
        "form": form,
        "announcement": "",
        "counts_text": _counts_text(board, moderator=False),
    }


@never_cache
@require_GET
def session_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Everything about a session, its questions (polled every 5 s while it is open) and, for
    registered volunteers, the form to ask and their own questions."""
    session = session_get(user=request.user, pk=pk)
    context = _detail_context(request, session)
    if _htmx(request):
        return _poll(request, context["board"], TEMPLATE.format("detail"), context, moderator=False)
    return render(request, TEMPLATE.format("detail"), context)


@never_cache
@login_required
@require_POST
def session_ask(request: HttpRequest, pk: int) -> HttpResponse:
    """Submit a question. Refused submissions (bad input 400, closed session 409, too many
    429, busy 503) show the form again with the text."""
    session = session_get(user=request.user, pk=pk)
    if not is_registered_volunteer(request.user):
        raise Http404
    form = QuestionForm(request.POST, session=session)
    status = 400
    subject = f"user:{request.user.pk}"
    if not form.is_valid():
        pass
    elif ratelimit.is_limited(request, SUBMIT_SCOPE, limit=SUBMIT_PER_HOUR, subject=subject):
        form.add_error(
            None,
            _("You have sent many questions in a short time. Please try again in an hour."),
        )
        status = 429
    else:
        ratelimit.record(request, SUBMIT_SCOPE, subject=subject)
        try:
            session_question_submit(
                actor=request.user,
                session=session,
                text=form.cleaned_data["text"],
                language=form.cleaned_data["language"],
            )
        except PermissionDenied as error:
            raise Http404 from error
        except SessionClosedError as error:
            apply_service_errors(form, error)
            status = 409
        except SubmissionLimitError as error:
            apply_service_errors(form, error)
            status = 429
        except ValidationError as error:
            apply_service_errors(form, error)
        except SessionBusyError as error:
            form.add_error(None, str(error))
            status = 503
        else:
            sent = _("Thank you! Your question waits for moderation; you see it below.")
            if _htmx(request):
                fresh = QuestionForm(session=session, language=form.cleaned_data["language"])
                context = _detail_context(request, session, form=fresh) | {"sent": sent}
                response = render(request, TEMPLATE.format("detail") + "#ask", context)
                response["HX-Trigger"] = "dialog-board-changed"
                return response
            messages.success(request, sent)
            return redirect(reverse("questions:session_detail", args=[session.pk]) + "#mine")
    context = _detail_context(request, session, form=form)
    template = TEMPLATE.format("detail") + ("#ask" if _htmx(request) else "")
    return render(request, template, context, status=status)


@never_cache
@login_required
@require_POST
def session_vote(request: HttpRequest, pk: int, question_pk: int) -> HttpResponse:
    """Vote (or `action=undo`: take the vote back). htmx gets the refreshed list (also with
    the error, status 4xx/503); without JavaScript a redirect back to the question."""
    session = session_get(user=request.user, pk=pk)
    question = session_question_visible_get(session=session, pk=question_pk)
    if not is_registered_volunteer(request.user):
        raise Http404
    undo = request.POST.get("action") == "undo"
    error_message, status = "", 200
    service = session_question_unvote if undo else session_question_vote
    try:
        result = service(actor=request.user, question=question)
    except PermissionDenied as error:
        raise Http404 from error
    except SessionClosedError as error:
        error_message, status = _error_text(error), 409
    except ValidationError as error:
        error_message, status = _error_text(error), 400
    except SessionBusyError as error:
        error_message, status = str(error), 503
    if _htmx(request):
        context = _detail_context(request, session) | {"vote_error": error_message}
        return render(request, TEMPLATE.format("detail") + "#board", context, status=status)
    if error_message:
        session.refresh_from_db()
        context = _detail_context(request, session) | {"vote_error": error_message}
        return render(request, TEMPLATE.format("detail"), context, status=status)
    if result.changed:
        messages.success(
            request,
            _("Your vote has been taken back.") if undo else _("Thank you for your vote."),
        )
    anchor = f"#question-{result.question.pk}"
    return redirect(reverse("questions:session_detail", args=[session.pk]) + anchor)


# --- announcing, editing, cancelling, start and end ------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def session_create(request: HttpRequest) -> HttpResponse:
    """A state editor announces a session for their Land (or one of their Länder)."""
    if not request.user.has_perm("questions.announce_session"):
        raise Http404
    states = list(announce_states(user=request.user))
    if not states:
        raise Http404
    form = SessionForm(posted_data(request), states=states)
    if request.method == "POST" and form.is_valid():
        try:
            session = session_announce(
                actor=request.user, state=form.chosen_state(), **form.service_arguments()
            )
        except PermissionDenied as error:
            raise Http404 from error
        except (ValidationError, SessionBusyError) as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The session has been announced."))
            return redirect("questions:session_detail", pk=session.pk)
    return render(request, TEMPLATE.format("form"), {"form": form, "session": None})


@login_required
@require_http_methods(["GET", "POST"])
def session_edit(request: HttpRequest, pk: int) -> HttpResponse:
    session = session_get_for_moderator(user=request.user, pk=pk)
    editable = session.status in OPEN_FOR_QUESTIONS
    if request.method == "POST" and editable:
        form = SessionForm(request.POST, editing=True)
        if form.is_valid():
            try:
                session_update(actor=request.user, session=session, **form.service_arguments())
            except (ValidationError, SessionBusyError) as error:
                apply_service_errors(form, error)
            else:
                messages.success(request, _("The session has been saved."))
                return redirect("questions:session_detail", pk=session.pk)
    else:
        form = SessionForm(initial=SessionForm.initial_for(session), editing=True)
    context = {"form": form, "session": session, "editable": editable}
    return render(request, TEMPLATE.format("form"), context)


@login_required
@require_http_methods(["GET", "POST"])
def session_cancel_view(request: HttpRequest, pk: int) -> HttpResponse:
    session = session_get_for_moderator(user=request.user, pk=pk)
    form = SessionCancelForm(posted_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            session_cancel(
                actor=request.user, session=session, message=form.cleaned_data["message"]
            )
        except (ValidationError, SessionBusyError) as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The session has been cancelled."))
            return redirect("questions:session_detail", pk=session.pk)
    return render(request, TEMPLATE.format("cancel"), {"form": form, "session": session})


def _status_action(request: HttpRequest, pk: int, service: Any, done: str, target: str):
    session = session_get_for_moderator(user=request.user, pk=pk)
    try:
        service(actor=request.user, session=session)
    except (ValidationError, SessionBusyError) as error:
        messages.error(request, _error_text(error))
        return redirect("questions:session_moderate", pk=session.pk)
    messages.success(request, done)
    return redirect(target, pk=session.pk)


@login_required
@require_POST
def session_start_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _status_action(
        request, pk, session_start, _("The session is live."), "questions:session_live"
    )


@login_required
@require_POST
def session_end_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _status_action(
        request,
        pk,
        session_end,
        _("The session has ended. Write up the answers and publish the archive."),
        "questions:session_write_up",
    )


# --- moderation ------------------------------------------------------------------------------


@never_cache
@login_required
@require_GET
def session_moderate(request: HttpRequest, pk: int) -> HttpResponse:
    """Pending questions (approve, reject), approved ones (merge, mark answered), answered,
    rejected and merged ones; the speaker link."""
    session = session_get_for_moderator(user=request.user, pk=pk)
    new_link = request.session.pop(_SPEAKER_KEY, None)
    speaker_url = ""
    if isinstance(new_link, dict) and new_link.get("pk") == session.pk and new_link.get("key"):
        speaker_url = request.build_absolute_uri(
            reverse("questions:session_speaker", kwargs={"key": new_link["key"]})
        )
    context = {
        "session": session,
        "running": session_is_running(session),
        "speaker_url": speaker_url,
        "reject_form": RejectForm(),
        **session_moderation_lists(session=session),
    }
    return render(request, TEMPLATE.format("moderate"), context)


def _after_moderation(
    request: HttpRequest, session: DialogSession, *, error: str = "", done: str = ""
) -> HttpResponse:
    """htmx (live view): the live list, with the error and status 400 when refused.
    Otherwise a redirect back to the page the action came from."""
    if _htmx(request):
        board = session_live_board(session=session, moderator=True)
        context = _live_context(session, board) | {"action_error": error}
        return render(
            request, TEMPLATE.format("live") + "#board", context, status=400 if error else 200
        )
    if error:
        messages.error(request, error)
    elif done:
        messages.success(request, done)
    target = "questions:session_live" if request.POST.get("next") == "live" else None
    return redirect(target or "questions:session_moderate", pk=session.pk)


def _moderation_objects(
    request: HttpRequest, pk: int, question_pk: int
) -> tuple[DialogSession, SessionQuestion]:
    session = session_get_for_moderator(user=request.user, pk=pk)
    return session, session_question_get(session=session, pk=question_pk)


@login_required
@require_POST
def session_question_approve_view(request: HttpRequest, pk: int, question_pk: int):
    session, question = _moderation_objects(request, pk, question_pk)
    try:
        session_question_approve(actor=request.user, question=question)
    except (ValidationError, SessionBusyError) as error:
        return _after_moderation(request, session, error=_error_text(error))
    return _after_moderation(request, session, done=_("The question is approved."))


@login_required
@require_http_methods(["GET", "POST"])
def session_question_reject_view(request: HttpRequest, pk: int, question_pk: int):
    """GET: the form for the reason (without JavaScript); POST: reject."""
    session, question = _moderation_objects(request, pk, question_pk)
    form = RejectForm(posted_data(request))
    if request.method == "POST":
        if form.is_valid():
            try:
                session_question_reject(
                    actor=request.user, question=question, reason=form.cleaned_data["reason"]
                )
            except (ValidationError, SessionBusyError) as error:
                if _htmx(request):
                    return _after_moderation(request, session, error=_error_text(error))
                apply_service_errors(form, error)
            else:
                return _after_moderation(
                    request, session, done=_("The question is rejected; the author is told why.")
                )
        elif _htmx(request):
            return _after_moderation(
                request, session, error=_("Please tell the author why the question is not taken.")
            )
    context = {"session": session, "question": question, "form": form, "next": "moderate"}
    status = 400 if request.method == "POST" else 200
    return render(request, TEMPLATE.format("reject"), context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def session_question_merge_view(request: HttpRequest, pk: int, question_pk: int):
    """GET: choose the question to merge into (full page, or the form partial for htmx);
    POST: merge."""
    session, question = _moderation_objects(request, pk, question_pk)
    form = MergeForm(
        posted_data(request),
        targets=merge_targets(session=session, exclude=question),
        prefix=f"merge{question.pk}",
    )
    if request.method == "POST":
        if form.is_valid():
            try:
                session_question_merge(actor=request.user, duplicate=question, target=form.chosen())
            except ValidationError as error:
                if _htmx(request):
                    return _after_moderation(request, session, error=_error_text(error))
                apply_service_errors(form, error, {"__all__": "target"})
            except SessionBusyError as error:
                if _htmx(request):
                    return _after_moderation(request, session, error=str(error))
                form.add_error(None, str(error))
            else:
                return _after_moderation(
                    request, session, done=_("The questions are merged; the votes were combined.")
                )
        elif _htmx(request):
            return _after_moderation(
                request, session, error=_("Please choose the question to merge into.")
            )
    context = {
        "session": session,
        "question": question,
        "form": form,
        "next": request.GET.get("next") or request.POST.get("next") or "moderate",
    }
    status = 400 if request.method == "POST" else 200
    if _htmx(request):
        return render(request, TEMPLATE.format("merge") + "#merge_form", context, status=status)
    return render(request, TEMPLATE.format("merge"), context, status=status)


@login_required
@require_POST
def session_question_answered_view(request: HttpRequest, pk: int, question_pk: int):
    """Mark a question answered (`action=undo`: open again)."""
    session, question = _moderation_objects(request, pk, question_pk)
    undo = request.POST.get("action") == "undo"
    try:
        if undo:
            session_question_unmark_answered(actor=request.user, question=question)
        else:
            session_question_mark_answered(actor=request.user, question=question)
    except (ValidationError, SessionBusyError) as error:
        return _after_moderation(request, session, error=_error_text(error))
    done = _("The question is open again.") if undo else _("The question is marked as answered.")
    return _after_moderation(request, session, done=done)


@login_required
@require_POST
def session_speaker_link(request: HttpRequest, pk: int) -> HttpResponse:
    """Create a new speaker link (the old one stops working); shown once."""
    session = session_get_for_moderator(user=request.user, pk=pk)
    try:
        key = session_speaker_link_create(actor=request.user, session=session)
    except (ValidationError, SessionBusyError) as error:
        messages.error(request, _error_text(error))
    else:
        request.session[_SPEAKER_KEY] = {"pk": session.pk, "key": key}
    return redirect(reverse("questions:session_moderate", args=[session.pk]) + "#speaker-link")


# --- live view and speaker view --------------------------------------------------------------


def _live_context(session: DialogSession, board: Board) -> dict[str, Any]:
    return {
        "session": session,
        "board": board,
        "running": session_is_running(session),
        "announcement": "",
        "action_error": "",
        "reject_form": RejectForm(),
    }


@never_cache
@login_required
@require_GET
def session_live(request: HttpRequest, pk: int) -> HttpResponse:
    """The moderators' live view: open questions by votes, answered below, pending ones to
    approve; actions inline (htmx). Polled every 2 s."""
    session = session_get_for_moderator(user=request.user, pk=pk)
    board = session_live_board(session=session, moderator=True)
    context = _live_context(session, board) | {"counts_text": _counts_text(board, moderator=True)}
    if _htmx(request):
        return _poll(request, board, TEMPLATE.format("live"), context, moderator=True)
    return render(request, TEMPLATE.format("live"), context)


@never_cache
@require_GET
def session_speaker(request: HttpRequest, key: str) -> HttpResponse:
    """The speaker's read-only view behind the secret link (no account): large text for a
    screen share, polled every 2 s. Unknown keys are 404."""
    session = session_get_by_speaker_key(key=key)
    if session is None:
        raise Http404
    board = session_live_board(session=session, moderator=False)
    context = {
        "session": session,
        "board": board,
        "key": key,
        "announcement": "",
        "counts_text": _counts_text(board, moderator=False),
    }
    if _htmx(request):
        return _private(_poll(request, board, TEMPLATE.format("speaker"), context, moderator=False))
    return _private(render(request, TEMPLATE.format("speaker"), context))


# --- write-up and archive --------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def session_write_up(request: HttpRequest, pk: int) -> HttpResponse:
    """After the session: the answer to every answered question and a summary; then publish."""
    session = session_get_for_moderator(user=request.user, pk=pk)
    available = session.status in (SessionStatus.ENDED, SessionStatus.ARCHIVED)
    questions = list(session_answered_questions(session=session)) if available else []
    form = WriteUpForm(
        posted_data(request) if available else None,
        questions=questions,
        initial={"summary": session.summary},
    )
    if request.method == "POST" and available and form.is_valid():
        try:
            session_write_up_save(
                actor=request.user,
                session=session,
                summary=form.cleaned_data["summary"],
                answers=form.answers(),
            )
        except (ValidationError, SessionBusyError) as error:
            mapping = {f"answer_{q.pk}": f"answer_{q.pk}" for q in questions}
            apply_service_errors(form, error, mapping)
        else:
            messages.success(request, _("The write-up has been saved."))
            return redirect("questions:session_write_up", pk=session.pk)
    context = {
        "session": session,
        "form": form,
        "available": available,
        "questions": questions,
        "written": sum(1 for q in questions if q.answer.strip()),
    }
    status = 400 if request.method == "POST" and form.errors else 200
    return render(request, TEMPLATE.format("write_up"), context, status=status)


@login_required
@require_POST
def session_archive_publish_view(request: HttpRequest, pk: int) -> HttpResponse:
    session = session_get_for_moderator(user=request.user, pk=pk)
    try:
        result = session_archive_publish(actor=request.user, session=session)
    except (ValidationError, SessionBusyError) as error:
        messages.error(request, _error_text(error))
        return redirect("questions:session_write_up", pk=session.pk)
    messages.success(
        request,
        _(
            "The archive is published: %(created)d new answers, %(updated)d updated, "
            "%(withdrawn)d withdrawn."
        )
        % {
            "created": len(result.created),
            "updated": len(result.updated),
            "withdrawn": len(result.withdrawn),
        },
    )
    return redirect("questions:session_archive", pk=session.pk)


@require_GET
def session_archive(request: HttpRequest, pk: int) -> HttpResponse:
    """The public archive: the summary and the answered questions with their answers (in the
    visitor's language where a translation exists), searchable within this session."""
    session = session_get_archived(pk=pk)
    form = ArchiveSearchForm(request.GET or None)
    query = form.cleaned_data.get("q", "").strip() if form.is_valid() else ""
    results = None
    if query:
        try:
            page = max(int(request.GET.get("page", 1)), 1)
        except (TypeError, ValueError):
            page = 1
        results = search_selectors.search_entries(query=query, session=session, page=page)
    context = {
        "session": session,
        "form": form,
        "query": query,
        "results": results,
        "items": session_archive_items(session=session, language=translation.get_language() or ""),
        "moderator": bool(is_moderator_of_session(request.user, session)),
    }
    if _htmx(request):
        return render(request, TEMPLATE.format("archive") + "#results", context)
    return render(request, TEMPLATE.format("archive"), context)
