"""Subscriptions: double opt-in, one click for volunteers, preferences, unsubscribe, consent.

(Stub: implemented by the subscriptions work package.)
"""

from __future__ import annotations


def subscriptions_purge() -> None:
    """Delete expired subscription requests and long-unsubscribed addresses."""
    raise NotImplementedError
