"""HTML views of the matching: the coordinators' overview and the page of one run."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from ..choices import MatchingRunStatus, ProposalStatus
from ..explain import render_reasons_line
from ..forms.matching import MatchingRunStartForm
from ..permissions import is_coordinator
from ..selectors.matching import (
    matching_district_counts,
    matching_districts,
    matching_recent_runs,
    matching_run_get_for_coordinator,
    matching_run_proposals,
    matching_runs_for_coordinator,
)
from ..services.matching import matching_run_start, stage_label

PAGE_SIZE = 25
RECENT_RUNS = 5
FINISHED_STATES = (MatchingRunStatus.DONE, MatchingRunStatus.FAILED)
ACTIVE_STATES = (MatchingRunStatus.QUEUED, MatchingRunStatus.RUNNING)


@login_required
@require_http_methods(["GET", "POST"])
def matching_overview(request: HttpRequest) -> HttpResponse:
    """Per coordinated district: open requests, volunteers with capacity, recent runs, and a
    "Run matching now" button. 404 for everyone but coordinators."""
    if not is_coordinator(request.user):
        raise Http404
    districts_qs = matching_districts(user=request.user)
    if request.method == "POST":
        form = MatchingRunStartForm(request.POST, districts=districts_qs)
        if form.is_valid():
            district = form.cleaned_data["district"]
            under_way = (
                matching_runs_for_coordinator(user=request.user)
                .filter(district=district, status__in=ACTIVE_STATES)
                .exists()
            )
            run = matching_run_start(actor=request.user, district=district)
            if under_way:
                messages.info(request, _("A matching run for this district is already under way."))
            else:
                messages.success(request, _("The matching run has started."))
            return redirect("engagement:matching_run_detail", pk=run.pk)
        messages.error(request, _("Please choose one of your districts."))
        return redirect("engagement:matching_overview")
    districts = list(districts_qs)
    district_ids = [district.pk for district in districts]
    counts = matching_district_counts(district_ids=district_ids)
    runs = matching_recent_runs(district_ids=district_ids, per_district=RECENT_RUNS)
    rows = [
        {
            "district": district,
            "requests": counts[district.pk]["requests"],
            "volunteers": counts[district.pk]["volunteers"],
            "runs": runs.get(district.pk, []),
            "running": any(run.status not in FINISHED_STATES for run in runs.get(district.pk, [])),
        }
        for district in districts
    ]
    return render(request, "engagement/matching/overview.html", {"rows": rows})


@login_required
@require_GET
def matching_run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One run: its progress while it runs (htmx polls the #progress partial), then the
    proposals it made, with the reasons in words. Other districts' runs are 404."""
    run = matching_run_get_for_coordinator(user=request.user, pk=pk)
    finished = run.status in FINISHED_STATES
    context: dict[str, Any] = {
        "run": run,
        "finished": finished,
        "stage_label": stage_label(run.stage or run.status),
    }
    if request.headers.get("HX-Request"):
        response = render(request, "engagement/matching/run_detail.html#progress", context)
        if finished:
            # The results need the whole page: let htmx reload it once.
            response["HX-Refresh"] = "true"
        return response
    if finished:
        page = Paginator(matching_run_proposals(run=run), PAGE_SIZE).get_page(
            request.GET.get("page")
        )
        for proposal in page:
            proposal.reasons_line = render_reasons_line(proposal.reasons)  # type: ignore[attr-defined]
        context.update(
            page_obj=page,
            suggested=ProposalStatus.SUGGESTED,
        )
    return render(request, "engagement/matching/run_detail.html", context)
