"""Reads of matching runs, scoped to the viewer: coordinators see their districts' runs."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Count, Exists, F, OuterRef, QuerySet, Window
from django.db.models.functions import RowNumber
from django.shortcuts import get_object_or_404

from lotse.accounts.selectors import user_coordinated_district_ids
from lotse.regions.models import District

from ..choices import LIVE_PROPOSAL_STATES, RequestStatus
from ..models import HelpRequest, MatchingRun, Proposal


def matching_districts(*, user: Any) -> QuerySet[District]:
    """Return the districts the user coordinates (where they may run the matching)."""
    if not getattr(user, "is_authenticated", False):
        return District.objects.none()
    return District.objects.filter(pk__in=user_coordinated_district_ids(user=user)).order_by("name")


def matching_runs_for_coordinator(*, user: Any) -> QuerySet[MatchingRun]:
    """Return the runs of the districts the user coordinates, newest first."""
    if not getattr(user, "is_authenticated", False):
        return MatchingRun.objects.none()
    return (
        MatchingRun.objects.filter(district__in=user_coordinated_district_ids(user=user))
        .select_related("district", "started_by")
        .order_by("-created_at", "-pk")
    )


def matching_run_get_for_coordinator(*, user: Any, pk: int) -> MatchingRun:
    """Return one run of the user's districts; Http404 for every other run."""
    return get_object_or_404(matching_runs_for_coordinator(user=user), pk=pk)


def matching_run_proposals(*, run: MatchingRun) -> QuerySet[Proposal]:
    """Return the proposals of a run (suggested first, best score first) with what a list
    shows: request (postcode), volunteer (user, postcode)."""
    return (
        Proposal.objects.filter(run=run)
        .select_related("request__postcode", "volunteer__user", "volunteer__postcode")
        .order_by("-score", "pk")
    )


def matching_district_counts(*, district_ids: Iterable[int]) -> dict[int, dict[str, int]]:
    """Per district: open requests without a live proposal, and active volunteers of the
    district with capacity left (two queries)."""
    from ..services.matching import volunteers_with_load

    ids = list(district_ids)
    counts: dict[int, dict[str, int]] = {pk: {"requests": 0, "volunteers": 0} for pk in ids}
    live = Proposal.objects.filter(request=OuterRef("pk"), status__in=LIVE_PROPOSAL_STATES)
    for district_id, number in (
        HelpRequest.objects.filter(
            district_id__in=ids, status=RequestStatus.OPEN, anonymised_at__isnull=True
        )
        .filter(~Exists(live))
        .order_by()
        .values("district_id")
        .annotate(number=Count("pk"))
        .values_list("district_id", "number")
    ):
        counts[district_id]["requests"] = number
    for district_id, number in (
        volunteers_with_load()
        .filter(district_id__in=ids, capacity_left__gt=0)
        .order_by()
        .values("district_id")
        .annotate(number=Count("pk"))
        .values_list("district_id", "number")
    ):
        counts[district_id]["volunteers"] = number
    return counts


def matching_recent_runs(
    *, district_ids: Iterable[int], per_district: int = 5
) -> dict[int, list[MatchingRun]]:
    """The latest runs of each district, newest first (one query, whatever the history)."""
    ranked = (
        MatchingRun.objects.filter(district_id__in=list(district_ids))
        .select_related("started_by")
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by=[F("district_id")],
                order_by=[F("created_at").desc(), F("pk").desc()],
            )
        )
        .filter(rank__lte=per_district)
        .order_by("district_id", "rank")
    )
    runs: dict[int, list[MatchingRun]] = {}
    for run in ranked:
        runs.setdefault(run.district_id, []).append(run)
    return runs
