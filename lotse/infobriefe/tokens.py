"""The secret links of the Infobriefe.

- Confirmation links of the public form: a random secret; only its SHA-256 is stored on the
  `SubscriptionRequest`, which expires (`LOTSE_INFOBRIEF_CONFIRM_HOURS`).
- Manage and unsubscribe links in every mail: `<subscription id>.<infobrief id>.<key>` signed
  with the SECRET_KEY (HMAC, salted per purpose). They do not expire (RFC 8058 asks that an
  unsubscribe link keeps working), but a new `Subscription.key` invalidates all of them. The
  Infobrief id (0 for none) tells which Infobrief an unsubscribe was caused by.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from django.core import signing
from django.utils.crypto import constant_time_compare

MANAGE_SALT = "lotse.infobriefe.manage"
UNSUBSCRIBE_SALT = "lotse.infobriefe.unsubscribe"
_PURPOSES = {"manage": MANAGE_SALT, "unsubscribe": UNSUBSCRIBE_SALT}


def new_secret() -> str:
    """Return a new random secret for a confirmation link (43 URL-safe characters)."""
    return secrets.token_urlsafe(32)


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def new_key() -> str:
    """Return a new `Subscription.key`."""
    return secrets.token_urlsafe(12)


@dataclass(frozen=True)
class LinkToken:
    subscription_id: int
    infobrief_id: int | None
    key: str


def make_link_token(
    *, purpose: str, subscription_id: int, key: str, infobrief_id: int | None = None
) -> str:
    """Return the signed token of a manage or unsubscribe link."""
    value = f"{subscription_id}.{infobrief_id or 0}.{key}"
    return signing.Signer(salt=_PURPOSES[purpose]).sign(value)


def read_link_token(token: str, *, purpose: str) -> LinkToken | None:
    """Return what a manage/unsubscribe token says, or None if it is forged or malformed.

    The caller still compares `key` with the subscription's (`key_matches`).
    """
    if not isinstance(token, str) or len(token) > 200:
        return None
    try:
        value = signing.Signer(salt=_PURPOSES[purpose]).unsign(token)
    except signing.BadSignature:
        return None
    parts = value.split(".", 2)
    if len(parts) != 3 or not parts[0].isdigit() or not parts[1].isdigit():
        return None
    infobrief_id = int(parts[1]) or None
    return LinkToken(subscription_id=int(parts[0]), infobrief_id=infobrief_id, key=parts[2])


def key_matches(token: LinkToken, key: str) -> bool:
    return constant_time_compare(token.key, key)
