"""Users, their role assignments and their consents."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .roles import Role


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        """Create a user with a normalised (lower-case) e-mail address."""
        if not email:
            raise ValueError("An e-mail address is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        extra.setdefault("email_confirmed_at", timezone.now())
        return self.create_user(email, password, **extra)

    def get_by_natural_key(self, username: str | None) -> User:
        return self.get(email__iexact=username or "")


class User(AbstractBaseUser, PermissionsMixin):
    """A person with a login. The e-mail address is the login name."""

    email = models.EmailField(_("e-mail address"), max_length=254, unique=True)
    first_name = models.CharField(_("first name"), max_length=100, blank=True)
    last_name = models.CharField(_("last name"), max_length=100, blank=True)
    preferred_language = models.CharField(_("preferred language"), max_length=10, default="de")
    is_active = models.BooleanField(_("active"), default=True)
    # Access to the Django admin site (platform admins only).
    is_staff = models.BooleanField(_("admin site access"), default=False)
    date_joined = models.DateTimeField(_("joined"), default=timezone.now)
    email_confirmed_at = models.DateTimeField(_("e-mail confirmed"), null=True, blank=True)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []  # type: ignore[misc]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["email"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="accounts_user_email_unique_ci"),
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.email

    def get_full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def get_short_name(self) -> str:
        return self.first_name or self.email

    @property
    def email_confirmed(self) -> bool:
        return self.email_confirmed_at is not None


class RoleAssignment(models.Model):
    """Gives a user a role, scoped to a district or a Land where the role needs it."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_assignments")
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    district = models.ForeignKey(
        "regions.District",
        verbose_name=_("district"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="role_assignments",
    )
    state = models.ForeignKey(
        "regions.State",
        verbose_name=_("state"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="role_assignments",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "district"],
                condition=models.Q(district__isnull=False),
                name="accounts_roleassignment_unique_district",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "state"],
                condition=models.Q(state__isnull=False),
                name="accounts_roleassignment_unique_state",
            ),
            models.UniqueConstraint(
                fields=["user", "role"],
                condition=models.Q(district__isnull=True, state__isnull=True),
                name="accounts_roleassignment_unique_unscoped",
            ),
            models.CheckConstraint(
                condition=~models.Q(role=Role.COORDINATOR) | models.Q(district__isnull=False),
                name="accounts_roleassignment_coordinator_has_district",
            ),
            models.CheckConstraint(
                condition=~models.Q(role=Role.STATE_EDITOR) | models.Q(state__isnull=False),
                name="accounts_roleassignment_state_editor_has_state",
            ),
        ]

    def __str__(self) -> str:
        scope = self.district or self.state
        return f"{self.get_role_display()}" + (f" – {scope}" if scope else "")


class ConsentKind(models.TextChoices):
    PRIVACY_NOTICE = "privacy_notice", _("Privacy notice")


class Consent(models.Model):
    """Proof of a consent: who agreed to which version of which text, and when.

    Kept (anonymised) after account deletion, as evidence that consent existed.
    """

    user = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="consents"
    )
    kind = models.CharField(_("kind"), max_length=30, choices=ConsentKind.choices)
    version = models.CharField(_("text version"), max_length=30)
    given_at = models.DateTimeField(_("given"), default=timezone.now)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    language = models.CharField(_("language of the text"), max_length=10)

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        ordering = ["-given_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.version}"
