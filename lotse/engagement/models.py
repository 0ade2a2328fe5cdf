"""Engagement and matching: opportunities, help requests, proposals, Patenschaften, hours.

Newcomers have no account. A help request holds the minimum of their data (a first name or a
pseudonym, how to reach them, postcode, languages, what they need); only the district's
coordinators, and once matched the volunteer, see the contact data. The newcomer follows their
request through a secret link (`access_key_hash`, the key itself is never stored).
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from lotse.core.availability import ALL_SLOTS_MASK
from lotse.core.choices import Language, Topic
from lotse.core.models import TimeStampedModel

from .choices import (
    WINNING_PROPOSAL_STATES,
    ApplicationStatus,
    ContactChannel,
    HoursStatus,
    MatchingRunStatus,
    OpportunityKind,
    OpportunityStatus,
    PatenschaftEndReason,
    PatenschaftStatus,
    ProposalOrigin,
    ProposalStatus,
    RequestCloseReason,
    RequestStatus,
    Urgency,
)

MAX_DESCRIPTION = 5000
MAX_MESSAGE = 2000


# --- Opportunities ---------------------------------------------------------------------------


class Opportunity(TimeStampedModel):
    """An Einsatzangebot of an organisation: one-off (a date) or ongoing, with places."""

    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="opportunities",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), max_length=MAX_DESCRIPTION)
    topic = models.CharField(_("topic"), max_length=30, choices=Topic.choices)
    district = models.ForeignKey(
        "regions.District",
        verbose_name=_("district"),
        on_delete=models.PROTECT,
        related_name="opportunities",
    )
    # Empty for online opportunities.
    postcode = models.ForeignKey(
        "regions.Postcode",
        verbose_name=_("postcode"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    place_name = models.CharField(_("place"), max_length=200, blank=True)
    is_online = models.BooleanField(_("online"), default=False)
    kind = models.CharField(
        _("kind"), max_length=10, choices=OpportunityKind.choices, default=OpportunityKind.ONGOING
    )
    # Required for one-off opportunities.
    starts_at = models.DateTimeField(_("starts"), null=True, blank=True)
    ends_at = models.DateTimeField(_("ends"), null=True, blank=True)
    places = models.PositiveSmallIntegerField(
        _("places"), default=1, validators=[MinValueValidator(1), MaxValueValidator(500)]
    )
    # Accepted applications; kept in step by the services under a row lock.
    places_taken = models.PositiveSmallIntegerField(_("places taken"), default=0)
    skills_wanted = models.TextField(_("skills wanted"), max_length=1000, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=200, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=OpportunityStatus.choices,
        default=OpportunityStatus.OPEN,
    )

    class Meta:
        verbose_name = _("opportunity")
        verbose_name_plural = _("opportunities")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "-created_at"]),
            models.Index(fields=["district", "status"]),
            models.Index(fields=["topic", "status"]),
            models.Index(fields=["starts_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(places__gte=1, places__lte=500), name="opportunity_places_in_range"
            ),
            models.CheckConstraint(
                condition=Q(places_taken__lte=models.F("places")),
                name="opportunity_not_overbooked",
            ),
            models.CheckConstraint(
                condition=Q(is_online=True) | Q(postcode__isnull=False),
                name="opportunity_place_or_online",
            ),
            models.CheckConstraint(
                condition=~Q(kind=OpportunityKind.ONE_OFF) | Q(starts_at__isnull=False),
                name="opportunity_one_off_has_date",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def places_left(self) -> int:
        return max(self.places - self.places_taken, 0)


class OpportunityLanguage(models.Model):
    opportunity = models.ForeignKey(Opportunity, on_delete=models.CASCADE, related_name="languages")
    language = models.CharField(_("language"), max_length=5, choices=Language.choices)

    class Meta:
        verbose_name = _("language of an opportunity")
        verbose_name_plural = _("languages of opportunities")
        constraints = [
            models.UniqueConstraint(
                fields=["opportunity", "language"], name="opportunity_language_unique"
            )
        ]
        indexes = [models.Index(fields=["language", "opportunity"])]

    def __str__(self) -> str:
        return self.get_language_display()


class Application(TimeStampedModel):
    """A volunteer's application for an opportunity (one per volunteer and opportunity)."""

    opportunity = models.ForeignKey(
        Opportunity,
        verbose_name=_("opportunity"),
        on_delete=models.CASCADE,
        related_name="applications",
    )
    volunteer = models.ForeignKey(
        "volunteers.VolunteerProfile",
        verbose_name=_("volunteer"),
        on_delete=models.CASCADE,
        related_name="applications",
    )
    message = models.TextField(_("message"), max_length=MAX_MESSAGE, blank=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=ApplicationStatus.choices,
        default=ApplicationStatus.PENDING,
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decision_note = models.TextField(_("note to the volunteer"), max_length=1000, blank=True)

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["opportunity", "volunteer"], name="application_once_per_volunteer"
            )
        ]
        indexes = [models.Index(fields=["opportunity", "status"])]

    def __str__(self) -> str:
        return f"{self.volunteer} → {self.opportunity}"


