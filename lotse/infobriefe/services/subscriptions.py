"""Subscriptions: double opt-in, one click for volunteers, preferences, unsubscribe, consent.

Public form (double opt-in)
    `subscription_request_create` never reveals whether an address is subscribed: for an
    unknown or unsubscribed address it stores a `SubscriptionRequest` (only the SHA-256 of the
    link's secret; earlier unconfirmed requests of the address are replaced) and mails the
    confirmation link in the chosen language; for an active subscription it changes nothing and
    mails the owner the manage link instead ("someone, maybe you, tried to subscribe"). Nothing
    is subscribed until the link is used, so nobody can subscribe someone else.

Confirmation
    `subscription_confirm` (under the request's row lock) creates the subscription or updates
    the existing one of the address: preferences of the request, status active, a new `key`
    (old links stop working), a consent record (given, text version and language of the form).
    The request is deleted, so a second use of the link finds nothing (404, harmless).
    A registered account whose confirmed address is the subscribed one is linked to it.

Registered volunteers
    `subscription_subscribe_account` subscribes the account's confirmed address at once
    (Land and district of the volunteer profile, else the whole default Land), or links and
    reactivates the address's existing subscription.

Signed links (every mail)
    `subscription_update_preferences` (consent record "changed"), `subscription_unsubscribe`
    (consent record "withdrawn" with the channel; a conditional UPDATE moves the subscription
    from active to unsubscribed exactly once, and only that transition counts an unsubscribe
    for the Infobrief the link came from) and `subscription_resubscribe` (consent "given").
    `subscription_manage_link_send` mails the manage link to a subscribed address and does
    nothing otherwise (same answer for every address).

Personal data
    `subscriptions_purge` (nightly) deletes expired requests and addresses unsubscribed longer
    than the retention period; `subscriptions_erase_for_user` (an erasure hook of core.privacy)
    deletes the subscription of a deleted account's address, also one never linked to it.

Changes of a subscription whose account is known are audited (`infobriefe.subscription.*`).
"""

from __future__ import annotations

import datetime
import enum
import unicodedata
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from lotse.accounts.models import User
from lotse.core.audit import audit_record
from lotse.core.services import mail_enqueue
from lotse.core.validators import add_error
from lotse.regions.models import District, State
from lotse.volunteers.models import VolunteerProfile

from .. import tokens
from ..choices import (
    TOPIC_BITS,
    ConsentAction,
    SubscriptionSource,
    SubscriptionStatus,
    WithdrawalChannel,
)
from ..models import (
    MAX_DISTRICTS_PER_SUBSCRIPTION,
    ConsentRecord,
    Infobrief,
    Subscription,
    SubscriptionRequest,
)

MAX_EMAIL = 254
DEFAULT_STATE_CODE = "BY"
ALL_TOPICS_MASK = (1 << len(TOPIC_BITS)) - 1


class SubscribeOutcome(enum.StrEnum):
    """What `subscription_request_create` did (for tests and logs; never shown to visitors)."""

    CONFIRMATION_SENT = "confirmation_sent"
    MANAGE_LINK_SENT = "manage_link_sent"


class ConfirmationLinkError(Exception):
    """A confirmation link that cannot be used; `expired` tells why (else unknown/forged)."""

    def __init__(self, *, expired: bool) -> None:
        super().__init__("expired" if expired else "invalid")
        self.expired = expired


# --- validation ------------------------------------------------------------------------------


def _has_forbidden_characters(text: str) -> bool:
    """Whitespace, control, format and separator characters (CR/LF: header injection)."""
    return any(char.isspace() or unicodedata.category(char)[0] in "CZ" for char in text)


