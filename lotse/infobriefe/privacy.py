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
