"""Why a pair was proposed: plain, JSON-serialisable facts about one (request, volunteer) pair.

The facts hold indexes, not words: `languages` are indexes into `LANGUAGE_CODES`, `topic` into
`TOPIC_CODES`, `shared_slots` are bits of the weekly availability mask (``weekday * 3 +
day slot``). `lotse.engagement.explain` turns them into sentences in the reader's language.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .candidates import Candidates, eligible_mask, great_circle_km, score_pairs
from .problem import AVAILABILITY_BITS, MatchingProblem
from .solvers import Assignment


def _bits(mask: int, width: int) -> list[int]:
    return [bit for bit in range(width) if (mask >> bit) & 1]


def explain_pair(
    problem: MatchingProblem,
    source: Candidates | Assignment | None,
    r: int,
    v: int,
) -> dict[str, Any]:
    """Return the facts behind pairing request `r` with volunteer `v`.

    Keys: ``topic`` (index), ``languages`` (shared language indexes), ``languages_good``
    (those the volunteer speaks natively or fluently), ``distance_km`` (1 decimal),
    ``radius_km``, ``shared_slots`` (bit indexes of the slots both named; when the request
    named no times, the volunteer's slots), ``any_time`` (the request named no times),
    ``waiting_days`` (int), ``volunteer_load``, ``volunteer_topics`` (how many topics the
    volunteer offers), ``eligible`` (passes every hard rule), ``score`` and ``components``
    (weighted parts of the score, 2 decimals). With an `Assignment` that holds the pair, also
    ``pair_score`` (after the load cost of the slot it takes); with `Candidates`,
    ``candidate_rank`` (0 = the request's best candidate, None if not kept).
    """
    if not (0 <= r < problem.n_requests and 0 <= v < problem.n_volunteers):
        raise IndexError("No such request or volunteer")
    rr = np.array([r], dtype=np.int64)
    vv = np.array([v], dtype=np.int64)
    km = great_circle_km(
        problem.req_lat[rr], problem.req_lon[rr], problem.vol_lat[vv], problem.vol_lon[vv]
    )
    parts = score_pairs(problem, rr, vv, km)
    w = problem.weights
    request_languages = int(problem.req_lang[r])
    shared_any = request_languages & int(problem.vol_lang_any[v])
    shared_good = request_languages & int(problem.vol_lang_good[v])
    times = int(problem.req_times[r])
    shared_slots = times & int(problem.vol_avail[v]) if times else int(problem.vol_avail[v])
    facts: dict[str, Any] = {
        "topic": int(problem.req_topic[r]),
        "languages": _bits(shared_any, 64),
        "languages_good": _bits(shared_good, 64),
        "distance_km": round(float(km[0]), 1),
        "radius_km": float(problem.vol_radius_km[v]),
        "shared_slots": _bits(shared_slots, AVAILABILITY_BITS),
        "any_time": times == 0,
        "waiting_days": int(problem.req_wait_days[r]),
        "volunteer_load": int(problem.vol_load[v]),
        "volunteer_topics": int(problem.vol_topics[v]).bit_count(),
        "eligible": bool(eligible_mask(problem, rr, vv, km)[0]),
        "score": round(float(parts.score[0]), 2),
        "components": {
            "topic": round(float(w.topic * parts.topic[0]), 2),
            "language": round(float(w.language * parts.language[0]), 2),
            "distance": round(float(w.distance * parts.distance[0]), 2),
            "availability": round(float(w.availability * parts.availability[0]), 2),
            "waiting": round(float(w.waiting * parts.waiting[0]), 2),
        },
    }
    if isinstance(source, Assignment):
        # Pairs are sorted by request and a request is matched at most once.
        position = int(np.searchsorted(source.req_idx, r))
        if (
            position < source.matched
            and source.req_idx[position] == r
            and source.vol_idx[position] == v
        ):
            facts["pair_score"] = round(float(source.pair_score[position]), 2)
    elif isinstance(source, Candidates):
        window = source.for_request(r)
        hit = np.flatnonzero(source.vol_idx[window] == v)
        facts["candidate_rank"] = int(hit[0]) if len(hit) else None
    return facts