def email_normalise(value: Any) -> str:
    """Return the address stripped and lower-cased.

    Raises ValidationError (translated, with a code) for a missing, too long or invalid address
    or one holding line breaks or other control characters, so that no header can be injected.
    """
    text = str(value if value is not None else "").strip()
    if not text:
        raise ValidationError(_("Please enter your e-mail address."), code="required")
    if len(text) > MAX_EMAIL:
        raise ValidationError(
            _("Please use at most %(max)d characters (you used %(count)d).")
            % {"max": MAX_EMAIL, "count": len(text)},
            code="max_length",
        )
    if _has_forbidden_characters(text):
        raise ValidationError(
            _(
                "The e-mail address contains spaces, line breaks or other invalid characters. "
                "Please enter only the address, for example name@example.org."
            ),
            code="control",
        )
    text = text.lower()
    try:
        EmailValidator()(text)
    except ValidationError as error:
        raise ValidationError(
            _("Please enter a valid e-mail address, for example name@example.org."),
            code="invalid",
        ) from error
    return text


def _language_codes() -> set[str]:
    return {code for code, _name in settings.LANGUAGES}


def _clean_preferences(
    errors: dict[str, list[Any]],
    *,
    language: str,
    state: State | None,
    whole_state: bool,
    districts: Iterable[District | int],
    topics_mask: int,
) -> list[District]:
    """Check the preferences, collecting errors; return the chosen districts (none for the
    whole Land)."""
    if language not in _language_codes():
        add_error(errors, "language", _("Please choose one of the offered languages."), "invalid")
    if not isinstance(state, State):
        add_error(errors, "state", _("Please choose a Land."), "required")
    if not isinstance(topics_mask, int) or topics_mask < 0 or topics_mask > ALL_TOPICS_MASK:
        add_error(errors, "topics", _("Please choose only the offered topics."), "invalid")
    if whole_state or not isinstance(state, State):
        return []
    ids = sorted({item.pk if isinstance(item, District) else int(item) for item in districts})
    if not ids:
        add_error(
            errors,
            "districts",
            _("Please choose at least one district, or the whole Land."),
            "required",
        )
        return []
    if len(ids) > MAX_DISTRICTS_PER_SUBSCRIPTION:
        add_error(
            errors,
            "districts",
            _("Please choose at most %(max)d districts (you chose %(count)d), or the whole Land.")
            % {"max": MAX_DISTRICTS_PER_SUBSCRIPTION, "count": len(ids)},
            "too_many",
        )
        return []
    chosen = list(District.objects.filter(pk__in=ids, state=state).order_by("name"))
    if len(chosen) != len(ids):
        add_error(
            errors,
            "districts",
            _("Please choose only districts of the chosen Land."),
            "other_state",
        )
        return []
    return chosen


def _raise_if(errors: dict[str, list[Any]]) -> None:
    if errors:
        raise ValidationError(errors)


# --- links and mails -------------------------------------------------------------------------


def manage_path(subscription: Subscription, *, infobrief_id: int | None = None) -> str:
    """Return the path of the subscription's manage page (signed with its current key)."""
    token = tokens.make_link_token(
        purpose="manage",
        subscription_id=subscription.pk,
        key=subscription.key,
        infobrief_id=infobrief_id,
    )
    return reverse("infobriefe:manage", kwargs={"token": token})


def unsubscribe_path(subscription: Subscription, *, infobrief_id: int | None = None) -> str:
    """Return the path of the subscription's unsubscribe page (signed with its current key)."""
    token = tokens.make_link_token(
        purpose="unsubscribe",
        subscription_id=subscription.pk,
        key=subscription.key,
        infobrief_id=infobrief_id,
    )
    return reverse("infobriefe:unsubscribe", kwargs={"token": token})


def _manage_mail_send(*, subscription: Subscription, template: str) -> None:
    mail_enqueue(
        to=subscription.email,
        template=f"infobriefe/email/{template}",
        context={
            "manage_url": settings.SITE_URL + manage_path(subscription),
            "unsubscribe_url": settings.SITE_URL + unsubscribe_path(subscription),
        },
        language=subscription.language,
    )


def _record_consent(
    subscription: Subscription,
    *,
    action: str,
    language: str,
    source: str,
    text_version: str | None = None,
    channel: str = "",
) -> ConsentRecord:
    record = ConsentRecord(
        subscription=subscription,
        action=action,
        text_version=text_version or settings.LOTSE_INFOBRIEF_CONSENT_VERSION,
        language=language,
        source=source,
        channel=channel,
    )
    record.full_clean(exclude=["subscription"])
    record.save()
    return record


