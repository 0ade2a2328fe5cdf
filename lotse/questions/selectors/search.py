"""Knowledge-base search: one selector, two engines (PostgreSQL full text / SQLite FTS5).

THE CONTRACT (other areas code against it; the knowledge area owns the implementation):

- `search_entries(query=, topic=, language=, session=, page=, per_page=)` → `SearchPage` of
  published entries ranked by relevance, with highlighted title and snippet (safe HTML, only
  `<mark>` added to escaped text). An empty query lists the newest entries (no ranking).
- `similar_entries(text=, language=, limit=)` → up to `limit` `SearchHit`s for a question being
  typed (any of the words, ranked), for the "maybe this answers your question" box.

Behaviour (the same on both databases, see `lotse.questions.search`): words are stemmed in the
entry's language ('Wohnungen' finds 'Wohnung', 'Ärzte' finds 'Arzt', 'Fuhrerschein' finds
'Führerschein'), case does not matter, all words must occur; when no entry has all of them the
page shows the entries with some of them (`SearchPage.any_word`). A title match ranks above a
match in the question or answer; more matches rank higher. At most 500 entries are ranked
and counted (`total_capped`: "more than 500"). The query is cut to 200 characters and only
its letters and digits reach the database, so no input can raise a database error.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet
from django.utils.safestring import SafeString

from ..choices import EntryStatus
from ..models import Entry
from ..search import search_backend
from ..search.base import Filters, Ranked
from ..search.text import (
    ALL_CONFIGS,
    TOKEN_RE,
    ParsedQuery,
    config_for,
    highlight,
    parse_query,
    snippet,
    stem,
)

PER_PAGE = 20
MAX_PER_PAGE = 100
# The "maybe these answers help" box: at most this many words of the typed text, each at least
# this long, and at least this much text at all.
SIMILAR_MAX_WORDS = 10
SIMILAR_MIN_WORD = 3
SIMILAR_MIN_TEXT = 8
# Fewer candidates than a search: the box must answer while the volunteer types.
SIMILAR_CANDIDATES = 500


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
    # True when no entry had all the words and the hits have some of them.
    any_word: bool = False
    # The query as it was searched (cut to 200 characters, control characters removed).
    query: str = ""

    @property
    def has_next(self) -> bool:
        return self.page * self.per_page < self.total

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    # The names of Django's Page, so that includes/pagination.html can render a SearchPage.
    @property
    def number(self) -> int:
        return self.page

    @property
    def num_pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))

    @property
    def paginator(self) -> SearchPage:
        return self

    @property
    def object_list(self) -> list[SearchHit]:
        return self.hits

    def next_page_number(self) -> int:
        return self.page + 1

    def previous_page_number(self) -> int:
        return self.page - 1

    def __iter__(self) -> Any:
        return iter(self.hits)

    def __len__(self) -> int:
        return len(self.hits)


def published_entries() -> QuerySet[Entry]:
    return Entry.objects.filter(status=EntryStatus.PUBLISHED).select_related(
        "district", "state", "session"
    )


def _hit_entries(ids: list[int]) -> dict[int, Entry]:
    """The entries of a page by id. Only by primary key: with the status in the WHERE clause
    SQLite may walk the status index over every published entry instead."""
    # Districts and Länder are few: two small queries are cheaper than joining them.
    entries = Entry.objects.filter(pk__in=ids).prefetch_related("district", "state")
    return {entry.pk: entry for entry in entries if entry.status == EntryStatus.PUBLISHED}


def _hits(ranked: Ranked, parsed: ParsedQuery | None) -> list[SearchHit]:
    """The entries of `ranked` in its order, highlighted."""
    entries = _hit_entries(ranked.ids)
    hits = []
    for pk, score in zip(ranked.ids, ranked.scores, strict=True):
        entry = entries.get(pk)
        if entry is None:  # withdrawn since the index was read
            continue
        config = config_for(entry.language)
        wanted = parsed.stems(config) if parsed is not None else frozenset()
        hits.append(
            SearchHit(
                entry=entry,
                rank=score,
                title_html=highlight(entry.title, wanted, config),
                snippet_html=snippet([entry.question, entry.answer], wanted, config),
            )
        )
    return hits


def _session_id(session: Any) -> int | None:
    if session is None or session == "":
        return None
    return int(getattr(session, "pk", session))


def search_entries(
    *,
    query: str = "",
    topic: str = "",
    language: str = "",
    session: Any = None,
    page: int = 1,
    per_page: int = PER_PAGE,
) -> SearchPage:
    """One page of published entries for `query` (see the module docstring)."""
    parsed = parse_query(query, ALL_CONFIGS)
    filters = Filters(topic=topic or "", language=language or "", session_id=_session_id(session))
    per_page = min(max(int(per_page), 1), MAX_PER_PAGE)
    page = max(int(page), 1)
    backend = search_backend()
    any_word = False

    def run(number: int, any_word: bool) -> Ranked:
        offset = (number - 1) * per_page
        if parsed.is_empty:
            return backend.newest(filters=filters, offset=offset, limit=per_page)
        return backend.search(
            parsed, any_word=any_word, filters=filters, offset=offset, limit=per_page
        )

    ranked = run(page, False)
    if not parsed.is_empty and ranked.total == 0 and len(parsed.words) > 1:
        any_word = True
        ranked = run(page, True)
    last_page = max(1, math.ceil(ranked.total / per_page))
    if page > last_page:
        page = last_page
        ranked = run(page, any_word)
    return SearchPage(
        hits=_hits(ranked, None if parsed.is_empty else parsed),
        total=ranked.total,
        page=page,
        per_page=per_page,
        total_capped=ranked.capped,
        terms=list(parsed.words),
        any_word=any_word,
        query=parsed.text,
    )


def _similar_words(text: str, configs: tuple[str, ...]) -> list[str]:
    """The words of a typed question worth searching for: no stopwords, no short words, one
    word per stem, the longest (most specific) first."""
    words: dict[str, str] = {}
    for word in _all_words(text):
        if len(word) < SIMILAR_MIN_WORD or word.isdigit():
            continue
        stems = [stem(word, config) for config in configs]
        if not any(stems):
            continue  # a stopword
        key = stems[0] or word.lower()
        if key not in words or len(word) > len(words[key]):
            words[key] = word
    return sorted(words.values(), key=len, reverse=True)[:SIMILAR_MAX_WORDS]


def _all_words(text: str) -> list[str]:
    # The typed title and question together (longer than a search query may be).
    return [match.group() for match in TOKEN_RE.finditer(text[:5000])]


def similar_entries(*, text: str, language: str = "", limit: int = 5) -> list[SearchHit]:
    """Entries that might answer a question being typed: any of its words, ranked."""
    text = str(text or "")
    if len(text.strip()) < SIMILAR_MIN_TEXT or limit <= 0:
        return []
    configs = (config_for(language),) if language else ALL_CONFIGS
    words = _similar_words(text, configs)
    if not words:
        return []
    parsed = parse_query(" ".join(words), ALL_CONFIGS)
    ranked = search_backend().search(
        parsed,
        any_word=True,
        filters=Filters(language=language or ""),
        offset=0,
        limit=min(limit, 20),
        cap=SIMILAR_CANDIDATES,
    )
    return _hits(ranked, parsed)
