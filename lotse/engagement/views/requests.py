"""HTML views of help requests: the newcomer's form and status page (public), entering on a
newcomer's behalf, and the coordinators' queue, detail and actions."""

from __future__ import annotations

from typing import Any

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from lotse.core import ratelimit
from lotse.core.audit import audit_record
from lotse.core.availability import cells_from_mask
from lotse.core.choices import DaySlot
from lotse.volunteers.choices import CELL_LABELS
from lotse.volunteers.models import VolunteerProfile

from ..choices import ContactChannel, ProposalStatus, RequestStatus
from ..forms.proposals import NewcomerRefuseForm
from ..forms.requests import (
    HelpRequestForm,
    InterpreterForm,
    ManualMatchForm,
    RequestCloseForm,
    RequestFilterForm,
    VolunteerSearchForm,
)
from ..models import HelpRequest, Proposal
from ..permissions import can_enter_request_on_behalf, is_coordinator
from ..selectors.proposals import proposal_winning_for_request
from ..selectors.requests import (
    coordinated_districts,
    help_request_get_by_key,
    help_request_get_for_coordinator,
    help_request_list_for_coordinator,
    interpreter_candidates,
    proposal_history_for_request,
    volunteer_candidates_for_request,
)
from ..services.proposals import proposal_confirm, proposal_create_manual, proposal_refuse
from ..services.requests import (
    help_request_attach_interpreter,
    help_request_close,
    help_request_create,
    help_request_delete,
    help_request_update,
    status_url,
)

PAGE_SIZE = 25
# Public form: at most this many requests per IP address and hour.
RATE_LIMIT_PER_HOUR = 5
RATE_SCOPE = "help-request"
# The new request's status link, shown once on the next page.
_SESSION_KEY = "engagement_new_request"


# --- helpers ---------------------------------------------------------------------------------


def render_reasons(reasons: dict[str, Any]) -> list[str]:
    """The reasons of a proposal as translated phrases (empty when explain is missing)."""
    try:
        from ..explain import render_reasons as render
    except ImportError:  # pragma: no cover - the matching area provides it
        return []
    return render(reasons or {})


def posted_data(request: HttpRequest) -> Any:
    """The POST data of a POST (even an empty one), else None (an unbound form)."""
    return request.POST if request.method == "POST" else None


def waiting_days(help_request: HelpRequest) -> int:
    return max((timezone.now() - help_request.created_at).days, 0)


def time_labels(mask: int) -> list[str]:
    return [str(CELL_LABELS[cell]) for cell in cells_from_mask(mask)]


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


def patenschaft_url(proposal: Proposal) -> str | None:
    """The page of the proposal's Patenschaft, when there is one."""
    patenschaft = getattr(proposal, "patenschaft", None)
    if patenschaft is None:
        return None
    try:
        return reverse("engagement:patenschaft_detail", kwargs={"pk": patenschaft.pk})
    except NoReverseMatch:  # pragma: no cover - the patenschaften area provides it
        return None


def _remember_new_request(request: HttpRequest, help_request: HelpRequest, key: str) -> None:
    request.session[_SESSION_KEY] = {
        "key": key,
        "pk": help_request.pk,
        "mailed": help_request.contact_channel == ContactChannel.EMAIL,
    }


def _pop_new_request(request: HttpRequest) -> dict[str, Any] | None:
    value = request.session.pop(_SESSION_KEY, None)
    return value if isinstance(value, dict) and value.get("key") else None


def _form_context(form: HelpRequestForm) -> dict[str, Any]:
    return {
        "form": form,
        "times_rows": form.availability_rows(),
        "times_columns": DaySlot.labels,
    }


def _qr_svg(url: str) -> str:
    svg = segno.make(url, error="m").svg_inline(
        scale=4, light="#ffffff", title=_("QR code of the status link")
    )
    # segno writes attributes only (no style="…"), which the CSP allows.
    return mark_safe(svg)  # noqa: S308 - generated by segno from our own URL


def _private(response: HttpResponse) -> HttpResponse:
    """Pages with a secret link: never cached, never indexed, no referrer to other sites.

    Not "no-referrer": browsers then send `Origin: null` with the page's own forms (yes/no,
    language switch), which Django's CSRF check refuses."""
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


