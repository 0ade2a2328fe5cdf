"""Writes of the accounts module: registration, confirmation, two-factor, data rights, roles.

The flows:

Registration
    `user_register` creates the user (unconfirmed: `email_confirmed_at` is None), records the
    consent to the privacy notice (kind, version, time, language) and mails a confirmation link.
    When the address is already registered nothing is created and the owner of the address gets
    a "someone tried to register with your address" mail instead; the visitor sees exactly the
    same page either way, so registration never reveals whether an address has an account.

Confirmation
    The link carries a `TimestampSigner` token over the user's pk and e-mail address
    (`confirmation_token_make` / `confirmation_token_check`), valid for
    `LOTSE_CONFIRMATION_MAX_AGE_SECONDS`. `user_email_confirm` sets `email_confirmed_at`; only
    then can the user log in. `confirmation_resend` mails a fresh link to unconfirmed accounts
    and silently does nothing otherwise (same answer for every address). Completing a password
    reset also confirms the address (the person proved they read mail sent to it).

Two-factor login (staff roles)
    `totp_device_for_setup` creates (or reuses) the user's unconfirmed TOTP device;
    `totp_device_confirm` checks the first code, confirms the device and creates ten one-time
    backup codes; `two_factor_verify` checks a TOTP or backup code against the user's confirmed
    devices (django-otp throttles repeated failures per device).

Data rights
    `user_data_export` returns everything the personal-data registry knows about the user plus
    metadata; `user_delete` erases the account through the registry (consents stay, anonymised).

Administration
    `role_assign` / `role_remove`, `membership_add` / `membership_remove` and
    `user_set_active` are for platform administrators; each change is audited.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from lotse.core.audit import audit_record
from lotse.core.privacy import erase_user, export_user_data
from lotse.core.services import mail_enqueue

from .models import Consent, ConsentKind, RoleAssignment, User
from .roles import DISTRICT_SCOPED_ROLES, STATE_SCOPED_ROLES, Role

CONFIRMATION_SALT = "lotse.accounts.confirmation"
BACKUP_CODE_COUNT = 10
TOTP_DEVICE_NAME = "Authenticator"
BACKUP_DEVICE_NAME = "Backup codes"


class ConfirmationError(Exception):
    """A confirmation token that cannot be used; `expired` tells why."""

    def __init__(self, *, expired: bool) -> None:
        super().__init__("expired" if expired else "invalid")
        self.expired = expired


# --- registration and confirmation -------------------------------------------------------


def confirmation_token_make(*, user: User) -> str:
    """Return a signed, timestamped token for confirming `user`'s current e-mail address."""
    return signing.TimestampSigner(salt=CONFIRMATION_SALT).sign_object(
        {"user": user.pk, "email": user.email}
    )


def confirmation_token_check(*, token: str) -> User:
    """Return the user a confirmation token belongs to.

    Raises ConfirmationError(expired=True) for a genuine but too old token and
    ConfirmationError(expired=False) for a forged, mangled or outdated one (the user no longer
    exists or changed the address).
    """
    signer = signing.TimestampSigner(salt=CONFIRMATION_SALT)
    try:
        payload = signer.unsign_object(
            token[:500], max_age=settings.LOTSE_CONFIRMATION_MAX_AGE_SECONDS
        )
    except signing.SignatureExpired as error:
        raise ConfirmationError(expired=True) from error
    except (signing.BadSignature, ValueError, TypeError) as error:
        raise ConfirmationError(expired=False) from error
    if not isinstance(payload, dict) or not isinstance(payload.get("user"), int):
        raise ConfirmationError(expired=False)
    user = User.objects.filter(pk=payload["user"], email=str(payload.get("email"))).first()
    if user is None:
        raise ConfirmationError(expired=False)
    return user


def _confirmation_mail_send(*, user: User) -> None:
    link = settings.SITE_URL + reverse(
        "accounts:confirm", kwargs={"token": confirmation_token_make(user=user)}
    )
    hours = settings.LOTSE_CONFIRMATION_MAX_AGE_SECONDS // 3600
    mail_enqueue(
        to=user.email,
        template="accounts/email/confirm",
        context={"confirm_url": link, "hours": hours},
        language=user.preferred_language,
    )


