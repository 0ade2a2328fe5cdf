#!/usr/bin/env python
"""Run Lotse's benchmarks and write their figures as JSON (see bench/README.md).

    python bench/run.py --output bench/results/latest.json [--full] [--only NAME ...]
        [--database sqlite|postgres] [--postgres-url postgres://postgres@127.0.0.1:5432]

Benchmarks are plain functions registered with `@benchmark(...)`. Each gets the shared `Context`
(databases seeded once and reused, the options) and returns a dict of figures; raising
`Skip("why")` records a skipped benchmark with its reason. Anything that touches Django runs in
a child process, so that every database size gets a fresh interpreter and its peak memory can
be measured on its own.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PROBES = Path(__file__).resolve().parent / "probes"
DEFAULT_VOLUNTEERS = 3000
FULL_VOLUNTEERS = 200_000


class Skip(Exception):  # noqa: N818 – reads as `raise Skip("reason")`
    """Raised by a benchmark that cannot run here; the reason goes into the JSON."""


@dataclass(frozen=True)
class Benchmark:
    name: str
    function: Callable[[Context], dict[str, Any]]
    description: str
    full_only: bool = False


REGISTRY: dict[str, Benchmark] = {}


def benchmark(
    name: str, *, description: str, full_only: bool = False
) -> Callable[[Callable[[Context], dict[str, Any]]], Callable[[Context], dict[str, Any]]]:
    """Register a benchmark function under `name` (run in registration order)."""

    def register(function: Callable[[Context], dict[str, Any]]) -> Callable[..., dict[str, Any]]:
        if name in REGISTRY:
            raise ValueError(f"Benchmark {name!r} registered twice")
        REGISTRY[name] = Benchmark(name, function, description, full_only)
        return function

    return register


# -- running Django in child processes ---------------------------------------------------


@dataclass
class ChildResult:
    returncode: int
    stdout: str
    stderr: str
    seconds: float
    peak_rss_mb: float


def run_child(
    args: list[str], *, database_url: str, extra_env: dict[str, str] | None = None
) -> ChildResult:
    """Run `python args…` against `database_url`; measure wall time and the child's peak RSS."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "lotse.settings.dev",
        "DATABASE_URL": database_url,
        "DEBUG": "false",
        "LOTSE_REQUIRE_2FA": "false",
        "TASK_BACKEND": "immediate",
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT),
        **(extra_env or {}),
    }
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.monotonic()
        process = subprocess.Popen(
            [sys.executable, *args], cwd=ROOT, env=env, stdout=out, stderr=err
        )
        # wait4 gives the resource usage of exactly this child (RUSAGE_CHILDREN would be the
        # maximum over every child so far).
        _pid, status, usage = os.wait4(process.pid, 0)
        seconds = time.monotonic() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        # ru_maxrss is in kilobytes on Linux, bytes on macOS.
        divisor = 1024 * 1024 if sys.platform == "darwin" else 1024
        return ChildResult(
            returncode=process.returncode,
            stdout=out.read().decode(errors="replace"),
            stderr=err.read().decode(errors="replace"),
            seconds=round(seconds, 2),
            peak_rss_mb=round(usage.ru_maxrss / divisor, 1),
        )


def check(result: ChildResult, what: str) -> ChildResult:
    if result.returncode != 0:
        raise RuntimeError(f"{what} failed ({result.returncode}):\n{result.stderr[-3000:]}")
    return result


# -- databases ------------------------------------------------------------------------------


@dataclass
class SeededDatabase:
    url: str
    volunteers: int
    migrate: ChildResult
    seed: ChildResult


