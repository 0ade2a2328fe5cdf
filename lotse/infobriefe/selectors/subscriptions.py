"""Reads of the subscriptions: a confirmation request by its secret, a subscription by its
signed link or by its account, and the Länder and districts the forms offer.

There is no list of subscribers here: a subscription is seen only through its own link (or
its own account); everybody else gets nothing (404)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import F, Q, QuerySet

from lotse.regions.models import District, State

from .. import tokens
from ..models import Subscription, SubscriptionRequest


def subscription_request_by_secret(*, secret: str) -> SubscriptionRequest | None:
    """Return the request a confirmation link's secret belongs to, or None (expired ones
    too: the caller tells the two apart)."""
    if not isinstance(secret, str) or not secret or len(secret) > 100:
        return None
    return (
        SubscriptionRequest.objects.select_related("state")
        .filter(token_hash=tokens.hash_secret(secret))
        .first()
    )


@dataclass(frozen=True)
class LinkedSubscription:
    """A subscription opened through a signed link, and what the link said."""

    subscription: Subscription
    infobrief_id: int | None


def subscription_by_link(*, token: str, purpose: str) -> LinkedSubscription | None:
    """Return the subscription of a manage or unsubscribe token, or None when the token is
    forged, malformed, of the other purpose, or outdated (the subscription's key changed)."""
    parsed = tokens.read_link_token(token, purpose=purpose)
    if parsed is None:
        return None
    subscription = (
        Subscription.objects.select_related("state", "user")
        .prefetch_related("districts")
        .filter(pk=parsed.subscription_id)
        .first()
    )
    if subscription is None or not tokens.key_matches(parsed, subscription.key):
        return None
    return LinkedSubscription(subscription=subscription, infobrief_id=parsed.infobrief_id)


def subscription_of_user(*, user: Any) -> Subscription | None:
    """Return the subscription of a logged-in account (linked to it, or of its confirmed
    address), or None. One query."""
    if not getattr(user, "is_authenticated", False):
        return None
    query = Q(user=user)
    if user.email_confirmed_at:
        query |= Q(email=user.email.strip().lower())
    return (
        Subscription.objects.filter(query)
        .only("pk", "key", "status", "email", "user_id")
        .order_by("pk")
        .first()
    )


def states() -> QuerySet[State]:
    """The Länder, by name."""
    return State.objects.order_by("name")


def state_districts(*, state: State | None) -> QuerySet[District]:
    """The districts of `state`, grouped by Regierungsbezirk (those without one last)."""
    if state is None:
        return District.objects.none()
    return (
        District.objects.filter(state=state)
        .select_related("administrative_region")
        .order_by(F("administrative_region__ags").asc(nulls_last=True), "name")
    )
