"""PostgreSQL full-text search over `questions_entry`.

Storage (migration `knowledge_search`, PostgreSQL only; not Django model fields, so ORM reads
of entries never fetch the vectors): two STORED generated tsvector columns on
`questions_entry`, built with the IMMUTABLE function `lotse_regconfig(language)` (`german`;
`english`, `russian`, `turkish`, `arabic`; `simple` for uk/fa):

- `search_vector`: title weight A, question B, answer C;
- `title_vector`: the title — the small index that answers the first tier.

Both are kept in the row (`STORAGE MAIN`, `toast_tuple_target = 4080`; the texts move to TOAST
instead), because ranking reads one vector per candidate. Partial GIN indexes
(`fastupdate = off`) cover published entries only, German entries (the majority) apart from
the others. Generated columns follow every write by themselves: `index_entries` has nothing to
do.

The query: per word `websearch_to_tsquery(config, word)` (only letters and digits reach it, see
`text.parse_query`; a German word typed with ae/oe/ue is ORed with its umlaut spelling), words
joined with `&&` (the fallback: `||`). German entries are matched with the German stems; the
others (or all, without a language filter) with one branch per configuration that stems the
words differently, joined with `||`. Ranking: `ts_rank(search_vector, query, 1)` over at most
`candidates` rows of a tier; the ranking query counts its candidates too. When a separate total
is needed, the planner's estimate decides whether counting is worth it
(`base.ESTIMATE_THRESHOLD`).
"""

# The table name is a constant and every value is a parameter:
# ruff: noqa: S608

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection

from .base import Filters, SearchBackend, Tier, TierPage
from .text import ALL_CONFIGS, Alternatives, ParsedQuery, configs_for

_PUBLISHED = "e.status = 'published'"
# The language most entries are in: its rows have their own partial GIN indexes.
MAJORITY = "de"
GIN_INDEXES = (
    "entry_search_vector_de_gin",
    "entry_search_vector_other_gin",
    "entry_title_vector_de_gin",
    "entry_title_vector_other_gin",
)


def _term(config: str, alternatives: Alternatives) -> tuple[str, list[str]]:
    parts = [f"websearch_to_tsquery('{config}'::regconfig, %s)" for _spelling in alternatives]
    sql = parts[0] if len(parts) == 1 else "(" + " || ".join(parts) + ")"
    return sql, [spelling for spelling, _stem in alternatives]


def tsquery_sql(
    query: ParsedQuery, *, any_word: bool, configs: Iterable[str]
) -> tuple[str, list[str]]:
    """SQL of the tsquery over `configs` (each way of stemming once, joined with `||`) and its
    parameters; ('', []) when no configuration has a searchable word."""
    branches, params = [], []
    for config, terms in query.terms_for(configs).items():
        parts = []
        for alternatives in terms:
            sql, values = _term(config, alternatives)
            parts.append(sql)
            params += values
        branches.append("(" + (" || " if any_word else " && ").join(parts) + ")")
    if not branches:
        return "", []
    return "(" + " || ".join(branches) + ")", params


def _match(
    column: str, query: ParsedQuery, *, any_word: bool, language: str
) -> tuple[str, list[Any]]:
    """`column` matches the query. Entries are matched with the stems of their own language:
    German ones (the majority, with their own partial indexes) with the German stems only,
    the others with every configuration's (the query's language is unknown)."""
    if language:
        tsquery, params = tsquery_sql(query, any_word=any_word, configs=configs_for(language))
        language_sql = "'de'" if language == MAJORITY else "%s"
        language_params = [] if language == MAJORITY else [language]
        return (
            f"(e.language = {language_sql} AND e.{column} @@ {tsquery})",
            [*language_params, *params],
        )
    arms, params = [], []
    german, german_params = tsquery_sql(query, any_word=any_word, configs=("german",))
    if german:
        arms.append(f"(e.language = '{MAJORITY}' AND e.{column} @@ {german})")
        params += german_params
    others, other_params = tsquery_sql(query, any_word=any_word, configs=ALL_CONFIGS)
    arms.append(f"(e.language <> '{MAJORITY}' AND e.{column} @@ {others})")
    params += other_params
    return "(" + " OR ".join(arms) + ")", params


