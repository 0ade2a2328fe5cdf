"""Organisations of the network and their members."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from lotse.core.choices import Language, Topic
from lotse.core.models import TimeStampedModel
from lotse.core.validators import validate_plain_text

from .choices import MembershipRole, OrganisationKind
from .validators import validate_phone, validate_web_address


class Organisation(TimeStampedModel):
    """An organisation of the integration network with its public profile."""

    name = models.CharField(_("name"), max_length=200, validators=[validate_plain_text])
    slug = models.SlugField(_("slug"), max_length=220, unique=True)
    kind = models.CharField(_("type"), max_length=30, choices=OrganisationKind.choices)
    description = models.TextField(
        _("description"), max_length=5000, blank=True, validators=[validate_plain_text]
    )
    districts = models.ManyToManyField(
        "regions.District", verbose_name=_("districts served"), related_name="organisations"
    )
    website = models.URLField(
        _("website"), max_length=300, blank=True, validators=[validate_web_address]
    )
    contact_name = models.CharField(
        _("contact person"), max_length=200, blank=True, validators=[validate_plain_text]
    )
    contact_email = models.EmailField(_("public e-mail address"), blank=True)
    contact_phone = models.CharField(
        _("public telephone"), max_length=40, blank=True, validators=[validate_phone]
    )
    street = models.CharField(
        _("street and number"), max_length=200, blank=True, validators=[validate_plain_text]
    )
    postcode = models.ForeignKey(
        "regions.Postcode",
        verbose_name=_("postcode"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    city = models.CharField(_("town"), max_length=100, blank=True, validators=[validate_plain_text])
    is_published = models.BooleanField(_("shown in the public directory"), default=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        indexes = [models.Index(fields=["is_published", "name"])]

    def __str__(self) -> str:
        return self.name

    @property
    def topic_codes(self) -> list[str]:
        """The topic codes (uses prefetched topics)."""
        return [row.topic for row in self.topics.all()]

    @property
    def language_codes(self) -> list[str]:
        """The language codes (uses prefetched languages)."""
        return [row.language for row in self.languages.all()]


class OrganisationTopic(models.Model):
    """A topic an organisation works on (shown and filtered in the directory)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="topics")
    topic = models.CharField(_("topic"), max_length=30, choices=Topic.choices)

    class Meta:
        verbose_name = _("topic of an organisation")
        verbose_name_plural = _("topics of organisations")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "topic"], name="org_topic_unique")
        ]
        indexes = [models.Index(fields=["topic", "organisation"])]

    def __str__(self) -> str:
        return self.get_topic_display()


class OrganisationLanguage(models.Model):
    """A language in which an organisation offers its services."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="languages"
    )
    language = models.CharField(_("language"), max_length=5, choices=Language.choices)

    class Meta:
        verbose_name = _("language of an organisation")
        verbose_name_plural = _("languages of organisations")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "language"], name="org_language_unique")
        ]
        indexes = [models.Index(fields=["language", "organisation"])]

    def __str__(self) -> str:
        return self.get_language_display()


class Membership(TimeStampedModel):
    """A user works for an organisation; admins are a staff role (two-factor login)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(
        _("role"), max_length=10, choices=MembershipRole.choices, default=MembershipRole.MEMBER
    )

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation"], name="membership_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.organisation}"
