"""The one way to tell a user something: an in-app notification and, optionally, an e-mail.

Modules call `notify(user=…, kind=…, template="app/notifications/name", context={…}, url=…)`.
The template pair `<template>_title.txt` and `<template>.txt` is rendered in the recipient's
preferred language; the e-mail (queued on commit through the mail task) carries the same text
and the link.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.utils import timezone, translation

from lotse.core.services import mail_enqueue

from .models import Notification


def notify(
    *,
    user: Any,
    kind: str,
    template: str,
    context: dict[str, Any] | None = None,
    url: str = "",
    mail: bool = True,
) -> Notification | None:
    """Create a notification for `user` and queue its e-mail. Inactive users get nothing.

    Side effects: one Notification row; with `mail`, one e-mail queued on commit.
    """
    if user is None or not user.is_active:
        return None
    language = user.preferred_language or settings.LANGUAGE_CODE
    context = dict(context or {})
    with translation.override(language):
        title = " ".join(render_to_string(f"{template}_title.txt", context).split())[:200]
        body = render_to_string(f"{template}.txt", context).strip()[:4000]
    notification = Notification.objects.create(
        user=user, kind=kind, title=title, body=body, url=url
    )
    if mail and user.email:
        mail_enqueue(
            to=user.email,
            template="notifications/email/notification",
            context={
                "title": title,
                "body": body,
                "url": f"{settings.SITE_URL.rstrip('/')}{url}" if url else "",
                "first_name": user.first_name,
            },
            language=language,
        )
    return notification


def notifications_mark_read(*, user: Any, ids: list[int] | None = None) -> int:
    """Mark the user's notifications (all, or those in `ids`) as read; return how many."""
    queryset: QuerySet[Notification] = Notification.objects.filter(user=user, read_at=None)
    if ids is not None:
        queryset = queryset.filter(pk__in=ids)
    return queryset.update(read_at=timezone.now())
