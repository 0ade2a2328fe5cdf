"""Writes of the knowledge base: entries, translations, publishing, and the search index.

THE CONTRACT (other areas call these; the knowledge area owns the implementation and keeps
the search index in step inside the same transaction):

- `entry_create(actor=, language=, title=, question=, answer=, topic=, state=, district=None,
  source=EntrySource.EDITORIAL, source_question=None, source_session_question=None,
  session=None, group=None, publish=False)` → Entry
- `entry_update(actor=, entry=, **fields)` → Entry
- `entry_publish(actor=, entry=)` / `entry_withdraw(actor=, entry=)` → Entry

STUB: no search index yet; plain saves.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.db import transaction
from django.utils import timezone

from ..choices import EntrySource, EntryStatus
from ..models import Entry


@transaction.atomic
def entry_create(
    *,
    actor: Any,
    language: str,
    title: str,
    question: str,
    answer: str,
    topic: str,
    state: Any,
    district: Any = None,
    source: str = EntrySource.EDITORIAL,
    source_question: Any = None,
    source_session_question: Any = None,
    session: Any = None,
    group: uuid.UUID | None = None,
    publish: bool = False,
) -> Entry:
    entry = Entry(
        language=language,
        title=title,
        question=question,
        answer=answer,
        topic=topic,
        state=state,
        district=district,
        source=source,
        source_question=source_question,
        source_session_question=source_session_question,
        session=session,
        group=group or uuid.uuid4(),
        created_by=actor,
        updated_by=actor,
    )
    if publish:
        entry.status = EntryStatus.PUBLISHED
        entry.published_at = timezone.now()
    entry.full_clean()
    entry.save()
    return entry


@transaction.atomic
def entry_update(*, actor: Any, entry: Entry, **fields: Any) -> Entry:
    for name, value in fields.items():
        setattr(entry, name, value)
    entry.updated_by = actor
    entry.full_clean()
    entry.save()
    return entry


@transaction.atomic
def entry_publish(*, actor: Any, entry: Entry) -> Entry:
    entry.status = EntryStatus.PUBLISHED
    entry.published_at = entry.published_at or timezone.now()
    entry.updated_by = actor
    entry.save()
    return entry


@transaction.atomic
def entry_withdraw(*, actor: Any, entry: Entry) -> Entry:
    entry.status = EntryStatus.WITHDRAWN
    entry.updated_by = actor
    entry.save()
    return entry
