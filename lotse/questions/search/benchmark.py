"""The search benchmark behind `manage.py search_benchmark`.

Generates N synthetic German entries (`synthetic.Generator`), loads them into the configured
database *inside one transaction that is rolled back at the end* (nothing stays behind, also
when the process is interrupted), and times ranked top-20 searches through the real selector
(`selectors.search.search_entries`: counting, ranking, fetching the entries, highlighting) for
the query classes common / rare / inflected / multi-word.

Loading is bulk and index-aware:

- PostgreSQL: the GIN indexes are dropped in the transaction, the rows are streamed with COPY
  (the generated tsvector columns are computed on the way in), the indexes are built once
  afterwards and the table is analysed (the totals use the planner's estimate). The dropped
  indexes come back with the rollback. The entries table is locked meanwhile: run this against
  a scratch database or a copy, not a busy production database.
- SQLite: rows and their FTS5 stems with `executemany`, then the FTS index is optimised.
"""

# Table and column names are constants and every value is a parameter:
# ruff: noqa: S608

from __future__ import annotations

import datetime
import math
import os
import statistics
import time
import uuid
from collections.abc import Iterator
from typing import Any

from django.db import connection, transaction
from django.db.models import Field
from django.utils import timezone

from ..choices import EntrySource, EntryStatus
from ..models import Entry
from .sqlite import FTS, meta_tokens
from .synthetic import Document, Generator
from .text import config_for, index_text

CHUNK = 5000
MUNICH = "09162"
COLUMNS = (
    "created_at",
    "updated_at",
    "group",
    "language",
    "title",
    "question",
    "answer",
    "topic",
    "source",
    "status",
    "published_at",
    "district",
    "state",
)


class _Clock:
    """Time spent generating documents (subtracted from the loading time)."""

    def __init__(self) -> None:
        self.seconds = 0.0

    def documents(self, generator: Generator, count: int) -> Iterator[list[Document]]:
        remaining = count
        while remaining > 0:
            started = time.perf_counter()
            chunk = list(generator.documents(min(CHUNK, remaining)))
            self.seconds += time.perf_counter() - started
            remaining -= len(chunk)
            yield chunk


def _rows(chunk: list[Document], *, first: int, district: Any) -> Iterator[tuple[Any, ...]]:
    """Database values of the entries (adapted by the fields, as the ORM would)."""
    fields = _fields()
    now = timezone.now()
    for offset, document in enumerate(chunk):
        published = now - datetime.timedelta(minutes=first + offset)
        values = {
            "created_at": published,
            "updated_at": published,
            "group": uuid.uuid4(),
            "language": document.language,
            "title": document.title,
            "question": document.question,
            "answer": document.answer,
            "topic": document.topic,
            "source": EntrySource.EDITORIAL,
            "status": EntryStatus.PUBLISHED,
            "published_at": published,
            "district": district.pk,
            "state": district.state_id,
        }
        yield tuple(fields[name].get_db_prep_save(values[name], connection) for name in COLUMNS)


def _fields() -> dict[str, Field[Any, Any]]:
    fields = {}
    for name in COLUMNS:
        field = Entry._meta.get_field(name)
        assert isinstance(field, Field)
        fields[name] = field
    return fields


def _column_names() -> list[str]:
    return [str(field.column) for field in _fields().values()]


def _load_postgres(generator: Generator, docs: int, district: Any, clock: _Clock) -> None:
    columns = ", ".join(map(connection.ops.quote_name, _column_names()))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes "
            "WHERE tablename = 'questions_entry' AND indexdef ILIKE '%% USING gin %%'"
        )
        gin_indexes = cursor.fetchall()
        for name, _definition in gin_indexes:
            cursor.execute(f'DROP INDEX "{name}"')
        written = 0
        raw = cursor.cursor
        with raw.copy(f"COPY questions_entry ({columns}) FROM STDIN") as copy:
            for chunk in clock.documents(generator, docs):
                for row in _rows(chunk, first=written, district=district):
                    copy.write_row(row)
                written += len(chunk)
        # Check the deferred foreign keys now: an index cannot be built with pending checks.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
        for _name, definition in gin_indexes:
            cursor.execute(definition)
        cursor.execute("ANALYZE questions_entry")


