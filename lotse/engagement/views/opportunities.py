"""HTML views of opportunities and applications (thin: forms, selectors, services)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from lotse.core.audit import audit_record
from lotse.regions.models import District

from ..choices import ApplicationStatus, OpportunityStatus
from ..forms.opportunities import (
    ApplicationForm,
    DecisionForm,
    OpportunityFilterForm,
    OpportunityForm,
    apply_service_errors,
)
from ..models import Application, Opportunity
from ..permissions import (
    can_manage_opportunity,
    can_post_opportunity,
    has_confirmed_email,
    has_volunteer_profile,
)
from ..selectors.opportunities import (
    application_get_own,
    application_get_visible,
    application_list_for_opportunity,
    application_list_of_volunteer,
    application_of_volunteer_for,
    opportunity_get_for_manager,
    opportunity_get_visible,
    opportunity_manageable_list,
    opportunity_public_list,
    organisations_for_posting,
)
from ..services.opportunities import (
    application_accept,
    application_create,
    application_decline,
    application_withdraw,
    opportunity_close,
    opportunity_create,
    opportunity_is_past,
    opportunity_update,
)

PAGE_SIZE = 20
WITHDRAWABLE = (ApplicationStatus.PENDING, ApplicationStatus.ACCEPTED)


def _is_htmx(request: HttpRequest) -> bool:
    return bool(request.headers.get("HX-Request"))


@require_GET
def opportunity_list(request: HttpRequest) -> HttpResponse:
    """Public list of open opportunities with filters; htmx gets the results only."""
    form = OpportunityFilterForm(request.GET or None)
    filters = form.filters()
    queryset = opportunity_public_list(user=request.user, filters=filters)
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page_obj": page,
        "show_distance": filters.near_postcode is not None,
        "can_post": can_post_opportunity(request.user),
    }
    if _is_htmx(request):
        return render(request, "engagement/opportunities/list.html#results", context)
    return render(request, "engagement/opportunities/list.html", context)


def _can_apply_now(user: Any, opportunity: Opportunity) -> bool:
    return (
        opportunity.status == OpportunityStatus.OPEN
        and not opportunity_is_past(opportunity)
        and bool(has_confirmed_email(user))
        and bool(has_volunteer_profile(user))
    )


@require_GET
def opportunity_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Public page of an opportunity; the contact person only for logged-in visitors."""
    opportunity = opportunity_get_visible(user=request.user, pk=pk)
    application = application_of_volunteer_for(user=request.user, opportunity=opportunity)
    has_live_application = (
        application is not None and application.status != ApplicationStatus.WITHDRAWN
    )
    context = {
        "opportunity": opportunity,
        "is_past": opportunity_is_past(opportunity),
        "can_manage": can_manage_opportunity(request.user, opportunity),
        "application": application,
        "can_apply": _can_apply_now(request.user, opportunity) and not has_live_application,
        "is_volunteer": bool(has_volunteer_profile(request.user)),
        "has_live_application": has_live_application,
        "apply_form": ApplicationForm(),
    }
    return render(request, "engagement/opportunities/detail.html", context)


def _district_choices(organisations: list[Any]) -> list[District]:
    """The districts the organisations serve (the choices for online opportunities)."""
    return list(
        District.objects.filter(organisations__in=organisations).distinct().order_by("name", "ags")
    )


@login_required
@require_http_methods(["GET", "POST"])
def opportunity_create_view(request: HttpRequest) -> HttpResponse:
    """Organisation members and platform admins post an opportunity; 404 for everyone else."""
    if not can_post_opportunity(request.user):
        raise Http404
    organisations = list(organisations_for_posting(user=request.user))
    if not organisations:
        raise Http404
    districts = _district_choices(organisations)
    form_kwargs: dict[str, Any] = {"organisations": organisations, "districts": districts}
    if request.method == "POST":
        form = OpportunityForm(request.POST, **form_kwargs)
        if form.is_valid():
            organisation = form.chosen_organisation()
            assert organisation is not None
            try:
                opportunity = opportunity_create(
                    actor=request.user, organisation=organisation, data=form.to_data()
                )
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(request, _("The opportunity has been published."))
                return redirect("engagement:opportunity_detail", pk=opportunity.pk)
    else:
        form = OpportunityForm(
            initial={"places": 1, "organisation": organisations[0].pk}, **form_kwargs
        )
    return render(
        request, "engagement/opportunities/form.html", {"form": form, "opportunity": None}
    )


@login_required
@require_http_methods(["GET", "POST"])
def opportunity_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change an opportunity (members of its organisation and platform admins)."""
    opportunity = opportunity_get_for_manager(user=request.user, pk=pk)
    districts = list(opportunity.organisation.districts.order_by("name", "ags"))
    if opportunity.district_id not in {d.pk for d in districts}:
        districts.append(opportunity.district)
    form_kwargs: dict[str, Any] = {
        "organisations": [opportunity.organisation],
        "districts": districts,
    }
    if request.method == "POST":
        form = OpportunityForm(request.POST, **form_kwargs)
        if form.is_valid():
            try:
                opportunity_update(actor=request.user, opportunity=opportunity, data=form.to_data())
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(request, _("The opportunity has been saved."))
                return redirect("engagement:opportunity_detail", pk=opportunity.pk)
    else:
        form = OpportunityForm(initial=OpportunityForm.initial_for(opportunity), **form_kwargs)
    return render(
        request,
        "engagement/opportunities/form.html",
        {"form": form, "opportunity": opportunity},
    )


@login_required
@require_http_methods(["GET", "POST"])
def opportunity_close_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Confirm (GET) and close (POST) an opportunity."""
    opportunity = opportunity_get_for_manager(user=request.user, pk=pk)
    if request.method == "POST":
        try:
            opportunity_close(actor=request.user, opportunity=opportunity)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("The opportunity has been closed."))
        return redirect("engagement:opportunity_mine")
    return render(request, "engagement/opportunities/close.html", {"opportunity": opportunity})


