"""HTML views of the knowledge base (thin: forms, selectors, services).

Public: the search (`entry_list`, htmx updates the results), an entry (`entry_detail`,
published only; its editors also see drafts), and the "maybe these answers help" partial of
the ask form (`entry_similar`). Editors (coordinators for their districts, state editors for
their Länder): write, edit, translate, publish and withdraw entries, their list
(`entry_manage`), and turning an answered question into an entry (`entry_from_question`).
Somebody who may not do something gets a 404.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from lotse.core.audit import audit_record

from ..choices import EntryStatus
from ..forms.knowledge import (
    EntryForm,
    EntryFromQuestionForm,
    KnowledgeSearchForm,
    ManageFilterForm,
    TranslationForm,
)
from ..models import Entry
from ..selectors.knowledge import (
    entry_get_for_editor,
    entry_get_visible,
    entry_group_languages,
    entry_manage_list,
    entry_publishers,
    entry_translations,
    publisher_for_question,
    question_get_for_publishing,
    question_staff_answers,
)
from ..selectors.search import PER_PAGE, search_entries, similar_entries
from ..services import knowledge as services

MANAGE_PAGE_SIZE = 25
SIMILAR_LIMIT = 5
# The ask form sends what has been typed so far; more than this is not needed to find entries.
SIMILAR_MAX_INPUT = 5000


def _is_htmx(request: HttpRequest) -> bool:
    return bool(request.headers.get("HX-Request"))


def _page_number(value: Any) -> int:
    try:
        return min(max(int(str(value)), 1), 10_000)
    except (TypeError, ValueError):
        return 1


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


def _wants_publish(request: HttpRequest) -> bool:
    return request.POST.get("action") == "publish"


def _saved_message(request: HttpRequest, entry: Entry) -> None:
    if entry.status == EntryStatus.PUBLISHED:
        messages.success(request, _("The entry has been published."))
    else:
        messages.success(request, _("The entry has been saved as a draft."))


# --- public ------------------------------------------------------------------------------------


@require_GET
def entry_list(request: HttpRequest) -> HttpResponse:
    """The public search: ranked, highlighted results; htmx gets the results only."""
    form = KnowledgeSearchForm(request.GET or None)
    arguments = form.search_arguments()
    result = search_entries(
        **arguments, page=_page_number(request.GET.get("page")), per_page=PER_PAGE
    )
    context = {
        "form": form,
        "result": result,
        "page_obj": result,
        "searched": bool(result.terms),
        "can_manage": request.user.has_perm("questions.create_entry"),
    }
    if _is_htmx(request):
        return render(request, "questions/knowledge/list.html#results", context)
    return render(request, "questions/knowledge/list.html", context)


@require_GET
def entry_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """An entry: published for everyone; drafts and withdrawn ones for its editors only."""
    entry = entry_get_visible(user=request.user, pk=pk)
    can_edit = request.user.has_perm("questions.edit_entry", entry)
    context = {
        "entry": entry,
        "can_edit": can_edit,
        "translations": entry_translations(entry=entry, user=request.user),
        "can_translate": can_edit
        and len(entry_group_languages(entry=entry)) < len(settings.LANGUAGES),
    }
    return render(request, "questions/knowledge/detail.html", context)


@require_GET
def entry_similar(request: HttpRequest) -> HttpResponse:
    """The "maybe these answers help" partial of the ask form (empty without hits)."""
    text = " ".join(
        str(request.GET.get(name, ""))[:SIMILAR_MAX_INPUT] for name in ("title", "text", "q")
    )
    hits = similar_entries(text=text, limit=SIMILAR_LIMIT)
    return render(request, "questions/knowledge/similar.html", {"hits": hits})


# --- editors -----------------------------------------------------------------------------------


@login_required
@require_GET
def entry_manage(request: HttpRequest) -> HttpResponse:
    """The entries the user may edit: drafts, published and withdrawn, with filters."""
    if not request.user.has_perm("questions.create_entry"):
        raise Http404
    form = ManageFilterForm(request.GET or None)
    entries = entry_manage_list(user=request.user, filters=form.filters())
    page = Paginator(entries, MANAGE_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"form": form, "page_obj": page}
    if _is_htmx(request):
        return render(request, "questions/knowledge/manage.html#results", context)
    return render(request, "questions/knowledge/manage.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def entry_create_view(request: HttpRequest) -> HttpResponse:
    """A new editorial entry (coordinators: their district; state editors: their Land)."""
    publishers = entry_publishers(user=request.user)
    if not publishers:
        raise Http404
    if request.method == "POST":
        form = EntryForm(request.POST, publishers=publishers)
        if form.is_valid():
            publisher = form.chosen_publisher()
            assert publisher is not None
            data = form.cleaned_data
            try:
                entry = services.entry_create(
                    actor=request.user,
                    language=data["language"],
                    title=data["title"],
                    question=data["question"],
                    answer=data["answer"],
                    topic=data["topic"],
                    state=publisher.state,
                    district=publisher.district,
                    publish=_wants_publish(request),
                )
            except ValidationError as error:
                apply_service_errors(form, error)
            except PermissionDenied as error:
                raise Http404 from error
            else:
                _saved_message(request, entry)
                return redirect("questions:entry_detail", pk=entry.pk)
    else:
        language = get_language() or "de"
        form = EntryForm(
            initial={"language": language.split("-")[0], "publisher": publishers[0].key},
            publishers=publishers,
        )
    return render(
        request,
        "questions/knowledge/form.html",
        {"form": form, "entry": None, "mode": "create"},
    )


@login_required
@require_http_methods(["GET", "POST"])
def entry_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change an entry (its district's coordinators, its Land's state editors)."""
    entry = entry_get_for_editor(user=request.user, pk=pk)
    if request.method == "POST":
        form = EntryForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.entry_update(
                    actor=request.user,
                    entry=entry,
                    **{name: data[name] for name in services.EDITABLE_FIELDS},
                )
                if _wants_publish(request):
                    services.entry_publish(actor=request.user, entry=entry)
            except ValidationError as error:
                apply_service_errors(form, error)
            except PermissionDenied as error:
                raise Http404 from error
            else:
                messages.success(request, _("The entry has been saved."))
                return redirect("questions:entry_detail", pk=entry.pk)
    else:
        form = EntryForm(initial={name: getattr(entry, name) for name in services.EDITABLE_FIELDS})
    return render(
        request, "questions/knowledge/form.html", {"form": form, "entry": entry, "mode": "edit"}
    )


