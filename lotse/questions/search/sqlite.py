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
from .text import ALL_CONFIGS, ParsedQuery, config_for, configs_for, index_text

FTS = "questions_entry_fts"
_BM25 = f"bm25({FTS}, 10.0, 4.0, 2.0, 0.0)"
_TEXT_COLUMNS = "{title question answer}"


# Marks entries not in the majority language (German): the branches of the other languages'
# stems only apply to them (as on PostgreSQL), and a rare token keeps that cheap.
OTHER_LANGUAGE = "xother"


def meta_tokens(*, topic: str, session_id: int | None, language: str = "de") -> str:
    """The filter tokens of an entry (letters and digits only: unicode61 splits at '_')."""
    tokens = [topic_token(topic)]
    if session_id is not None:
        tokens.append(f"s{int(session_id)}")
    if language != "de":
        tokens.append(OTHER_LANGUAGE)
    return " ".join(tokens)


def topic_token(topic: str) -> str:
    return "t" + re.sub(r"[^0-9a-z]", "", topic.lower())


def _quote(stem: str) -> str:
    # Stems are runs of letters and digits; quoted they are strings, never operators.
    return '"' + stem.replace('"', "") + '"'


def _branches(groups: dict[str, tuple[Any, ...]], *, any_word: bool) -> str:
    branches = []
    for terms in groups.values():
        words = []
        for alternatives in terms:
            stems = [_quote(stem) for _spelling, stem in alternatives]
            words.append(stems[0] if len(stems) == 1 else "(" + " OR ".join(stems) + ")")
        branches.append("(" + (" OR " if any_word else " AND ").join(words) + ")")
    return " OR ".join(branches)


def match_expression(
    query: ParsedQuery,
    *,
    any_word: bool,
    language: str,
    columns: str = _TEXT_COLUMNS,
    other_languages: bool = True,
) -> str:
    """The query part of a MATCH expression over `columns` ('' when nothing is searchable).

    With a language filter: that language's stems. Without: the German stems for every entry
    and, for entries in other languages (if there are any), every other language's stems —
    each distinct phrase costs bm25 a pass over its doclist, so no branch is there in vain."""
    if language:
        expression = _branches(query.terms_for(configs_for(language)), any_word=any_word)
        return f"{columns} : ({expression})" if expression else ""
    groups = query.terms_for(ALL_CONFIGS)
    german = groups.pop("german", None)
    arms = []
    if german:
        arms.append(f"{columns} : ({_branches({'german': german}, any_word=any_word)})")
    if groups and other_languages:
        others = _branches(groups, any_word=any_word)
        arms.append(f'({columns} : ({others})) AND {{meta}} : "{OTHER_LANGUAGE}"')
    if len(arms) == 1:
        return arms[0]
    return " OR ".join(f"({arm})" for arm in arms)


def _with_filters(match: str, filters: Filters) -> str:
    meta = []
    if filters.topic:
        meta.append(_quote(topic_token(filters.topic)))
    if filters.session_id is not None:
        meta.append(_quote(f"s{int(filters.session_id)}"))
    if meta:
        return f"({match}) AND {{meta}} : ({' AND '.join(meta)})"
    return match


def _from_where(filters: Filters, *, rest: bool) -> tuple[str, list[Any]]:
    """FROM and WHERE with two MATCH parameters for the rest tier (everything, then the title
    matches to leave out), one otherwise."""
    sql = f" FROM {FTS}"
    params: list[Any] = []
    where = f" WHERE {FTS} MATCH %s"
    if filters.language:
        sql += f" JOIN questions_entry e ON e.id = {FTS}.rowid"
        where += " AND e.status = %s AND e.language = %s"
        params += [EntryStatus.PUBLISHED, filters.language]
    if rest:
        # Without bm25 on it: the title matches are only left out.
        where += f" AND {FTS}.rowid NOT IN (SELECT rowid FROM {FTS} WHERE {FTS} MATCH %s)"
    return sql + where, params


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
                    meta_tokens(topic=topic, session_id=session_id, language=language),
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

    _others: bool | None = None

    def _other_languages(self, cursor: Any) -> bool:
        """Whether any published entry is not in German (then their branches are needed);
        asked once per backend object, that is once per search."""
        if self._others is None:
            cursor.execute(
                f"SELECT rowid FROM {FTS} WHERE {FTS} MATCH %s LIMIT 1",
                [f'{{meta}} : "{OTHER_LANGUAGE}"'],
            )
            self._others = cursor.fetchone() is not None
        return self._others

    def _statement(
        self, cursor: Any, query: ParsedQuery, *, any_word: bool, tier: Tier, filters: Filters
    ) -> tuple[str, list[Any]] | None:
        """FROM/WHERE of a tier and its parameters; None when nothing is searchable."""
        options: dict[str, Any] = {"any_word": any_word, "language": filters.language}
        if not filters.language:
            options["other_languages"] = self._other_languages(cursor)
        columns = "{title}" if tier == "title" else _TEXT_COLUMNS
        expression = match_expression(query, columns=columns, **options)
        if not expression:
            return None
        from_where, params = _from_where(filters, rest=tier == "rest")
        params = [_with_filters(expression, filters), *params]
        if tier == "rest":
            # The same words over the title column: never empty when `expression` is not.
            params.append(match_expression(query, columns="{title}", **options))
        return from_where, params

    def count(
        self, query: ParsedQuery, *, any_word: bool, tier: Tier, filters: Filters, limit: int
    ) -> int:
        with connection.cursor() as cursor:
            statement = self._statement(
                cursor, query, any_word=any_word, tier=tier, filters=filters
            )
            if statement is None:
                return 0
            from_where, params = statement
            cursor.execute(
                f"SELECT count(*) FROM (SELECT {FTS}.rowid{from_where} LIMIT %s)",
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
        with connection.cursor() as cursor:
            statement = self._statement(
                cursor, query, any_word=any_word, tier=tier, filters=filters
            )
            if statement is None:
                return TierPage(rows=[])
            from_where, params = statement
            cursor.execute(
                f"""
                SELECT id, score, count(*) OVER () FROM (
                    SELECT {FTS}.rowid AS id, {_BM25} AS score{from_where}
                    ORDER BY {FTS}.rowid DESC LIMIT %s
                )
                ORDER BY score, id DESC LIMIT %s OFFSET %s
                """,
                [*params, candidates, limit, offset],
            )
            rows = cursor.fetchall()
        # bm25 is negative, lower is better: the score is its negation.
        return TierPage(
            rows=[(int(row[0]), -float(row[1])) for row in rows],
            candidates=int(rows[0][2]) if rows else None,
        )
