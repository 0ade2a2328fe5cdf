"""Reads of proposals, scoped to the viewer.

A volunteer sees the proposals sent to them (never the engine's suggestions, which only the
coordinators review); coordinators see the proposals of their districts' requests.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from lotse.accounts.selectors import user_coordinated_district_ids

from ..choices import PatenschaftStatus, ProposalStatus
from ..models import Patenschaft, Proposal


def proposals_for_volunteer(*, user: Any) -> QuerySet[Proposal]:
    """Return the proposals sent to the user as a volunteer, newest first (never suggestions).

    The request's district, postcode and languages and the volunteer's postcode are loaded
    with the rows.
    """
    if not getattr(user, "is_authenticated", False):
        return Proposal.objects.none()
    return (
        Proposal.objects.filter(volunteer__user=user)
        .exclude(status=ProposalStatus.SUGGESTED)
        .select_related(
            "request__district", "request__postcode", "volunteer__postcode", "volunteer__user"
        )
        .prefetch_related("request__languages")
        .order_by("-proposed_at", "-created_at", "-pk")
    )


def proposal_get_for_volunteer(*, user: Any, pk: int) -> Proposal:
    """Return one proposal sent to the user; Http404 for every other proposal."""
    return get_object_or_404(proposals_for_volunteer(user=user), pk=pk)


def proposals_for_coordinator(*, user: Any) -> QuerySet[Proposal]:
    """Return the proposals of the requests in the districts the user coordinates."""
    if not getattr(user, "is_authenticated", False):
        return Proposal.objects.none()
    return Proposal.objects.filter(
        request__district__in=user_coordinated_district_ids(user=user)
    ).select_related("request__district", "request__postcode", "volunteer__user")


def proposal_get_for_coordinator(*, user: Any, pk: int) -> Proposal:
    """Return one proposal of the user's districts; Http404 for every other proposal."""
    return get_object_or_404(proposals_for_coordinator(user=user), pk=pk)


def proposal_winning_for_request(*, request: Any) -> Proposal | None:
    """Return the accepted or confirmed proposal of a request (at most one exists), or None."""
    return (
        Proposal.objects.filter(
            request=request, status__in=(ProposalStatus.ACCEPTED, ProposalStatus.CONFIRMED)
        )
        .select_related("volunteer__user", "volunteer__postcode")
        .prefetch_related("volunteer__languages")
        .first()
    )


def volunteer_live_load(*, volunteer: Any) -> int:
    """Count what binds a volunteer now: active Patenschaften plus accepted proposals."""
    active = Patenschaft.objects.filter(
        volunteer=volunteer, status=PatenschaftStatus.ACTIVE
    ).count()
    accepted = Proposal.objects.filter(volunteer=volunteer, status=ProposalStatus.ACCEPTED).count()
    return active + accepted
