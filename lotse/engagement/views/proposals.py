"""HTML views of proposals: the volunteer's "my proposals" and answers, and the coordinators'
review of suggestions and answers on a newcomer's behalf."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from lotse.core.geo import great_circle_km

from ..choices import ProposalStatus
from ..forms.proposals import (
    NewcomerRefuseForm,
    ProposalAcceptForm,
    ProposalDeclineForm,
    ProposalRejectForm,
)
from ..models import Proposal
from ..selectors.proposals import (
    proposal_get_for_coordinator,
    proposal_get_for_volunteer,
    proposals_for_volunteer,
)
from ..services import proposals as services
from .requests import (
    apply_service_errors,
    patenschaft_url,
    posted_data,
    render_reasons,
    time_labels,
    waiting_days,
)

PAGE_SIZE = 25
ANSWERABLE = (ProposalStatus.PROPOSED,)
DECLINABLE = (ProposalStatus.PROPOSED, ProposalStatus.ACCEPTED)


def _distance_km(proposal: Proposal) -> float:
    request_postcode = proposal.request.postcode
    volunteer_postcode = proposal.volunteer.postcode
    return great_circle_km(
        request_postcode.latitude,
        request_postcode.longitude,
        volunteer_postcode.latitude,
        volunteer_postcode.longitude,
    )


def _facts(proposal: Proposal) -> dict[str, Any]:
    """What the volunteer may know about the request: never the newcomer's contact data."""
    help_request = proposal.request
    return {
        "proposal": proposal,
        "topic": help_request.get_topic_display(),
        "needs": help_request.needs,
        "languages": [row.get_language_display() for row in help_request.languages.all()],
        "district": help_request.district.name,
        "distance_km": _distance_km(proposal),
        "times": time_labels(help_request.preferred_times),
        "urgency": help_request.get_urgency_display(),
        "urgent": help_request.urgency == "high",
        "waiting_days": waiting_days(help_request),
        "reasons": render_reasons(proposal.reasons),
        "can_accept": proposal.status in ANSWERABLE,
        "can_decline": proposal.status in DECLINABLE,
        "patenschaft_url": (
            patenschaft_url(proposal) if proposal.status == ProposalStatus.CONFIRMED else None
        ),
    }


# --- volunteers ------------------------------------------------------------------------------


@login_required
@require_GET
def proposal_list(request: HttpRequest) -> HttpResponse:
    """The proposals sent to the volunteer, newest first."""
    queryset = proposals_for_volunteer(user=request.user)
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [
        {
            "proposal": proposal,
            "waiting_days": waiting_days(proposal.request),
            "distance_km": _distance_km(proposal),
        }
        for proposal in page.object_list
    ]
    context = {
        "page_obj": page,
        "rows": rows,
        "has_profile": hasattr(request.user, "volunteer_profile"),
    }
    return render(request, "engagement/proposals/list.html", context)


@login_required
@require_GET
def proposal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = proposal_get_for_volunteer(user=request.user, pk=pk)
    return render(request, "engagement/proposals/detail.html", _facts(proposal))


def _answer_page(
    request: HttpRequest,
    proposal: Proposal,
    *,
    form: Any,
    template: str,
    action: Any,
    success: str,
    redirect_to: Any,
    context: dict[str, Any] | None = None,
    **arguments: Any,
) -> HttpResponse:
    """Show `form`; on a valid POST call the service `action` and redirect, else show errors."""
    if request.method == "POST" and form.is_valid():
        try:
            action(actor=request.user, proposal=proposal, **arguments, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, success)
            return redirect_to
    return render(request, template, (context or {}) | {"form": form, "proposal": proposal})


@login_required
@require_http_methods(["GET", "POST"])
def proposal_accept(request: HttpRequest, pk: int) -> HttpResponse:
    """The volunteer accepts and says how the newcomer can reach them."""
    proposal = proposal_get_for_volunteer(user=request.user, pk=pk)
    return _answer_page(
        request,
        proposal,
        form=ProposalAcceptForm(posted_data(request)),
        template="engagement/proposals/accept.html",
        action=services.proposal_accept,
        success=_("Thank you! We now ask the newcomer to confirm. We will let you know."),
        redirect_to=redirect("engagement:proposal_detail", pk=proposal.pk),
        context=_facts(proposal),
    )


@login_required
@require_http_methods(["GET", "POST"])
def proposal_decline(request: HttpRequest, pk: int) -> HttpResponse:
    """The volunteer declines (a reason is optional)."""
    proposal = proposal_get_for_volunteer(user=request.user, pk=pk)
    return _answer_page(
        request,
        proposal,
        form=ProposalDeclineForm(posted_data(request)),
        template="engagement/proposals/decline.html",
        action=services.proposal_decline,
        success=_("You have declined the proposal. Thank you for letting us know."),
        redirect_to=redirect("engagement:proposal_list"),
        context=_facts(proposal),
    )


# --- coordinators ----------------------------------------------------------------------------


def _coordinator_context(proposal: Proposal) -> dict[str, Any]:
    return {
        "help_request": proposal.request,
        "volunteer_name": proposal.volunteer.user.get_full_name() or proposal.volunteer.user.email,
        "reasons": render_reasons(proposal.reasons),
    }


@login_required
@require_http_methods(["GET", "POST"])
def proposal_send(request: HttpRequest, pk: int) -> HttpResponse:
    """Send an engine suggestion to the volunteer (coordinators of the district)."""
    proposal = proposal_get_for_coordinator(user=request.user, pk=pk)
    return _answer_page(
        request,
        proposal,
        form=Form(posted_data(request)),
        template="engagement/proposals/send.html",
        action=services.proposal_send,
        success=_("The proposal has been sent to the volunteer."),
        redirect_to=redirect("engagement:request_detail", pk=proposal.request_id),
        context=_coordinator_context(proposal),
    )


@login_required
@require_http_methods(["GET", "POST"])
def proposal_reject(request: HttpRequest, pk: int) -> HttpResponse:
    """Reject an engine suggestion with a reason (coordinators of the district)."""
    proposal = proposal_get_for_coordinator(user=request.user, pk=pk)
    return _answer_page(
        request,
        proposal,
        form=ProposalRejectForm(posted_data(request)),
        template="engagement/proposals/reject.html",
        action=services.proposal_reject,
        success=_("The suggestion has been rejected."),
        redirect_to=redirect("engagement:request_detail", pk=proposal.request_id),
        context=_coordinator_context(proposal),
    )


@login_required
@require_http_methods(["GET", "POST"])
def proposal_newcomer_answer(request: HttpRequest, pk: int) -> HttpResponse:
    """A coordinator confirms or refuses an accepted proposal on the newcomer's behalf."""
    proposal = proposal_get_for_coordinator(user=request.user, pk=pk)
    refuse = request.POST.get("action") == "refuse"
    if request.method == "POST" and not refuse:
        try:
            services.proposal_confirm(actor=request.user, proposal=proposal)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Confirmed. The Patenschaft has started."))
        return redirect("engagement:request_detail", pk=proposal.request_id)
    return _answer_page(
        request,
        proposal,
        form=NewcomerRefuseForm(request.POST if refuse else None),
        template="engagement/proposals/newcomer_answer.html",
        action=services.proposal_refuse,
        success=_("Refused. The request is open again."),
        redirect_to=redirect("engagement:request_detail", pk=proposal.request_id),
        context=_coordinator_context(proposal),
    )
