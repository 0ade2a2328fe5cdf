"""Infobriefe: newsletters of the state editors and the coordinators to volunteers.

- `SubscriptionRequest`: a public "please subscribe me" waiting for its confirmation link
  (double opt-in). It holds the wished preferences; nothing is subscribed until the link is
  used, so nobody can subscribe someone else, and an existing subscription is never changed by
  a stranger. Only the SHA-256 of the link's secret is stored; the request expires.
- `Subscription`: one confirmed address with its preferences (language, the whole Land or some
  of its districts, topics). `key` is mixed into the signed manage/unsubscribe links, so that
  changing it invalidates every old link.
- `ConsentRecord`: the consent log (given / changed / withdrawn, with the text version).
- `Infobrief` + `InfobriefVersion`: one newsletter with one Markdown text per language (German
  is required before sending; readers of a missing language get German with a note).
- `Delivery`: exactly one row per recipient and Infobrief (unique constraint). Its state is the
  truth about whether the mail went out; see `services/dispatch.py` for the protocol that keeps
  "exactly once" through crashed workers.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from lotse.core.models import TimeStampedModel

from .choices import (
    AudienceLevel,
    ConsentAction,
    DeliveryState,
    InfobriefStatus,
    SubscriptionSource,
    SubscriptionStatus,
    WithdrawalChannel,
)

MAX_SUBJECT = 200
MAX_SENDER_NAME = 100
# A Markdown body; the form refuses more with a clear message (a request body above
# DATA_UPLOAD_MAX_MEMORY_SIZE is refused before it is parsed).
MAX_BODY = 100_000
MAX_ERROR = 300
MAX_DISTRICTS_PER_SUBSCRIPTION = 30


def _language_choices() -> list[tuple[str, str]]:
    return list(settings.LANGUAGES)


class SubscriptionRequest(models.Model):
    """A subscription wished for on the public form, waiting for its confirmation link."""

    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"), db_index=True)
    email = models.EmailField(_("e-mail address"))
    language = models.CharField(_("language"), max_length=10, choices=_language_choices)
    state = models.ForeignKey(
        "regions.State", on_delete=models.CASCADE, related_name="+", verbose_name=_("Land")
    )
    whole_state = models.BooleanField(_("whole Land"), default=True)
    # District ids (of `state`) when not the whole Land.
    district_ids = models.JSONField(_("districts"), default=list, blank=True)
    topics_mask = models.PositiveIntegerField(_("topics"), default=0)
    token_hash = models.CharField(max_length=64, unique=True)
    consent_version = models.CharField(_("consent text version"), max_length=30)
    consent_language = models.CharField(_("language of the consent text"), max_length=10)

    class Meta:
        verbose_name = _("subscription request")
        verbose_name_plural = _("subscription requests")

    def __str__(self) -> str:
        return f"request {self.pk}"


class Subscription(TimeStampedModel):
    """One confirmed subscriber and their preferences."""

    email = models.EmailField(_("e-mail address"), unique=True)  # stored lower-cased
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="infobrief_subscriptions",
        verbose_name=_("account"),
    )
    language = models.CharField(_("language"), max_length=10, choices=_language_choices)
    state = models.ForeignKey(
        "regions.State", on_delete=models.PROTECT, related_name="+", verbose_name=_("Land")
    )
    whole_state = models.BooleanField(_("whole Land"), default=True)
    districts = models.ManyToManyField(
        "regions.District", blank=True, related_name="+", verbose_name=_("districts")
    )
    topics_mask = models.PositiveIntegerField(_("topics"), default=0)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=SubscriptionStatus.choices,
        default=SubscriptionStatus.ACTIVE,
    )
    source = models.CharField(_("source"), max_length=20, choices=SubscriptionSource.choices)
    confirmed_at = models.DateTimeField(_("confirmed"))
    unsubscribed_at = models.DateTimeField(_("unsubscribed"), null=True, blank=True)
    # Mixed into the signed links of every mail; a new key invalidates all old links.
    key = models.CharField(max_length=32)

    class Meta:
        verbose_name = _("Infobrief subscription")
        verbose_name_plural = _("Infobrief subscriptions")
        indexes = [models.Index(fields=["state", "status"], name="infobrief_sub_state_status")]

    def __str__(self) -> str:
        return f"subscription {self.pk}"


class ConsentRecord(models.Model):
    """The consent log of a subscription: which text version, when, how."""

    subscription = models.ForeignKey(
        Subscription, on_delete=models.CASCADE, related_name="consents"
    )
    action = models.CharField(_("action"), max_length=20, choices=ConsentAction.choices)
    at = models.DateTimeField(_("time"), auto_now_add=True)
    text_version = models.CharField(_("text version"), max_length=30)
    language = models.CharField(_("language of the text"), max_length=10)
    source = models.CharField(_("source"), max_length=20, choices=SubscriptionSource.choices)
    channel = models.CharField(
        _("withdrawn through"), max_length=20, choices=WithdrawalChannel.choices, blank=True
    )

    class Meta:
        verbose_name = _("consent record")
        verbose_name_plural = _("consent records")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.action} {self.text_version}"


class Infobrief(TimeStampedModel):
    """One newsletter: its audience, its schedule and its dispatch state."""

    state = models.ForeignKey(
        "regions.State", on_delete=models.PROTECT, related_name="+", verbose_name=_("Land")
    )
    # Set for a coordinator's Infobrief: the district team that owns it (its only audience).
    team_district = models.ForeignKey(
        "regions.District",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("district team"),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("author"),
    )
    sender_name = models.CharField(_("sender name"), max_length=MAX_SENDER_NAME)
    level = models.CharField(
        _("audience"), max_length=20, choices=AudienceLevel.choices, default=AudienceLevel.STATE
    )
    region = models.ForeignKey(
        "regions.AdministrativeRegion",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Regierungsbezirk"),
    )
    districts = models.ManyToManyField(
        "regions.District", blank=True, related_name="+", verbose_name=_("districts")
    )
    topics_mask = models.PositiveIntegerField(_("topics"), default=0)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=InfobriefStatus.choices,
        default=InfobriefStatus.DRAFT,
        db_index=True,
    )
    scheduled_at = models.DateTimeField(_("send at"), null=True, blank=True)
    started_at = models.DateTimeField(_("dispatch started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("sent"), null=True, blank=True)
    unsubscribes = models.PositiveIntegerField(_("unsubscribes caused"), default=0)

    class Meta:
        verbose_name = _("Infobrief")
        verbose_name_plural = _("Infobriefe")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(level=AudienceLevel.REGION) | Q(region__isnull=False),
                name="infobrief_region_level_has_region",
            ),
        ]

    def __str__(self) -> str:
        return f"Infobrief {self.pk}"


class InfobriefVersion(TimeStampedModel):
    """The text of an Infobrief in one language (Markdown)."""

    infobrief = models.ForeignKey(Infobrief, on_delete=models.CASCADE, related_name="versions")
    language = models.CharField(_("language"), max_length=10, choices=_language_choices)
    subject = models.CharField(_("subject"), max_length=MAX_SUBJECT)
    body = models.TextField(_("text (Markdown)"), max_length=MAX_BODY)

    class Meta:
        verbose_name = _("Infobrief language version")
        verbose_name_plural = _("Infobrief language versions")
        constraints = [
            models.UniqueConstraint(
                fields=["infobrief", "language"], name="infobrief_one_version_per_language"
            )
        ]

    def __str__(self) -> str:
        return f"{self.infobrief_id} {self.language}"


class Delivery(models.Model):
    """Exactly one row per recipient and Infobrief; its state says whether the mail went out."""

    infobrief = models.ForeignKey(Infobrief, on_delete=models.CASCADE, related_name="deliveries")
    # Cut (not deleted) when the subscriber's data is erased, so that the figures stay.
    subscription = models.ForeignKey(
        Subscription, on_delete=models.SET_NULL, null=True, blank=True, related_name="deliveries"
    )
    state = models.CharField(
        _("state"), max_length=20, choices=DeliveryState.choices, default=DeliveryState.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    # The worker's claim: who holds the row and until when (a dead worker's claim expires).
    claim = models.UUIDField(null=True, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    language = models.CharField(_("language sent"), max_length=10, blank=True)
    last_error = models.CharField(_("last error"), max_length=MAX_ERROR, blank=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints = [
            models.UniqueConstraint(
                fields=["infobrief", "subscription"], name="delivery_once_per_recipient"
            )
        ]
        indexes = [
            models.Index(fields=["infobrief", "state", "id"], name="delivery_queue"),
            models.Index(fields=["claim"], name="delivery_claim"),
        ]

    def __str__(self) -> str:
        return f"delivery {self.pk}"
