"""Reads of the notifications module."""

from typing import Any

from django.db.models import QuerySet

from .models import Notification


def notifications_for(*, user: Any) -> QuerySet[Notification]:
    """Return the user's notifications, newest first."""
    return Notification.objects.filter(user=user).order_by("-created_at", "-id")


def notification_unread_count(*, user: Any) -> int:
    """Return how many notifications the user has not read (0 for anonymous visitors)."""
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(user=user, read_at=None).count()
