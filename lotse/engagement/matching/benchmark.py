"""Benchmark of the matching engine against its yardsticks on synthetic Land-scale problems.

`run_benchmark(size)` builds `synthetic.generate(size, size, seed)` and runs each solver from
the problem to the assignment (candidate generation included) in a **fresh child process**
(`multiprocessing`, start method "spawn"), so that each solver's peak memory is its own:
`peak_mb` is the child's peak resident set size (`resource.getrusage(RUSAGE_SELF).ru_maxrss`
at its end), i.e. interpreter, numpy/SciPy/OR-Tools, the problem and the solver together.
`seconds` is the wall time of `build_candidates` + the solver in that child (generating the
synthetic problem is not timed). Used by `manage.py match_benchmark` and `bench/run.py`.
"""

from __future__ import annotations

import multiprocessing
import resource
import sys
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from typing import Any

from . import synthetic
from .candidates import build_candidates
from .problem import MatchingProblem
from .solvers import Assignment, solve, solve_exact_reference, solve_fcfs, solve_greedy

# Above this size the exact reference (LAPJVsp) takes minutes (about 3 minutes at 100,000 on
# a 2-core machine), so it runs only when asked for.
OPTIMUM_AUTO_MAX_SIZE = 50_000

SOLVERS: dict[str, Callable[[MatchingProblem], Assignment]] = {
    "engine": lambda problem: solve(problem),
    "greedy": lambda problem: solve_greedy(problem, build_candidates(problem)),
    "fcfs": lambda problem: solve_fcfs(problem, build_candidates(problem)),
    "optimum": lambda problem: solve_exact_reference(problem, build_candidates(problem)),
}


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far, in MB."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return round(peak / (1024 * 1024 if sys.platform == "darwin" else 1024), 1)


def run_solver(name: str, size: int, seed: int, candidate_k: int | None) -> dict[str, Any]:
    """Generate the problem and run one solver; return its figures (runs in the child)."""
    problem = synthetic.generate(size, size, seed, candidate_k=candidate_k)
    started = time.perf_counter()
    assignment = SOLVERS[name](problem)
    seconds = time.perf_counter() - started
    return {
        "seconds": round(seconds, 3),
        "peak_mb": peak_rss_mb(),
        "matched": assignment.matched,
        "score": round(assignment.total_score, 6),
        "edges": assignment.edges,
        "eligible": assignment.eligible,
    }


def _isolated(name: str, size: int, seed: int, candidate_k: int | None) -> dict[str, Any]:
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
        return pool.submit(run_solver, name, size, seed, candidate_k).result()


def run_benchmark(
    size: int,
    *,
    seed: int = 1,
    optimum: bool | None = None,
    candidate_k: int | None = 32,
    isolate: bool = True,
) -> dict[str, Any]:
    """Return the benchmark figures for `size` requests × `size` volunteers.

    `optimum`: True always runs the exact reference, False never, None up to
    `OPTIMUM_AUTO_MAX_SIZE`. `isolate=False` runs everything in this process (for tests;
    `peak_mb` is then this process's peak so far).
    """
    run = _isolated if isolate else run_solver
    if optimum is None:
        optimum = size <= OPTIMUM_AUTO_MAX_SIZE
    engine = run("engine", size, seed, candidate_k)
    greedy = run("greedy", size, seed, candidate_k)
    fcfs = run("fcfs", size, seed, candidate_k)
    best = run("optimum", size, seed, candidate_k) if optimum else None
    keys = ("seconds", "peak_mb", "matched", "score")
    return {
        "requests": size,
        "volunteers": size,
        "edges": engine["edges"],
        "engine": {key: engine[key] for key in keys},
        "greedy": {key: greedy[key] for key in keys},
        "fcfs": {key: fcfs[key] for key in keys},
        "optimum": {"seconds": best["seconds"], "score": best["score"]} if best else None,
    }


def format_table(figures: dict[str, Any]) -> str:
    """The figures as a small plain-text table."""
    lines = [
        f"{figures['requests']:,} requests × {figures['volunteers']:,} volunteers, "
        f"{figures['edges']:,} candidate pairs",
        f"{'solver':<10}{'seconds':>10}{'peak MB':>10}{'matched':>10}{'score':>16}",
    ]
    for name in ("engine", "greedy", "fcfs", "optimum"):
        row = figures[name]
        if row is None:
            lines.append(f"{name:<10}{'(skipped)':>10}")
            continue
        peak = f"{row['peak_mb']:.1f}" if "peak_mb" in row else "–"
        matched = f"{row['matched']:,}" if "matched" in row else "–"
        lines.append(
            f"{name:<10}{row['seconds']:>10.2f}{peak:>10}{matched:>10}{row['score']:>16,.2f}"
        )
    if figures["optimum"]:
        optimum = figures["optimum"]["score"]
        gap = (optimum - figures["engine"]["score"]) / optimum if optimum else 0.0
        lines.append(f"engine vs optimum: relative difference {gap:.2e}")
    return "\n".join(lines)
