"""Knowledge-base search: text normalisation (`text`), and one engine per database —
PostgreSQL full text (`postgres`) and SQLite FTS5 (`sqlite`) — behind `SearchBackend` (`base`).

`search_backend()` returns the engine of the default database. Only `services.knowledge`
writes the index; `selectors.search` reads it.
"""

from __future__ import annotations

from django.db import connection

from .base import SearchBackend


def search_backend() -> SearchBackend:
    if connection.vendor == "postgresql":
        from .postgres import PostgresBackend

        return PostgresBackend()
    if connection.vendor == "sqlite":
        from .sqlite import SqliteBackend

        return SqliteBackend()
    raise NotImplementedError(f"No knowledge-base search for {connection.vendor}")