@transaction.atomic
def user_register(*, email: str, password: str, language: str) -> User | None:
    """Register a volunteer account and mail the confirmation link.

    Returns the new user, or None when the address is already registered; then the owner of
    the address gets a warning mail instead (no account enumeration). Side effects: one user,
    one consent, one audit event, one queued mail.
    """
    normalised = User.objects.normalize_email(email).strip().lower()
    existing = User.objects.filter(email__iexact=normalised).first()
    if existing is not None:
        mail_enqueue(
            to=existing.email,
            template="accounts/email/already_registered",
            context={
                "login_url": settings.SITE_URL + reverse("accounts:login"),
                "reset_url": settings.SITE_URL + reverse("accounts:password_reset"),
            },
            language=existing.preferred_language,
        )
        return None
    user = User(email=normalised, preferred_language=language, email_confirmed_at=None)
    user.set_password(password)
    user.full_clean(exclude=["password"])
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:
        # A concurrent registration of the same address won the race: answer as for a duplicate.
        return None
    consent = Consent(
        user=user,
        kind=ConsentKind.PRIVACY_NOTICE,
        version=settings.LOTSE_PRIVACY_NOTICE_VERSION,
        language=language,
    )
    consent.full_clean()
    consent.save()
    audit_record(actor=None, action="accounts.user.registered", obj=user, subject=user)
    _confirmation_mail_send(user=user)
    return user


@transaction.atomic
def user_email_confirm(*, user: User) -> bool:
    """Mark `user`'s e-mail address as confirmed.

    Returns True when it was unconfirmed before (False: nothing changed). Side effect: audit.
    """
    if user.email_confirmed_at is not None:
        return False
    user.email_confirmed_at = timezone.now()
    user.save(update_fields=["email_confirmed_at"])
    audit_record(
        actor=user,
        action="accounts.user.email_confirmed",
        obj=user,
        subject=user,
        changed_fields=["email_confirmed_at"],
    )
    return True


def confirmation_resend(*, email: str) -> None:
    """Mail a fresh confirmation link if `email` belongs to an unconfirmed, active account.

    Does nothing otherwise, so the caller can give every address the same answer.
    """
    user = User.objects.filter(
        email__iexact=email.strip(), email_confirmed_at__isnull=True, is_active=True
    ).first()
    if user is not None:
        _confirmation_mail_send(user=user)


# --- two-factor login ----------------------------------------------------------------------


def totp_device_for_setup(*, user: User) -> TOTPDevice:
    """Return the user's unconfirmed TOTP device, creating one with a fresh key if needed."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, confirmed=False)
    return device


@transaction.atomic
def totp_device_confirm(*, user: User, device: TOTPDevice, code: str) -> list[str] | None:
    """Confirm `device` with its first code and create one-time backup codes.

    Returns the backup codes (to be shown exactly once), or None when the code is wrong or the
    device is throttled. Side effects: confirms the device, replaces earlier backup codes,
    audit.
    """
    if device.user_id != user.pk or device.confirmed:
        return None
    allowed, _details = device.verify_is_allowed()
    if not allowed or not device.verify_token(code.strip().replace(" ", "")):
        return None
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    StaticDevice.objects.filter(user=user).delete()
    backup = StaticDevice.objects.create(user=user, name=BACKUP_DEVICE_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _index in range(BACKUP_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=backup, token=code) for code in codes])
    audit_record(actor=user, action="accounts.two_factor.configured", obj=device, subject=user)
    return codes


def user_has_confirmed_device(*, user: User) -> bool:
    """True when the user has a confirmed TOTP device."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


class TwoFactorThrottledError(Exception):
    """Too many wrong codes: the device refuses checks for a while."""


def two_factor_verify(*, user: User, code: str) -> TOTPDevice | StaticDevice | None:
    """Return the confirmed device that accepts `code` (TOTP or one-time backup code).

    Raises TwoFactorThrottledError when the TOTP device is locked after repeated failures.
    A used backup code is consumed. Returns None for a wrong code (the failure is counted).
    """
    cleaned = code.strip().replace(" ", "")
    if not cleaned:
        return None
    totp_devices = list(TOTPDevice.objects.filter(user=user, confirmed=True))
    for device in totp_devices:
        allowed, _details = device.verify_is_allowed()
        if not allowed:
            raise TwoFactorThrottledError
    for device in totp_devices:
        if device.verify_token(cleaned):
            return device
    for static in StaticDevice.objects.filter(user=user, confirmed=True):
        if static.verify_is_allowed()[0] and static.verify_token(cleaned):
            audit_record(
                actor=user, action="accounts.two_factor.backup_code_used", obj=static, subject=user
            )
            return static
    return None


# --- data rights ---------------------------------------------------------------------------


def user_data_export(*, user: User) -> dict[str, Any]:
    """Return everything stored about `user` as JSON-ready data (DSGVO Art. 15 and 20).

    Side effect: audit `accounts.data.exported`.
    """
    data = {
        "exported_at": timezone.now().isoformat(),
        "privacy_notice_version": settings.LOTSE_PRIVACY_NOTICE_VERSION,
        "data": export_user_data(user),
    }
    audit_record(actor=user, action="accounts.data.exported", obj=user, subject=user)
    return data


