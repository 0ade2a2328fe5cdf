"""Independent pure-Python versions of the engine's rules, for checking it (tests only).

Nothing here imports the engine's scoring or candidate code: eligibility, scores and the
brute-force optimum are written out again, plainly, from the rules in the brief.
"""

from __future__ import annotations

import math
from functools import cache

from lotse.engagement.matching import MatchingProblem

EARTH_RADIUS_KM = 6371.0088


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    a = (
        math.sin((phi2 - phi1) / 2) ** 2
        + math.cos(phi1) * math.cos(phi2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def pair_distance(problem: MatchingProblem, r: int, v: int) -> float:
    return haversine_km(
        float(problem.req_lat[r]),
        float(problem.req_lon[r]),
        float(problem.vol_lat[v]),
        float(problem.vol_lon[v]),
    )


def is_eligible(problem: MatchingProblem, r: int, v: int, *, tolerance: float = 0.0) -> bool:
    """The hard rules; `tolerance` (km) forgives rounding at the radius border."""
    excluded = set(zip(problem.excluded_req.tolist(), problem.excluded_vol.tolist(), strict=True))
    return (
        (int(problem.vol_topics[v]) >> int(problem.req_topic[r])) & 1 == 1
        and int(problem.req_lang[r]) & int(problem.vol_lang_any[v]) != 0
        and pair_distance(problem, r, v) <= float(problem.vol_radius_km[v]) + tolerance
        and int(problem.vol_capacity[v]) >= 1
        and (r, v) not in excluded
    )


def pair_score(problem: MatchingProblem, r: int, v: int) -> float:
    w = problem.weights
    topics = int(problem.vol_topics[v]).bit_count()
    topic = 1 / math.sqrt(max(topics, 1))
    good = int(problem.req_lang[r]) & int(problem.vol_lang_good[v]) != 0
    language = 1.0 if good else w.basic_language_factor
    radius = float(problem.vol_radius_km[v])
    distance = 1.0 if radius <= 0 else min(max(1 - pair_distance(problem, r, v) / radius, 0), 1)
    times, avail = int(problem.req_times[r]), int(problem.vol_avail[v])
    if times:
        availability = (times & avail).bit_count() / times.bit_count()
    else:
        availability = 1.0 if avail else 0.0
    waiting = min(float(problem.req_wait_days[r]) / w.waiting_full_days, 1.0)
    return (
        w.topic * topic
        + w.language * language
        + w.distance * distance
        + w.availability * availability
        + w.waiting * waiting
    )


def slot_cost(problem: MatchingProblem, v: int, slot: int) -> float:
    """Cost of the volunteer's (slot+1)-th additional Patenschaft."""
    return problem.weights.load_penalty * (int(problem.vol_load[v]) + slot)


def eligible_pairs(problem: MatchingProblem) -> dict[tuple[int, int], float]:
    """Every eligible pair with its score."""
    return {
        (r, v): pair_score(problem, r, v)
        for r in range(problem.n_requests)
        for v in range(problem.n_volunteers)
        if is_eligible(problem, r, v)
    }


def assignment_value(
    problem: MatchingProblem, pairs: list[tuple[int, int]], scores: dict[tuple[int, int], float]
) -> float:
    """Total of a set of pairs: scores minus the growing load costs."""
    used: dict[int, int] = {}
    total = 0.0
    for r, v in pairs:
        total += scores[(r, v)]
        used[v] = used.get(v, 0) + 1
    for v, count in used.items():
        total -= sum(slot_cost(problem, v, slot) for slot in range(count))
    return total


def brute_force_optimum(problem: MatchingProblem, scores: dict[tuple[int, int], float]) -> float:
    """Best total over the given pairs, by exhaustive search (memoised over used capacity)."""
    n, m = problem.n_requests, problem.n_volunteers
    options = [[v for v in range(m) if (r, v) in scores] for r in range(n)]
    capacity = [int(c) for c in problem.vol_capacity]

    @cache
    def best(r: int, used: tuple[int, ...]) -> float:
        if r == n:
            return 0.0
        result = best(r + 1, used)  # r stays unmatched
        for v in options[r]:
            if used[v] < capacity[v]:
                gain = scores[(r, v)] - slot_cost(problem, v, used[v])
                after = (*used[:v], used[v] + 1, *used[v + 1 :])
                result = max(result, gain + best(r + 1, after))
        return result

    return best(0, (0,) * m)
