"""Template tags of the Infobriefe.

- `{% infobrief_subscription_card user %}`: the card on a volunteer's own profile page –
  "subscribed, manage" or the one-click subscribe button (at most one query).
- `{% infobrief_consent_text %}`: the consent text (templates/infobriefe/includes/
  consent_text.html) with its version and the retention period.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.conf import settings

from ..choices import SubscriptionStatus
from ..selectors.subscriptions import subscription_of_user
from ..services.subscriptions import manage_path

register = template.Library()


@register.inclusion_tag("infobriefe/subscriptions/_card.html")
def infobrief_subscription_card(user: Any) -> dict[str, Any]:
    """The Infobrief subscription of `user`'s account (the csrf token comes along)."""
    subscription = subscription_of_user(user=user)
    return {
        "subscription": subscription,
        "active": bool(subscription and subscription.status == SubscriptionStatus.ACTIVE),
        "manage_url": manage_path(subscription) if subscription is not None else "",
        "confirmed": bool(getattr(user, "email_confirmed_at", None)),
        "email": getattr(user, "email", ""),
    }


@register.inclusion_tag("infobriefe/includes/consent_text.html")
def infobrief_consent_text() -> dict[str, Any]:
    return {
        "version": settings.LOTSE_INFOBRIEF_CONSENT_VERSION,
        "retention_days": settings.LOTSE_INFOBRIEF_UNSUBSCRIBED_RETENTION_DAYS,
    }
