"""HTML views of the volunteers module: the own profile and the coordinators' pages."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.paginator import Paginator
from django.forms import MultipleChoiceField
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from lotse.core.audit import audit_record
from lotse.core.availability import cells_from_mask
from lotse.core.choices import DaySlot
from lotse.regions.selectors import postcode_get

from .choices import CELL_LABELS
from .forms import (
    LANGUAGE_PREFIX,
    LanguageFormSet,
    LanguageFormSetWithEmptyRow,
    VolunteerFilterForm,
    VolunteerProfileForm,
)
from .models import VolunteerProfile
from .permissions import has_confirmed_email, is_coordinator, is_coordinator_of_volunteer
from .selectors import (
    VolunteerFilters,
    coordinated_districts,
    volunteer_get_for_coordinator,
    volunteer_list_for_coordinator,
    volunteer_profile_get_own,
)
from .services import volunteer_profile_save

PAGE_SIZE = 25


def _confirm_email_first(request: HttpRequest) -> HttpResponse:
    messages.warning(request, _("Please confirm your e-mail address before you create a profile."))
    return redirect("accounts:dashboard")


def _availability_labels(profile: VolunteerProfile) -> list[str]:
    return [str(CELL_LABELS[cell]) for cell in cells_from_mask(profile.availability)]


@login_required
@require_GET
def profile(request: HttpRequest) -> HttpResponse:
    """Show the own volunteer profile, or send the user to create one."""
    if not has_confirmed_email(request.user):
        return _confirm_email_first(request)
    own = volunteer_profile_get_own(user=request.user)
    if own is None:
        return redirect("volunteers:profile_edit")
    return render(
        request,
        "volunteers/profile.html",
        {"profile": own, "availability_labels": _availability_labels(own)},
    )


def _apply_service_errors(form: VolunteerProfileForm, error: ValidationError) -> None:
    for field, field_errors in error.message_dict.items():
        target = field if field in form.fields else NON_FIELD_ERRORS
        for message in field_errors:
            form.add_error(None if target == NON_FIELD_ERRORS else target, message)


def _forms_with_another_language(
    request: HttpRequest,
) -> tuple[VolunteerProfileForm, Any]:
    """Rebuild the unsaved form from the POST data, unbound, with one more empty language row."""
    data = request.POST
    form = VolunteerProfileForm()
    initial = {
        name: data.getlist(name) if isinstance(field, MultipleChoiceField) else data.get(name)
        for name, field in form.fields.items()
    }
    form = VolunteerProfileForm(initial=initial)
    try:
        total = min(int(data.get(f"{LANGUAGE_PREFIX}-TOTAL_FORMS", "0")), 20)
    except ValueError:
        total = 0
    rows = [
        {
            "language": data.get(f"{LANGUAGE_PREFIX}-{index}-language", ""),
            "level": data.get(f"{LANGUAGE_PREFIX}-{index}-level", ""),
        }
        for index in range(total)
        if not data.get(f"{LANGUAGE_PREFIX}-{index}-DELETE")
    ]
    rows = [row for row in rows if row["language"] or row["level"]]
    formset = LanguageFormSetWithEmptyRow(prefix=LANGUAGE_PREFIX, initial=rows)
    return form, formset


@login_required
@require_http_methods(["GET", "POST"])
def profile_edit(request: HttpRequest) -> HttpResponse:
    """Create or update the own volunteer profile."""
    if not has_confirmed_email(request.user):
        return _confirm_email_first(request)
    own = volunteer_profile_get_own(user=request.user)
    if request.method == "POST" and "add_language" in request.POST:
        # Without JavaScript, "Add another language" sends the form: show it again, one row more.
        form, formset = _forms_with_another_language(request)
    elif request.method == "POST":
        form = VolunteerProfileForm(request.POST)
        formset = LanguageFormSet(request.POST, prefix=LANGUAGE_PREFIX)
        if form.is_valid() and formset.is_valid():
            data = form.cleaned_data
            try:
                volunteer_profile_save(
                    actor=request.user,
                    user=request.user,
                    first_name=data["first_name"],
                    last_name=data["last_name"],
                    postcode=data["postcode"],
                    travel_radius_km=data["travel_radius_km"],
                    max_patenschaften=data["max_patenschaften"],
                    district_id=data["district"].pk if data.get("district") else None,
                    skills=data["skills"],
                    availability=data["availability"],
                    status=data["status"],
                    languages=formset.languages(),
                    topics=data["topics"],
                    roles=data["roles"],
                )
            except ValidationError as error:
                _apply_service_errors(form, error)
            else:
                messages.success(request, _("Your profile has been saved."))
                return redirect("volunteers:profile")
    else:
        form = VolunteerProfileForm(initial=VolunteerProfileForm.initial_for(request.user, own))
        formset = LanguageFormSet(
            prefix=LANGUAGE_PREFIX,
            initial=[{"language": row.language, "level": row.level} for row in own.languages.all()]
            if own
            else [],
        )
    context: dict[str, Any] = {
        "form": form,
        "formset": formset,
        "profile": own,
        "availability_rows": form.availability_rows(),
        "availability_columns": DaySlot.labels,
        "suggested_postcode": form.postcode_row if form.is_bound else None,
    }
    return render(request, "volunteers/profile_edit.html", context)


@login_required
@require_GET
def district_suggestion(request: HttpRequest) -> HttpResponse:
    """htmx fragment: the district select with the postcode's district preselected."""
    if not has_confirmed_email(request.user):
        raise Http404
    code = request.GET.get("postcode", "")[:10].strip()
    postcode = postcode_get(code=code)
    chosen = request.GET.get("district", "")[:10]
    district_id: Any = postcode.district_id if postcode else (chosen if chosen.isdigit() else None)
    form = VolunteerProfileForm(initial={"district": district_id})
    context = {
        "form": form,
        "suggested_postcode": postcode,
        "postcode_unknown": postcode is None and len(code) == 5,
    }
    return render(request, "volunteers/profile_edit.html#district_field", context)


@login_required
@require_GET
def district_list(request: HttpRequest) -> HttpResponse:
    """The volunteers of the coordinator's district(s), filterable; 404 for everyone else."""
    if not is_coordinator(request.user):
        raise Http404
    districts = list(coordinated_districts(user=request.user))
    form = VolunteerFilterForm(request.GET or None, districts=districts)
    filters = form.filters() if form.is_bound else VolunteerFilters()
    queryset = volunteer_list_for_coordinator(user=request.user, filters=filters)
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page_obj": page,
        "districts": districts,
        "show_district": len(districts) > 1,
        "show_distance": filters.near_postcode is not None,
    }
    if request.headers.get("HX-Request"):
        return render(request, "volunteers/district_list.html#results", context)
    return render(request, "volunteers/district_list.html", context)


@login_required
@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The full profile of a volunteer, for the coordinators of their district only."""
    volunteer = volunteer_get_for_coordinator(user=request.user, pk=pk)
    if not is_coordinator_of_volunteer(request.user, volunteer):
        raise Http404
    audit_record(
        actor=request.user,
        action="volunteers.profile.viewed",
        obj=volunteer,
        subject=volunteer.user,
    )
    return render(
        request,
        "volunteers/detail.html",
        {
            "profile": volunteer,
            "availability_labels": _availability_labels(volunteer),
        },
    )
