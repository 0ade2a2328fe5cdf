"""What both search engines share: filters, the ranked result, and the tiered ranking.

Ranking is tiered, the same on both engines:

1. entries whose *title* matches the query (all words; any word in the fallback), ranked by
   the engine's relevance over title, question and answer (PostgreSQL `ts_rank` with weights
   A/B/C, SQLite `bm25` with column weights);
2. then entries that match only in the question or answer, ranked the same way.

So a title match always beats a body match, and the common case (a frequent word) is answered
from the small title index alone. At most `CANDIDATE_CAP` entries are ranked and counted per
query; when more match, the total is reported as "more than 500" (`capped`) and the ranked
candidates are a deterministic subset of the matches (PostgreSQL: in table order; SQLite: the
newest). Deep pages beyond 500 results are not offered. (500, not 1,000: at 200,000 entries
ranking 1,000 candidates of a frequent word costs PostgreSQL about twice as long, see
`manage.py search_benchmark --cap`.)
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from .text import ParsedQuery, configs_for

CANDIDATE_CAP = 500
# PostgreSQL: when the planner expects at least this many matches, the total is "more than
# 500" without counting (counting reads every matching row).
ESTIMATE_THRESHOLD = 3000

Tier = Literal["all", "title", "rest"]


@dataclass(frozen=True)
class Filters:
    topic: str = ""
    language: str = ""
    session_id: int | None = None


@dataclass
class Ranked:
    """Entry ids of one page, best first, with their scores (higher is better)."""

    ids: list[int] = field(default_factory=list)
    scores: list[float] = field(default_factory=list)
    total: int = 0
    capped: bool = False


@dataclass
class TierPage:
    """One page of a tier: (entry id, score) rows and, when the engine knows it for free, how
    many candidates the tier has (at most the requested cap)."""

    rows: list[tuple[int, float]]
    candidates: int | None = None


class SearchBackend(ABC):
    """One search engine over the published entries."""

    vendor: str = ""

    # -- the index ------------------------------------------------------------------------------

    @abstractmethod
    def index_entries(self, ids: Sequence[int]) -> None:
        """Bring the index rows of these entries in step with their current state: published
        ones are (re)indexed, others removed."""

    @abstractmethod
    def remove_entries(self, ids: Sequence[int]) -> None:
        """Remove these entries from the index."""

    @abstractmethod
    def rebuild(self) -> int:
        """Rebuild the index from the published entries (idempotent); return how many."""

    # -- queries --------------------------------------------------------------------------------

    def estimate(self, query: ParsedQuery, *, any_word: bool, filters: Filters) -> int | None:
        """The planner's estimate of the matches, if the engine has a cheap one."""
        return None

    @abstractmethod
    def count(
        self, query: ParsedQuery, *, any_word: bool, tier: Tier, filters: Filters, limit: int
    ) -> int:
        """How many published entries of `tier` match (counting stops at `limit`); `all`:
        every match."""

    @abstractmethod
    def ranked(
        self,
        query: ParsedQuery,
        *,
        any_word: bool,
        tier: Tier,
        filters: Filters,
        candidates: int,
        offset: int,
        limit: int,
    ) -> TierPage:
        """One page of `tier`, best first. At most `candidates` matches are ranked; the page
        also says how many were (when it has rows)."""

    def search(
        self,
        query: ParsedQuery,
        *,
        any_word: bool,
        filters: Filters,
        offset: int,
        limit: int,
        cap: int | None = None,
    ) -> Ranked:
        """Tiered search (see the module docstring). The ranking queries also count their
        candidates, so the total mostly comes for free: a separate count (or, on PostgreSQL,
        the planner's estimate) is only needed when the title matches fill the page but are
        fewer than the cap."""
        cap = cap or CANDIDATE_CAP
        if not query.terms_for(configs_for(filters.language)):
            return Ranked()  # only stopwords: nothing can match
        options: dict[str, Any] = {"any_word": any_word, "filters": filters}
        # One more candidate than the cap: then we know that there are more.
        page = self.ranked(
            query, tier="title", candidates=cap + 1, offset=offset, limit=limit, **options
        )
        rows = page.rows[:limit]
        titles = page.candidates
        if titles is None:  # no title match on this page: how many are there?
            titles = self.count(query, tier="title", limit=cap + 1, **options)
        if titles > cap:
            return _ranked(rows, total=cap, capped=True)
        if len(rows) < limit:
            rest = self.ranked(
                query,
                tier="rest",
                candidates=cap + 1 - titles,
                offset=max(0, offset - titles),
                limit=limit - len(rows),
                **options,
            )
            rows += rest.rows
            if rest.candidates is None:  # nothing on this page: count them
                others = self.count(query, tier="rest", limit=cap + 1 - titles, **options)
            else:
                others = rest.candidates
        else:
            estimate = self.estimate(query, **options)
            if estimate is not None and estimate >= ESTIMATE_THRESHOLD:
                return _ranked(rows, total=cap, capped=True)
            others = self.count(query, tier="rest", limit=cap + 1 - titles, **options)
        total = titles + others
        return _ranked(rows, total=min(total, cap), capped=total > cap)

    def newest(
        self, *, filters: Filters, offset: int, limit: int, cap: int | None = None
    ) -> Ranked:
        """Without a query: the newest published entries (the same on both engines)."""
        cap = cap or CANDIDATE_CAP
        from ..choices import EntryStatus
        from ..models import Entry

        rows = Entry.objects.filter(status=EntryStatus.PUBLISHED)
        if filters.topic:
            rows = rows.filter(topic=filters.topic)
        if filters.language:
            rows = rows.filter(language=filters.language)
        if filters.session_id is not None:
            rows = rows.filter(session_id=filters.session_id)
        total = rows.order_by()[: cap + 1].count()
        ids = list(
            rows.order_by("-published_at", "-id").values_list("id", flat=True)[
                offset : offset + limit
            ]
        )
        return Ranked(ids=ids, scores=[0.0] * len(ids), total=min(total, cap), capped=total > cap)


def _ranked(rows: list[tuple[int, float]], *, total: int, capped: bool) -> Ranked:
    return Ranked(
        ids=[row[0] for row in rows],
        scores=[row[1] for row in rows],
        total=total,
        capped=capped,
    )


def chunks(values: Sequence[int], size: int = 500) -> list[Sequence[int]]:
    return [values[start : start + size] for start in range(0, len(values), size)]
