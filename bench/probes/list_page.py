#!/usr/bin/env python
"""Time the coordinator's volunteer list against the database in DATABASE_URL.

Run by bench/run.py in a child process (settings and environment come from there). Prints one
JSON line: per variant the status, p50/p95/mean ms of N GETs through Django's test client and
the number of SQL queries of one request.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from typing import Any

VARIANTS: dict[str, dict[str, str]] = {
    "plain": {},
    "filtered": {"topic": "language_learning", "language": "en", "available": "1-2"},
    "distance": {"near": "80331", "distance": "5"},
    "filtered_distance": {
        "topic": "language_learning",
        "language": "en",
        "available": "1-2",
        "near": "80331",
        "distance": "5",
    },
    "page_5": {"page": "5"},
}
COORDINATOR_EMAIL = "lotsin.muenchen@lotse.example"


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--warmup", type=int, default=3)
    options = parser.parse_args()

    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment
    from django.urls import NoReverseMatch, reverse

    from lotse.accounts.models import User

    setup_test_environment()
    try:
        url = reverse("volunteers:district_list")
    except NoReverseMatch:
        print(
            json.dumps({"available": False, "note": "volunteers:district_list does not exist yet"})
        )
        return 0

    client = Client()
    client.force_login(User.objects.get(email=COORDINATOR_EMAIL))
    results: dict[str, Any] = {}
    for name, params in VARIANTS.items():
        for _ in range(options.warmup):
            response = client.get(url, params)
        timings = []
        for _ in range(options.requests):
            started = time.perf_counter()
            response = client.get(url, params)
            timings.append((time.perf_counter() - started) * 1000)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url, params)
        results[name] = {
            "params": params,
            "status": response.status_code,
            "bytes": len(response.content),
            "queries": len(captured.captured_queries),
            "p50_ms": round(statistics.median(timings), 2),
            "p95_ms": round(percentile(timings, 0.95), 2),
            "mean_ms": round(statistics.fmean(timings), 2),
            "min_ms": round(min(timings), 2),
            "max_ms": round(max(timings), 2),
        }
    print(json.dumps({"available": True, "url": url, "variants": results}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