def _audit(
    subscription: Subscription, *, actor: Any, action: str, changed_fields: Iterable[str] = ()
) -> None:
    """Audit a change of a subscription whose account is known (the actor or the subscriber)."""
    if subscription.user_id is None and not getattr(actor, "is_authenticated", False):
        return
    audit_record(
        actor=actor,
        action=f"infobriefe.subscription.{action}",
        obj=subscription,
        subject=subscription.user,
        changed_fields=changed_fields,
    )


def _confirmed_account(email: str) -> User | None:
    """The account whose confirmed address is `email`, if any."""
    return User.objects.filter(email__iexact=email, email_confirmed_at__isnull=False).first()


# --- the public form -------------------------------------------------------------------------


@transaction.atomic
def subscription_request_create(
    *,
    email: str,
    language: str,
    state: State,
    whole_state: bool,
    districts: Iterable[District | int] = (),
    topics_mask: int = 0,
    consent_language: str,
) -> SubscribeOutcome:
    """Ask for a subscription: mail a confirmation link, or the manage link of an active one.

    Raises ValidationError for bad input (nothing stored, nothing mailed). Side effects: for an
    unknown or unsubscribed address, the address's earlier requests are replaced by a new one
    and the confirmation mail is queued; for an active subscription only the manage-link mail
    is queued (the subscription is not changed).
    """
    errors: dict[str, list[Any]] = {}
    try:
        address = email_normalise(email)
    except ValidationError as error:
        errors["email"] = [error]
        address = ""
    chosen = _clean_preferences(
        errors,
        language=language,
        state=state,
        whole_state=whole_state,
        districts=districts,
        topics_mask=topics_mask,
    )
    if consent_language not in _language_codes():
        consent_language = settings.LANGUAGE_CODE
    _raise_if(errors)

    existing = Subscription.objects.filter(email=address).first()
    if existing is not None and existing.status == SubscriptionStatus.ACTIVE:
        _manage_mail_send(subscription=existing, template="already_subscribed")
        return SubscribeOutcome.MANAGE_LINK_SENT

    SubscriptionRequest.objects.filter(email=address).delete()
    secret = tokens.new_secret()
    hours = settings.LOTSE_INFOBRIEF_CONFIRM_HOURS
    request = SubscriptionRequest(
        email=address,
        language=language,
        state=state,
        whole_state=not chosen,
        district_ids=[district.pk for district in chosen],
        topics_mask=topics_mask,
        token_hash=tokens.hash_secret(secret),
        expires_at=timezone.now() + datetime.timedelta(hours=hours),
        consent_version=settings.LOTSE_INFOBRIEF_CONSENT_VERSION,
        consent_language=consent_language,
    )
    request.full_clean()
    request.save()
    mail_enqueue(
        to=address,
        template="infobriefe/email/confirm",
        context={
            "confirm_url": settings.SITE_URL
            + reverse("infobriefe:confirm", kwargs={"token": secret}),
            "hours": hours,
        },
        language=language,
    )
    return SubscribeOutcome.CONFIRMATION_SENT


def _apply_preferences(
    subscription: Subscription,
    *,
    language: str,
    state: State,
    districts: list[District],
    topics_mask: int,
) -> list[str]:
    """Set the preferences on `subscription` (saved by the caller, districts set here after
    the caller's save); return the names of the fields that changed."""
    changed = []
    if subscription.language != language:
        changed.append("language")
    if subscription.state_id != state.pk:
        changed.append("state")
    if subscription.whole_state != (not districts):
        changed.append("whole_state")
    if subscription.topics_mask != topics_mask:
        changed.append("topics_mask")
    subscription.language = language
    subscription.state = state
    subscription.whole_state = not districts
    subscription.topics_mask = topics_mask
    return changed


def _set_districts(subscription: Subscription, districts: list[District]) -> bool:
    """Replace the subscription's districts; True when they changed."""
    before = set(subscription.districts.values_list("pk", flat=True))
    after = {district.pk for district in districts}
    if before != after:
        subscription.districts.set(districts)
    return before != after