@login_required
@require_GET
def opportunity_mine(request: HttpRequest) -> HttpResponse:
    """The opportunities of the user's organisations with pending applications and places."""
    if not can_post_opportunity(request.user):
        raise Http404
    queryset = opportunity_manageable_list(user=request.user)
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "engagement/opportunities/mine.html", {"page_obj": page})


@login_required
@require_GET
def opportunity_applications(request: HttpRequest, pk: int) -> HttpResponse:
    """The applications to one opportunity, for its organisation's members."""
    opportunity = opportunity_get_for_manager(user=request.user, pk=pk)
    applications = list(
        application_list_for_opportunity(user=request.user, opportunity=opportunity)
    )
    audit_record(
        actor=request.user,
        action="engagement.opportunity.applications_viewed",
        obj=opportunity,
    )
    return render(
        request,
        "engagement/opportunities/applications.html",
        {"opportunity": opportunity, "applications": applications},
    )


@login_required
@require_http_methods(["GET", "POST"])
def opportunity_apply(request: HttpRequest, pk: int) -> HttpResponse:
    """A volunteer applies (GET shows the form; POST sends it)."""
    opportunity = opportunity_get_visible(user=request.user, pk=pk)
    if not has_confirmed_email(request.user):
        messages.warning(request, _("Please confirm your e-mail address before you apply."))
        return redirect("accounts:dashboard")
    if not has_volunteer_profile(request.user):
        messages.info(request, _("Please create your volunteer profile before you apply."))
        return redirect("volunteers:profile_edit")
    existing = application_of_volunteer_for(user=request.user, opportunity=opportunity)
    if existing is not None and existing.status != ApplicationStatus.WITHDRAWN:
        messages.info(request, _("You have already applied for this opportunity."))
        return redirect("engagement:application_detail", pk=existing.pk)
    if request.method == "POST":
        form = ApplicationForm(request.POST)
        if form.is_valid():
            try:
                application = application_create(
                    actor=request.user,
                    opportunity=opportunity,
                    message=form.cleaned_data["message"],
                )
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(
                    request,
                    _("Your application has been sent. The organisation will answer you here."),
                )
                return redirect("engagement:application_detail", pk=application.pk)
    else:
        if not _can_apply_now(request.user, opportunity):
            messages.error(request, _("This opportunity takes no applications at the moment."))
            return redirect("engagement:opportunity_detail", pk=opportunity.pk)
        form = ApplicationForm()
    return render(
        request,
        "engagement/opportunities/apply.html",
        {"opportunity": opportunity, "form": form},
    )


@login_required
@require_GET
def application_list_mine(request: HttpRequest) -> HttpResponse:
    """The volunteer's own applications with their status."""
    queryset = application_list_of_volunteer(user=request.user)
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "engagement/opportunities/my_applications.html",
        {"page_obj": page, "has_profile": has_volunteer_profile(request.user)},
    )


def _application_context(
    request: HttpRequest, application: Application, form: DecisionForm | None = None
) -> dict[str, Any]:
    is_owner = application.volunteer.user_id == request.user.pk
    can_decide = can_manage_opportunity(request.user, application.opportunity)
    return {
        "application": application,
        "opportunity": application.opportunity,
        "is_owner": is_owner,
        "can_decide": can_decide and application.status == ApplicationStatus.PENDING,
        "can_manage": can_decide,
        "can_withdraw": is_owner and application.status in WITHDRAWABLE,
        "form": form or DecisionForm(),
    }


@login_required
@require_GET
def application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One application: for the volunteer who sent it and the organisation's members."""
    application = application_get_visible(user=request.user, pk=pk)
    context = _application_context(request, application)
    if not context["is_owner"]:
        audit_record(
            actor=request.user,
            action="engagement.application.viewed",
            obj=application,
            subject=application.volunteer.user,
        )
    return render(request, "engagement/opportunities/application_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def application_decide(request: HttpRequest, pk: int) -> HttpResponse:
    """Accept or decline (POST, organisation members); GET goes to the application."""
    application = application_get_visible(user=request.user, pk=pk)
    if not can_manage_opportunity(request.user, application.opportunity):
        raise Http404
    if request.method == "GET":
        return redirect("engagement:application_detail", pk=application.pk)
    form = DecisionForm(request.POST)
    if form.is_valid():
        service = (
            application_accept if form.cleaned_data["decision"] == "accept" else application_decline
        )
        try:
            service(
                actor=request.user,
                application=application,
                note=form.cleaned_data["decision_note"],
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            if form.cleaned_data["decision"] == "accept":
                messages.success(request, _("The application has been accepted."))
            else:
                messages.success(request, _("The application has been declined."))
            return redirect("engagement:opportunity_applications", pk=application.opportunity_id)
    application = application_get_visible(user=request.user, pk=pk)
    context = _application_context(request, application, form)
    return render(request, "engagement/opportunities/application_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def application_withdraw_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The volunteer confirms (GET) and withdraws (POST) their own application."""
    application = application_get_own(user=request.user, pk=pk)
    if request.method == "POST":
        try:
            application_withdraw(actor=request.user, application=application)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("Your application has been withdrawn."))
        return redirect("engagement:application_list_mine")
    if application.status not in WITHDRAWABLE:
        messages.error(request, _("This application can no longer be withdrawn."))
        return redirect("engagement:application_detail", pk=application.pk)
    return render(
        request, "engagement/opportunities/application_withdraw.html", {"application": application}
    )
