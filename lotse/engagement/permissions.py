"""Object rules of the engagement module, used by the HTML views and the API alike.

Lists are scoped by the selectors (so a record of another district or organisation is a 404);
these predicates decide the actions on one record.
"""

from __future__ import annotations

from typing import Any

import rules

from lotse.accounts.selectors import user_coordinated_district_ids
from lotse.organisations.models import Membership
from lotse.organisations.permissions import is_platform_admin

from .choices import OpportunityStatus, ProposalStatus
from .models import HelpRequest, HoursEntry, Opportunity, Patenschaft, Proposal


def member_organisation_ids(user: Any) -> set[int]:
    """Return the ids of the user's organisations (cached on the user for the request)."""
    if not getattr(user, "is_authenticated", False):
        return set()
    cached = getattr(user, "_lotse_organisation_ids", None)
    if cached is None:
        cached = set(Membership.objects.filter(user=user).values_list("organisation_id", flat=True))
        user._lotse_organisation_ids = cached
    return cached


def coordinated_district_ids(user: Any) -> set[int]:
    if not getattr(user, "is_authenticated", False):
        return set()
    return user_coordinated_district_ids(user=user)


@rules.predicate
def has_confirmed_email(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.email_confirmed_at)


@rules.predicate
def has_volunteer_profile(user: Any) -> bool:
    return bool(
        getattr(user, "is_authenticated", False)
        and hasattr(user, "volunteer_profile")
        and user.volunteer_profile is not None
    )


@rules.predicate
def is_coordinator(user: Any) -> bool:
    return bool(coordinated_district_ids(user))


@rules.predicate
def is_organisation_member(user: Any) -> bool:
    return bool(member_organisation_ids(user))


# --- opportunities ---------------------------------------------------------------------------


@rules.predicate
def is_member_of_opportunity_organisation(user: Any, opportunity: Opportunity | None) -> bool:
    return opportunity is not None and opportunity.organisation_id in member_organisation_ids(user)


@rules.predicate
def is_open_opportunity(user: Any, opportunity: Opportunity | None) -> bool:
    return opportunity is not None and opportunity.status == OpportunityStatus.OPEN


can_post_opportunity = is_organisation_member | is_platform_admin
can_manage_opportunity = is_member_of_opportunity_organisation | is_platform_admin
can_apply_to_opportunity = has_confirmed_email & has_volunteer_profile & is_open_opportunity


# --- help requests, matching, proposals ----------------------------------------------------


@rules.predicate
def is_coordinator_of_request(user: Any, request: HelpRequest | None) -> bool:
    return request is not None and request.district_id in coordinated_district_ids(user)


@rules.predicate
def is_coordinator_of_district(user: Any, district: Any) -> bool:
    return district is not None and district.pk in coordinated_district_ids(user)


@rules.predicate
def is_proposed_volunteer(user: Any, proposal: Proposal | None) -> bool:
    """The volunteer a proposal was sent to (never while it is only a suggestion)."""
    return bool(
        proposal is not None
        and getattr(user, "is_authenticated", False)
        and proposal.status != ProposalStatus.SUGGESTED
        and proposal.volunteer.user_id == user.pk
    )


@rules.predicate
def is_coordinator_of_proposal(user: Any, proposal: Proposal | None) -> bool:
    return proposal is not None and proposal.request.district_id in coordinated_district_ids(user)


# Coordinators and social workers of organisations enter requests on a newcomer's behalf.
can_enter_request_on_behalf = is_coordinator | is_organisation_member
can_manage_request = is_coordinator_of_request
can_run_matching = is_coordinator_of_district
can_view_proposal = is_proposed_volunteer | is_coordinator_of_proposal
can_answer_proposal = is_proposed_volunteer
can_review_proposal = is_coordinator_of_proposal


# --- Patenschaften, hours ----------------------------------------------------------------------


@rules.predicate
def is_volunteer_of_patenschaft(user: Any, patenschaft: Patenschaft | None) -> bool:
    return bool(
        patenschaft is not None
        and getattr(user, "is_authenticated", False)
        and patenschaft.volunteer.user_id == user.pk
    )


@rules.predicate
def is_coordinator_of_patenschaft(user: Any, patenschaft: Patenschaft | None) -> bool:
    return patenschaft is not None and patenschaft.district_id in coordinated_district_ids(user)


@rules.predicate
def can_review_hours_entry(user: Any, entry: HoursEntry | None) -> bool:
    """Coordinators approve hours of their district's Patenschaften; organisation members
    those given to their organisation's opportunities."""
    if entry is None:
        return False
    if entry.patenschaft_id is not None:
        return entry.patenschaft.district_id in coordinated_district_ids(user)  # type: ignore[union-attr]
    return entry.opportunity.organisation_id in member_organisation_ids(user)  # type: ignore[union-attr]


can_view_patenschaft = is_volunteer_of_patenschaft | is_coordinator_of_patenschaft
can_end_patenschaft = is_volunteer_of_patenschaft | is_coordinator_of_patenschaft
can_check_in = is_volunteer_of_patenschaft

rules.add_perm("engagement.post_opportunity", can_post_opportunity)
rules.add_perm("engagement.manage_opportunity", can_manage_opportunity)
rules.add_perm("engagement.apply", can_apply_to_opportunity)
rules.add_perm("engagement.enter_request", can_enter_request_on_behalf)
rules.add_perm("engagement.manage_request", can_manage_request)
rules.add_perm("engagement.run_matching", can_run_matching)
rules.add_perm("engagement.view_proposal", can_view_proposal)
rules.add_perm("engagement.answer_proposal", can_answer_proposal)
rules.add_perm("engagement.review_proposal", can_review_proposal)
rules.add_perm("engagement.view_patenschaft", can_view_patenschaft)
rules.add_perm("engagement.end_patenschaft", can_end_patenschaft)
rules.add_perm("engagement.check_in", can_check_in)
rules.add_perm("engagement.review_hours", can_review_hours_entry)