def subscription_confirm(*, secret: str) -> Subscription:
    """Use a confirmation link: subscribe the request's address with its preferences.

    Raises ConfirmationLinkError(expired=False) for an unknown, forged or used link and
    ConfirmationLinkError(expired=True) for an expired one (nothing changes). Side effects:
    creates or updates the `Subscription` (active, new key), one consent record (given),
    deletes the address's requests, audit when an account is linked.
    """
    if not isinstance(secret, str) or not secret or len(secret) > 100:
        raise ConfirmationLinkError(expired=False)
    with transaction.atomic():
        request = (
            SubscriptionRequest.objects.select_for_update(of=("self",))
            .select_related("state")
            .filter(token_hash=tokens.hash_secret(secret))
            .first()
        )
        if request is None:
            raise ConfirmationLinkError(expired=False)
        if request.expires_at <= timezone.now():
            raise ConfirmationLinkError(expired=True)
        districts = list(
            District.objects.filter(pk__in=request.district_ids, state=request.state_id)
        )
        now = timezone.now()
        subscription = Subscription.objects.select_for_update().filter(email=request.email).first()
        created = subscription is None
        if subscription is None:
            subscription = Subscription(email=request.email)
        _apply_preferences(
            subscription,
            language=request.language,
            state=request.state,
            districts=districts,
            topics_mask=request.topics_mask,
        )
        subscription.status = SubscriptionStatus.ACTIVE
        subscription.source = SubscriptionSource.FORM
        subscription.confirmed_at = now
        subscription.unsubscribed_at = None
        subscription.key = tokens.new_key()
        if subscription.user_id is None:
            subscription.user = _confirmed_account(request.email)
        subscription.full_clean(exclude=["user"], validate_unique=False)
        if created:
            try:
                with transaction.atomic():
                    subscription.save()
            except IntegrityError:
                # Another request of the same address was confirmed at the same moment.
                raise ConfirmationLinkError(expired=False) from None
        else:
            subscription.save()
        _set_districts(subscription, districts)
        _record_consent(
            subscription,
            action=ConsentAction.GIVEN,
            text_version=request.consent_version,
            language=request.consent_language,
            source=SubscriptionSource.FORM,
        )
        SubscriptionRequest.objects.filter(email=request.email).delete()
        _audit(subscription, actor=None, action="confirmed")
    return subscription


# --- registered volunteers -------------------------------------------------------------------


def default_state() -> State | None:
    """The Land a subscription starts with: Bavaria where it exists, else the first one."""
    return (
        State.objects.filter(code=DEFAULT_STATE_CODE).first()
        or State.objects.order_by("name").first()
    )


def _account_area(user: Any) -> tuple[State | None, list[District]]:
    """Land and districts for a one-click subscription: the volunteer profile's district."""
    profile = VolunteerProfile.objects.filter(user=user).select_related("district__state").first()
    if profile is not None and profile.district_id is not None:
        return profile.district.state, [profile.district]
    return default_state(), []


