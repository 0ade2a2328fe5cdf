"""The candidate graph: eligible (request, volunteer) pairs with their scores, top K per request.

`build_candidates` finds every pair that passes the hard rules (topic, shared language, distance
within the volunteer's radius, free capacity, not excluded), scores it, and keeps for each
request the `problem.candidate_k` pairs of highest *value*, where

    value = score - load_penalty * current load of the volunteer

is what the pair adds to the total when it takes the volunteer's next free slot. Pairs of value
<= 0 are dropped: slot costs only grow, so such a pair can never raise the total (the solvers
leave a request unmatched rather than take it). All solvers, the engine and the baselines
alike, optimise over this same graph, so their totals are comparable; with
``candidate_k=None`` the graph holds every eligible pair of positive value (the tests compare
both graphs on small problems; the top-K graph's optimum is the exact optimum whenever no
request would need a volunteer beyond its K best).

No Python loop runs per pair: volunteers are grouped by topic and radius band and put into
k-d trees of 3-D unit vectors (chord distance is monotonic in great-circle distance);
requests of the same topic are sorted along a Morton curve and queried in chunks against each
band's tree with `cKDTree.sparse_distance_matrix`, and everything after that is vectorised
numpy on one chunk at a time, so memory stays bounded by the chunk size.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
from scipy.spatial import cKDTree

from .problem import EARTH_RADIUS_KM, FloatArray, IntArray, MatchingProblem

# Requests per k-d tree query; bounds the pairs held at once (a dense city chunk yields a few
# hundred thousand pairs before filtering).
CHUNK_REQUESTS = 2048
# Radius bands: volunteers whose radii fall between two edges share one tree, queried with the
# largest radius of the band; the exact radius is checked per pair afterwards.
RADIUS_BAND_EDGES_KM = (0.0, 2.0, 5.0, 10.0, 20.0, 30.0, 50.0, 75.0, 100.0, 200.0, 500.0)
# Chord distances are padded by this much so that rounding never drops a pair at the border.
CHORD_PADDING = 1e-9

Progress = Callable[[float, str], None]


@dataclass(frozen=True)
class Candidates:
    """Candidate pairs, sorted by request, then by value (best first), then by volunteer.

    `score` is the pair's score without any load cost; `value` is `score` minus the cost of the
    volunteer's first free slot (what ranking and pruning use). `eligible` counts the pairs
    that passed the hard rules before pruning and top-K.
    """

    req_idx: IntArray
    vol_idx: IntArray
    score: FloatArray
    value: FloatArray
    distance_km: FloatArray
    eligible: int
    seconds: float

    @property
    def edges(self) -> int:
        return len(self.req_idx)

    def for_request(self, r: int) -> slice:
        """The slice of the arrays that holds request r's candidates (possibly empty)."""
        start, stop = np.searchsorted(self.req_idx, [r, r + 1])
        return slice(int(start), int(stop))


def unit_vectors(lat: FloatArray, lon: FloatArray) -> FloatArray:
    """Return points on the unit sphere, shape (n, 3)."""
    lat_r, lon_r = np.radians(lat), np.radians(lon)
    cos_lat = np.cos(lat_r)
    return np.column_stack((cos_lat * np.cos(lon_r), cos_lat * np.sin(lon_r), np.sin(lat_r)))


def chord_for_km(km: float) -> float:
    """Chord length on the unit sphere of a great-circle distance."""
    angle = min(km / EARTH_RADIUS_KM, np.pi)
    return float(2.0 * np.sin(angle / 2.0))


def km_for_chord(chord: FloatArray) -> FloatArray:
    """Great-circle distance in km of chord lengths on the unit sphere."""
    return np.asarray(2.0 * EARTH_RADIUS_KM * np.arcsin(np.minimum(chord / 2.0, 1.0)))


def great_circle_km(
    lat1: FloatArray | float,
    lon1: FloatArray | float,
    lat2: FloatArray | float,
    lon2: FloatArray | float,
) -> FloatArray:
    """Haversine distance in km, vectorised (same formula as `lotse.core.geo`)."""
    phi1, phi2 = np.radians(lat1), np.radians(lat2)
    a = (
        np.sin((phi2 - phi1) / 2) ** 2
        + np.cos(phi1) * np.cos(phi2) * np.sin(np.radians(np.subtract(lon2, lon1)) / 2) ** 2
    )
    return np.asarray(2 * EARTH_RADIUS_KM * np.arcsin(np.minimum(1.0, np.sqrt(a))))


