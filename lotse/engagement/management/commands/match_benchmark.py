"""`manage.py match_benchmark`: the matching engine against greedy, FCFS and the exact optimum.

    manage.py match_benchmark --size 100000 --json [--seed 1] [--no-optimum | --optimum]

Synthetic problem: N help requests × N volunteers on real postcode coordinates. Each solver
runs in a fresh child process (see `lotse.engagement.matching.benchmark`). With `--json` the
command prints exactly one JSON object:

    {"requests", "volunteers", "edges",
     "engine": {"seconds", "peak_mb", "matched", "score"}, "greedy": {…}, "fcfs": {…},
     "optimum": {"seconds", "score"} | null}

Needs no database.
"""

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from lotse.engagement.matching.benchmark import OPTIMUM_AUTO_MAX_SIZE, format_table, run_benchmark


class Command(BaseCommand):
    help = "Benchmark the matching engine on N synthetic requests × N volunteers."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--size", type=int, default=10_000, help="N (default: 10000)")
        parser.add_argument("--seed", type=int, default=1, help="random seed (default: 1)")
        parser.add_argument("--json", action="store_true", help="print one JSON object")
        parser.add_argument(
            "--candidate-k", type=int, default=32, help="candidates per request (default: 32)"
        )
        group = parser.add_mutually_exclusive_group()
        group.add_argument(
            "--no-optimum", action="store_true", help="skip the exact reference solver"
        )
        group.add_argument(
            "--optimum",
            action="store_true",
            help=f"run the exact reference even above {OPTIMUM_AUTO_MAX_SIZE:,} (slow)",
        )
        parser.add_argument(
            "--in-process",
            action="store_true",
            help="run the solvers in this process (faster start; peak memory not separable)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["size"] < 1:
            raise CommandError("--size must be at least 1")
        if options["candidate_k"] < 1:
            raise CommandError("--candidate-k must be at least 1")
        optimum: bool | None = None
        if options["no_optimum"]:
            optimum = False
        elif options["optimum"]:
            optimum = True
        figures = run_benchmark(
            options["size"],
            seed=options["seed"],
            optimum=optimum,
            candidate_k=options["candidate_k"],
            isolate=not options["in_process"],
        )
        if options["json"]:
            self.stdout.write(json.dumps(figures))
        else:
            self.stdout.write(format_table(figures))
