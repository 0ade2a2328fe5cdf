"""Helpers of the concurrency tests: race service calls in threads on real connections.

Row locks are only real on PostgreSQL (`postgresql_only`); the data must be committed so that
every thread's connection sees it (`transactional`). The flush after such a test empties the
region tables; `regions.apps.ensure_regions_loaded` reloads them on the flush's post_migrate.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

ON_POSTGRESQL = connection.vendor == "postgresql"
postgresql_only = pytest.mark.skipif(not ON_POSTGRESQL, reason="real row locks need PostgreSQL")
transactional = pytest.mark.django_db(transaction=True)


def race(*calls: Callable[[], object], timeout: float = 20) -> list[str]:
    """Run the calls in threads released at the same moment; return "ok" / "rejected" (a
    ValidationError) / "error: …" for each, sorted."""
    barrier = threading.Barrier(len(calls))
    results: list[str] = []
    lock = threading.Lock()

    def run(call: Callable[[], object]) -> None:
        try:
            barrier.wait(timeout=timeout)
            call()
            outcome = "ok"
        except ValidationError:
            outcome = "rejected"
        except Exception as error:  # pragma: no cover - reported by the assertion
            outcome = f"error: {error!r}"
        finally:
            connection.close()
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout * 3)
    return sorted(results)