@dataclass
class Context:
    options: argparse.Namespace
    workdir: Path
    seeded: dict[int, SeededDatabase] = field(default_factory=dict)
    created_postgres: list[str] = field(default_factory=list)

    @property
    def backend(self) -> str:
        return self.options.database

    def fresh_database(self, label: str) -> str:
        """Create an empty database for `label` and return its DATABASE_URL."""
        if self.backend == "sqlite":
            path = self.workdir / f"{label}.sqlite3"
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
            return f"sqlite:///{path}"
        import psycopg
        from psycopg import sql

        name = f"lotse_bench_{label}"
        base = self.options.postgres_url.rstrip("/")
        with psycopg.connect(f"{base}/postgres", autocommit=True) as connection:
            connection.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        self.created_postgres.append(name)
        return f"{base}/{name}"

    def seeded_database(self, volunteers: int) -> SeededDatabase:
        """Return a migrated database seeded with `volunteers` (created once per run)."""
        if volunteers not in self.seeded:
            url = self.fresh_database(f"v{volunteers}")
            migrate = check(
                run_child(["manage.py", "migrate", "--no-input", "-v0"], database_url=url),
                "migrate",
            )
            seed = check(
                run_child(
                    ["manage.py", "seed_demo", "--volunteers", str(volunteers)], database_url=url
                ),
                "seed_demo",
            )
            self.seeded[volunteers] = SeededDatabase(url, volunteers, migrate, seed)
        return self.seeded[volunteers]

    def cleanup(self) -> None:
        if self.options.keep:
            return
        shutil.rmtree(self.workdir, ignore_errors=True)
        if self.created_postgres:
            import psycopg
            from psycopg import sql

            base = self.options.postgres_url.rstrip("/")
            with psycopg.connect(f"{base}/postgres", autocommit=True) as connection:
                for name in self.created_postgres:
                    connection.execute(
                        sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name))
                    )


# -- benchmarks -----------------------------------------------------------------------------


def _seed_figures(ctx: Context, volunteers: int) -> dict[str, Any]:
    database = ctx.seeded_database(volunteers)
    phases = [line for line in database.seed.stdout.splitlines() if ": " in line and " s (" in line]
    return {
        "backend": ctx.backend,
        "volunteers": volunteers,
        "seed_wall_seconds": database.seed.seconds,
        "seed_peak_rss_mb": database.seed.peak_rss_mb,
        "migrate_wall_seconds": database.migrate.seconds,
        "phases": phases,
    }


@benchmark(
    "seed_demo_default",
    description="manage.py seed_demo with the default size (3,000 volunteers) on a fresh database",
)
def seed_demo_default(ctx: Context) -> dict[str, Any]:
    figures = _seed_figures(ctx, DEFAULT_VOLUNTEERS)
    figures["budget_seconds"] = 60
    figures["within_budget"] = figures["seed_wall_seconds"] < 60
    return figures


@benchmark(
    "seed_demo_200k",
    description="manage.py seed_demo --volunteers 200000 on a fresh database",
    full_only=True,
)
def seed_demo_200k(ctx: Context) -> dict[str, Any]:
    figures = _seed_figures(ctx, FULL_VOLUNTEERS)
    figures["budget_seconds"] = 600
    figures["within_budget"] = figures["seed_wall_seconds"] < 600
    return figures


def _list_page(ctx: Context, volunteers: int) -> dict[str, Any]:
    database = ctx.seeded_database(volunteers)
    result = check(
        run_child(
            [str(PROBES / "list_page.py"), "--requests", str(ctx.options.requests)],
            database_url=database.url,
        ),
        "list page probe",
    )
    figures: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    return figures


@benchmark(
    "coordinator_list_page",
    description=(
        "GET volunteers:district_list as the München coordinator (Django test client, "
        "in-process): plain, filtered and distance variants; p50/p95 ms and SQL queries per "
        "request, with 3,000 and (--full) 200,000 volunteers"
    ),
)
def coordinator_list_page(ctx: Context) -> dict[str, Any]:
    sizes = [DEFAULT_VOLUNTEERS] + ([FULL_VOLUNTEERS] if ctx.options.full else [])
    by_size = {str(size): _list_page(ctx, size) for size in sizes}
    if not all(figures.get("available") for figures in by_size.values()):
        note = next(f["note"] for f in by_size.values() if not f.get("available"))
        raise Skip(note)
    figures: dict[str, Any] = {
        "backend": ctx.backend,
        "requests": ctx.options.requests,
        "by_volunteers": by_size,
    }
    if len(sizes) == 2:
        small, large = (by_size[str(size)]["variants"] for size in sizes)
        comparison = {}
        for variant in small:
            comparison[variant] = {
                "queries_small": small[variant]["queries"],
                "queries_large": large[variant]["queries"],
                "queries_equal": small[variant]["queries"] == large[variant]["queries"],
                "p50_ratio_large_to_small": round(
                    large[variant]["p50_ms"] / max(small[variant]["p50_ms"], 0.001), 2
                ),
            }
        figures["comparison"] = comparison
        figures["queries_equal"] = all(c["queries_equal"] for c in comparison.values())
    else:
        figures["comparison"] = None
        figures["note"] = "Run with --full to compare 3,000 with 200,000 volunteers."
    return figures


