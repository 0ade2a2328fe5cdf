from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from .selectors import notification_unread_count


def notifications(request: HttpRequest) -> dict[str, Any]:
    """`unread_notifications`: counted only when a template uses it (one query)."""
    user = getattr(request, "user", None)
    return {
        "unread_notifications": SimpleLazyObject(
            lambda: notification_unread_count(user=user)  # type: ignore[arg-type]
        )
    }
