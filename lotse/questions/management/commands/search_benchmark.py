"""`manage.py search_benchmark`: ranked knowledge-base searches on N synthetic entries.

    manage.py search_benchmark --docs 200000 [--queries 50] [--seed 42] [--cap 500]
        [--repeat 3] [--json]

Generates N German entries, loads them into the configured database inside one transaction
that is rolled back at the end (nothing stays behind), and times ranked top-20 searches through
the real selector for the query classes common / rare / inflected / multi-word (`--queries`
per class; each query `--repeat` times, its median counts). With `--json` it prints exactly
one JSON object:

    {"database": "postgresql"|"sqlite", "docs", "p50_ms", "p95_ms", "queries",
     "classes": {class: {"p50_ms", "p95_ms", "max_ms"}}, "load_s", "generate_s", …}

On PostgreSQL the entries table is locked while it runs: use a scratch database or a copy.
"""

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from lotse.questions.search.benchmark import run_benchmark


class Command(BaseCommand):
    help = "Benchmark the knowledge-base search on N synthetic entries (rolled back afterwards)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--docs", type=int, default=10_000, help="N (default: 10000)")
        parser.add_argument(
            "--queries", type=int, default=50, help="queries per class (default: 50)"
        )
        parser.add_argument("--seed", type=int, default=42, help="random seed (default: 42)")
        parser.add_argument(
            "--cap",
            type=int,
            default=None,
            help="rank and count at most this many matches (default: the configured cap)",
        )
        parser.add_argument(
            "--repeat",
            type=int,
            default=3,
            help="runs per query; its median counts (default: 3)",
        )
        parser.add_argument("--json", action="store_true", help="print one JSON object")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["docs"] < 1:
            raise CommandError("--docs must be at least 1")
        if options["queries"] < 1:
            raise CommandError("--queries must be at least 1")
        if options["cap"] is not None and options["cap"] < 1:
            raise CommandError("--cap must be at least 1")
        figures = run_benchmark(
            docs=options["docs"],
            queries=options["queries"],
            seed=options["seed"],
            cap=options["cap"],
            repeat=options["repeat"],
        )
        if options["json"]:
            self.stdout.write(json.dumps(figures))
            return
        self.stdout.write(
            f"{figures['database']}, {figures['docs']:,} entries: generated in "
            f"{figures['generate_s']} s, loaded and indexed in {figures['load_s']} s; "
            f"at most {figures['cap']} matches ranked"
        )
        self.stdout.write(f"{'class':<12}{'p50 ms':>10}{'p95 ms':>10}{'max ms':>10}")
        for name, values in figures["classes"].items():
            self.stdout.write(
                f"{name:<12}{values['p50_ms']:>10}{values['p95_ms']:>10}{values['max_ms']:>10}"
            )
        self.stdout.write(
            f"{'all':<12}{figures['p50_ms']:>10}{figures['p95_ms']:>10}"
            f"   ({figures['queries']} queries; load average {figures['load_average'][0]})"
        )