def morton_order(lat: FloatArray, lon: FloatArray) -> IntArray:
    """Order points along a Z curve, so that consecutive chunks are compact in space."""
    if len(lat) == 0:
        return np.zeros(0, dtype=np.int64)

    def spread(values: FloatArray) -> np.ndarray:
        low, high = values.min(), values.max()
        scaled = np.zeros(len(values)) if high == low else (values - low) / (high - low)
        x = (scaled * 65535).astype(np.uint64)
        x = (x | (x << np.uint64(8))) & np.uint64(0x00FF00FF)
        x = (x | (x << np.uint64(4))) & np.uint64(0x0F0F0F0F)
        x = (x | (x << np.uint64(2))) & np.uint64(0x33333333)
        x = (x | (x << np.uint64(1))) & np.uint64(0x55555555)
        return x

    code = spread(lat) | (spread(lon) << np.uint64(1))
    return np.argsort(code, kind="stable").astype(np.int64)


@dataclass(frozen=True)
class _Band:
    volunteers: IntArray
    tree: cKDTree
    chord: float


def _bands(problem: MatchingProblem, volunteers: IntArray, xyz: FloatArray) -> list[_Band]:
    """Group volunteers (already filtered by topic and capacity) into radius bands."""
    radius = problem.vol_radius_km[volunteers]
    edges = np.array(RADIUS_BAND_EDGES_KM)
    band_of = np.searchsorted(edges, radius, side="left")  # (edges[b-1], edges[b]]
    bands = []
    for band in np.unique(band_of):
        members = volunteers[band_of == band]
        largest = float(problem.vol_radius_km[members].max())
        bands.append(
            _Band(
                volunteers=members,
                tree=cKDTree(xyz[members], balanced_tree=False, compact_nodes=False),
                chord=chord_for_km(largest) + CHORD_PADDING,
            )
        )
    return bands


def _popcount(values: np.ndarray) -> np.ndarray:
    return np.bitwise_count(values).astype(np.int64)


@dataclass(frozen=True)
class PairScores:
    """Score components of pairs, each between 0 and 1 (before weighting)."""

    topic: FloatArray
    language: FloatArray
    distance: FloatArray
    availability: FloatArray
    waiting: FloatArray
    score: FloatArray


def score_pairs(
    problem: MatchingProblem, r: IntArray, v: IntArray, distance_km: FloatArray
) -> PairScores:
    """Score pairs that pass the hard rules (vectorised; see `Weights` for the formula)."""
    w = problem.weights
    topic = 1.0 / np.sqrt(np.maximum(_popcount(problem.vol_topics[v]), 1))
    good = (problem.req_lang[r] & problem.vol_lang_good[v]) != 0
    language = np.where(good, 1.0, w.basic_language_factor)
    radius = problem.vol_radius_km[v]
    distance = np.where(
        radius > 0, 1.0 - distance_km / np.where(radius > 0, radius, 1.0), 1.0
    ).clip(0.0, 1.0)
    times = problem.req_times[r]
    avail = problem.vol_avail[v]
    wanted = _popcount(times)
    shared = _popcount(times & avail)
    availability = np.where(
        wanted > 0, shared / np.maximum(wanted, 1), (avail != 0).astype(np.float64)
    )
    waiting = np.minimum(problem.req_wait_days[r] / w.waiting_full_days, 1.0)
    score = (
        w.topic * topic
        + w.language * language
        + w.distance * distance
        + w.availability * availability
        + w.waiting * waiting
    )
    return PairScores(topic, language, distance, availability, waiting, score)


def eligible_mask(
    problem: MatchingProblem, r: IntArray, v: IntArray, distance_km: FloatArray
) -> np.ndarray:
    """Check the hard rules for pairs (vectorised; distance given)."""
    ok = (problem.vol_topics[v] >> problem.req_topic[r]) & 1 == 1
    ok &= (problem.req_lang[r] & problem.vol_lang_any[v]) != 0
    ok &= distance_km <= problem.vol_radius_km[v]
    ok &= problem.vol_capacity[v] >= 1
    if len(problem.excluded_req):
        ok &= ~_excluded(problem, _excluded_keys(problem), r, v)
    return np.asarray(ok, dtype=bool)


def _excluded_keys(problem: MatchingProblem) -> np.ndarray:
    return np.unique(problem.excluded_req * problem.n_volunteers + problem.excluded_vol)


def _excluded(problem: MatchingProblem, keys: np.ndarray, r: IntArray, v: IntArray) -> np.ndarray:
    if len(keys) == 0 or len(r) == 0:
        return np.zeros(len(r), dtype=bool)
    pair = r * problem.n_volunteers + v
    position = np.minimum(np.searchsorted(keys, pair), len(keys) - 1)
    return np.asarray(keys[position] == pair)


