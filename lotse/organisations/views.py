"""Views of the organisations module: public directory and detail, members' profile editing."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from .forms import OrganisationFilterForm, OrganisationForm
from .models import Organisation
from .permissions import can_create_organisation, can_edit_organisation
from .selectors import (
    membership_list_of_user,
    organisation_directory,
    organisation_editable_list,
    organisation_visible_list,
)
from .services import organisation_create, organisation_update

PAGE_SIZE = 24


@require_GET
def directory(request: HttpRequest) -> HttpResponse:
    """Public directory of published organisations with filters; htmx gets the results only."""
    form = OrganisationFilterForm(request.GET or None)
    organisations = organisation_directory(user=request.user, **form.filters())
    page = Paginator(organisations, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"form": form, "page_obj": page}
    if request.headers.get("HX-Request"):
        return render(request, "organisations/directory.html#results", context)
    return render(request, "organisations/directory.html", context)


@require_GET
def detail(request: HttpRequest, slug: str) -> HttpResponse:
    """Public profile; unpublished ones only for their members and platform admins."""
    organisation = get_object_or_404(organisation_visible_list(user=request.user), slug=slug)
    return render(
        request,
        "organisations/detail.html",
        {
            "organisation": organisation,
            "can_edit": can_edit_organisation(request.user, organisation),
        },
    )


@login_required
@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    """The organisations the user is a member of."""
    return render(
        request,
        "organisations/mine.html",
        {
            "memberships": membership_list_of_user(user=request.user),
            "can_create": can_create_organisation(request.user),
        },
    )


def _apply_service_errors(form: OrganisationForm, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


@login_required
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, slug: str) -> HttpResponse:
    """Members of the organisation (and platform admins) edit its public profile."""
    organisation = get_object_or_404(organisation_editable_list(user=request.user), slug=slug)
    if request.method == "POST":
        form = OrganisationForm(request.POST)
        if form.is_valid():
            try:
                organisation_update(
                    actor=request.user, organisation=organisation, data=form.to_data()
                )
            except ValidationError as error:
                _apply_service_errors(form, error)
            else:
                messages.success(request, _("The profile has been saved."))
                return redirect("organisations:detail", slug=organisation.slug)
    else:
        form = OrganisationForm(initial=OrganisationForm.initial_for(organisation))
    return render(request, "organisations/edit.html", {"form": form, "organisation": organisation})


@login_required
@require_http_methods(["GET", "POST"])
def create(request: HttpRequest) -> HttpResponse:
    """Platform admins add an organisation; everyone else gets 404."""
    if not can_create_organisation(request.user):
        raise Http404
    organisation: Organisation | None = None
    if request.method == "POST":
        form = OrganisationForm(request.POST)
        if form.is_valid():
            try:
                organisation = organisation_create(actor=request.user, data=form.to_data())
            except ValidationError as error:
                _apply_service_errors(form, error)
            else:
                messages.success(
                    request,
                    _(
                        "The organisation has been created. You can now add its members "
                        "in the user administration."
                    ),
                )
                return redirect("organisations:detail", slug=organisation.slug)
    else:
        form = OrganisationForm(initial={"is_published": True})
    return render(request, "organisations/edit.html", {"form": form, "organisation": None})