def _load_sqlite(generator: Generator, docs: int, district: Any, clock: _Clock) -> None:
    names = ["id", *_column_names()]
    insert = (
        f"INSERT INTO questions_entry ({', '.join(map(connection.ops.quote_name, names))}) "
        f"VALUES ({', '.join(['%s'] * len(names))})"
    )
    fts = f"INSERT INTO {FTS} (rowid, title, question, answer, meta) VALUES (%s, %s, %s, %s, %s)"
    with connection.cursor() as cursor:
        cursor.execute("SELECT coalesce(max(id), 0) FROM questions_entry")
        next_id = int(cursor.fetchone()[0]) + 1
        written = 0
        for chunk in clock.documents(generator, docs):
            ids = range(next_id, next_id + len(chunk))
            rows = list(_rows(chunk, first=written, district=district))
            cursor.executemany(insert, [(pk, *row) for pk, row in zip(ids, rows, strict=True)])
            stems = []
            for pk, document in zip(ids, chunk, strict=True):
                config = config_for(document.language)
                stems.append(
                    (
                        pk,
                        index_text(document.title, config),
                        index_text(document.question, config),
                        index_text(document.answer, config),
                        meta_tokens(
                            topic=document.topic, session_id=None, language=document.language
                        ),
                    )
                )
            cursor.executemany(fts, stems)
            next_id += len(chunk)
            written += len(chunk)
        cursor.execute(f"INSERT INTO {FTS} ({FTS}) VALUES ('optimize')")


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def _summary(values: list[float]) -> dict[str, float]:
    return {
        "p50_ms": round(statistics.median(values), 2),
        "p95_ms": round(percentile(values, 0.95), 2),
        "max_ms": round(max(values), 2),
    }


def run_benchmark(
    *, docs: int, queries: int = 50, seed: int = 42, cap: int | None = None, repeat: int = 3
) -> dict[str, Any]:
    """Load, time, roll back; return the figures. `cap`: rank and count at most this many
    matches (default: `base.CANDIDATE_CAP`). Each query runs `repeat` times and counts with
    its median (other processes on the machine then move the figures less)."""
    from lotse.regions.models import District

    from . import base

    vendor = connection.vendor
    if vendor not in ("postgresql", "sqlite"):
        raise NotImplementedError(vendor)
    generator = Generator(seed)
    district = District.objects.select_related("state").get(ags=MUNICH)
    figures: dict[str, Any] = {"database": vendor, "docs": docs}
    configured_cap = base.CANDIDATE_CAP
    base.CANDIDATE_CAP = cap or configured_cap
    figures["cap"] = base.CANDIDATE_CAP
    try:
        _measure(
            figures,
            generator=generator,
            docs=docs,
            queries=queries,
            district=district,
            repeat=max(1, repeat),
        )
    finally:
        base.CANDIDATE_CAP = configured_cap
    figures["seed"] = seed
    return figures


def _measure(
    figures: dict[str, Any],
    *,
    generator: Generator,
    docs: int,
    queries: int,
    district: Any,
    repeat: int,
) -> None:
    from ..selectors.search import search_entries

    vendor = connection.vendor
    clock = _Clock()
    with transaction.atomic():
        started = time.perf_counter()
        if vendor == "postgresql":
            _load_postgres(generator, docs, district, clock)
        else:
            _load_sqlite(generator, docs, district, clock)
        total = time.perf_counter() - started
        figures["generate_s"] = round(clock.seconds, 2)
        figures["load_s"] = round(total - clock.seconds, 2)
        classes = generator.queries(queries)
        for words in classes.values():  # warm the caches once
            for query in words:
                search_entries(query=query)
        timings: dict[str, list[float]] = {}
        capped = hits = fallback = 0
        for name, words in classes.items():
            timings[name] = []
            for query in words:
                runs = []
                for _ in range(repeat):
                    started = time.perf_counter()
                    page = search_entries(query=query)
                    runs.append((time.perf_counter() - started) * 1000)
                timings[name].append(statistics.median(runs))
                capped += page.total_capped
                hits += bool(page.hits)
                fallback += page.any_word
        transaction.set_rollback(True)
    everything = [value for values in timings.values() for value in values]
    figures |= {
        **{key: value for key, value in _summary(everything).items() if key != "max_ms"},
        "queries": len(everything),
        "classes": {name: _summary(values) for name, values in timings.items()},
        "queries_with_hits": hits,
        "queries_capped": capped,
        "queries_any_word": fallback,
        "repeat": repeat,
        # Other work on the machine while it ran (1, 5, 15 minutes).
        "load_average": [round(value, 2) for value in os.getloadavg()],
        "cpu_count": os.cpu_count(),
    }