def top_k(
    group: IntArray, n_groups: int, v: IntArray, value: FloatArray, k: int | None
) -> tuple[IntArray, IntArray]:
    """Select the best `k` pairs of each group (request); ties go to the lower volunteer index.

    `group` holds small non-negative integers (< `n_groups`): the request of each pair, local
    to a chunk. Returns the indexes of the kept pairs, ordered by group, then value (best
    first), then volunteer, and the rank of each within its group (0 = best).

    Sorting every pair would dominate the engine's time in dense cities, so the k-th best
    value of each group with more than k pairs is found first (`np.partition` on a padded
    groups × pairs matrix, filled after a counting sort by group), and only the pairs at or
    above it are sorted.
    """
    empty = np.zeros(0, dtype=np.int64)
    if len(group) == 0:
        return empty, empty
    keep: IntArray = np.arange(len(group), dtype=np.int64)
    if k is not None:
        counts = np.bincount(group, minlength=n_groups)
        crowded = counts > k
        if crowded.any():
            threshold = np.full(n_groups, -np.inf)
            threshold[crowded] = _kth_values(group, n_groups, counts, crowded, value, k)
            keep = np.flatnonzero(value >= threshold[group])
    order = keep[np.lexsort((v[keep], -value[keep], group[keep]))]
    sorted_group = group[order]
    starts = np.flatnonzero(np.r_[True, sorted_group[1:] != sorted_group[:-1]])
    sizes = np.diff(np.r_[starts, len(order)])
    rank = np.arange(len(order)) - np.repeat(starts, sizes)
    if k is not None:
        order, rank = order[rank < k], rank[rank < k]
    return order, rank


# Cells of the padded matrix `_kth_values` partitions at once (memory: 8 bytes each).
MATRIX_CELLS = 4_000_000


