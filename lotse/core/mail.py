"""E-mail helpers: the development outbox backend and the one way the project sends mail."""

from __future__ import annotations

import email
import email.policy
import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.core.mail.backends.base import BaseEmailBackend
from django.template.loader import render_to_string
from django.utils import translation

_SAFE_NAME = re.compile(r"^[0-9]{8}T[0-9]{6}-[0-9a-f]{32}\.eml$")


class OutboxBackend(BaseEmailBackend):
    """Write each message as an .eml file into EMAIL_OUTBOX_DIR (development and demo)."""

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        directory = Path(settings.EMAIL_OUTBOX_DIR)
        directory.mkdir(parents=True, exist_ok=True)
        sent = 0
        for message in email_messages:
            stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
            path = directory / f"{stamp}-{uuid.uuid4().hex}.eml"
            path.write_bytes(message.message().as_bytes())
            sent += 1
        return sent


@dataclass(frozen=True)
class OutboxMessage:
    name: str
    subject: str
    to: str
    date: str
    text: str


def outbox_messages(limit: int = 100) -> list[OutboxMessage]:
    """Read the newest messages of the development outbox."""
    directory = Path(settings.EMAIL_OUTBOX_DIR)
    if not directory.exists():
        return []
    files = sorted((p for p in directory.glob("*.eml") if _SAFE_NAME.match(p.name)), reverse=True)
    return [_read(p) for p in files[:limit]]


def outbox_message(name: str) -> OutboxMessage | None:
    """Read one message of the outbox by file name; None for unknown or unsafe names."""
    if not _SAFE_NAME.match(name):
        return None
    path = Path(settings.EMAIL_OUTBOX_DIR) / name
    return _read(path) if path.exists() else None


def _read(path: Path) -> OutboxMessage:
    message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    body = message.get_body(preferencelist=("plain",))
    text = body.get_content() if body is not None else ""  # type: ignore[attr-defined]
    return OutboxMessage(
        name=path.name,
        subject=str(message["subject"] or ""),
        to=str(message["to"] or ""),
        date=str(message["date"] or ""),
        text=text,
    )


def send_templated_mail(
    *,
    to: str,
    template: str,
    context: dict[str, Any],
    language: str | None = None,
) -> None:
    """Render `<template>_subject.txt` and `<template>.txt` in `language` and send them.

    Side effect: one message through the configured e-mail backend. Raises whatever the
    backend raises, so that the calling task can retry.
    """
    with translation.override(language or settings.LANGUAGE_CODE):
        full_context = {"site_url": settings.SITE_URL, **context}
        subject = " ".join(render_to_string(f"{template}_subject.txt", full_context).split())
        body = render_to_string(f"{template}.txt", full_context)
    message = EmailMultiAlternatives(subject=subject, body=body, to=[to])
    message.send()
