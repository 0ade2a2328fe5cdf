"""Solvers over the candidate graph: the engine (min-cost flow) and its yardsticks.

- `solve`: the engine. A min-cost flow with OR-Tools' `SimpleMinCostFlow`:

      source ─1─▶ request ─1, −score─▶ volunteer ─1, slot cost k─▶ sink
         └──────────────── bypass, cost 0 ─────────────────────────┘

  One unit of supply per request; a request either reaches the sink through one volunteer or
  takes the bypass (stays unmatched). A volunteer has one unit arc to the sink per free slot;
  slot k (0-based) costs ``load_penalty * (current load + k)``. The slot costs grow, so the
  flow fills the cheap slots first and the optimum spreads the load: this is fair load as a
  convex cost, solved exactly. Costs are integers (score × `SCALE`, rounded); the totals
  reported are recomputed in floats from the chosen pairs.
- `solve_exact_reference`: an independent exact solver for checking the engine: the same
  objective as a rectangular assignment problem (each free slot of a volunteer a column, with
  its load cost; a private "unmatched" column per request) solved with SciPy's
  `min_weight_full_bipartite_matching` (LAPJVsp).
- `solve_greedy`: the best pair first (by value), as long as it still adds to the total.
- `solve_fcfs`: first come, first served: the longest-waiting request first, each takes its
  best volunteer still free.

All of them take the same `Candidates` (built once per problem) and return an `Assignment`
whose `total_score` is computed the same way, so the totals are comparable.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from ortools.graph.python import min_cost_flow
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import min_weight_full_bipartite_matching

from .candidates import Candidates, Progress, build_candidates, morton_order
from .problem import FloatArray, IntArray, MatchingProblem

# Integer scale of scores in the flow. Scores are at most a few hundred, so costs stay far
# below what OR-Tools accepts (it multiplies costs by the number of nodes internally), and the
# rounding error (at most 0.5 / SCALE per pair) is far below 1e-6 of any total.
SCALE = 1_000_000
# Largest integer cost handed to OR-Tools (it multiplies costs by the node count internally and
# must stay within int64); with unusually large weights the scale shrinks to respect it.
MAX_INTEGER_COST = 2**40
# Share of the progress bar given to building candidates (the rest is the solve).
CANDIDATES_SHARE = 0.6


@dataclass(frozen=True)
class Assignment:
    """A set of (request, volunteer) pairs and what they are worth.

    Pairs are sorted by request. `pair_score` is the pair's score minus the load cost of the
    slot it takes; a volunteer's slots go to its pairs in order of score (the best pair takes
    the cheapest slot), so `pair_score.sum() == total_score`. `stats` holds seconds per phase
    (`candidates`, `build`, `solve`, `extract`, `total`).
    """

    solver: str
    req_idx: IntArray
    vol_idx: IntArray
    base_score: FloatArray
    pair_score: FloatArray
    total_score: float
    edges: int
    eligible: int
    stats: dict[str, float] = field(default_factory=dict)

    @property
    def matched(self) -> int:
        return len(self.req_idx)

    def as_dict(self) -> dict[str, object]:
        """JSON-serialisable summary (no pair lists)."""
        return {
            "solver": self.solver,
            "matched": self.matched,
            "total_score": self.total_score,
            "edges": self.edges,
            "eligible": self.eligible,
            "stats": dict(self.stats),
        }


def slot_costs(problem: MatchingProblem, vol_idx: IntArray, slot: IntArray) -> FloatArray:
    """Load cost of slot `slot` (0-based, among the free ones) of each volunteer."""
    return np.asarray(
        problem.weights.load_penalty * (problem.vol_load[vol_idx] + slot), dtype=np.float64
    )


def make_assignment(
    problem: MatchingProblem,
    candidates: Candidates,
    chosen: IntArray,
    *,
    solver: str,
    stats: dict[str, float] | None = None,
) -> Assignment:
    """Build an `Assignment` from chosen candidate indexes, checking every rule again."""
    chosen = np.asarray(chosen, dtype=np.int64)
    r = candidates.req_idx[chosen]
    v = candidates.vol_idx[chosen]
    score = candidates.score[chosen]
    if len(np.unique(r)) != len(r):
        raise AssertionError(f"{solver}: a request was matched twice")
    if len(v) and (np.bincount(v, minlength=problem.n_volunteers) > problem.vol_capacity).any():
        raise AssertionError(f"{solver}: a volunteer got more than their capacity")
    # Slots in order of score within each volunteer: the best pair takes the cheapest slot.
    slot = np.zeros(len(v), dtype=np.int64)
    if len(v):
        order = np.lexsort((r, -score, v))
        sorted_v = v[order]
        starts = np.flatnonzero(np.r_[True, sorted_v[1:] != sorted_v[:-1]])
        sizes = np.diff(np.r_[starts, len(order)])
        slot[order] = np.arange(len(order)) - np.repeat(starts, sizes)
    pair_score = score - slot_costs(problem, v, slot)
    by_request = np.argsort(r, kind="stable")
    return Assignment(
        solver=solver,
        req_idx=r[by_request],
        vol_idx=v[by_request],
        base_score=score[by_request],
        pair_score=pair_score[by_request],
        total_score=float(pair_score.sum()),
        edges=candidates.edges,
        eligible=candidates.eligible,
        stats=stats or {},
    )


def _candidates(
    problem: MatchingProblem,
    candidates: Candidates | None,
    stats: dict[str, float],
    progress: Progress | None = None,
) -> Candidates:
    started = time.perf_counter()
    if candidates is None:
        scaled = None
        if progress is not None:
            report = progress

            def scaled(fraction: float, stage: str) -> None:
                report(CANDIDATES_SHARE * fraction, stage)

        candidates = build_candidates(problem, progress=scaled)
    stats["candidates"] = time.perf_counter() - started
    return candidates


def _free_slots(problem: MatchingProblem, candidates: Candidates) -> tuple[IntArray, IntArray]:
    """Volunteers in the graph and their usable slots (capacity, at most their degree)."""
    volunteers, degree = np.unique(candidates.vol_idx, return_counts=True)
    return volunteers, np.minimum(problem.vol_capacity[volunteers], degree)


def solve(
    problem: MatchingProblem,
    candidates: Candidates | None = None,
    *,
    progress: Callable[[float, str], None] | None = None,
) -> Assignment:
    """Return the assignment of maximum total score over the candidate graph (the engine).

    Deterministic: the flow network is built in a fixed order and OR-Tools' cost scaling has
    no randomness, so the same problem gives the same pairs. `progress(fraction, stage)` is
    called with stages "candidates", "solving" and "done".
    """
    started = time.perf_counter()
    stats: dict[str, float] = {}
    if progress is not None:
        progress(0.0, "candidates")
    candidates = _candidates(problem, candidates, stats, progress)
    if progress is not None:
        progress(CANDIDATES_SHARE, "solving")
    phase = time.perf_counter()
    if candidates.edges == 0:
        stats |= {"build": 0.0, "solve": 0.0, "extract": 0.0}
        stats["total"] = time.perf_counter() - started
        if progress is not None:
            progress(1.0, "done")
        return make_assignment(
            problem, candidates, np.zeros(0, np.int64), solver="engine", stats=stats
        )

    requests, req_local = np.unique(candidates.req_idx, return_inverse=True)
    volunteers, slots = _free_slots(problem, candidates)
    vol_local = np.searchsorted(volunteers, candidates.vol_idx)
    n_req, n_vol = len(requests), len(volunteers)
    source, sink = 0, 1
    # Nodes are numbered along a Z curve, so that neighbours in space are neighbours in
    # memory: the flow then runs about a third faster than with nodes in input order.
    req_node = np.empty(n_req, dtype=np.int64)
    req_node[morton_order(problem.req_lat[requests], problem.req_lon[requests])] = 2 + np.arange(
        n_req
    )
    vol_node = np.empty(n_vol, dtype=np.int64)
    vol_node[morton_order(problem.vol_lat[volunteers], problem.vol_lon[volunteers])] = (
        2 + n_req + np.arange(n_vol)
    )
    slot_owner = np.repeat(np.arange(n_vol), slots)
    slot_number = np.arange(len(slot_owner)) - np.repeat(np.cumsum(slots) - slots, slots)
    slot_cost_float = slot_costs(problem, volunteers[slot_owner], slot_number)
    largest = max(float(candidates.score.max()), float(slot_cost_float.max(initial=0.0)), 1.0)
    scale = min(SCALE, MAX_INTEGER_COST / largest)
    slot_cost = np.rint(slot_cost_float * scale).astype(np.int64)
    pair_cost = -np.rint(candidates.score * scale).astype(np.int64)

    tails = np.concatenate(
        (np.full(n_req, source), req_node[req_local], vol_node[slot_owner], [source])
    )
    heads = np.concatenate((req_node, vol_node[vol_local], np.full(len(slot_owner), sink), [sink]))
    capacities = np.ones(len(tails), dtype=np.int64)
    capacities[-1] = n_req
    costs = np.concatenate(
        (np.zeros(n_req, dtype=np.int64), pair_cost, slot_cost, np.zeros(1, dtype=np.int64))
    )
    flow = min_cost_flow.SimpleMinCostFlow()
    arcs = flow.add_arcs_with_capacity_and_unit_cost(tails, heads, capacities, costs)
    supplies = np.zeros(2 + n_req + n_vol, dtype=np.int64)
    supplies[source], supplies[sink] = n_req, -n_req
    flow.set_nodes_supplies(np.arange(len(supplies), dtype=np.int64), supplies)
    stats["build"] = time.perf_counter() - phase

    phase = time.perf_counter()
    status = flow.solve()
    if status != flow.OPTIMAL:
        raise RuntimeError(f"Min-cost flow did not find the optimum (status {status})")
    stats["solve"] = time.perf_counter() - phase

    phase = time.perf_counter()
    pair_arcs = arcs[n_req : n_req + candidates.edges]
    chosen = np.flatnonzero(flow.flows(pair_arcs) > 0)
    stats["extract"] = time.perf_counter() - phase
    stats["total"] = time.perf_counter() - started
    if progress is not None:
        progress(1.0, "done")
    return make_assignment(problem, candidates, chosen, solver="engine", stats=stats)


def solve_greedy(problem: MatchingProblem, candidates: Candidates | None = None) -> Assignment:
    """Take pairs in order of value (best first) while they still add to the total."""
    started = time.perf_counter()
    stats: dict[str, float] = {}
    candidates = _candidates(problem, candidates, stats)
    phase = time.perf_counter()
    order = np.lexsort((candidates.vol_idx, candidates.req_idx, -candidates.value))
    requests = candidates.req_idx[order].tolist()
    volunteers = candidates.vol_idx[order].tolist()
    scores = candidates.score[order].tolist()
    penalty = problem.weights.load_penalty
    load = problem.vol_load.tolist()
    free = problem.vol_capacity.tolist()
    used: dict[int, int] = {}
    matched: set[int] = set()
    chosen: list[int] = []
    for position, (r, v, score) in enumerate(zip(requests, volunteers, scores, strict=True)):
        if r in matched:
            continue
        taken = used.get(v, 0)
        if taken >= free[v] or score - penalty * (load[v] + taken) <= 0:
            continue
        matched.add(r)
        used[v] = taken + 1
        chosen.append(int(order[position]))
    stats["solve"] = time.perf_counter() - phase
    stats["total"] = time.perf_counter() - started
    return make_assignment(
        problem, candidates, np.array(chosen, dtype=np.int64), solver="greedy", stats=stats
    )


def solve_fcfs(problem: MatchingProblem, candidates: Candidates | None = None) -> Assignment:
    """First come, first served: the longest-waiting request picks its best free volunteer.

    "Best" is the highest score after the load cost of the volunteer's next slot; a request
    whose every candidate would lower the total stays unmatched.
    """
    started = time.perf_counter()
    stats: dict[str, float] = {}
    candidates = _candidates(problem, candidates, stats)
    phase = time.perf_counter()
    requests, starts, counts = np.unique(candidates.req_idx, return_index=True, return_counts=True)
    order = np.lexsort((requests, -problem.req_wait_days[requests]))
    volunteers = candidates.vol_idx.tolist()
    scores = candidates.score.tolist()
    penalty = problem.weights.load_penalty
    load = problem.vol_load.tolist()
    free = problem.vol_capacity.tolist()
    used: dict[int, int] = {}
    chosen: list[int] = []
    for index in order.tolist():
        start = int(starts[index])
        best, best_value = -1, 0.0
        for edge in range(start, start + int(counts[index])):
            v = volunteers[edge]
            taken = used.get(v, 0)
            if taken >= free[v]:
                continue
            value = scores[edge] - penalty * (load[v] + taken)
            if value > best_value:
                best, best_value = edge, value
        if best >= 0:
            v = volunteers[best]
            used[v] = used.get(v, 0) + 1
            chosen.append(best)
    stats["solve"] = time.perf_counter() - phase
    stats["total"] = time.perf_counter() - started
    return make_assignment(
        problem, candidates, np.array(chosen, dtype=np.int64), solver="fcfs", stats=stats
    )


def solve_exact_reference(
    problem: MatchingProblem, candidates: Candidates | None = None
) -> Assignment:
    """Solve the same problem exactly with SciPy's LAPJVsp, independently of the flow model.

    Rows are the requests of the graph; columns are the volunteers' free slots (slot k of
    volunteer v weighs ``BIG - (score - load cost of slot k)``), plus one private dummy
    column per request (weight ``BIG``: unmatched, worth 0). ``BIG`` exceeds every score, so
    all weights are positive (SciPy treats a zero as no edge). Slot-pairs that would lower
    the total are left out: the dummy column is at least as good.
    """
    started = time.perf_counter()
    stats: dict[str, float] = {}
    candidates = _candidates(problem, candidates, stats)
    phase = time.perf_counter()
    if candidates.edges == 0:
        stats["solve"] = 0.0
        stats["total"] = time.perf_counter() - started
        return make_assignment(
            problem, candidates, np.zeros(0, np.int64), solver="reference", stats=stats
        )
    requests, row = np.unique(candidates.req_idx, return_inverse=True)
    volunteers, slots = _free_slots(problem, candidates)
    first_column = np.cumsum(slots) - slots
    v_local = np.searchsorted(volunteers, candidates.vol_idx)
    edge_slots = slots[v_local]
    edge = np.repeat(np.arange(candidates.edges), edge_slots)
    slot = np.arange(len(edge)) - np.repeat(np.cumsum(edge_slots) - edge_slots, edge_slots)
    value = candidates.score[edge] - slot_costs(problem, candidates.vol_idx[edge], slot)
    useful = value > 0
    edge, slot, value = edge[useful], slot[useful], value[useful]
    big = float(max(candidates.score.max(), 0.0)) + 1.0
    n_rows, n_slots = len(requests), int(slots.sum())
    rows = np.concatenate((row[edge], np.arange(n_rows)))
    columns = np.concatenate((first_column[v_local[edge]] + slot, n_slots + np.arange(n_rows)))
    weights = np.concatenate((big - value, np.full(n_rows, big)))
    graph = csr_matrix((weights, (rows, columns)), shape=(n_rows, n_slots + n_rows))
    matched_rows, matched_columns = min_weight_full_bipartite_matching(graph)
    real = matched_columns < n_slots
    matched_rows, matched_columns = matched_rows[real], matched_columns[real]
    # Map (row, slot column) back to candidate edges.
    owner = np.searchsorted(first_column, matched_columns, side="right") - 1
    matched_volunteers = volunteers[owner]
    key = requests[matched_rows] * problem.n_volunteers + matched_volunteers
    edge_key = candidates.req_idx * problem.n_volunteers + candidates.vol_idx
    sorter = np.argsort(edge_key)
    chosen = sorter[np.searchsorted(edge_key, key, sorter=sorter)]
    stats["solve"] = time.perf_counter() - phase
    stats["total"] = time.perf_counter() - started
    return make_assignment(problem, candidates, chosen, solver="reference", stats=stats)