def subscription_subscribe_account(
    *, actor: Any, language: str, consent_language: str
) -> Subscription:
    """Subscribe the actor's confirmed account address at once (no mail round trip).

    An existing subscription of the address is linked to the account and kept (reactivated
    if it was unsubscribed, with its preferences). A new one gets the profile's district (else
    the whole default Land), all topics and `language` (the account's preferred language);
    `consent_language` is the language the consent text was shown in.

    Raises ValidationError when the account's address is not confirmed. Side effects: the
    subscription, a consent record (given) unless it was active already, audit.
    """
    if not getattr(actor, "is_authenticated", False) or not actor.email_confirmed_at:
        raise ValidationError(
            _("Please confirm your e-mail address before you subscribe."), code="unconfirmed"
        )
    if language not in _language_codes():
        language = settings.LANGUAGE_CODE
    address = email_normalise(actor.email)
    state, districts = _account_area(actor)
    if state is None:  # pragma: no cover - the regions are loaded by a migration
        raise ValidationError(_("No Land is available."), code="no_state")
    with transaction.atomic():
        subscription = Subscription.objects.select_for_update().filter(email=address).first()
        now = timezone.now()
        if subscription is not None:
            changed = []
            if subscription.user_id != actor.pk:
                subscription.user = actor
                changed.append("user")
            if subscription.status == SubscriptionStatus.ACTIVE:
                if changed:
                    subscription.save(update_fields=["user", "updated_at"])
                    _audit(subscription, actor=actor, action="linked", changed_fields=changed)
                return subscription
            subscription.status = SubscriptionStatus.ACTIVE
            subscription.source = SubscriptionSource.ACCOUNT
            subscription.confirmed_at = now
            subscription.unsubscribed_at = None
            subscription.save()
            action = "resubscribed"
        else:
            subscription = Subscription(
                email=address,
                user=actor,
                status=SubscriptionStatus.ACTIVE,
                source=SubscriptionSource.ACCOUNT,
                confirmed_at=now,
                key=tokens.new_key(),
            )
            _apply_preferences(
                subscription, language=language, state=state, districts=districts, topics_mask=0
            )
            subscription.full_clean(validate_unique=False)
            try:
                with transaction.atomic():
                    subscription.save()
            except IntegrityError:
                # A double click: the other request subscribed the address a moment ago.
                return Subscription.objects.get(email=address)
            _set_districts(subscription, districts)
            action = "subscribed"
        _record_consent(
            subscription,
            action=ConsentAction.GIVEN,
            language=consent_language if consent_language in _language_codes() else language,
            source=SubscriptionSource.ACCOUNT,
        )
        _audit(subscription, actor=actor, action=action)
    return subscription


# --- signed links: preferences, unsubscribe, resubscribe -------------------------------------


def subscription_update_preferences(
    *,
    actor: Any,
    subscription: Subscription,
    language: str,
    state: State,
    whole_state: bool,
    districts: Iterable[District | int] = (),
    topics_mask: int = 0,
    consent_language: str,
) -> bool:
    """Change the language, area and topics of a subscription (from its manage link).

    Returns True when something changed. Raises ValidationError for bad input or an
    unsubscribed subscription (nothing changes). Side effects: a consent record (changed)
    and audit when something changed.
    """
    if subscription.status != SubscriptionStatus.ACTIVE:
        raise ValidationError(
            _("You have unsubscribed. Please subscribe again before you change your choice."),
            code="unsubscribed",
        )
    errors: dict[str, list[Any]] = {}
    chosen = _clean_preferences(
        errors,
        language=language,
        state=state,
        whole_state=whole_state,
        districts=districts,
        topics_mask=topics_mask,
    )
    _raise_if(errors)
    with transaction.atomic():
        locked = (
            Subscription.objects.select_for_update(of=("self",))
            .select_related("user")
            .get(pk=subscription.pk)
        )
        changed = _apply_preferences(
            locked, language=language, state=state, districts=chosen, topics_mask=topics_mask
        )
        if changed:
            locked.save()
        if _set_districts(locked, chosen):
            changed.append("districts")
        if not changed:
            return False
        _record_consent(
            locked,
            action=ConsentAction.CHANGED,
            language=consent_language if consent_language in _language_codes() else language,
            source=locked.source,
        )
        _audit(locked, actor=actor, action="preferences_changed", changed_fields=changed)
    subscription.refresh_from_db()
    return True


