"""Volunteer profiles."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from lotse.core.availability import ALL_SLOTS_MASK
from lotse.core.choices import Language, LanguageLevel, Topic
from lotse.core.models import TimeStampedModel

from .choices import VolunteerRole, VolunteerStatus


class VolunteerProfile(TimeStampedModel):
    """What a volunteer offers, where and when. Names live on the user."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="volunteer_profile"
    )
    postcode = models.ForeignKey(
        "regions.Postcode",
        verbose_name=_("home postcode"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    travel_radius_km = models.PositiveSmallIntegerField(
        _("travel radius (km)"),
        default=10,
        validators=[MinValueValidator(1), MaxValueValidator(200)],
    )
    district = models.ForeignKey(
        "regions.District",
        verbose_name=_("district"),
        on_delete=models.PROTECT,
        related_name="volunteers",
    )
    # How many Patenschaften the volunteer takes on at once (the matching engine's capacity).
    max_patenschaften = models.PositiveSmallIntegerField(
        _("Patenschaften at the same time"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    skills = models.TextField(_("skills and experience"), max_length=2000, blank=True)
    # 21-bit mask, see lotse.core.availability.
    availability = models.PositiveIntegerField(
        _("weekly availability"), default=0, validators=[MaxValueValidator(ALL_SLOTS_MASK)]
    )
    status = models.CharField(
        _("status"), max_length=10, choices=VolunteerStatus.choices, default=VolunteerStatus.ACTIVE
    )

    class Meta:
        verbose_name = _("volunteer profile")
        verbose_name_plural = _("volunteer profiles")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["district", "status", "-created_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(availability__lte=ALL_SLOTS_MASK),
                name="volunteer_availability_in_range",
            ),
            models.CheckConstraint(
                condition=models.Q(travel_radius_km__gte=1, travel_radius_km__lte=200),
                name="volunteer_radius_in_range",
            ),
        ]

    def __str__(self) -> str:
        return str(self.user)


class VolunteerLanguage(models.Model):
    volunteer = models.ForeignKey(
        VolunteerProfile, on_delete=models.CASCADE, related_name="languages"
    )
    language = models.CharField(_("language"), max_length=5, choices=Language.choices)
    level = models.CharField(_("level"), max_length=10, choices=LanguageLevel.choices)

    class Meta:
        verbose_name = _("language of a volunteer")
        verbose_name_plural = _("languages of volunteers")
        constraints = [
            models.UniqueConstraint(
                fields=["volunteer", "language"], name="volunteer_language_unique"
            )
        ]
        indexes = [models.Index(fields=["language", "volunteer"])]

    def __str__(self) -> str:
        return f"{self.get_language_display()} ({self.get_level_display()})"


class VolunteerTopic(models.Model):
    volunteer = models.ForeignKey(VolunteerProfile, on_delete=models.CASCADE, related_name="topics")
    topic = models.CharField(_("topic"), max_length=30, choices=Topic.choices)

    class Meta:
        verbose_name = _("topic of a volunteer")
        verbose_name_plural = _("topics of volunteers")
        constraints = [
            models.UniqueConstraint(fields=["volunteer", "topic"], name="volunteer_topic_unique")
        ]
        indexes = [models.Index(fields=["topic", "volunteer"])]

    def __str__(self) -> str:
        return self.get_topic_display()


class VolunteerRoleChoice(models.Model):
    """A role the volunteer wants to take (Pate/Patin, Lotse/Lotsin, …)."""

    volunteer = models.ForeignKey(VolunteerProfile, on_delete=models.CASCADE, related_name="roles")
    role = models.CharField(_("role"), max_length=20, choices=VolunteerRole.choices)

    class Meta:
        verbose_name = _("role of a volunteer")
        verbose_name_plural = _("roles of volunteers")
        constraints = [
            models.UniqueConstraint(fields=["volunteer", "role"], name="volunteer_role_unique")
        ]

    def __str__(self) -> str:
        return self.get_role_display()
