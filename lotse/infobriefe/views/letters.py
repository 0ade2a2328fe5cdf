"""HTML views of the editors: write, address, test, schedule or send an Infobrief and follow
its dispatch.

Writers are coordinators (for their district teams) and state editors (for their Land; they
also see the district teams' Infobriefe of the Land, read-only). Anybody else gets a 404, as
does a writer for an Infobrief that is not theirs. Every change is a POST to a service; the
services check again.

The language-version page and the live preview read the request body themselves: a body
above DATA_UPLOAD_MAX_MEMORY_SIZE gets the form back with a clear error instead of Django's
bare 400 (see `tolerate_oversized_body`).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, RequestDataTooBig, ValidationError
from django.core.paginator import Paginator
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ..choices import DISPATCHING, EDITABLE, InfobriefStatus
from ..forms.letters import InfobriefSettingsForm, SendForm, VersionForm
from ..models import MAX_BODY, Infobrief, InfobriefVersion
from ..rendering import render_markdown
from ..selectors import dispatch as dispatch_selectors
from ..selectors.letters import (
    Owner,
    audience_summary,
    infobrief_get_for_editor,
    infobrief_get_for_viewer,
    infobriefe_for_editor,
    topics_summary,
    version_rows,
    writer_owners,
)
from ..services import dispatch as dispatch_services
from ..services import letters as services

PAGE_SIZE = 25
GERMAN = "de"
TEMPLATE = "infobriefe/editor/{}.html"
# Statuses in which the progress partial polls itself.
POLLING = (InfobriefStatus.PREPARING, InfobriefStatus.SENDING)


# --- helpers ---------------------------------------------------------------------------------


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


def _require_writer(request: HttpRequest) -> None:
    if not request.user.has_perm("infobriefe.write"):
        raise Http404


def _language_name(code: str) -> str:
    names = dict(settings.LANGUAGES)
    if code not in names:
        raise Http404
    return str(names[code])


def _direction(language: str) -> str:
    return "rtl" if translation.get_language_info(language)["bidi"] else "ltr"


def _to_detail(infobrief: Infobrief) -> HttpResponse:
    return redirect("infobriefe:editor_detail", pk=infobrief.pk)


def _not_a_draft(request: HttpRequest, infobrief: Infobrief) -> HttpResponse:
    messages.info(
        request, _("This Infobrief has been scheduled or sent and can no longer be changed.")
    )
    return _to_detail(infobrief)


def _owner_of(infobrief: Infobrief) -> Owner:
    return Owner(
        key="current",
        label="",
        state=infobrief.state,
        team_district=infobrief.team_district,
    )


def _is_due(infobrief: Infobrief) -> bool:
    return (
        infobrief.status == InfobriefStatus.SCHEDULED
        and infobrief.scheduled_at is not None
        and infobrief.scheduled_at <= timezone.now()
    )


def _show_error(request: HttpRequest, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


def tolerate_oversized_body(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Let `view` answer a POST body above DATA_UPLOAD_MAX_MEMORY_SIZE itself.

    The CSRF middleware reads the body first and would fail with a bare 400, so the wrapper
    is exempt from the middleware, reads the body, and then runs the same CSRF check itself.
    An oversized body is never read (nor acted on): the view gets `oversized=True` and
    answers with the form and an error, which changes nothing.
    """

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.method == "POST":
            try:
                request.POST  # noqa: B018 - parse now, to catch the size error here
            except RequestDataTooBig:
                return view(request, *args, oversized=True, **kwargs)
            rejection = CsrfViewMiddleware(lambda _request: HttpResponse()).process_view(
                request, view, args, kwargs
            )
            if rejection is not None:
                return rejection
        return view(request, *args, oversized=False, **kwargs)

    return csrf_exempt(wrapper)


def _too_big_message() -> str:
    return _(
        "The text is far too long: at most %(max)s characters can be saved. Nothing has been "
        "saved; please shorten it."
    ) % {"max": number_format(MAX_BODY, force_grouping=True)}


# --- list and creation -----------------------------------------------------------------------


