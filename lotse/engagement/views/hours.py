"""HTML views of hours: the volunteer's list and log form, the reviewers' queue.
(Owned by the Patenschaften area.)"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from ..forms.hours import HoursLogForm, HoursRejectForm
from ..selectors.hours import (
    hours_get_own,
    hours_get_pending_for_reviewer,
    hours_monthly_totals,
    hours_own,
    hours_pending_for_reviewer,
    hours_targets,
    is_hours_reviewer,
    volunteer_profile_of,
)
from ..services.hours import hours_approve_many, hours_delete, hours_log, hours_reject
from .patenschaften import apply_service_errors

PAGE_SIZE = 25


@login_required
@require_http_methods(["GET", "POST"])
def hours_list(request: HttpRequest) -> HttpResponse:
    """The volunteer's hours, totals per month, and the form to log more."""
    volunteer = volunteer_profile_of(user=request.user)
    form = None
    if volunteer is not None:
        patenschaften, opportunities = hours_targets(volunteer=volunteer)
        initial = {}
        wanted = request.GET.get("for", "")[:20]
        if wanted:
            initial["target"] = wanted
        form = HoursLogForm(
            request.POST or None,
            patenschaften=patenschaften,
            opportunities=opportunities,
            initial=initial,
        )
        if request.method == "POST" and form.is_valid():
            patenschaft, opportunity = form.target_objects()
            data = form.cleaned_data
            try:
                hours_log(
                    actor=request.user,
                    volunteer=volunteer,
                    patenschaft=patenschaft,
                    opportunity=opportunity,
                    date=data["date"],
                    hours=data["hours"],
                    activity=data["activity"],
                )
            except ValidationError as error:
                for key in ("patenschaft", "opportunity"):
                    if hasattr(error, "error_dict") and key in error.error_dict:
                        error.error_dict["target"] = error.error_dict.pop(key)
                apply_service_errors(form, error)
            else:
                messages.success(
                    request, _("Your hours have been saved and are waiting for approval.")
                )
                return redirect("engagement:hours_list")
    elif request.method == "POST":
        raise Http404
    page = Paginator(hours_own(user=request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "engagement/hours/list.html",
        {
            "form": form,
            "page_obj": page,
            "totals": hours_monthly_totals(user=request.user),
            "is_reviewer": is_hours_reviewer(user=request.user),
        },
    )


@login_required
@require_POST
def hours_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Delete an own entry that is still waiting for approval."""
    entry = hours_get_own(user=request.user, pk=pk)
    try:
        hours_delete(actor=request.user, entry=entry)
    except PermissionDenied as error:
        raise Http404 from error
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The entry has been deleted."))
    return redirect("engagement:hours_list")


@login_required
@require_http_methods(["GET", "POST"])
def hours_review(request: HttpRequest) -> HttpResponse:
    """Pending hours the user may approve (coordinators, organisation members); bulk approve."""
    if not is_hours_reviewer(user=request.user):
        raise Http404
    queryset = hours_pending_for_reviewer(user=request.user)
    if request.method == "POST":
        raw = request.POST.getlist("entry")
        if request.POST.get("approve_one"):
            raw = [request.POST["approve_one"]]
        ids = [int(value) for value in raw[:200] if value.isdigit()]
        entries = list(queryset.filter(pk__in=ids))
        if not entries:
            messages.warning(request, _("Please choose the hours you want to approve."))
        else:
            try:
                count = hours_approve_many(actor=request.user, entries=entries)
            except (PermissionDenied, ValidationError):
                messages.error(
                    request,
                    _("Nothing was approved: some of the hours were changed meanwhile."),
                )
            else:
                messages.success(
                    request,
                    ngettext("%(count)d entry approved.", "%(count)d entries approved.", count)
                    % {"count": count},
                )
        return redirect("engagement:hours_review")
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "engagement/hours/review.html", {"page_obj": page})


@login_required
@require_http_methods(["GET", "POST"])
def hours_reject_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Reject one pending entry, with a reason for the volunteer."""
    entry = hours_get_pending_for_reviewer(user=request.user, pk=pk)
    form = HoursRejectForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            hours_reject(actor=request.user, entry=entry, note=form.cleaned_data["note"])
        except PermissionDenied as error:
            raise Http404 from error
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The hours were rejected; the volunteer is told why."))
            return redirect("engagement:hours_review")
    return render(request, "engagement/hours/reject.html", {"entry": entry, "form": form})