# --- the newcomer ----------------------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
def request_public_create(request: HttpRequest) -> HttpResponse:
    """The public form a newcomer fills in (no account), in the visitor's language."""
    form = HelpRequestForm(posted_data(request))
    status = 200
    if request.method == "POST":
        if form.is_spam():
            # Bots get the same answer as people, and nothing is stored.
            return redirect("engagement:request_thanks")
        if form.is_valid():
            if ratelimit.is_limited(request, RATE_SCOPE, limit=RATE_LIMIT_PER_HOUR):
                form.add_error(
                    None,
                    _(
                        "You have sent several requests in a short time. Please try again in "
                        "an hour, or contact the integration office of your district."
                    ),
                )
                status = 429
            else:
                try:
                    help_request, key = help_request_create(
                        actor=request.user,
                        consent=form.cleaned_data["consent"],
                        form_language=translation.get_language() or settings.LANGUAGE_CODE,
                        **form.service_arguments(),
                    )
                except ValidationError as error:
                    apply_service_errors(form, error)
                else:
                    ratelimit.record(request, RATE_SCOPE)
                    _remember_new_request(request, help_request, key)
                    return redirect("engagement:request_thanks")
    context = _form_context(form) | {"privacy_version": settings.LOTSE_PRIVACY_NOTICE_VERSION}
    return render(request, "engagement/requests/public_form.html", context, status=status)


@never_cache
@require_GET
def request_thanks(request: HttpRequest) -> HttpResponse:
    """Thank the newcomer and show their status link, once."""
    new = _pop_new_request(request)
    context: dict[str, Any] = {"status_url": None, "mailed": False}
    if new is not None:
        context = {"status_url": status_url(new["key"]), "mailed": bool(new.get("mailed"))}
    return _private(render(request, "engagement/requests/thanks.html", context))


def _status_language(request: HttpRequest, help_request: HelpRequest) -> str:
    """The form's language, unless the visitor chose one with the language switch."""
    if settings.LANGUAGE_COOKIE_NAME in request.COOKIES:
        return translation.get_language() or settings.LANGUAGE_CODE
    return help_request.form_language or settings.LANGUAGE_CODE


@never_cache
@require_http_methods(["GET", "POST"])
def request_status(request: HttpRequest, key: str) -> HttpResponse:
    """The newcomer's status page behind the secret link: status in plain language; once a
    volunteer accepted, their first name, languages and reasons with "yes"/"no"; after "yes"
    how to reach the volunteer. Unknown keys are 404."""
    help_request = help_request_get_by_key(key=key)
    if help_request is None:
        raise Http404
    with translation.override(_status_language(request, help_request)):
        winner = proposal_winning_for_request(request=help_request)
        refuse_form = NewcomerRefuseForm(
            request.POST if request.POST.get("action") == "refuse" else None
        )
        if request.method == "POST":
            action = request.POST.get("action")
            if winner is None or action not in ("confirm", "refuse"):
                messages.error(request, _("There is nothing to answer at the moment."))
                return redirect(request.path)
            try:
                if action == "confirm":
                    proposal_confirm(actor=None, proposal=winner)
                    messages.success(request, _("Thank you! Your volunteer will contact you."))
                    return redirect(request.path)
                if refuse_form.is_valid():
                    proposal_refuse(
                        actor=None, proposal=winner, reason=refuse_form.cleaned_data["reason"]
                    )
                    messages.success(
                        request, _("Thank you for your answer. We will look for someone else.")
                    )
                    return redirect(request.path)
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
                return redirect(request.path)
        volunteer = winner.volunteer if winner else None
        context = {
            "help_request": help_request,
            "winner": winner,
            "volunteer_first_name": volunteer.user.first_name if volunteer else "",
            "volunteer_languages": (
                [row.get_language_display() for row in volunteer.languages.all()]
                if volunteer
                else []
            ),
            "reasons": render_reasons(winner.reasons) if winner else [],
            "confirmed": bool(winner and winner.status == ProposalStatus.CONFIRMED),
            "refuse_form": refuse_form,
            "waiting": help_request.status in (RequestStatus.OPEN, RequestStatus.PROPOSED),
            "closed": help_request.status == RequestStatus.CLOSED,
        }
        response = render(request, "engagement/requests/status.html", context)
    return _private(response)


