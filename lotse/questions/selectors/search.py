"""Knowledge-base search: one selector, two engines (PostgreSQL full text / SQLite FTS5).

THE CONTRACT (other areas code against it; the knowledge area owns the implementation):

- `search_entries(query=, topic=, language=, session=, page=, per_page=)` → `SearchPage` of
  published entries ranked by relevance, with highlighted title and snippet (safe HTML, only
  `<mark>` added to escaped text). An empty query lists the newest entries (no ranking).
- `similar_entries(text=, language=, limit=)` → up to `limit` `SearchHit`s for a question being
  typed (any of the words, ranked), for the "maybe this answers your question" box.

STUB: until the knowledge area lands its engines, this is a naive `icontains` over the
published entries. It has the final signatures.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from ..choices import EntryStatus
from ..models import Entry

PER_PAGE = 20


@dataclass
class SearchHit:
    entry: Entry
    rank: float
    title_html: SafeString
    snippet_html: SafeString


@dataclass
class SearchPage:
    hits: list[SearchHit]
    total: int
    page: int
    per_page: int
    # True when `total` is a lower bound ("more than …").
    total_capped: bool = False
    terms: list[str] = field(default_factory=list)

    @property
    def has_next(self) -> bool:
        return self.page * self.per_page < self.total

    @property
    def has_previous(self) -> bool:
        return self.page > 1


def _hit(entry: Entry) -> SearchHit:
    return SearchHit(
        entry=entry,
        rank=0.0,
        title_html=mark_safe(escape(entry.title)),  # noqa: S308 - escaped
        snippet_html=mark_safe(escape(entry.answer[:300])),  # noqa: S308 - escaped
    )


def published_entries() -> Any:
    return Entry.objects.filter(status=EntryStatus.PUBLISHED).select_related("district", "state")


def search_entries(
    *,
    query: str = "",
    topic: str = "",
    language: str = "",
    session: Any = None,
    page: int = 1,
    per_page: int = PER_PAGE,
) -> SearchPage:
    entries = published_entries()
    if topic:
        entries = entries.filter(topic=topic)
    if language:
        entries = entries.filter(language=language)
    if session is not None:
        entries = entries.filter(session=session)
    words = query.split()
    for word in words:
        entries = entries.filter(
            Q(title__icontains=word) | Q(question__icontains=word) | Q(answer__icontains=word)
        )
    total = entries.count()
    start = (max(page, 1) - 1) * per_page
    hits = [_hit(e) for e in entries.order_by("-published_at", "-id")[start : start + per_page]]
    return SearchPage(hits=hits, total=total, page=page, per_page=per_page, terms=words)


def similar_entries(*, text: str, language: str = "", limit: int = 5) -> list[SearchHit]:
    words = [w for w in text.split() if len(w) > 3][:8]
    if not words:
        return []
    condition = Q()
    for word in words:
        condition |= Q(title__icontains=word)
    entries = published_entries().filter(condition)
    if language:
        entries = entries.filter(language=language)
    return [_hit(e) for e in entries.order_by("-published_at")[:limit]]