MATCHING_SIZES = (1_000, 10_000, 100_000)
MATCHING_BUDGET = {"seconds": 10.0, "peak_mb": 2048.0, "rel_diff": 1e-6}


@benchmark(
    "matching",
    description=(
        "manage.py match_benchmark --size N --json for N = 1,000, 10,000 and 100,000 requests × "
        "as many volunteers (synthetic, real postcode coordinates; no database): the engine "
        "(OR-Tools min-cost flow, candidates included) against greedy, first come first served "
        "and the exact SciPy reference (at 100,000 only with --full); each solver in its own "
        "child process"
    ),
)
def matching(ctx: Context) -> dict[str, Any]:
    # The command needs no database; Django is only given a path it never opens.
    url = f"sqlite:///{ctx.workdir / 'matching-unused.sqlite3'}"
    by_size: dict[str, Any] = {}
    for size in MATCHING_SIZES:
        args = ["manage.py", "match_benchmark", "--size", str(size), "--json"]
        if ctx.options.full:
            # The exact reference takes minutes at 100,000; only in the full run.
            args.append("--optimum")
        result = check(run_child(args, database_url=url), f"match_benchmark --size {size}")
        figures: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
        engine, optimum = figures["engine"], figures["optimum"]
        # (engine − optimum) / optimum: 0 is optimal, negative means the engine fell short.
        figures["engine_vs_optimum_rel_diff"] = (
            (engine["score"] - optimum["score"]) / optimum["score"]
            if optimum and optimum["score"]
            else None
        )
        figures["extra_matched_vs_greedy"] = engine["matched"] - figures["greedy"]["matched"]
        figures["extra_matched_vs_fcfs"] = engine["matched"] - figures["fcfs"]["matched"]
        figures["command_wall_seconds"] = result.seconds
        by_size[str(size)] = figures
    largest = by_size[str(MATCHING_SIZES[-1])]["engine"]
    diffs = [
        abs(f["engine_vs_optimum_rel_diff"])
        for f in by_size.values()
        if f["engine_vs_optimum_rel_diff"] is not None
    ]
    return {
        "sizes": list(MATCHING_SIZES),
        "by_size": by_size,
        "budget": MATCHING_BUDGET,
        "within_budget": largest["seconds"] < MATCHING_BUDGET["seconds"]
        and largest["peak_mb"] < MATCHING_BUDGET["peak_mb"],
        "optimal_within_rel_diff": all(diff <= MATCHING_BUDGET["rel_diff"] for diff in diffs),
    }


SEARCH_SIZES = (20_000,)
SEARCH_FULL_SIZES = (20_000, 200_000)
SEARCH_BUDGET = {"database": "postgresql", "docs": 200_000, "p95_ms": 20.0}


def _search_postgres_server(ctx: Context) -> str | None:
    """The PostgreSQL server for the search benchmark (URL without a database name): the
    harness's --postgres-url with --database postgres, else BENCH_PG_URL, else DATABASE_URL
    when it points to PostgreSQL; None when none is configured."""
    if ctx.backend == "postgres":
        return str(ctx.options.postgres_url).rstrip("/")
    for name in ("BENCH_PG_URL", "DATABASE_URL"):
        url = os.environ.get(name, "")
        if url.startswith(("postgres://", "postgresql://")):
            scheme, rest = url.split("://", 1)
            host = rest.split("/", 1)[0]
            return f"{scheme}://{host}"
    return None


def _search_run(url: str, docs: int) -> dict[str, Any]:
    result = check(
        run_child(
            ["manage.py", "search_benchmark", "--docs", str(docs), "--json"], database_url=url
        ),
        f"search_benchmark --docs {docs}",
    )
    figures: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    figures["command_wall_seconds"] = result.seconds
    figures["peak_rss_mb"] = result.peak_rss_mb
    return figures