def subscription_unsubscribe(
    *,
    actor: Any,
    subscription: Subscription,
    channel: str = WithdrawalChannel.LINK,
    infobrief_id: int | None = None,
    language: str = "",
) -> bool:
    """Unsubscribe (withdraw the consent). Harmless when already unsubscribed.

    Returns True when the subscription moved from active to unsubscribed now. Only that
    transition (a conditional UPDATE, so exactly once even for simultaneous clicks) writes the
    consent record (withdrawn, with `channel`) and counts one unsubscribe for the Infobrief
    the link came from (`infobrief_id`). Side effects: audit when an account is known.
    """
    now = timezone.now()
    with transaction.atomic():
        moved = Subscription.objects.filter(
            pk=subscription.pk, key=subscription.key, status=SubscriptionStatus.ACTIVE
        ).update(status=SubscriptionStatus.UNSUBSCRIBED, unsubscribed_at=now, updated_at=now)
        if not moved:
            return False
        subscription.status = SubscriptionStatus.UNSUBSCRIBED
        subscription.unsubscribed_at = now
        _record_consent(
            subscription,
            action=ConsentAction.WITHDRAWN,
            language=language if language in _language_codes() else subscription.language,
            source=subscription.source,
            channel=channel,
        )
        if infobrief_id:
            Infobrief.objects.filter(pk=infobrief_id).update(unsubscribes=F("unsubscribes") + 1)
        _audit(
            subscription,
            actor=actor,
            action="unsubscribed",
            changed_fields=["status", "unsubscribed_at"],
        )
    return True


def subscription_resubscribe(
    *, actor: Any, subscription: Subscription, consent_language: str
) -> bool:
    """Subscribe an unsubscribed subscription again (from its manage link), preferences kept.

    Returns True when it was unsubscribed. Side effects: consent record (given), audit.
    """
    now = timezone.now()
    with transaction.atomic():
        moved = Subscription.objects.filter(
            pk=subscription.pk, key=subscription.key, status=SubscriptionStatus.UNSUBSCRIBED
        ).update(
            status=SubscriptionStatus.ACTIVE,
            confirmed_at=now,
            unsubscribed_at=None,
            updated_at=now,
        )
        if not moved:
            return False
        subscription.refresh_from_db()
        _record_consent(
            subscription,
            action=ConsentAction.GIVEN,
            language=(
                consent_language if consent_language in _language_codes() else subscription.language
            ),
            source=subscription.source,
        )
        _audit(
            subscription,
            actor=actor,
            action="resubscribed",
            changed_fields=["status", "confirmed_at", "unsubscribed_at"],
        )
    return True


def subscription_manage_link_send(*, email: str) -> bool:
    """Mail the manage link to `email` if it has a subscription; do nothing otherwise.

    Returns whether a mail was queued (never shown: every address gets the same answer).
    Raises ValidationError for an invalid address.
    """
    address = email_normalise(email)
    subscription = Subscription.objects.filter(email=address).first()
    if subscription is None:
        return False
    with transaction.atomic():
        _manage_mail_send(subscription=subscription, template="manage_link")
    return True


# --- personal data ---------------------------------------------------------------------------


def subscriptions_purge() -> dict[str, int]:
    """Delete expired subscription requests and addresses unsubscribed longer than
    `LOTSE_INFOBRIEF_UNSUBSCRIBED_RETENTION_DAYS` (with their consent logs; their delivery rows
    stay without the link). Idempotent. Returns the numbers deleted."""
    now = timezone.now()
    cutoff = now - datetime.timedelta(days=settings.LOTSE_INFOBRIEF_UNSUBSCRIBED_RETENTION_DAYS)
    with transaction.atomic():
        requests, _details = SubscriptionRequest.objects.filter(expires_at__lte=now).delete()
        old = Subscription.objects.filter(
            status=SubscriptionStatus.UNSUBSCRIBED, unsubscribed_at__lt=cutoff
        )
        subscriptions = old.count()
        if subscriptions:
            old.delete()
    return {"requests": requests, "subscriptions": subscriptions}


def subscriptions_erase_for_user(user: Any) -> None:
    """Erasure hook: delete the subscription and requests of a deleted account's address.

    The registry deletes subscriptions linked to the account; this also takes the one of the
    account's confirmed address that was never linked (subscribed on the public form), and
    pending requests of the address. Delivery rows stay without the link.
    """
    query = Q(user=user)
    email = str(getattr(user, "email", "") or "").strip().lower()
    if email and getattr(user, "email_confirmed_at", None):
        query |= Q(email=email)
        SubscriptionRequest.objects.filter(email=email).delete()
    Subscription.objects.filter(query).delete()