def _rank_query(query: ParsedQuery, *, any_word: bool, language: str) -> tuple[str, list[Any]]:
    """The tsquery to rank a row `c` with: the one its language was matched with."""
    if language:
        return tsquery_sql(query, any_word=any_word, configs=configs_for(language))
    german, german_params = tsquery_sql(query, any_word=any_word, configs=("german",))
    others, other_params = tsquery_sql(query, any_word=any_word, configs=ALL_CONFIGS)
    if not german:
        return others, other_params
    return (
        f"(CASE WHEN c.language = '{MAJORITY}' THEN {german} ELSE {others} END)",
        [*german_params, *other_params],
    )


def _filters_sql(filters: Filters) -> tuple[str, list[Any]]:
    sql, params = "", list[Any]()
    if filters.topic:
        sql += " AND e.topic = %s"
        params.append(filters.topic)
    if filters.session_id is not None:
        sql += " AND e.session_id = %s"
        params.append(filters.session_id)
    return sql, params


def _where(
    query: ParsedQuery, *, any_word: bool, tier: Tier, filters: Filters
) -> tuple[str, list[Any]]:
    """WHERE clause (published, the tier's match, the filters) and its parameters."""
    options: dict[str, Any] = {"any_word": any_word, "language": filters.language}
    filters_sql, filter_params = _filters_sql(filters)
    if tier == "title":
        match, params = _match("title_vector", query, **options)
    else:
        match, params = _match("search_vector", query, **options)
        if tier == "rest":
            title, title_params = _match("title_vector", query, **options)
            match = f"{match} AND NOT {title}"
            params = [*params, *title_params]
    return f"{_PUBLISHED} AND {match}{filters_sql}", [*params, *filter_params]


class PostgresBackend(SearchBackend):
    vendor = "postgresql"

    def index_entries(self, ids: Sequence[int]) -> None:
        """Nothing to do: the vectors are generated columns of the entry rows."""

    def remove_entries(self, ids: Sequence[int]) -> None:
        """Nothing to do: the queries only read published entries."""

    def rebuild(self) -> int:
        """Rebuild the GIN indexes and refresh the planner's statistics (which the totals'
        estimate relies on)."""
        with connection.cursor() as cursor:
            for index in GIN_INDEXES:
                cursor.execute(f"REINDEX INDEX {index}")
            cursor.execute("ANALYZE questions_entry")
            cursor.execute(f"SELECT count(*) FROM questions_entry e WHERE {_PUBLISHED}")
            return int(cursor.fetchone()[0])

    def estimate(self, query: ParsedQuery, *, any_word: bool, filters: Filters) -> int | None:
        where, params = _where(query, any_word=any_word, tier="all", filters=filters)
        with connection.cursor() as cursor:
            cursor.execute(
                f"EXPLAIN (FORMAT JSON) SELECT 1 FROM questions_entry e WHERE {where}", params
            )
            plan = cursor.fetchone()[0]
        if isinstance(plan, str):
            plan = json.loads(plan)
        return int(plan[0]["Plan"]["Plan Rows"])

    def count(
        self, query: ParsedQuery, *, any_word: bool, tier: Tier, filters: Filters, limit: int
    ) -> int:
        where, params = _where(query, any_word=any_word, tier=tier, filters=filters)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT count(*) FROM (SELECT 1 FROM questions_entry e WHERE {where} LIMIT %s) c",
                [*params, limit],
            )
            return int(cursor.fetchone()[0])

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
        if candidates <= 0:
            return TierPage(rows=[])
        rank_sql, rank_params = _rank_query(query, any_word=any_word, language=filters.language)
        where, params = _where(query, any_word=any_word, tier=tier, filters=filters)
        with connection.cursor() as cursor:
            cursor.execute(
                f"""
                SELECT c.id, ts_rank(c.search_vector, {rank_sql}, 1) AS score,
                       count(*) OVER () AS candidates
                FROM (
                    SELECT e.id, e.language, e.search_vector FROM questions_entry e
                    WHERE {where}
                    LIMIT %s
                ) c
                ORDER BY score DESC, c.id DESC
                LIMIT %s OFFSET %s
                """,
                [*rank_params, *params, candidates, limit, offset],
            )
            rows = cursor.fetchall()
        return TierPage(
            rows=[(int(row[0]), float(row[1])) for row in rows],
            candidates=int(rows[0][2]) if rows else None,
        )