# --- on a newcomer's behalf ------------------------------------------------------------------


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def request_create(request: HttpRequest) -> HttpResponse:
    """Coordinators (for their districts) and organisation members enter a request for a
    newcomer; then they see the status link to hand over."""
    if not can_enter_request_on_behalf(request.user):
        raise Http404
    form = HelpRequestForm(posted_data(request), on_behalf=True)
    if request.method == "POST" and form.is_valid():
        try:
            help_request, key = help_request_create(
                actor=request.user,
                consent=form.cleaned_data["consent"],
                form_language=translation.get_language() or settings.LANGUAGE_CODE,
                on_behalf=True,
                **form.service_arguments(),
            )
        except PermissionDenied as error:
            raise Http404 from error
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            _remember_new_request(request, help_request, key)
            return redirect("engagement:request_handover")
    return render(request, "engagement/requests/staff_form.html", _form_context(form))


@never_cache
@login_required
@require_GET
def request_handover(request: HttpRequest) -> HttpResponse:
    """The status link of the request just entered, to print or copy for the newcomer (once)."""
    if not can_enter_request_on_behalf(request.user):
        raise Http404
    new = _pop_new_request(request)
    context: dict[str, Any] = {"status_url": None}
    if new is not None:
        url = status_url(new["key"])
        context = {
            "status_url": url,
            "qr_svg": _qr_svg(url),
            "mailed": bool(new.get("mailed")),
            "request_pk": new.get("pk"),
            "is_coordinator": is_coordinator(request.user),
        }
    return _private(render(request, "engagement/requests/handover.html", context))


# --- coordinators ----------------------------------------------------------------------------


@login_required
@require_GET
def request_list(request: HttpRequest) -> HttpResponse:
    """The queue of help requests of the coordinator's districts, oldest first."""
    if not is_coordinator(request.user):
        raise Http404
    districts = list(coordinated_districts(user=request.user))
    form = RequestFilterForm(request.GET or None, districts=districts)
    queryset = help_request_list_for_coordinator(user=request.user, filters=form.filters())
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [
        {"request": help_request, "waiting_days": waiting_days(help_request)}
        for help_request in page.object_list
    ]
    context = {
        "form": form,
        "page_obj": page,
        "rows": rows,
        "show_district": len(districts) > 1,
    }
    if request.headers.get("HX-Request"):
        return render(request, "engagement/requests/list.html#results", context)
    return render(request, "engagement/requests/list.html", context)


def _history(help_request: HelpRequest) -> list[dict[str, Any]]:
    proposals = proposal_history_for_request(request=help_request)
    return [
        {
            "proposal": proposal,
            "reasons": render_reasons(proposal.reasons),
            "can_review": proposal.status == ProposalStatus.SUGGESTED,
            "can_answer_for_newcomer": proposal.status == ProposalStatus.ACCEPTED,
        }
        for proposal in proposals
    ]


