"""Personal-data classification of the Infobriefe.

- A subscription is its subscriber's: the address, the preferences and the consent log are
  exported with a registered volunteer's data and deleted with the account. Subscribers without
  an account manage (and end) theirs through the link in every mail; an unsubscribed address is
  deleted after `LOTSE_INFOBRIEF_UNSUBSCRIBED_RETENTION_DAYS`, an unconfirmed request when it
  expires (`subscriptions_purge`, nightly).
- A delivery row says that one person got one Infobrief; when the subscription goes, the row
  stays without the link (the Infobrief's figures stay right).
- Infobriefe are public texts once sent; only the link to the author is personal.
"""

from typing import Any

from django.db.models import QuerySet

from lotse.core.privacy import Category, Erasure, register

from .models import (
    ConsentRecord,
    Delivery,
    Infobrief,
    InfobriefVersion,
    Subscription,
    SubscriptionRequest,
)

N, P, S = Category.NON_PERSONAL, Category.PERSONAL, Category.SECRET


def _confirmed_address(user: Any) -> str:
    if not getattr(user, "email_confirmed_at", None):
        return ""
    return str(user.email or "").strip().lower()


def _subscriptions_of(queryset: QuerySet[Any], user: Any) -> QuerySet[Any]:
    """The account's subscription: linked to it, or of its confirmed address (subscribed on
    the public form before the account existed). Erased alike, by an erasure hook."""
    address = _confirmed_address(user)
    return queryset | Subscription.objects.filter(email=address) if address else queryset


def _consents_of(queryset: QuerySet[Any], user: Any) -> QuerySet[Any]:
    address = _confirmed_address(user)
    if not address:
        return queryset
    return queryset | ConsentRecord.objects.filter(subscription__email=address)


register(
    SubscriptionRequest,
    fields={
        "id": N,
        "created_at": P,
        "expires_at": N,
        "email": P,
        "language": P,
        "state": P,
        "whole_state": P,
        "district_ids": P,
        "topics_mask": P,
        "token_hash": S,
        "consent_version": P,
        "consent_language": P,
    },
    subject_path=None,
    erasure=Erasure.NOT_APPLICABLE,
)
register(
    Subscription,
    fields={
        "id": N,
        "created_at": P,
        "updated_at": P,
        "email": P,
        "user": P,
        "language": P,
        "state": P,
        "whole_state": P,
        "topics_mask": P,
        "status": P,
        "source": P,
        "confirmed_at": P,
        "unsubscribed_at": P,
        "key": S,
    },
    subject_path="user",
    erasure=Erasure.DELETE,
    erasure_order=30,
    export_filter=_subscriptions_of,
)
register(
    ConsentRecord,
    fields={
        "id": N,
        "subscription": P,
        "action": P,
        "at": P,
        "text_version": P,
        "language": P,
        "source": P,
        "channel": P,
    },
    subject_path="subscription__user",
    erasure=Erasure.DELETE,
    erasure_order=20,
    export_filter=_consents_of,
)
register(
    Delivery,
    fields={
        "id": N,
        "infobrief": N,
        "subscription": P,
        "state": N,
        "attempts": N,
        "next_attempt_at": N,
        "claim": N,
        "lease_until": N,
        "sent_at": N,
        "language": N,
        "last_error": N,
    },
    subject_path="subscription__user",
    erasure=Erasure.ANONYMISE,
    erasure_order=10,
)
register(
    Infobrief,
    fields={
        "id": N,
        "created_at": N,
        "updated_at": N,
        "state": N,
        "team_district": N,
        "author": P,
        "sender_name": N,
        "level": N,
        "region": N,
        "topics_mask": N,
        "status": N,
        "scheduled_at": N,
        "started_at": N,
        "finished_at": N,
        "unsubscribes": N,
    },
    subject_path="author",
    erasure=Erasure.ANONYMISE,
    erasure_order=40,
)
register(
    InfobriefVersion,
    fields={
        "id": N,
        "created_at": N,
        "updated_at": N,
        "infobrief": N,
        "language": N,
        "subject": N,
        "body": N,
    },
    subject_path=None,
    erasure=Erasure.NOT_APPLICABLE,
)
