"""Vocabularies and states of the engagement module."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class OpportunityKind(models.TextChoices):
    ONE_OFF = "one_off", _("One-off")
    ONGOING = "ongoing", _("Ongoing")


class OpportunityStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("opportunity status", "Open")
    FULL = "full", pgettext_lazy("opportunity status", "Full")
    CLOSED = "closed", pgettext_lazy("opportunity status", "Closed")


class ApplicationStatus(models.TextChoices):
    PENDING = "pending", pgettext_lazy("application status", "Waiting for an answer")
    ACCEPTED = "accepted", pgettext_lazy("application status", "Accepted")
    DECLINED = "declined", pgettext_lazy("application status", "Declined")
    WITHDRAWN = "withdrawn", pgettext_lazy("application status", "Withdrawn")


class ContactChannel(models.TextChoices):
    """How a newcomer wants to be reached. 'Through the coordinator' needs no contact data."""

    PHONE = "phone", _("Phone call")
    MESSENGER = "messenger", _("Text message / messenger")
    EMAIL = "email", _("E-mail")
    COORDINATOR = "coordinator", _("Through the coordinator (no contact data)")


class Urgency(models.TextChoices):
    LOW = "low", pgettext_lazy("urgency", "Can wait")
    NORMAL = "normal", pgettext_lazy("urgency", "Normal")
    HIGH = "high", pgettext_lazy("urgency", "Urgent")


class RequestStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("request status", "Waiting for a volunteer")
    PROPOSED = "proposed", pgettext_lazy("request status", "Volunteer proposed")
    MATCHED = "matched", pgettext_lazy("request status", "Patenschaft running")
    CLOSED = "closed", pgettext_lazy("request status", "Closed")


class RequestCloseReason(models.TextChoices):
    RESOLVED = "resolved", _("Need met")
    WITHDRAWN = "withdrawn", _("Withdrawn by the newcomer")
    NO_CONTACT = "no_contact", _("Newcomer not reachable")
    MOVED = "moved", _("Moved away")
    OTHER = "other", _("Other reason")


class ProposalStatus(models.TextChoices):
    """The life of a proposal.

    suggested (engine output, awaiting the coordinator) → proposed (sent to the volunteer)
    → accepted (by the volunteer) → confirmed (by the newcomer: a Patenschaft starts).
    Side exits: rejected (coordinator), declined (volunteer), lapsed (no answer in time),
    withdrawn (another volunteer was faster, or the request closed), refused (newcomer).
    """

    SUGGESTED = "suggested", pgettext_lazy("proposal status", "Suggested")
    PROPOSED = "proposed", pgettext_lazy("proposal status", "Waiting for the volunteer")
    ACCEPTED = "accepted", pgettext_lazy("proposal status", "Accepted by the volunteer")
    CONFIRMED = "confirmed", pgettext_lazy("proposal status", "Confirmed")
    REJECTED = "rejected", pgettext_lazy("proposal status", "Rejected by the coordinator")
    DECLINED = "declined", pgettext_lazy("proposal status", "Declined by the volunteer")
    LAPSED = "lapsed", pgettext_lazy("proposal status", "Lapsed")
    WITHDRAWN = "withdrawn", pgettext_lazy("proposal status", "Withdrawn")
    REFUSED = "refused", pgettext_lazy("proposal status", "Refused by the newcomer")


# A proposal in one of these states still binds the volunteer's capacity and the request.
LIVE_PROPOSAL_STATES = (ProposalStatus.SUGGESTED, ProposalStatus.PROPOSED, ProposalStatus.ACCEPTED)
# At most one proposal per request may be in one of these states (database constraint).
WINNING_PROPOSAL_STATES = (ProposalStatus.ACCEPTED, ProposalStatus.CONFIRMED)


class ProposalOrigin(models.TextChoices):
    ENGINE = "engine", _("Matching engine")
    MANUAL = "manual", _("Matched by hand")
    NEXT_BEST = "next_best", _("Next best after a decline or lapse")


class MatchingRunStatus(models.TextChoices):
    QUEUED = "queued", pgettext_lazy("run status", "Queued")
    RUNNING = "running", pgettext_lazy("run status", "Running")
    DONE = "done", pgettext_lazy("run status", "Done")
    FAILED = "failed", pgettext_lazy("run status", "Failed")


class PatenschaftStatus(models.TextChoices):
    ACTIVE = "active", pgettext_lazy("patenschaft status", "Active")
    ENDED = "ended", pgettext_lazy("patenschaft status", "Ended")


class PatenschaftEndReason(models.TextChoices):
    GOAL_REACHED = "goal_reached", _("Goal reached")
    MOVED = "moved", _("Newcomer moved away")
    VOLUNTEER_STOPPED = "volunteer_stopped", _("Volunteer stopped")
    NEWCOMER_STOPPED = "newcomer_stopped", _("Newcomer ended it")
    NO_CONTACT = "no_contact", _("No more contact")
    OTHER = "other", _("Other reason")


class HoursStatus(models.TextChoices):
    PENDING = "pending", pgettext_lazy("hours status", "Waiting for approval")
    APPROVED = "approved", pgettext_lazy("hours status", "Approved")
    REJECTED = "rejected", pgettext_lazy("hours status", "Rejected")