@benchmark(
    "search",
    description=(
        "manage.py search_benchmark --docs N --json: N synthetic German knowledge-base entries "
        "loaded into a fresh, migrated database inside a transaction that is rolled back, then "
        "ranked top-20 searches through the real selector (count, rank, fetch, highlight) for "
        "the query classes common / rare / inflected / multi-word (50 each); p50/p95 ms per "
        "class. N = 20,000 (and 200,000 with --full), on SQLite and — when a PostgreSQL URL is "
        "configured (--database postgres, BENCH_PG_URL or DATABASE_URL) — on PostgreSQL"
    ),
)
def search(ctx: Context) -> dict[str, Any]:
    sizes = SEARCH_FULL_SIZES if ctx.options.full else SEARCH_SIZES
    figures: dict[str, Any] = {"sizes": list(sizes), "budget": SEARCH_BUDGET}
    path = ctx.workdir / "search.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    sqlite_url = f"sqlite:///{path}"
    check(
        run_child(["manage.py", "migrate", "--no-input", "-v0"], database_url=sqlite_url), "migrate"
    )
    figures["sqlite"] = {str(size): _search_run(sqlite_url, size) for size in sizes}
    server = _search_postgres_server(ctx)
    if server is None:
        figures["postgresql"] = None
        figures["note"] = "No PostgreSQL URL configured (BENCH_PG_URL or --database postgres)."
        figures["within_budget"] = None
        return figures
    import psycopg
    from psycopg import sql

    name = "lotse_bench_search"
    with psycopg.connect(f"{server}/postgres", autocommit=True) as connection:
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        url = f"{server}/{name}"
        check(run_child(["manage.py", "migrate", "--no-input", "-v0"], database_url=url), "migrate")
        figures["postgresql"] = {str(size): _search_run(url, size) for size in sizes}
    finally:
        if not ctx.options.keep:
            with psycopg.connect(f"{server}/postgres", autocommit=True) as connection:
                connection.execute(
                    sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name))
                )
    at_budget = figures["postgresql"].get(str(SEARCH_BUDGET["docs"]))
    figures["within_budget"] = (
        at_budget["p95_ms"] < SEARCH_BUDGET["p95_ms"] if at_budget is not None else None
    )
    return figures


DISPATCH_SIZE = 10_000
DISPATCH_FULL_SIZE = 100_000
DISPATCH_BUDGET = {"recipients": 100_000, "database": "sqlite", "ratio": 0.45, "peak_rss_mb": 500.0}


def _dispatch_run(url: str, recipients: int) -> dict[str, Any]:
    check(run_child(["manage.py", "migrate", "--no-input", "-v0"], database_url=url), "migrate")
    result = check(
        run_child(
            ["manage.py", "dispatch_benchmark", "--recipients", str(recipients), "--json"],
            database_url=url,
        ),
        f"dispatch_benchmark --recipients {recipients}",
    )
    figures: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    figures["command_wall_seconds"] = result.seconds
    return figures


@benchmark(
    "dispatch",
    description=(
        "manage.py dispatch_benchmark --recipients N --json: N confirmed subscribers (de/en/uk), "
        "one Infobrief in 3 languages, sent end to end through a real worker process "
        "(manage.py db_worker) to an aiosmtpd sink in a process of its own; mails/s, wall "
        "seconds, peak RSS (command and workers), Message-IDs counted at the sink, next to raw "
        "smtplib throughput (one connection) measured in the same run. N = 10,000 (100,000 "
        "with --full), on SQLite and — when a PostgreSQL URL is configured — on PostgreSQL"
    ),
)
def dispatch(ctx: Context) -> dict[str, Any]:
    recipients = DISPATCH_FULL_SIZE if ctx.options.full else DISPATCH_SIZE
    figures: dict[str, Any] = {"recipients": recipients, "budget": DISPATCH_BUDGET}
    path = ctx.workdir / "dispatch.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    figures["sqlite"] = _dispatch_run(f"sqlite:///{path}", recipients)
    server = _search_postgres_server(ctx)
    if server is None:
        figures["postgresql"] = None
        figures["note"] = "No PostgreSQL URL configured (BENCH_PG_URL or --database postgres)."
    else:
        import psycopg
        from psycopg import sql

        name = "lotse_bench_dispatch"
        with psycopg.connect(f"{server}/postgres", autocommit=True) as connection:
            connection.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        try:
            figures["postgresql"] = _dispatch_run(f"{server}/{name}", recipients)
        finally:
            if not ctx.options.keep:
                with psycopg.connect(f"{server}/postgres", autocommit=True) as connection:
                    connection.execute(
                        sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                            sql.Identifier(name)
                        )
                    )
    at_budget = figures["sqlite"]
    if recipients >= DISPATCH_BUDGET["recipients"]:
        figures["within_budget"] = (
            at_budget["ratio"] is not None
            and at_budget["ratio"] >= DISPATCH_BUDGET["ratio"]
            and at_budget["peak_rss_mb"] < DISPATCH_BUDGET["peak_rss_mb"]
            and at_budget["duplicates"] == 0
            and at_budget["delivered_unique"] == recipients
        )
    else:
        figures["within_budget"] = None
        figures["note_budget"] = "The budget applies at 100,000 recipients (--full)."
    return figures


