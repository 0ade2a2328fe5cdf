"""HTML views of Patenschaften: the volunteer's own, the coordinators' list, check-ins, ending.
(Owned by the Patenschaften area.)"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Sum
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from lotse.core.audit import audit_record
from lotse.volunteers.selectors import coordinated_districts

from ..choices import HoursStatus, PatenschaftStatus
from ..forms.patenschaften import CheckInForm, EndForm, PatenschaftFilterForm
from ..models import Patenschaft
from ..permissions import (
    has_volunteer_profile,
    is_coordinator,
    is_coordinator_of_patenschaft,
    is_volunteer_of_patenschaft,
)
from ..selectors.patenschaften import (
    days_since_contact,
    is_flagged,
    patenschaft_check_ins,
    patenschaft_get_own,
    patenschaft_get_visible,
    patenschaften_for_coordinator,
    patenschaften_own,
)
from ..services.patenschaften import patenschaft_check_in, patenschaft_end

PAGE_SIZE = 25


def apply_service_errors(form: Form, error: ValidationError) -> None:
    """Show a service's ValidationError on the form (unknown keys as form-wide errors)."""
    if not hasattr(error, "error_dict"):
        for message in error.messages:
            form.add_error(None, message)
        return
    for field, field_errors in error.message_dict.items():
        target = field if field in form.fields and field != NON_FIELD_ERRORS else None
        for message in field_errors:
            form.add_error(target, message)


def _annotate_rows(rows: Any) -> None:
    today = timezone.localdate()
    for patenschaft in rows:
        patenschaft.days_since = days_since_contact(patenschaft, today)
        patenschaft.is_flagged = is_flagged(patenschaft, today)


@login_required
@require_GET
def patenschaft_list(request: HttpRequest) -> HttpResponse:
    """The volunteer's own Patenschaften (an empty page with a hint for everyone else)."""
    page = Paginator(patenschaften_own(user=request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    _annotate_rows(page)
    return render(
        request,
        "engagement/patenschaften/list.html",
        {
            "page_obj": page,
            "has_profile": has_volunteer_profile(request.user),
            "is_coordinator": is_coordinator(request.user),
        },
    )


@login_required
@require_GET
def patenschaft_district_list(request: HttpRequest) -> HttpResponse:
    """The Patenschaften of the coordinator's districts, longest without a check-in first."""
    if not is_coordinator(request.user):
        raise Http404
    districts = list(coordinated_districts(user=request.user))
    data = request.GET.copy()
    if "status" not in data:
        data["status"] = PatenschaftStatus.ACTIVE
    form = PatenschaftFilterForm(data, districts=districts)
    filters = form.filters()
    page = Paginator(
        patenschaften_for_coordinator(user=request.user, filters=filters), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    _annotate_rows(page)
    context = {"form": form, "page_obj": page, "show_district": len(districts) > 1}
    if request.headers.get("HX-Request"):
        return render(request, "engagement/patenschaften/district_list.html#results", context)
    return render(request, "engagement/patenschaften/district_list.html", context)


@login_required
@require_GET
def patenschaft_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One Patenschaft, for its volunteer and the coordinators of its district (404 else)."""
    patenschaft = patenschaft_get_visible(user=request.user, pk=pk)
    as_volunteer = is_volunteer_of_patenschaft(request.user, patenschaft)
    if not as_volunteer:
        audit_record(
            actor=request.user,
            action="engagement.patenschaft.viewed",
            obj=patenschaft,
            subject=patenschaft.volunteer.user,
        )
    active = patenschaft.status == PatenschaftStatus.ACTIVE
    hours = list(
        patenschaft.hours.exclude(status=HoursStatus.REJECTED)
        .values("status")
        .annotate(total=Sum("hours"))
    )
    totals = {row["status"]: row["total"] for row in hours}
    recent_hours = list(patenschaft.hours.order_by("-date", "-pk")[:10]) if as_volunteer else []
    return render(
        request,
        "engagement/patenschaften/detail.html",
        {
            "patenschaft": patenschaft,
            "request_": patenschaft.request,
            "as_volunteer": as_volunteer,
            "as_coordinator": is_coordinator_of_patenschaft(request.user, patenschaft),
            "active": active,
            "days_since": days_since_contact(patenschaft),
            "flagged": is_flagged(patenschaft),
            "check_ins": patenschaft_check_ins(patenschaft=patenschaft),
            "check_in_form": CheckInForm() if as_volunteer and active else None,
            "approved_hours": totals.get(HoursStatus.APPROVED),
            "pending_hours": totals.get(HoursStatus.PENDING),
            "recent_hours": recent_hours,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def patenschaft_check_in_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The volunteer's check-in form (the monthly reminder links here)."""
    patenschaft = patenschaft_get_own(user=request.user, pk=pk)
    form = CheckInForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            patenschaft_check_in(actor=request.user, patenschaft=patenschaft, **form.values())
        except PermissionDenied as error:
            raise Http404 from error
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Thank you! Your check-in has been saved."))
            return redirect("engagement:patenschaft_detail", pk=patenschaft.pk)
    return render(
        request,
        "engagement/patenschaften/check_in.html",
        {"patenschaft": patenschaft, "form": form},
    )


@login_required
@require_http_methods(["GET", "POST"])
def patenschaft_end_view(request: HttpRequest, pk: int) -> HttpResponse:
    """End a Patenschaft (its volunteer or a coordinator of its district)."""
    patenschaft: Patenschaft = patenschaft_get_visible(user=request.user, pk=pk)
    form = EndForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            patenschaft_end(
                actor=request.user,
                patenschaft=patenschaft,
                reason=data["reason"],
                note=data.get("note", ""),
                ended_on=data.get("ended_on"),
            )
        except PermissionDenied as error:
            raise Http404 from error
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The Patenschaft has ended. Thank you for your work!"))
            return redirect("engagement:patenschaft_detail", pk=patenschaft.pk)
    return render(
        request,
        "engagement/patenschaften/end.html",
        {
            "patenschaft": patenschaft,
            "form": form,
            "active": patenschaft.status == PatenschaftStatus.ACTIVE,
        },
    )