@login_required
@require_GET
def editor_list(request: HttpRequest) -> HttpResponse:
    """The Infobriefe of the user's district teams and Länder, newest first."""
    _require_writer(request)
    page = Paginator(infobriefe_for_editor(user=request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    rows = [
        {
            "infobrief": infobrief,
            "audience": audience_summary(infobrief=infobrief),
            "languages": [version.language for version in infobrief.versions.all()],
            "subject": next(
                (v.subject for v in infobrief.versions.all() if v.language == GERMAN), ""
            ),
        }
        for infobrief in page.object_list
    ]
    return render(request, TEMPLATE.format("list"), {"page_obj": page, "rows": rows})


@login_required
@require_http_methods(["GET", "POST"])
def editor_create(request: HttpRequest) -> HttpResponse:
    """A new draft: from which team or Land, sender name, audience, topics."""
    _require_writer(request)
    owners = writer_owners(user=request.user)
    if not owners:  # pragma: no cover - a writer has a team or a Land
        raise Http404
    if request.method == "POST":
        form = InfobriefSettingsForm(request.POST, owners=owners)
        if form.is_valid():
            owner = form.chosen_owner()
            assert owner is not None
            try:
                infobrief = services.infobrief_create(
                    actor=request.user,
                    state=owner.state,
                    team_district=owner.team_district,
                    **form.service_arguments(),
                )
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(
                    request, _("The Infobrief has been created. Now write the German text.")
                )
                return redirect("infobriefe:editor_version", pk=infobrief.pk, language=GERMAN)
    else:
        first = owners[0]
        default_name = (
            _("Lotsen team %(district)s") % {"district": first.team_district.name}
            if first.team_district is not None
            else _("State editors of %(state)s") % {"state": first.state.name}
        )
        form = InfobriefSettingsForm(
            initial={"owner": first.key, "sender_name": default_name}, owners=owners
        )
    return render(request, TEMPLATE.format("settings"), {"form": form, "infobrief": None})


# --- one Infobrief ----------------------------------------------------------------------------


def _progress_context(request: HttpRequest, infobrief: Infobrief) -> dict[str, Any]:
    """What the progress partial shows: progress while and after the dispatch, the figures
    once sent, and whether it polls itself (dispatch running, or due and about to start)."""
    started = infobrief.status in DISPATCHING or infobrief.status == InfobriefStatus.SENT
    progress = dispatch_selectors.infobrief_progress(infobrief=infobrief) if started else None
    return {
        "infobrief": infobrief,
        "can_edit": bool(request.user.has_perm("infobriefe.edit_infobrief", infobrief)),
        "started": started,
        "progress": progress,
        "done": progress.done if progress else 0,
        "figures": dispatch_selectors.infobrief_figures(infobrief=infobrief, progress=progress)
        if infobrief.status == InfobriefStatus.SENT
        else None,
        "polling": infobrief.status in POLLING or _is_due(infobrief),
    }


@login_required
@require_GET
def editor_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Versions per language, audience, recipients, progress or figures, and the actions the
    status allows."""
    infobrief = infobrief_get_for_viewer(user=request.user, pk=pk)
    context = _progress_context(request, infobrief)
    draft = infobrief.status in EDITABLE
    rows = version_rows(infobrief=infobrief)
    german = next((row.version for row in rows if row.code == GERMAN), None)
    estimated = None
    if infobrief.status in (InfobriefStatus.DRAFT, InfobriefStatus.SCHEDULED):
        estimated = dispatch_selectors.infobrief_recipients(infobrief=infobrief).count()
    context |= {
        "draft": draft,
        "rows": rows,
        "german": german,
        "missing": [row for row in rows if row.version is None],
        "audience": audience_summary(infobrief=infobrief),
        "topics": topics_summary(infobrief=infobrief),
        "estimated": estimated,
        "send_form": SendForm() if context["can_edit"] and draft and german else None,
    }
    return render(request, TEMPLATE.format("detail"), context)


@never_cache
@login_required
@require_GET
def editor_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress partial (polled every 2 s while the dispatch runs)."""
    infobrief = infobrief_get_for_viewer(user=request.user, pk=pk)
    # `oob`: the response also updates the status line, the heading and the actions.
    context = _progress_context(request, infobrief) | {"oob": True}
    return render(request, TEMPLATE.format("detail") + "#progress", context)


@login_required
@require_http_methods(["GET", "POST"])
def editor_settings(request: HttpRequest, pk: int) -> HttpResponse:
    """Change sender name, audience and topics of a draft."""
    infobrief = infobrief_get_for_editor(user=request.user, pk=pk)
    if infobrief.status not in EDITABLE:
        return _not_a_draft(request, infobrief)
    owners = [_owner_of(infobrief)]
    if request.method == "POST":
        form = InfobriefSettingsForm(request.POST, owners=owners)
        if form.is_valid():
            try:
                services.infobrief_update_settings(
                    actor=request.user, infobrief=infobrief, **form.service_arguments()
                )
            except PermissionDenied as error:  # pragma: no cover - fetched as its editor
                raise Http404 from error
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(request, _("The settings have been saved."))
                return _to_detail(infobrief)
    else:
        form = InfobriefSettingsForm(
            initial=InfobriefSettingsForm.initial_for(infobrief), owners=owners
        )
    return render(request, TEMPLATE.format("settings"), {"form": form, "infobrief": infobrief})


@tolerate_oversized_body
@login_required
@require_http_methods(["GET", "POST"])
def editor_version(
    request: HttpRequest, pk: int, language: str, oversized: bool = False
) -> HttpResponse:
    """Subject and Markdown text in one language, with a live preview."""
    language_name = _language_name(language)
    infobrief = infobrief_get_for_editor(user=request.user, pk=pk)
    if infobrief.status not in EDITABLE:
        return _not_a_draft(request, infobrief)
    version = InfobriefVersion.objects.filter(infobrief=infobrief, language=language).first()
    saved = {"subject": version.subject, "body": version.body} if version else None
    if request.method == "POST" and not oversized:
        form = VersionForm(request.POST)
        if form.is_valid():
            try:
                services.infobrief_version_save(
                    actor=request.user, infobrief=infobrief, language=language, **form.cleaned_data
                )
            except PermissionDenied as error:  # pragma: no cover - fetched as its editor
                raise Http404 from error
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(
                    request,
                    _("The %(language)s text has been saved.") % {"language": language_name},
                )
                return _to_detail(infobrief)
    else:
        # A first visit, or a body too large to be read: the saved text (nothing changed).
        form = VersionForm(initial=saved)
    direction = _direction(language)
    for name in ("subject", "body"):
        form.fields[name].widget.attrs.update({"lang": language, "dir": direction})
    body = form["body"].value() or ""
    context = {
        "direction": direction,
        "infobrief": infobrief,
        "form": form,
        "language": language,
        "language_name": language_name,
        "version": version,
        "rows": version_rows(infobrief=infobrief),
        "oversized_error": _too_big_message() if oversized else "",
        "preview_subject": form["subject"].value() or "",
        "preview_html": render_markdown(str(body)) if len(str(body)) <= MAX_BODY else "",
        "preview_error": "",
    }
    status = 413 if oversized else 200
    return render(request, TEMPLATE.format("version"), context, status=status)


@tolerate_oversized_body
@login_required
@require_POST
def editor_preview(request: HttpRequest, oversized: bool = False) -> HttpResponse:
    """The live preview (htmx): the sanitised HTML of the posted Markdown."""
    _require_writer(request)
    language = str(request.POST.get("language", "")) if not oversized else ""
    if language not in dict(settings.LANGUAGES):
        language = GERMAN
    context: dict[str, Any] = {
        "language": language,
        "direction": _direction(language),
        "preview_subject": "",
        "preview_html": "",
        "preview_error": "",
    }
    if oversized:
        context["preview_error"] = _too_big_message()
    else:
        body = str(request.POST.get("body", ""))
        context["preview_subject"] = str(request.POST.get("subject", ""))[:1000]
        if len(body) > MAX_BODY:
            context["preview_error"] = _(
                "The text is too long for the preview: at most %(max)s characters."
            ) % {"max": number_format(MAX_BODY, force_grouping=True)}
        else:
            context["preview_html"] = render_markdown(body)
    return render(request, TEMPLATE.format("version") + "#preview", context)


@login_required
@require_http_methods(["GET", "POST"])
def editor_version_delete(request: HttpRequest, pk: int, language: str) -> HttpResponse:
    """Delete the text in one language (not German); GET asks first."""
    language_name = _language_name(language)
    if language == GERMAN:
        raise Http404
    infobrief = infobrief_get_for_editor(user=request.user, pk=pk)
    if infobrief.status not in EDITABLE:
        return _not_a_draft(request, infobrief)
    if not any(version.language == language for version in infobrief.versions.all()):
        raise Http404
    if request.method == "POST":
        try:
            services.infobrief_version_delete(
                actor=request.user, infobrief=infobrief, language=language
            )
        except ValidationError as error:
            _show_error(request, error)
        else:
            messages.success(
                request,
                _("The %(language)s text has been deleted. Its readers get the German text.")
                % {"language": language_name},
            )
        return _to_detail(infobrief)
    return render(
        request,
        TEMPLATE.format("confirm"),
        {
            "infobrief": infobrief,
            "title": _("Delete the %(language)s text?") % {"language": language_name},
            "text": _(
                "Readers who chose %(language)s will get the German text with a note instead."
            )
            % {"language": language_name},
            "button": _("Delete the text"),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def editor_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Delete a draft; GET asks first."""
    infobrief = infobrief_get_for_editor(user=request.user, pk=pk)
    if infobrief.status != InfobriefStatus.DRAFT:
        messages.info(request, _("Only drafts can be deleted."))
        return _to_detail(infobrief)
    if request.method == "POST":
        try:
            services.infobrief_delete(actor=request.user, infobrief=infobrief)
        except ValidationError as error:
            _show_error(request, error)
            return _to_detail(infobrief)
        messages.success(request, _("The draft has been deleted."))
        return redirect("infobriefe:editor_list")
    return render(
        request,
        TEMPLATE.format("confirm"),
        {
            "infobrief": infobrief,
            "title": _("Delete this draft?"),
            "text": _("The draft and all its texts will be deleted. This cannot be undone."),
            "button": _("Delete the draft"),
        },
    )


# --- sending ---------------------------------------------------------------------------------


@login_required
@require_POST
def editor_test(request: HttpRequest, pk: int) -> HttpResponse:
    """Send the Infobrief to oneself, once per written language."""
    infobrief = infobrief_get_for_editor(user=request.user, pk=pk)
    try:
        dispatch_services.infobrief_send_test(actor=request.user, infobrief=infobrief)
    except PermissionDenied as error:
        raise Http404 from error
    except ValidationError as error:
        _show_error(request, error)
    else:
        messages.success(
            request,
            _("A test mail in each written language goes to %(email)s.")
            % {"email": request.user.email},  # type: ignore[union-attr]
        )
    return _to_detail(infobrief)


@login_required
@require_http_methods(["GET", "POST"])
def editor_send(request: HttpRequest, pk: int) -> HttpResponse:
    """Send now or schedule: choose, confirm (with the number of recipients), done."""
    infobrief = infobrief_get_for_editor(user=request.user, pk=pk)
    if infobrief.status not in EDITABLE:
        return _not_a_draft(request, infobrief)
    has_german = any(version.language == GERMAN for version in infobrief.versions.all())
    form = SendForm(request.POST if request.method == "POST" else None)
    confirming = False
    if request.method == "POST" and form.is_valid():
        if request.POST.get("confirm") == "yes":
            try:
                services.infobrief_send(
                    actor=request.user, infobrief=infobrief, send_at=form.chosen_time()
                )
            except PermissionDenied as error:  # pragma: no cover - fetched as its editor
                raise Http404 from error
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                if form.chosen_time() is None:
                    messages.success(request, _("The Infobrief is being sent."))
                else:
                    messages.success(request, _("The Infobrief has been scheduled."))
                return _to_detail(infobrief)
        else:
            # Without the German text there is nothing to confirm: the page says so.
            confirming = has_german
    context = {
        "infobrief": infobrief,
        "form": form,
        "confirming": confirming and not form.errors,
        "send_at": form.cleaned_data.get("send_at") if form.is_bound and form.is_valid() else None,
        "estimated": dispatch_selectors.infobrief_recipients(infobrief=infobrief).count(),
        "audience": audience_summary(infobrief=infobrief),
        "has_german": has_german,
    }
    return render(request, TEMPLATE.format("send"), context)


def _status_action(
    request: HttpRequest, pk: int, action: Callable[..., Any], done: str
) -> HttpResponse:
    """Run one status change of an Infobrief the user edits; show its error or `done`."""
    infobrief = infobrief_get_for_editor(user=request.user, pk=pk)
    try:
        action(actor=request.user, infobrief=infobrief)
    except PermissionDenied as error:
        raise Http404 from error
    except ValidationError as error:
        _show_error(request, error)
    else:
        messages.success(request, done)
    return _to_detail(infobrief)


@login_required
@require_POST
def editor_unschedule(request: HttpRequest, pk: int) -> HttpResponse:
    """Take back a scheduled Infobrief (a draft again)."""
    return _status_action(
        request,
        pk,
        services.infobrief_unschedule,
        _("The Infobrief has been taken back. It is a draft again."),
    )


@login_required
@require_POST
def editor_pause(request: HttpRequest, pk: int) -> HttpResponse:
    """Pause a running dispatch (mails already sent stay sent)."""
    return _status_action(
        request, pk, dispatch_services.dispatch_pause, _("The dispatch has been paused.")
    )


@login_required
@require_POST
def editor_resume(request: HttpRequest, pk: int) -> HttpResponse:
    """Resume a paused dispatch."""
    return _status_action(
        request, pk, dispatch_services.dispatch_resume, _("The dispatch goes on.")
    )