# -- harness --------------------------------------------------------------------------------


def machine_info(ctx: Context) -> dict[str, Any]:
    info: dict[str, Any] = {
        "platform": platform.platform(),
        "python": platform.python_version(),
        "cpu_count": os.cpu_count(),
        "database": ctx.backend,
    }
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                info["cpu_model"] = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                info["memory_gb"] = round(int(line.split()[1]) / 1024 / 1024, 1)
                break
    except OSError:
        pass
    import sqlite3

    info["sqlite"] = sqlite3.sqlite_version
    try:
        import django

        info["django"] = django.get_version()
    except ImportError:
        pass
    git = shutil.which("git")
    if git:
        commit = subprocess.run(
            [git, "rev-parse", "--short", "HEAD"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
        info["git_commit"] = commit.stdout.strip() or None
    return info


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--output", type=Path, default=ROOT / "bench" / "results" / "latest.json")
    parser.add_argument(
        "--full", action="store_true", help="also the slow runs (200,000 volunteers)"
    )
    parser.add_argument("--only", nargs="*", metavar="NAME", help="run only these benchmarks")
    parser.add_argument("--list", action="store_true", help="list the benchmarks and exit")
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432"),
        help="server URL without database name; the harness creates lotse_bench_* databases",
    )
    parser.add_argument("--requests", type=int, default=50, help="timed requests per variant")
    parser.add_argument("--keep", action="store_true", help="keep the benchmark databases")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    options = parse_args(argv)
    if options.list:
        for item in REGISTRY.values():
            print(f"{item.name}{' (--full)' if item.full_only else ''}: {item.description}")
        return 0
    unknown = set(options.only or ()) - set(REGISTRY)
    if unknown:
        print(f"Unknown benchmarks: {', '.join(sorted(unknown))}", file=sys.stderr)
        return 2
    ctx = Context(options=options, workdir=Path(tempfile.mkdtemp(prefix="lotse-bench-")))
    report: dict[str, Any] = {
        "schema": 1,
        "timestamp": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine_info(ctx),
        "options": {
            "full": options.full,
            "database": options.database,
            "requests": options.requests,
        },
        "benchmarks": {},
    }
    failed = False
    try:
        for item in REGISTRY.values():
            if options.only and item.name not in options.only:
                continue
            entry: dict[str, Any] = {"description": item.description}
            if item.full_only and not options.full:
                entry |= {"status": "skipped", "note": "needs --full"}
            else:
                print(f"[bench] {item.name} …", flush=True)
                started = time.monotonic()
                try:
                    entry |= {"status": "ok", **item.function(ctx)}
                except Skip as reason:
                    entry |= {"status": "skipped", "note": str(reason)}
                except Exception as error:
                    failed = True
                    entry |= {
                        "status": "error",
                        "error": f"{error}",
                        "traceback": traceback.format_exc(),
                    }
                entry["harness_seconds"] = round(time.monotonic() - started, 2)
                print(
                    f"[bench] {item.name}: {entry['status']} ({entry['harness_seconds']} s)",
                    flush=True,
                )
            report["benchmarks"][item.name] = entry
    finally:
        ctx.cleanup()
    report["harness_peak_rss_mb"] = round(
        resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1
    )
    options.output.parent.mkdir(parents=True, exist_ok=True)
    options.output.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    print(f"[bench] results written to {options.output}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