@transaction.atomic
def user_delete(*, user: User, actor: Any) -> dict[str, int]:
    """Erase `user`'s account and personal data as the privacy registry says (Art. 17).

    Consents are kept without the link to the person. Login-throttling records that name the
    address are removed too. Returns the erased row counts per model.
    """
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    email = user.email
    audit_record(actor=actor, action="accounts.user.deleted", obj=user, subject=user)
    counts = erase_user(user)
    for model in (AccessAttempt, AccessLog, AccessFailureLog):
        model.objects.filter(username__iexact=email).delete()
    return counts


# --- administration ----------------------------------------------------------------------


@transaction.atomic
def role_assign(
    *,
    actor: Any,
    user: User,
    role: str,
    district: Any = None,
    state: Any = None,
) -> RoleAssignment:
    """Give `user` a role, scoped to a district (coordinator) or a Land (state editor).

    Raises ValidationError for a missing or superfluous scope and for a duplicate assignment.
    Side effect: audit `accounts.role.assigned`.
    """
    if role not in Role.values:
        raise ValidationError({"role": _("Please choose a valid role.")})
    if role in DISTRICT_SCOPED_ROLES and district is None:
        raise ValidationError({"district": _("A coordinator needs a district.")})
    if role in STATE_SCOPED_ROLES and state is None:
        raise ValidationError({"state": _("A state editor needs a state.")})
    if role not in DISTRICT_SCOPED_ROLES and district is not None:
        raise ValidationError({"district": _("This role is not limited to a district.")})
    if role not in STATE_SCOPED_ROLES and state is not None:
        raise ValidationError({"state": _("This role is not limited to a state.")})
    duplicate = RoleAssignment.objects.filter(
        user=user, role=role, district=district, state=state
    ).exists()
    if duplicate:
        raise ValidationError(_("The user already has this role."))
    assignment = RoleAssignment(
        user=user,
        role=role,
        district=district,
        state=state,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    assignment.full_clean()
    assignment.save()
    audit_record(
        actor=actor,
        action="accounts.role.assigned",
        obj=assignment,
        subject=user,
        changed_fields=["role", "district", "state"],
    )
    return assignment


@transaction.atomic
def role_remove(*, actor: Any, assignment: RoleAssignment) -> None:
    """Take a role away. Side effect: audit `accounts.role.removed`."""
    audit_record(
        actor=actor, action="accounts.role.removed", obj=assignment, subject=assignment.user
    )
    assignment.delete()


@transaction.atomic
def membership_add(*, actor: Any, user: User, organisation_id: int, role: str) -> Any:
    """Make `user` a member (or admin) of an organisation; an existing membership's role changes.

    Raises ValidationError for an unknown organisation or role. Side effect: audit
    `accounts.membership.added`.
    """
    from lotse.organisations.models import Membership, Organisation

    organisation = Organisation.objects.filter(pk=organisation_id).first()
    if organisation is None:
        raise ValidationError({"organisation": _("Please choose an organisation.")})
    membership = Membership.objects.filter(user=user, organisation=organisation).first()
    if membership is None:
        membership = Membership(user=user, organisation=organisation, role=role)
    else:
        membership.role = role
    membership.full_clean()
    membership.save()
    audit_record(
        actor=actor,
        action="accounts.membership.added",
        obj=membership,
        subject=user,
        changed_fields=["organisation", "role"],
    )
    return membership


@transaction.atomic
def membership_remove(*, actor: Any, membership: Any) -> None:
    """End an organisation membership. Side effect: audit `accounts.membership.removed`."""
    audit_record(
        actor=actor, action="accounts.membership.removed", obj=membership, subject=membership.user
    )
    membership.delete()


@transaction.atomic
def user_set_active(*, actor: Any, user: User, active: bool) -> None:
    """Activate or deactivate an account (deactivated users cannot log in).

    Raises ValidationError when administrators try to deactivate themselves. Side effect: audit
    `accounts.user.activated` / `accounts.user.deactivated`.
    """
    if not active and user.pk == getattr(actor, "pk", None):
        raise ValidationError(_("You cannot deactivate your own account."))
    if user.is_active == active:
        return
    user.is_active = active
    user.save(update_fields=["is_active"])
    audit_record(
        actor=actor,
        action="accounts.user.activated" if active else "accounts.user.deactivated",
        obj=user,
        subject=user,
        changed_fields=["is_active"],
    )
