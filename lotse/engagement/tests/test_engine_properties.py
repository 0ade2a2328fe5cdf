"""Property tests of the matching engine on small random problems (hypothesis, no database)."""

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lotse.engagement.matching import (
    MatchingProblem,
    Weights,
    build_candidates,
    solve,
    solve_exact_reference,
    solve_fcfs,
    solve_greedy,
)

from .engine_support import brute_force_optimum, eligible_pairs, is_eligible, pair_score

SETTINGS = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
RADII = (1.0, 3.0, 5.0, 10.0, 20.0, 20.0)


@st.composite
def problems(draw, max_requests: int = 9, max_volunteers: int = 8, max_capacity: int = 3):
    """Random problems within ~8 km of München's centre, so that radii matter."""
    # Empty problems are tested in test_engine.py; here sizes lean towards the maximum.
    n = draw(st.integers(1, max_requests) | st.just(max_requests))
    m = draw(st.integers(1, max_volunteers) | st.just(max_volunteers))
    lat = st.floats(48.10, 48.17, allow_nan=False)
    lon = st.floats(11.52, 11.62, allow_nan=False)
    languages = st.integers(1, 0b111)  # three languages
    times = st.integers(0, (1 << 21) - 1) | st.sampled_from([0, 0b111, 1 << 20])
    lang_any = draw(st.lists(languages, min_size=m, max_size=m))
    lang_good = [mask & draw(st.integers(0, 0b111)) for mask in lang_any]  # good ⊆ any
    pairs = [(r, v) for r in range(n) for v in range(m)]
    excluded = draw(st.lists(st.sampled_from(pairs), unique=True, max_size=3)) if pairs else []
    return MatchingProblem(
        req_lat=draw(st.lists(lat, min_size=n, max_size=n)),
        req_lon=draw(st.lists(lon, min_size=n, max_size=n)),
        req_lang=np.array(draw(st.lists(languages, min_size=n, max_size=n)), dtype=np.uint64),
        req_topic=draw(st.lists(st.integers(0, 1), min_size=n, max_size=n)),
        req_times=draw(st.lists(times, min_size=n, max_size=n)),
        req_wait_days=draw(st.lists(st.floats(0, 120), min_size=n, max_size=n)),
        vol_lat=draw(st.lists(lat, min_size=m, max_size=m)),
        vol_lon=draw(st.lists(lon, min_size=m, max_size=m)),
        vol_radius_km=draw(st.lists(st.sampled_from(RADII), min_size=m, max_size=m)),
        vol_lang_any=np.array(lang_any, dtype=np.uint64),
        vol_lang_good=np.array(lang_good, dtype=np.uint64),
        vol_topics=draw(st.lists(st.integers(1, 0b111), min_size=m, max_size=m)),
        vol_avail=draw(st.lists(times, min_size=m, max_size=m)),
        vol_capacity=draw(
            st.lists(st.sampled_from([0, *range(1, max_capacity + 1), 1]), min_size=m, max_size=m)
        ),
        vol_load=draw(st.lists(st.sampled_from([0, 0, 0, 1, 2]), min_size=m, max_size=m)),
        excluded_req=[r for r, _v in excluded],
        excluded_vol=[v for _r, v in excluded],
        weights=draw(
            st.sampled_from([Weights(), Weights(load_penalty=0.0), Weights(load_penalty=15.0)])
        ),
        candidate_k=draw(st.sampled_from([1, 2, 3, 32, None])),
    )


def check_valid(problem: MatchingProblem, assignment) -> None:
    requests = assignment.req_idx.tolist()
    volunteers = assignment.vol_idx.tolist()
    assert len(set(requests)) == len(requests), "a request matched twice"
    for v in set(volunteers):
        assert volunteers.count(v) <= problem.vol_capacity[v], "volunteer over capacity"
    excluded = set(zip(problem.excluded_req.tolist(), problem.excluded_vol.tolist(), strict=True))
    for r, v in zip(requests, volunteers, strict=True):
        assert (r, v) not in excluded
        assert (int(problem.vol_topics[v]) >> int(problem.req_topic[r])) & 1
        assert int(problem.req_lang[r]) & int(problem.vol_lang_any[v])
        assert is_eligible(problem, r, v, tolerance=1e-6), "outside the radius"
    assert assignment.matched == len(requests)
    assert assignment.pair_score.sum() == pytest.approx(assignment.total_score, abs=1e-6)


@SETTINGS
@given(problem=problems())
def test_every_solver_respects_the_hard_rules(problem):
    candidates = build_candidates(problem)
    for solver in (solve, solve_greedy, solve_fcfs, solve_exact_reference):
        check_valid(problem, solver(problem, candidates))


@SETTINGS
@given(problem=problems())
def test_engine_is_optimal_over_its_graph(problem):
    candidates = build_candidates(problem)
    engine = solve(problem, candidates)
    reference = solve_exact_reference(problem, candidates)
    assert engine.total_score == pytest.approx(reference.total_score, rel=1e-6, abs=1e-6)
    assert engine.total_score >= solve_greedy(problem, candidates).total_score - 1e-6
    assert engine.total_score >= solve_fcfs(problem, candidates).total_score - 1e-6


@SETTINGS
@given(problem=problems())
def test_same_input_same_output(problem):
    first = solve(problem)
    second = solve(problem)
    assert first.req_idx.tolist() == second.req_idx.tolist()
    assert first.vol_idx.tolist() == second.vol_idx.tolist()
    assert first.total_score == second.total_score


@SETTINGS
@given(problem=problems(max_requests=6, max_volunteers=5, max_capacity=2))
def test_engine_equals_brute_force(problem):
    # Over every eligible pair (candidate_k=None) the engine finds the true optimum.
    full = problem.with_options(candidate_k=None)
    scores = eligible_pairs(full)
    assert solve(full).total_score == pytest.approx(
        brute_force_optimum(full, scores), rel=1e-6, abs=1e-6
    )
    # Over the top-K graph it finds that graph's optimum.
    candidates = build_candidates(problem)
    graph = {
        (r, v): pair_score(problem, r, v)
        for r, v in zip(candidates.req_idx.tolist(), candidates.vol_idx.tolist(), strict=True)
    }
    assert solve(problem, candidates).total_score == pytest.approx(
        brute_force_optimum(problem, graph), rel=1e-6, abs=1e-6
    )


@SETTINGS
@given(problem=problems(max_requests=8, max_volunteers=8))
def test_candidates_keep_the_best_k_eligible_pairs(problem):
    candidates = build_candidates(problem)
    first_slot = problem.weights.load_penalty * problem.vol_load
    values = {
        pair: score - first_slot[pair[1]]
        for pair, score in eligible_pairs(problem).items()
        if score - first_slot[pair[1]] > 1e-9
    }
    k = problem.candidate_k
    for r in range(problem.n_requests):
        window = candidates.for_request(r)
        kept = candidates.vol_idx[window].tolist()
        mine = sorted(((value, v) for (rr, v), value in values.items() if rr == r), reverse=True)
        assert len(kept) == (len(mine) if k is None else min(k, len(mine)))
        assert set(kept) <= {v for _value, v in mine}
        # Best first, ties to the lower volunteer index.
        ranked = list(zip((-candidates.value[window]).tolist(), kept, strict=True))
        assert ranked == sorted(ranked)
        if k is not None and len(mine) > k:
            # Nothing left out is better than anything kept.
            worst_kept = min(values[(r, v)] for v in kept)
            best_dropped = max(value for value, v in mine if v not in kept)
            assert best_dropped <= worst_kept + 1e-9
