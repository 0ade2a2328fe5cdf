"""Vocabularies and states of the Infobriefe (newsletters).

Life of an Infobrief: draft → scheduled (a send time, or "now") → preparing (the worker writes
one `Delivery` row per recipient) → sending ⇄ paused → sent; a draft or a scheduled Infobrief
can be cancelled (back to draft). Life of a delivery: pending → claimed (a worker holds it
under a lease while it sends) → sent | failed (permanent) | skipped (consent gone at send time);
a temporary failure puts it back to pending with a later `next_attempt_at`.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from lotse.core.choices import Topic


class SubscriptionStatus(models.TextChoices):
    ACTIVE = "active", pgettext_lazy("subscription status", "Subscribed")
    UNSUBSCRIBED = "unsubscribed", pgettext_lazy("subscription status", "Unsubscribed")


class SubscriptionSource(models.TextChoices):
    FORM = "form", _("Public form with confirmation link")
    ACCOUNT = "account", _("One click from the volunteer's account")


class ConsentAction(models.TextChoices):
    GIVEN = "given", pgettext_lazy("consent action", "Given")
    CHANGED = "changed", pgettext_lazy("consent action", "Preferences changed")
    WITHDRAWN = "withdrawn", pgettext_lazy("consent action", "Withdrawn")


class WithdrawalChannel(models.TextChoices):
    """How a subscriber unsubscribed (for the consent log)."""

    LINK = "link", _("Unsubscribe page")
    ONE_CLICK = "one_click", _("One-click unsubscribe of the mail program (RFC 8058)")
    ACCOUNT = "account", _("Own account")


class AudienceLevel(models.TextChoices):
    """Whom an Infobrief addresses within its Land."""

    STATE = "state", _("The whole Land")
    REGION = "region", _("One Regierungsbezirk")
    DISTRICTS = "districts", _("Selected districts")


class InfobriefStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("infobrief status", "Draft")
    SCHEDULED = "scheduled", pgettext_lazy("infobrief status", "Scheduled")
    PREPARING = "preparing", pgettext_lazy("infobrief status", "Preparing recipients")
    SENDING = "sending", pgettext_lazy("infobrief status", "Sending")
    PAUSED = "paused", pgettext_lazy("infobrief status", "Paused")
    SENT = "sent", pgettext_lazy("infobrief status", "Sent")


# Statuses in which the text and the audience can still be edited.
EDITABLE = (InfobriefStatus.DRAFT,)
# Statuses in which the dispatch is under way (progress is shown).
DISPATCHING = (InfobriefStatus.PREPARING, InfobriefStatus.SENDING, InfobriefStatus.PAUSED)


class DeliveryState(models.TextChoices):
    PENDING = "pending", pgettext_lazy("delivery state", "Waiting")
    CLAIMED = "claimed", pgettext_lazy("delivery state", "Being sent")
    SENT = "sent", pgettext_lazy("delivery state", "Sent")
    FAILED = "failed", pgettext_lazy("delivery state", "Failed")
    SKIPPED = "skipped", pgettext_lazy("delivery state", "Not sent (unsubscribed)")


# Topic bits of `topics_mask` (subscriptions and Infobriefe). Append only: the position of a
# topic is its bit, stored in the database. A mask of 0 means "all topics" for a subscriber
# and "general, for everyone" for an Infobrief.
TOPIC_BITS: tuple[str, ...] = (
    Topic.LANGUAGE_LEARNING,
    Topic.SCHOOL_CHILDCARE,
    Topic.HEALTH,
    Topic.HOUSING,
    Topic.WORK,
    Topic.AUTHORITIES,
    Topic.LEISURE,
    Topic.INTERPRETING,
    Topic.OTHER,
)


def topics_to_mask(topics: list[str] | tuple[str, ...] | set[str]) -> int:
    """Return the bit mask of `topics` (unknown codes raise ValueError)."""
    mask = 0
    for topic in topics:
        mask |= 1 << TOPIC_BITS.index(topic)
    return mask


def mask_to_topics(mask: int) -> list[str]:
    """Return the topic codes of `mask`, in vocabulary order."""
    return [topic for bit, topic in enumerate(TOPIC_BITS) if mask & (1 << bit)]