# --- Help requests ---------------------------------------------------------------------------


class HelpRequest(TimeStampedModel):
    """An Unterstützungsanfrage of a newcomer, held with the minimum of personal data."""

    district = models.ForeignKey(
        "regions.District",
        verbose_name=_("district"),
        on_delete=models.PROTECT,
        related_name="help_requests",
    )
    postcode = models.ForeignKey(
        "regions.Postcode", verbose_name=_("postcode"), on_delete=models.PROTECT, related_name="+"
    )
    first_name = models.CharField(_("first name or pseudonym"), max_length=80)
    contact_channel = models.CharField(
        _("how to reach you"), max_length=15, choices=ContactChannel.choices
    )
    # Phone number or e-mail address; empty when the coordinator passes messages on.
    contact_value = models.CharField(_("phone number or e-mail"), max_length=200, blank=True)
    topic = models.CharField(_("topic"), max_length=30, choices=Topic.choices)
    needs = models.TextField(_("what help is needed"), max_length=MAX_MESSAGE)
    # Preferred times, 21-bit mask as volunteers' availability (0 = any time).
    preferred_times = models.PositiveIntegerField(
        _("preferred times"), default=0, validators=[MaxValueValidator(ALL_SLOTS_MASK)]
    )
    urgency = models.CharField(
        _("urgency"), max_length=10, choices=Urgency.choices, default=Urgency.NORMAL
    )
    status = models.CharField(
        _("status"), max_length=10, choices=RequestStatus.choices, default=RequestStatus.OPEN
    )
    # The language the form was filled in (mails and the status page use it).
    form_language = models.CharField(_("language of the form"), max_length=10, default="de")
    # A coordinator or social worker who entered the request on the newcomer's behalf.
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # An interpreter volunteer attached by the coordinator: then a volunteer who shares a
    # language with the interpreter (instead of with the newcomer) may be matched.
    interpreter = models.ForeignKey(
        "volunteers.VolunteerProfile",
        verbose_name=_("interpreter"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="interpreting_for",
    )
    consent_version = models.CharField(_("consent text version"), max_length=30)
    consent_at = models.DateTimeField(_("consent given"))
    # SHA-256 of the newcomer's secret status link key.
    access_key_hash = models.CharField(max_length=64, unique=True, null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    close_reason = models.CharField(
        _("reason"), max_length=15, choices=RequestCloseReason.choices, blank=True
    )
    # Set when the retention period has passed and the personal fields were blanked.
    anonymised_at = models.DateTimeField(_("anonymised"), null=True, blank=True)

    class Meta:
        verbose_name = _("help request")
        verbose_name_plural = _("help requests")
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["district", "status", "created_at"]),
            models.Index(fields=["status", "created_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(preferred_times__lte=ALL_SLOTS_MASK),
                name="help_request_times_in_range",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.get_topic_display()}"


class HelpRequestLanguage(models.Model):
    request = models.ForeignKey(HelpRequest, on_delete=models.CASCADE, related_name="languages")
    language = models.CharField(_("language"), max_length=5, choices=Language.choices)

    class Meta:
        verbose_name = _("language of a help request")
        verbose_name_plural = _("languages of help requests")
        constraints = [
            models.UniqueConstraint(
                fields=["request", "language"], name="help_request_language_unique"
            )
        ]

    def __str__(self) -> str:
        return self.get_language_display()


# --- Matching --------------------------------------------------------------------------------


class MatchingRun(TimeStampedModel):
    """One run of the matching engine for a district (on demand or nightly)."""

    district = models.ForeignKey(
        "regions.District",
        verbose_name=_("district"),
        on_delete=models.CASCADE,
        related_name="matching_runs",
    )
    # Empty for the nightly run.
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("started by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=MatchingRunStatus.choices,
        default=MatchingRunStatus.QUEUED,
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    stage = models.CharField(_("stage"), max_length=100, blank=True)
    requests_count = models.PositiveIntegerField(_("open requests"), default=0)
    volunteers_count = models.PositiveIntegerField(_("volunteers considered"), default=0)
    edges_count = models.PositiveIntegerField(_("candidate pairs"), default=0)
    proposals_count = models.PositiveIntegerField(_("proposals"), default=0)
    total_score = models.FloatField(_("total score"), default=0)
    seconds = models.FloatField(_("seconds"), default=0)
    error = models.TextField(_("error"), blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("matching run")
        verbose_name_plural = _("matching runs")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["district", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.district} {self.created_at:%Y-%m-%d %H:%M}"


class Proposal(TimeStampedModel):
    """A proposed pairing of a help request with a volunteer, and its answers."""

    request = models.ForeignKey(
        HelpRequest,
        verbose_name=_("help request"),
        on_delete=models.CASCADE,
        related_name="proposals",
    )
    volunteer = models.ForeignKey(
        "volunteers.VolunteerProfile",
        verbose_name=_("volunteer"),
        on_delete=models.CASCADE,
        related_name="proposals",
    )
    run = models.ForeignKey(
        MatchingRun,
        verbose_name=_("matching run"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="proposals",
    )
    origin = models.CharField(_("origin"), max_length=10, choices=ProposalOrigin.choices)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=ProposalStatus.choices,
        default=ProposalStatus.SUGGESTED,
    )
    score = models.FloatField(_("score"), default=0)
    # Why this pairing: structured facts (languages, km, shared slots, waiting days) rendered
    # in the reader's language by `lotse.engagement.explain`.
    reasons = models.JSONField(_("reasons"), default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    proposed_at = models.DateTimeField(_("sent to the volunteer"), null=True, blank=True)
    respond_by = models.DateTimeField(_("answer due"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reason = models.TextField(_("reason"), max_length=1000, blank=True)
    # How the newcomer can reach the volunteer, given by the volunteer on accepting.
    volunteer_contact = models.CharField(_("how to reach me"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["volunteer", "status"]),
            models.Index(fields=["request", "status"]),
            models.Index(fields=["status", "respond_by"]),
        ]
        constraints = [
            # Never propose the same volunteer twice for one request.
            models.UniqueConstraint(fields=["request", "volunteer"], name="proposal_once_per_pair"),
            # Only one volunteer can win a request, even when two accept at the same moment.
            models.UniqueConstraint(
                fields=["request"],
                condition=Q(status__in=WINNING_PROPOSAL_STATES),
                name="proposal_one_winner_per_request",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.request} → {self.volunteer}"


# --- Patenschaften ---------------------------------------------------------------------------


class Patenschaft(TimeStampedModel):
    """An ongoing pairing of a volunteer and a newcomer, from a confirmed proposal."""

    request = models.OneToOneField(
        HelpRequest,
        verbose_name=_("help request"),
        on_delete=models.CASCADE,
        related_name="patenschaft",
    )
    proposal = models.OneToOneField(
        Proposal,
        verbose_name=_("proposal"),
        on_delete=models.CASCADE,
        related_name="patenschaft",
    )
    volunteer = models.ForeignKey(
        "volunteers.VolunteerProfile",
        verbose_name=_("volunteer"),
        on_delete=models.CASCADE,
        related_name="patenschaften",
    )
    district = models.ForeignKey(
        "regions.District",
        verbose_name=_("district"),
        on_delete=models.PROTECT,
        related_name="patenschaften",
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=PatenschaftStatus.choices,
        default=PatenschaftStatus.ACTIVE,
    )
    started_on = models.DateField(_("started"))
    ended_on = models.DateField(_("ended"), null=True, blank=True)
    end_reason = models.CharField(
        _("reason for ending"), max_length=20, choices=PatenschaftEndReason.choices, blank=True
    )
    end_note = models.TextField(_("note"), max_length=1000, blank=True)
    last_check_in_at = models.DateTimeField(_("last check-in"), null=True, blank=True)
    # When the volunteer was last asked for a check-in (monthly prompt, idempotent).
    last_prompted_at = models.DateTimeField(_("last check-in reminder"), null=True, blank=True)
    # When the coordinator was told about 60 days without a check-in (once per silence).
    flagged_at = models.DateTimeField(_("flagged to the coordinator"), null=True, blank=True)

    class Meta:
        verbose_name = _("Patenschaft")
        verbose_name_plural = _("Patenschaften")
        ordering = ["-started_on", "-id"]
        indexes = [
            models.Index(fields=["district", "status"]),
            models.Index(fields=["volunteer", "status"]),
            models.Index(fields=["status", "last_check_in_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="patenschaft_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.volunteer} / {self.request}"


class CheckIn(models.Model):
    """A volunteer's monthly word on a Patenschaft: still active? any problems?"""

    patenschaft = models.ForeignKey(Patenschaft, on_delete=models.CASCADE, related_name="check_ins")
    created_at = models.DateTimeField(_("time"), auto_now_add=True)
    still_active = models.BooleanField(_("the Patenschaft is still active"), default=True)
    has_problems = models.BooleanField(_("there are problems"), default=False)
    note = models.TextField(_("note for the coordinator"), max_length=1000, blank=True)

    class Meta:
        verbose_name = _("check-in")
        verbose_name_plural = _("check-ins")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.patenschaft} {self.created_at:%Y-%m-%d}"


# --- Hours and certificates ------------------------------------------------------------------


class HoursEntry(TimeStampedModel):
    """Hours a volunteer gave, for a Patenschaft or an opportunity; approved by the coordinator
    (Patenschaft) or the organisation (opportunity)."""

    volunteer = models.ForeignKey(
        "volunteers.VolunteerProfile",
        verbose_name=_("volunteer"),
        on_delete=models.CASCADE,
        related_name="hours",
    )
    patenschaft = models.ForeignKey(
        Patenschaft,
        verbose_name=_("Patenschaft"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="hours",
    )
    opportunity = models.ForeignKey(
        Opportunity,
        verbose_name=_("opportunity"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="hours",
    )
    date = models.DateField(_("date"))
    hours = models.DecimalField(
        _("hours"),
        max_digits=4,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.25")), MaxValueValidator(Decimal("24"))],
    )
    activity = models.CharField(_("what you did"), max_length=300)
    status = models.CharField(
        _("status"), max_length=10, choices=HoursStatus.choices, default=HoursStatus.PENDING
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    review_note = models.CharField(_("reason"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("hours entry")
        verbose_name_plural = _("hours entries")
        ordering = ["-date", "-id"]
        indexes = [
            models.Index(fields=["volunteer", "status", "date"]),
            models.Index(fields=["patenschaft", "status"]),
            models.Index(fields=["opportunity", "status"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(Q(patenschaft__isnull=False) & Q(opportunity__isnull=True))
                | (Q(patenschaft__isnull=True) & Q(opportunity__isnull=False)),
                name="hours_for_exactly_one_activity",
            ),
            models.CheckConstraint(
                condition=Q(hours__gte=Decimal("0.25"), hours__lte=Decimal("24")),
                name="hours_in_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.hours} h"


class Certificate(models.Model):
    """An Engagementnachweis: a snapshot of approved engagement, issued in a district's name.

    The public verification page shows only what the certificate itself states about its
    holder (name, period, total hours, issuer, date); `code` is 80 random bits.
    """

    volunteer = models.ForeignKey(
        "volunteers.VolunteerProfile",
        verbose_name=_("volunteer"),
        on_delete=models.CASCADE,
        related_name="certificates",
    )
    district = models.ForeignKey(
        "regions.District",
        verbose_name=_("issued by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    code = models.CharField(_("verification code"), max_length=32, unique=True)
    issued_at = models.DateTimeField(_("issued"), auto_now_add=True)
    holder_name = models.CharField(_("holder"), max_length=201)
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("until"))
    total_hours = models.DecimalField(_("total hours"), max_digits=8, decimal_places=2)
    # Activities as printed: [{"kind", "title", "start", "end", "hours"}].
    activities = models.JSONField(_("activities"), default=list)
    language = models.CharField(_("language"), max_length=10, default="de")
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        verbose_name = _("engagement certificate")
        verbose_name_plural = _("engagement certificates")
        ordering = ["-issued_at", "-id"]

    def __str__(self) -> str:
        return self.code