@require_POST
@login_required
def entry_publish_view(request: HttpRequest, pk: int) -> HttpResponse:
    entry = entry_get_for_editor(user=request.user, pk=pk)
    services.entry_publish(actor=request.user, entry=entry)
    messages.success(request, _("The entry has been published."))
    return redirect("questions:entry_detail", pk=entry.pk)


@require_POST
@login_required
def entry_withdraw_view(request: HttpRequest, pk: int) -> HttpResponse:
    entry = entry_get_for_editor(user=request.user, pk=pk)
    services.entry_withdraw(actor=request.user, entry=entry)
    messages.success(
        request, _("The entry has been withdrawn. It is no longer shown to the public.")
    )
    return redirect("questions:entry_detail", pk=entry.pk)


@login_required
@require_http_methods(["GET", "POST"])
def entry_translate(request: HttpRequest, pk: int) -> HttpResponse:
    """Add the entry in another language (a new entry of the same translation group)."""
    entry = entry_get_for_editor(user=request.user, pk=pk)
    taken = entry_group_languages(entry=entry)
    form = TranslationForm(request.POST or None, taken=taken)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            translation = services.entry_translate(
                actor=request.user,
                entry=entry,
                language=data["language"],
                title=data["title"],
                question=data["question"],
                answer=data["answer"],
                publish=_wants_publish(request),
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        except PermissionDenied as error:
            raise Http404 from error
        else:
            _saved_message(request, translation)
            return redirect("questions:entry_detail", pk=translation.pk)
    return render(
        request,
        "questions/knowledge/translate.html",
        {"form": form, "entry": entry, "all_taken": len(taken) >= len(settings.LANGUAGES)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def entry_from_question(request: HttpRequest, pk: int) -> HttpResponse:
    """Turn an answered question into a public entry (the editor removes personal details)."""
    question = question_get_for_publishing(user=request.user, pk=pk)
    publisher = publisher_for_question(user=request.user, question=question)
    if request.method == "POST":
        form = EntryFromQuestionForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                entry = services.entry_create_from_question(
                    actor=request.user,
                    question=question,
                    title=data["title"],
                    question_text=data["question"],
                    answer=data["answer"],
                    topic=data["topic"],
                    language=data["language"],
                    publish=_wants_publish(request),
                )
            except ValidationError as error:
                apply_service_errors(form, error)
            except PermissionDenied as error:
                raise Http404 from error
            else:
                _saved_message(request, entry)
                return redirect("questions:entry_detail", pk=entry.pk)
    else:
        audit_record(
            actor=request.user,
            action="questions.question.viewed_for_entry",
            obj=question,
            subject=question.asker,
        )
        answers = question_staff_answers(question=question)
        form = EntryFromQuestionForm(
            initial={
                "title": question.title,
                "question": question.text,
                "answer": "\n\n".join(message.text for message in answers),
                "topic": question.topic,
                "language": question.language,
            }
        )
    return render(
        request,
        "questions/knowledge/from_question.html",
        {"form": form, "question": question, "publisher": publisher},
    )