def _kth_values(
    group: IntArray,
    n_groups: int,
    counts: IntArray,
    crowded: np.ndarray,
    value: FloatArray,
    k: int,
) -> FloatArray:
    """The k-th largest value of every crowded group (in group order)."""
    selected = np.flatnonzero(crowded[group])
    # Counting sort by group (numpy's stable sort is a radix sort for 16-bit keys).
    key_type = np.int16 if n_groups <= np.iinfo(np.int16).max else np.int64
    selected = selected[np.argsort(group[selected].astype(key_type), kind="stable")]
    row_counts = counts[crowded]
    row_starts = np.cumsum(row_counts) - row_counts
    values = value[selected]
    result = np.empty(len(row_counts))
    width = int(row_counts.max())
    block = max(1, MATRIX_CELLS // width)
    for row in range(0, len(row_counts), block):
        stop = min(row + block, len(row_counts))
        counts_block = row_counts[row:stop]
        first = int(row_starts[row])
        last = int(row_starts[stop - 1] + row_counts[stop - 1])
        rows = np.repeat(np.arange(stop - row), counts_block)
        columns = np.arange(last - first) - np.repeat(row_starts[row:stop] - first, counts_block)
        matrix = np.full((stop - row, width), -np.inf)
        matrix[rows, columns] = values[first:last]
        result[row:stop] = np.partition(matrix, width - k, axis=1)[:, width - k]
    return result


@dataclass(frozen=True)
class _Task:
    requests: IntArray
    bands: list[_Band]


class _Context:
    """What every chunk needs, computed once per problem."""

    def __init__(self, problem: MatchingProblem) -> None:
        self.problem = problem
        self.req_xyz = unit_vectors(problem.req_lat, problem.req_lon)
        self.vol_xyz = unit_vectors(problem.vol_lat, problem.vol_lon)
        self.excluded_keys = _excluded_keys(problem)
        self.has_exclusion = np.zeros(problem.n_requests, dtype=bool)
        self.has_exclusion[problem.excluded_req] = True
        self.slot_cost = problem.weights.load_penalty * problem.vol_load.astype(np.float64)


_Part = tuple[IntArray, IntArray, FloatArray, FloatArray, FloatArray, IntArray, int]


def _chunk(context: _Context, task: _Task) -> _Part:
    """Candidates of one chunk of requests of one topic."""
    problem = context.problem
    chunk = task.requests
    chunk_lang = problem.req_lang[chunk]
    tree = cKDTree(context.req_xyz[chunk], balanced_tree=False, compact_nodes=False)
    groups, vols, chords = [], [], []
    for band in task.bands:
        found = tree.sparse_distance_matrix(band.tree, band.chord, output_type="ndarray")
        if len(found) == 0:
            continue
        g = found["i"]
        v = band.volunteers[found["j"]]
        # Language first: the cheapest filter that removes the most pairs.
        keep = (chunk_lang[g] & problem.vol_lang_any[v]) != 0
        groups.append(g[keep])
        vols.append(v[keep])
        chords.append(found["v"][keep])
    if not groups:
        empty_i, empty_f = np.zeros(0, dtype=np.int64), np.zeros(0)
        return empty_i, empty_i, empty_f, empty_f, empty_f, empty_i, 0
    g, v = np.concatenate(groups), np.concatenate(vols)
    km = km_for_chord(np.concatenate(chords))
    keep = km <= problem.vol_radius_km[v]
    maybe_excluded = np.flatnonzero(context.has_exclusion[chunk][g])
    if len(maybe_excluded):
        hit = _excluded(problem, context.excluded_keys, chunk[g[maybe_excluded]], v[maybe_excluded])
        keep[maybe_excluded[hit]] = False
    g, v, km = g[keep], v[keep], km[keep]
    eligible = len(g)
    r = chunk[g]
    score = score_pairs(problem, r, v, km).score
    value = score - context.slot_cost[v]
    keep = value > 0
    g, r, v, km, score, value = g[keep], r[keep], v[keep], km[keep], score[keep], value[keep]
    best, rank = top_k(g, len(chunk), v, value, problem.candidate_k)
    return r[best], v[best], score[best], value[best], km[best], rank, eligible


def _tasks(problem: MatchingProblem, context: _Context, chunk_requests: int) -> list[_Task]:
    """Split the requests into chunks of one topic each, compact in space."""
    available = problem.vol_capacity >= 1
    tasks = []
    for topic in np.unique(problem.req_topic):
        volunteers = np.flatnonzero(available & (((problem.vol_topics >> topic) & 1) == 1))
        if len(volunteers) == 0:
            continue
        bands = _bands(problem, volunteers, context.vol_xyz)
        requests = np.flatnonzero(problem.req_topic == topic)
        requests = requests[morton_order(problem.req_lat[requests], problem.req_lon[requests])]
        for start in range(0, len(requests), chunk_requests):
            tasks.append(_Task(requests[start : start + chunk_requests], bands))
    return tasks


def default_workers() -> int:
    """Threads for building candidates: k-d tree queries and numpy release the GIL."""
    return max(1, min(2, os.cpu_count() or 1))


def build_candidates(
    problem: MatchingProblem,
    *,
    progress: Progress | None = None,
    chunk_requests: int = CHUNK_REQUESTS,
    workers: int | None = None,
) -> Candidates:
    """Return the candidate graph of a problem (see the module docstring).

    Chunks run on `workers` threads (default: up to 2); the result does not depend on the
    number of threads. `progress(fraction, "candidates")` is called after each chunk.
    """
    started = time.perf_counter()
    n = problem.n_requests
    empty_i = np.zeros(0, dtype=np.int64)
    empty_f = np.zeros(0, dtype=np.float64)
    if n == 0 or problem.n_volunteers == 0:
        return Candidates(empty_i, empty_i, empty_f, empty_f, empty_f, 0, 0.0)
    context = _Context(problem)
    tasks = _tasks(problem, context, chunk_requests)
    workers = workers or default_workers()
    parts: list[_Part] = []
    done = 0

    def finished(part: _Part, task: _Task) -> None:
        nonlocal done
        parts.append(part)
        done += len(task.requests)
        if progress is not None:
            progress(done / n, "candidates")

    if workers == 1 or len(tasks) < 2:
        for task in tasks:
            finished(_chunk(context, task), task)
    else:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            # map() yields in task order, so the result is the same with any number of threads.
            for part, task in zip(
                pool.map(lambda t: _chunk(context, t), tasks), tasks, strict=True
            ):
                finished(part, task)
    eligible = sum(part[6] for part in parts)
    if not parts:
        return Candidates(
            empty_i, empty_i, empty_f, empty_f, empty_f, 0, time.perf_counter() - started
        )
    r = np.concatenate([part[0] for part in parts])
    v = np.concatenate([part[1] for part in parts])
    score = np.concatenate([part[2] for part in parts])
    value = np.concatenate([part[3] for part in parts])
    km = np.concatenate([part[4] for part in parts])
    rank = np.concatenate([part[5] for part in parts])
    # Counting sort by request: a pair goes to its request's offset plus its rank.
    counts = np.bincount(r, minlength=n)
    position = (np.cumsum(counts) - counts)[r] + rank
    order = np.empty(len(r), dtype=np.int64)
    order[position] = np.arange(len(r))
    return Candidates(
        req_idx=r[order],
        vol_idx=v[order],
        score=score[order],
        value=value[order],
        distance_km=km[order],
        eligible=eligible,
        seconds=time.perf_counter() - started,
    )
