"""Reads of the dispatch: who gets an Infobrief, how far its dispatch is, its figures.

Not scoped to a viewer: the editorial views call these for an Infobrief they have already
checked (`permissions.can_view_infobrief`), the dispatch for the Infobrief it sends.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet

from lotse.regions.models import District

from ..choices import AudienceLevel, DeliveryState, InfobriefStatus, SubscriptionStatus
from ..models import Delivery, Infobrief, Subscription


def audience_district_ids(*, infobrief: Infobrief) -> list[int] | None:
    """Return the ids of the districts an Infobrief addresses, or None for the whole Land.

    A coordinator's Infobrief (`team_district`) addresses exactly that district, whatever its
    other fields say; a region means the districts of that Regierungsbezirk in the Land; chosen
    districts count only if they lie in the Infobrief's Land.
    """
    if infobrief.team_district_id is not None:
        return [infobrief.team_district_id]
    if infobrief.level == AudienceLevel.STATE:
        return None
    if infobrief.level == AudienceLevel.REGION:
        return list(
            District.objects.filter(
                state_id=infobrief.state_id, administrative_region_id=infobrief.region_id
            ).values_list("id", flat=True)
        )
    return list(
        infobrief.districts.filter(state_id=infobrief.state_id).values_list("id", flat=True)
    )


def infobrief_recipients(*, infobrief: Infobrief) -> QuerySet[Subscription]:
    """Return the active subscriptions an Infobrief goes to.

    Same Land; the subscriber takes the whole Land or one of the addressed districts (all
    districts of the Land for level STATE, the Regierungsbezirk's for REGION, the chosen ones
    for DISTRICTS, the team's district for a coordinator's Infobrief); and topics: an
    Infobrief without topics goes to everyone, one with topics to subscribers without topics
    (= all) and to those sharing at least one topic. One query (an EXISTS over the
    subscription–district table, which is indexed by subscription), plus one small query for
    the districts of a region or a selection.
    """
    through = Subscription.districts.through
    district_ids = audience_district_ids(infobrief=infobrief)
    chosen = through.objects.filter(subscription_id=OuterRef("pk"))
    if district_ids is None:
        chosen = chosen.filter(district__state_id=infobrief.state_id)
    else:
        chosen = chosen.filter(district_id__in=district_ids)
    recipients = Subscription.objects.filter(
        state_id=infobrief.state_id, status=SubscriptionStatus.ACTIVE
    ).filter(Q(whole_state=True) | Exists(chosen))
    if infobrief.topics_mask:
        recipients = recipients.annotate(
            shared_topics=F("topics_mask").bitand(infobrief.topics_mask)
        ).filter(Q(topics_mask=0) | ~Q(shared_topics=0))
    return recipients


@dataclass(frozen=True)
class Progress:
    """How far the dispatch of an Infobrief is (the editor's progress bar)."""

    total: int
    sent: int
    failed: int
    skipped: int
    pending: int  # waiting or being sent right now (retries included)
    percent: int  # 0–100: (sent + failed + skipped) / total
    status: str

    @property
    def done(self) -> int:
        return self.sent + self.failed + self.skipped

    @property
    def finished(self) -> bool:
        return self.status == InfobriefStatus.SENT


def infobrief_progress(*, infobrief: Infobrief) -> Progress:
    """Return the counts of the Infobrief's deliveries by state (one aggregate query)."""
    counts = Delivery.objects.filter(infobrief_id=infobrief.pk).aggregate(
        total=Count("id"),
        sent=Count("id", filter=Q(state=DeliveryState.SENT)),
        failed=Count("id", filter=Q(state=DeliveryState.FAILED)),
        skipped=Count("id", filter=Q(state=DeliveryState.SKIPPED)),
    )
    total, sent, failed, skipped = (
        counts["total"],
        counts["sent"],
        counts["failed"],
        counts["skipped"],
    )
    done = sent + failed + skipped
    if total:
        # Floor, so that 100 % means every delivery is done.
        percent = done * 100 // total
    else:
        percent = 100 if infobrief.status == InfobriefStatus.SENT else 0
    return Progress(
        total=total,
        sent=sent,
        failed=failed,
        skipped=skipped,
        pending=total - done,
        percent=percent,
        status=infobrief.status,
    )


@dataclass(frozen=True)
class Figures:
    """The editor's figures of one Infobrief."""

    recipients: int  # delivery rows: the people it was addressed to when it was sent
    sent: int
    failed: int
    skipped: int  # unsubscribed (or out of the audience) between scheduling and sending
    unsubscribes: int  # unsubscribes through the links of this Infobrief


def infobrief_figures(*, infobrief: Infobrief, progress: Progress | None = None) -> Figures:
    """Return recipients, sent, failed, skipped and unsubscribes caused (one query; none if
    the caller passes the `progress` it already has)."""
    if progress is None:
        progress = infobrief_progress(infobrief=infobrief)
    return Figures(
        recipients=progress.total,
        sent=progress.sent,
        failed=progress.failed,
        skipped=progress.skipped,
        unsubscribes=infobrief.unsubscribes,
    )
