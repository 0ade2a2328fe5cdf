"""SQLite FTS5 search: `questions_entry_fts` holds the stems of each published entry.

Storage (migration `knowledge_search`, SQLite only): an FTS5 table with the columns title,
question, answer and meta, `tokenize = 'unicode61 remove_diacritics 2'`; rowid = entry id.
Its text is not the entry's text but its stems (`text.index_text`: German Snowball for
German entries, the entry language's stemmer otherwise), so FTS5 only splits and folds them.
`meta` holds single filter tokens (`t<topic>`, `s<session id>`), ranked with weight 0. The
services keep the table in step in their transaction (only published entries have a row); a
trigger deletes the row when its entry is deleted. The language filter joins
`questions_entry` (a token for the majority language would match almost every row and make
every query slow).

The query is stemmed the same way, each stem quoted (so FTS5 syntax in the user's text — NEAR,
AND, `*`, `:`, `-`, quotes — never reaches MATCH): words ANDed (the fallback: ORed), the
alternatives of a word ORed, one branch per way of stemming. Ranking: `bm25` with column weights
title 10, question 4, answer 2 over the newest `candidates` matches of a tier (FTS5 walks its
doclists by rowid, so the newest come first for free).
"""

# Table names are constants and every value is a parameter:
# ruff: noqa: S608

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from django.db import connection

from ..choices import EntryStatus
from .base import Filters, SearchBackend, Tier, TierPage, chunks
from .text import ParsedQuery, config_for, configs_for, index_text

FTS = "questions_entry_fts"
_BM25 = f"bm25({FTS}, 10.0, 4.0, 2.0, 0.0)"
_TEXT_COLUMNS = "{title question answer}"


def meta_tokens(*, topic: str, session_id: int | None) -> str:
    """The filter tokens of an entry (letters and digits only: unicode61 splits at '_')."""
    tokens = [topic_token(topic)]
    if session_id is not None:
        tokens.append(f"s{int(session_id)}")
    return " ".join(tokens)


def topic_token(topic: str) -> str:
    return "t" + re.sub(r"[^0-9a-z]", "", topic.lower())


def _quote(stem: str) -> str:
    # Stems are runs of letters and digits; quoted they are strings, never operators.
    return '"' + stem.replace('"', "") + '"'


def match_expression(query: ParsedQuery, *, any_word: bool, language: str) -> str:
    """The query part of a MATCH expression ('' when nothing is searchable)."""
    branches = []
    for terms in query.terms_for(configs_for(language)).values():
        words = []
        for alternatives in terms:
            stems = [_quote(stem) for _spelling, stem in alternatives]
            words.append(stems[0] if len(stems) == 1 else "(" + " OR ".join(stems) + ")")
        branches.append("(" + (" OR " if any_word else " AND ").join(words) + ")")
    return " OR ".join(branches)


def _match(expression: str, tier: Tier, filters: Filters) -> str:
    text = f"{_TEXT_COLUMNS} : ({expression})"
    if tier == "all":
        match = text
    elif tier == "title":
        # The whole expression too (not only the title filter), so that bm25 ranks the title
        # matches by all three columns.
        match = f"({text}) AND ({{title}} : ({expression}))"
    else:
        match = f"({text}) NOT ({{title}} : ({expression}))"
    meta = []
    if filters.topic:
        meta.append(_quote(topic_token(filters.topic)))
    if filters.session_id is not None:
        meta.append(_quote(f"s{int(filters.session_id)}"))
    if meta:
        match = f"({match}) AND {{meta}} : ({' AND '.join(meta)})"
    return match


def _from_where(filters: Filters) -> tuple[str, list[Any]]:
    if not filters.language:
        return f" FROM {FTS} WHERE {FTS} MATCH %s", []
    return (
        f" FROM {FTS} JOIN questions_entry e ON e.id = {FTS}.rowid"
        f" WHERE {FTS} MATCH %s AND e.status = %s AND e.language = %s",
        [EntryStatus.PUBLISHED, filters.language],
    )


class SqliteBackend(SearchBackend):
    vendor = "sqlite"

    def _write(self, cursor: Any, ids: Sequence[int] | None) -> int:
        from ..models import Entry

        entries = Entry.objects.filter(status=EntryStatus.PUBLISHED).order_by("pk")
        if ids is not None:
            entries = entries.filter(pk__in=list(ids))
        rows: list[tuple[int, str, str, str, str]] = []
        count = 0
        for pk, language, topic, session_id, title, question, answer in entries.values_list(
            "pk", "language", "topic", "session_id", "title", "question", "answer"
        ).iterator(chunk_size=2000):
            config = config_for(language)
            rows.append(
                (
                    pk,
                    index_text(title, config),
                    index_text(question, config),
                    index_text(answer, config),
                    meta_tokens(topic=topic, session_id=session_id),
                )
            )
            if len(rows) >= 2000:
                count += self._insert(cursor, rows)
                rows = []
        return count + self._insert(cursor, rows)

    @staticmethod
    def _insert(cursor: Any, rows: list[tuple[int, str, str, str, str]]) -> int:
        if rows:
            cursor.executemany(
                f"INSERT INTO {FTS} (rowid, title, question, answer, meta) "
                "VALUES (%s, %s, %s, %s, %s)",
                rows,
            )
        return len(rows)

    def index_entries(self, ids: Sequence[int]) -> None:
        with connection.cursor() as cursor:
            for part in chunks(list(ids)):
                marks = ", ".join(["%s"] * len(part))
                cursor.execute(f"DELETE FROM {FTS} WHERE rowid IN ({marks})", list(part))
                self._write(cursor, part)

    def remove_entries(self, ids: Sequence[int]) -> None:
        with connection.cursor() as cursor:
            for part in chunks(list(ids)):
                marks = ", ".join(["%s"] * len(part))
                cursor.execute(f"DELETE FROM {FTS} WHERE rowid IN ({marks})", list(part))

    def rebuild(self) -> int:
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {FTS}")
            count = self._write(cursor, None)
            cursor.execute(f"INSERT INTO {FTS} ({FTS}) VALUES ('optimize')")
            return count

    def count(
        self, query: ParsedQuery, *, any_word: bool, tier: Tier, filters: Filters, limit: int
    ) -> int:
        expression = match_expression(query, any_word=any_word, language=filters.language)
        if not expression:
            return 0
        from_where, params = _from_where(filters)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT count(*) FROM (SELECT {FTS}.rowid{from_where} LIMIT %s)",
                [_match(expression, tier, filters), *params, limit],
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
        expression = match_expression(query, any_word=any_word, language=filters.language)
        if not expression or candidates <= 0:
            return TierPage(rows=[])
        from_where, params = _from_where(filters)
        with connection.cursor() as cursor:
            cursor.execute(
                f"""
                SELECT id, score, count(*) OVER () FROM (
                    SELECT {FTS}.rowid AS id, {_BM25} AS score{from_where}
                    ORDER BY {FTS}.rowid DESC LIMIT %s
                )
                ORDER BY score, id DESC LIMIT %s OFFSET %s
                """,
                [_match(expression, tier, filters), *params, candidates, limit, offset],
            )
            rows = cursor.fetchall()
        # bm25 is negative, lower is better: the score is its negation.
        return TierPage(
            rows=[(int(row[0]), -float(row[1])) for row in rows],
            candidates=int(rows[0][2]) if rows else None,
        )