@login_required
@require_GET
def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One request with all its data (the access is audited) and its proposals."""
    help_request = help_request_get_for_coordinator(user=request.user, pk=pk)
    audit_record(actor=request.user, action="engagement.request.viewed", obj=help_request)
    is_open = help_request.status in (RequestStatus.OPEN, RequestStatus.PROPOSED)
    context = {
        "help_request": help_request,
        "waiting_days": waiting_days(help_request),
        "times": time_labels(help_request.preferred_times),
        "history": _history(help_request),
        "is_open": is_open,
        "editable": help_request.status != RequestStatus.CLOSED
        and help_request.anonymised_at is None,
        "patenschaft_url": _request_patenschaft_url(help_request),
    }
    return render(request, "engagement/requests/detail.html", context)


def _request_patenschaft_url(help_request: HelpRequest) -> str | None:
    patenschaft = getattr(help_request, "patenschaft", None) if help_request.pk else None
    if patenschaft is None:
        return None
    try:
        return reverse("engagement:patenschaft_detail", kwargs={"pk": patenschaft.pk})
    except NoReverseMatch:  # pragma: no cover
        return None


def _back_to_detail(help_request: HelpRequest) -> HttpResponse:
    return redirect("engagement:request_detail", pk=help_request.pk)


@login_required
@require_http_methods(["GET", "POST"])
def request_edit(request: HttpRequest, pk: int) -> HttpResponse:
    help_request = help_request_get_for_coordinator(user=request.user, pk=pk)
    if request.method == "POST":
        form = HelpRequestForm(request.POST, editing=True)
        if form.is_valid():
            try:
                help_request_update(
                    actor=request.user, request=help_request, **form.service_arguments()
                )
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(request, _("The request has been saved."))
                return _back_to_detail(help_request)
    else:
        form = HelpRequestForm(initial=HelpRequestForm.initial_for(help_request), editing=True)
    context = _form_context(form) | {"help_request": help_request}
    return render(request, "engagement/requests/edit.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def request_interpreter(request: HttpRequest, pk: int) -> HttpResponse:
    help_request = help_request_get_for_coordinator(user=request.user, pk=pk)
    candidates = interpreter_candidates(user=request.user, request=help_request)
    form = InterpreterForm(
        posted_data(request),
        candidates=candidates,
        initial={"interpreter": help_request.interpreter_id},
    )
    if request.method == "POST" and form.is_valid():
        try:
            help_request_attach_interpreter(
                actor=request.user,
                request=help_request,
                interpreter=form.cleaned_data["interpreter"],
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The interpreter has been saved."))
            return _back_to_detail(help_request)
    return render(
        request,
        "engagement/requests/interpreter.html",
        {"help_request": help_request, "form": form},
    )


@login_required
@require_http_methods(["GET", "POST"])
def request_close(request: HttpRequest, pk: int) -> HttpResponse:
    help_request = help_request_get_for_coordinator(user=request.user, pk=pk)
    form = RequestCloseForm(posted_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            help_request_close(
                actor=request.user, request=help_request, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The request has been closed."))
            return _back_to_detail(help_request)
    return render(
        request, "engagement/requests/close.html", {"help_request": help_request, "form": form}
    )


@login_required
@require_http_methods(["GET", "POST"])
def request_delete(request: HttpRequest, pk: int) -> HttpResponse:
    help_request = help_request_get_for_coordinator(user=request.user, pk=pk)
    if request.method == "POST":
        help_request_delete(actor=request.user, request=help_request)
        messages.success(request, _("The personal data of the request has been deleted."))
        return _back_to_detail(help_request)
    return render(request, "engagement/requests/delete.html", {"help_request": help_request})


@login_required
@require_http_methods(["GET", "POST"])
def request_match(request: HttpRequest, pk: int) -> HttpResponse:
    """Match by hand: search the coordinator's volunteers by name and propose one."""
    help_request = help_request_get_for_coordinator(user=request.user, pk=pk)
    search = VolunteerSearchForm(request.GET or None)
    term = search.cleaned_data.get("q", "") if search.is_valid() else ""
    if request.method == "POST":
        choice = ManualMatchForm(request.POST)
        volunteer = (
            VolunteerProfile.objects.filter(pk=choice.cleaned_data["volunteer"]).first()
            if choice.is_valid()
            else None
        )
        if volunteer is None:
            messages.error(request, _("Please choose a volunteer from the list."))
        else:
            try:
                proposal_create_manual(
                    actor=request.user, request=help_request, volunteer=volunteer
                )
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(request, _("The proposal has been sent to the volunteer."))
                return _back_to_detail(help_request)
    volunteers = volunteer_candidates_for_request(
        user=request.user, request=help_request, search=term
    )
    context = {
        "help_request": help_request,
        "search": search,
        "volunteers": volunteers,
        "term": term,
        "is_open": help_request.status in (RequestStatus.OPEN, RequestStatus.PROPOSED),
    }
    if request.headers.get("HX-Request"):
        return render(request, "engagement/requests/match.html#results", context)
    return render(request, "engagement/requests/match.html", context)
