"""The matching engine (`lotse.engagement.matching`): fixed examples. No database needed."""

import csv
import json
import math
from dataclasses import replace

import numpy as np
import pytest
from django.core.management import call_command

from lotse.core import geo
from lotse.core.choices import Language, Topic
from lotse.engagement.matching import (
    LANGUAGE_CODES,
    TOPIC_CODES,
    MatchingProblem,
    Weights,
    build_candidates,
    explain_pair,
    great_circle_km,
    language_mask,
    solve,
    solve_exact_reference,
    solve_fcfs,
    solve_greedy,
    topic_mask,
)
from lotse.engagement.matching import problem as problem_module
from lotse.engagement.matching.benchmark import run_benchmark
from lotse.engagement.matching.synthetic import REGIONS_DATA, generate

from .engine_support import (
    brute_force_optimum,
    eligible_pairs,
    is_eligible,
    pair_score,
    slot_cost,
)


def postcode(code: str) -> tuple[float, float]:
    with (REGIONS_DATA / "postcodes.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["postcode"] == code:
                return float(row["latitude"]), float(row["longitude"])
    raise LookupError(code)


MUNICH = postcode("80331")
NUREMBERG = postcode("90402")
ALL_WEEK = (1 << 21) - 1


def make_problem(requests: list[dict], volunteers: list[dict], **options) -> MatchingProblem:
    """A problem from readable rows; unspecified fields get harmless defaults."""
    req = {
        "lat": MUNICH[0],
        "lon": MUNICH[1],
        "lang": ["de"],
        "topic": "health",
        "times": 0,
        "wait": 0.0,
    }
    vol = {
        "lat": MUNICH[0],
        "lon": MUNICH[1],
        "radius": 10.0,
        "lang_any": ["de"],
        "lang_good": ["de"],
        "topics": ["health"],
        "avail": ALL_WEEK,
        "capacity": 1,
        "load": 0,
    }
    rs = [req | row for row in requests]
    vs = [vol | row for row in volunteers]
    return MatchingProblem(
        req_lat=[r["lat"] for r in rs],
        req_lon=[r["lon"] for r in rs],
        req_lang=[language_mask(r["lang"]) for r in rs],
        req_topic=[TOPIC_CODES.index(r["topic"]) for r in rs],
        req_times=[r["times"] for r in rs],
        req_wait_days=[r["wait"] for r in rs],
        vol_lat=[v["lat"] for v in vs],
        vol_lon=[v["lon"] for v in vs],
        vol_radius_km=[v["radius"] for v in vs],
        vol_lang_any=[language_mask(v["lang_any"]) for v in vs],
        vol_lang_good=[language_mask(v["lang_good"]) for v in vs],
        vol_topics=[topic_mask(v["topics"]) for v in vs],
        vol_avail=[v["avail"] for v in vs],
        vol_capacity=[v["capacity"] for v in vs],
        vol_load=[v["load"] for v in vs],
        **options,
    )


def pairs_of(assignment) -> list[tuple[int, int]]:
    return list(zip(assignment.req_idx.tolist(), assignment.vol_idx.tolist(), strict=True))


# --- vocabularies and geometry -------------------------------------------------------------


def test_vocabularies_follow_the_enums():
    assert tuple(Language.values) == LANGUAGE_CODES
    assert tuple(Topic.values) == TOPIC_CODES
    assert len(LANGUAGE_CODES) <= 64
    assert problem_module.EARTH_RADIUS_KM == geo.EARTH_RADIUS_KM


def test_munich_nuremberg_is_about_150_km():
    km = float(great_circle_km(*MUNICH, *NUREMBERG))
    assert 145 < km < 155
    assert km == pytest.approx(geo.great_circle_km(*MUNICH, *NUREMBERG), abs=1e-9)


@pytest.mark.parametrize(("radius", "eligible"), [(140.0, False), (160.0, True)])
def test_radius_decides_between_munich_and_nuremberg(radius, eligible):
    problem = make_problem(
        [{"lat": MUNICH[0], "lon": MUNICH[1]}],
        [{"lat": NUREMBERG[0], "lon": NUREMBERG[1], "radius": radius}],
    )
    candidates = build_candidates(problem)
    assert (candidates.edges == 1) is eligible
    if eligible:
        assert candidates.distance_km[0] == pytest.approx(
            geo.great_circle_km(*MUNICH, *NUREMBERG), abs=1e-6
        )
        assert solve(problem).matched == 1


# --- hard rules ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "volunteer",
    [
        {"topics": ["housing"]},  # wrong topic
        {"lang_any": ["en"], "lang_good": ["en"]},  # no shared language
        {"lat": NUREMBERG[0], "lon": NUREMBERG[1]},  # outside the radius
        {"capacity": 0},  # no capacity left
    ],
)
def test_hard_rules_rule_out_a_pair(volunteer):
    problem = make_problem([{}], [volunteer])
    assert build_candidates(problem).edges == 0
    assert solve(problem).matched == 0


def test_excluded_pair_is_never_proposed():
    problem = make_problem([{}, {}], [{}], excluded_req=[0], excluded_vol=[0])
    assignment = solve(problem)
    assert pairs_of(assignment) == [(1, 0)]


def test_interpreter_languages_are_part_of_the_request_mask():
    # The request speaks Tigrinya; its interpreter brings German: the mask holds both.
    problem = make_problem([{"lang": ["ti", "de"]}], [{"lang_any": ["de"]}])
    assert solve(problem).matched == 1
    assert explain_pair(problem, None, 0, 0)["languages"] == [LANGUAGE_CODES.index("de")]


# --- scores ----------------------------------------------------------------------------------


def test_score_parts():
    w = Weights()
    times = 0b111  # Monday morning, afternoon, evening
    problem = make_problem(
        [{"lang": ["ar", "en"], "times": times, "wait": 30.0}],
        [
            {
                "lang_any": ["de", "en"],
                "lang_good": ["de"],  # English only at a basic/good level
                "topics": ["health", "housing", "work", "leisure"],
                "avail": 0b011,
                "lat": MUNICH[0] + 0.02,
                "radius": 10.0,
            }
        ],
    )
    candidates = build_candidates(problem)
    km = float(great_circle_km(MUNICH[0], MUNICH[1], MUNICH[0] + 0.02, MUNICH[1]))
    expected = (
        w.topic * 0.5  # 1/sqrt(4 topics)
        + w.language * w.basic_language_factor
        + w.distance * (1 - km / 10)
        + w.availability * 2 / 3
        + w.waiting * 0.5
    )
    assert candidates.score[0] == pytest.approx(expected)
    assert candidates.score[0] == pytest.approx(pair_score(problem, 0, 0))


def test_request_without_times_fits_any_available_volunteer():
    problem = make_problem([{"times": 0}, {"times": 0}], [{"avail": ALL_WEEK}, {"avail": 0}])
    candidates = build_candidates(problem.with_options(candidate_k=None))
    by_volunteer = dict(
        zip(
            candidates.vol_idx[candidates.req_idx == 0].tolist(),
            candidates.score[candidates.req_idx == 0].tolist(),
            strict=True,
        )
    )
    assert by_volunteer[0] - by_volunteer[1] == pytest.approx(Weights().availability)


def test_older_request_wins_a_scarce_volunteer():
    problem = make_problem([{"wait": 2.0}, {"wait": 90.0}], [{}])
    assert pairs_of(solve(problem)) == [(1, 0)]
    assert pairs_of(solve_fcfs(problem, build_candidates(problem))) == [(1, 0)]


def test_fair_load_spreads_patenschaften():
    # Volunteer 0 is a slightly better fit for both requests but can take both; the second
    # Patenschaft would cost load_penalty, more than the difference, so the engine spreads.
    problem = make_problem(
        [{}, {}],
        [
            {"capacity": 2, "topics": ["health"]},
            {"capacity": 2, "topics": ["health", "housing"]},
        ],
    )
    engine = solve(problem)
    assert sorted(engine.vol_idx.tolist()) == [0, 1]
    greedy = solve_greedy(problem, build_candidates(problem))
    assert engine.total_score >= greedy.total_score


def test_existing_load_counts():
    problem = make_problem([{}], [{"load": 3}, {"load": 0, "topics": ["health", "housing"]}])
    # Load 3 costs 24 for the next Patenschaft: the generalist without load is better.
    assert pairs_of(solve(problem)) == [(0, 1)]


def test_unprofitable_slot_stays_empty():
    # A load so high that any pair would lower the total: nobody is matched.
    problem = make_problem([{}], [{"load": 20}])
    assert build_candidates(problem).edges == 0
    assert solve(problem).matched == 0


def test_pair_scores_add_up_to_the_total():
    problem = generate(300, 300, seed=5)
    assignment = solve(problem)
    assert assignment.pair_score.sum() == pytest.approx(assignment.total_score)
    scores = {(r, v): pair_score(problem, r, v) for r, v in pairs_of(assignment)}
    for (r, v), base in zip(pairs_of(assignment), assignment.base_score.tolist(), strict=True):
        assert base == pytest.approx(scores[(r, v)], abs=1e-9)
    used: dict[int, int] = {}
    expected = 0.0
    for r, v in sorted(pairs_of(assignment), key=lambda pair: -scores[pair]):
        expected += scores[(r, v)] - slot_cost(problem, v, used.get(v, 0))
        used[v] = used.get(v, 0) + 1
    assert assignment.total_score == pytest.approx(expected)


# --- candidates ------------------------------------------------------------------------------


def test_top_k_keeps_exactly_the_best_k_per_request():
    problem = generate(400, 400, seed=11, candidate_k=None)
    full = build_candidates(problem)
    k = 3
    top = build_candidates(problem.with_options(candidate_k=k))
    assert top.eligible == full.eligible
    for r in range(problem.n_requests):
        every = full.for_request(r)
        kept = top.for_request(r)
        expected = sorted(
            zip((-full.value[every]).tolist(), full.vol_idx[every].tolist(), strict=True)
        )[:k]
        assert (
            list(zip((-top.value[kept]).tolist(), top.vol_idx[kept].tolist(), strict=True))
            == expected
        )


def test_candidates_are_every_eligible_pair_of_positive_value():
    problem = generate(150, 150, seed=3, candidate_k=None)
    candidates = build_candidates(problem)
    found = dict(
        zip(
            zip(candidates.req_idx.tolist(), candidates.vol_idx.tolist(), strict=True),
            candidates.score.tolist(),
            strict=True,
        )
    )
    expected = {
        pair: score
        for pair, score in eligible_pairs(problem).items()
        if score - slot_cost(problem, pair[1], 0) > 0
    }
    assert found.keys() == expected.keys()
    for pair, score in expected.items():
        assert found[pair] == pytest.approx(score, abs=1e-9)


def test_candidates_do_not_depend_on_threads_or_chunks():
    problem = generate(3000, 3000, seed=2)
    one = build_candidates(problem, workers=1)
    two = build_candidates(problem, workers=2, chunk_requests=97)
    for name in ("req_idx", "vol_idx", "score", "value", "distance_km"):
        assert np.array_equal(getattr(one, name), getattr(two, name)), name


def test_empty_problems():
    for problem in (make_problem([], [{}]), make_problem([{}], []), make_problem([], [])):
        for solver in (solve, solve_greedy, solve_fcfs, solve_exact_reference):
            assignment = solver(problem)
            assert assignment.matched == 0
            assert assignment.total_score == 0


def test_invalid_problems_are_refused():
    with pytest.raises(ValueError, match="same length"):
        make_problem([{}], [{}], excluded_req=[0], excluded_vol=[])
    with pytest.raises(ValueError, match="unknown"):
        make_problem([{}], [{}], excluded_req=[1], excluded_vol=[0])
    with pytest.raises(ValueError, match="candidate_k"):
        make_problem([{}], [{}], candidate_k=0)
    with pytest.raises(ValueError, match="negative"):
        Weights(distance=-1)
    problem = make_problem([{}], [{}])
    with pytest.raises(ValueError, match="same length"):
        replace(problem, vol_lat=np.zeros(2))


# --- solvers ---------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", [1, 2])
def test_engine_equals_reference_and_beats_baselines_on_land_scale_sample(seed):
    problem = generate(2000, 2000, seed=seed)
    candidates = build_candidates(problem)
    engine = solve(problem, candidates)
    reference = solve_exact_reference(problem, candidates)
    assert engine.total_score == pytest.approx(reference.total_score, rel=1e-6)
    assert engine.total_score >= solve_greedy(problem, candidates).total_score - 1e-9
    assert engine.total_score >= solve_fcfs(problem, candidates).total_score - 1e-9
    for r, v in pairs_of(engine):
        assert is_eligible(problem, r, v, tolerance=1e-6)


def test_full_graph_optimum_on_small_sample():
    problem = generate(300, 300, seed=8, candidate_k=None)
    full = solve(problem)
    assert full.total_score == pytest.approx(solve_exact_reference(problem).total_score, rel=1e-6)
    top = solve(problem.with_options(candidate_k=32))
    # The top-K graph is a subgraph: never better, and here (few pairs per request) as good.
    assert top.total_score <= full.total_score + 1e-6
    assert top.total_score == pytest.approx(full.total_score, rel=1e-3)


def test_engine_matches_brute_force_on_a_tiny_instance():
    problem = make_problem(
        [{"wait": 10.0}, {"wait": 50.0, "lang": ["ar"]}, {"times": 0b100}],
        [
            {"capacity": 2, "lang_any": ["de", "ar"], "lang_good": ["ar"]},
            {"capacity": 1, "topics": ["health", "work"], "avail": 0b100},
            {"capacity": 1, "load": 1, "lat": MUNICH[0] + 0.05},
        ],
    )
    scores = eligible_pairs(problem)
    assert solve(problem).total_score == pytest.approx(brute_force_optimum(problem, scores))


def test_progress_is_reported_in_order():
    seen: list[tuple[float, str]] = []
    solve(
        generate(500, 500, seed=4), progress=lambda fraction, stage: seen.append((fraction, stage))
    )
    fractions = [fraction for fraction, _stage in seen]
    assert fractions == sorted(fractions)
    assert fractions[-1] == 1.0
    assert [stage for _fraction, stage in seen][-1] == "done"
    assert {"candidates", "solving"} <= {stage for _fraction, stage in seen}


def test_engine_is_deterministic():
    problem = generate(1500, 1500, seed=9)
    first, second = solve(problem), solve(problem)
    assert np.array_equal(first.req_idx, second.req_idx)
    assert np.array_equal(first.vol_idx, second.vol_idx)
    assert first.total_score == second.total_score


# --- explain ---------------------------------------------------------------------------------


def test_explain_pair_gives_json_facts():
    problem = make_problem(
        [{"lang": ["ar", "de"], "times": 0b101, "wait": 12.7}],
        [{"lang_any": ["ar", "de", "en"], "lang_good": ["de"], "avail": 0b110, "load": 1}],
    )
    assignment = solve(problem)
    facts = explain_pair(problem, assignment, 0, 0)
    json.dumps(facts)
    assert facts["languages"] == [LANGUAGE_CODES.index("de"), LANGUAGE_CODES.index("ar")]
    assert facts["languages_good"] == [LANGUAGE_CODES.index("de")]
    assert facts["shared_slots"] == [2]
    assert facts["any_time"] is False
    assert facts["waiting_days"] == 12
    assert facts["topic"] == TOPIC_CODES.index("health")
    assert facts["volunteer_load"] == 1
    assert facts["distance_km"] == 0.0
    assert facts["eligible"] is True
    assert facts["pair_score"] == pytest.approx(assignment.pair_score[0], abs=0.01)
    assert facts["score"] == pytest.approx(sum(facts["components"].values()), abs=0.05)
    assert explain_pair(problem, build_candidates(problem), 0, 0)["candidate_rank"] == 0


def test_explain_pair_of_an_ineligible_pair():
    problem = make_problem([{}], [{"lat": NUREMBERG[0], "lon": NUREMBERG[1]}])
    facts = explain_pair(problem, None, 0, 0)
    assert facts["eligible"] is False
    assert math.isclose(facts["distance_km"], round(geo.great_circle_km(*MUNICH, *NUREMBERG), 1))
    with pytest.raises(IndexError):
        explain_pair(problem, None, 1, 0)


# --- synthetic data and benchmark -----------------------------------------------------------


def test_synthetic_problems_are_reproducible_and_plausible():
    first, second = generate(2000, 1500, seed=7), generate(2000, 1500, seed=7)
    assert first.n_requests == 2000
    assert first.n_volunteers == 1500
    for name in ("req_lat", "req_lang", "vol_lon", "vol_topics", "vol_avail", "excluded_req"):
        assert np.array_equal(getattr(first, name), getattr(second, name))
    assert first.req_lat.min() > 47 and first.req_lat.max() < 55.2
    assert first.vol_lon.min() > 5.8 and first.vol_lon.max() < 15.1
    german = np.uint64(1 << LANGUAGE_CODES.index("de"))
    assert ((first.vol_lang_any & german) != 0).mean() > 0.9
    assert ((first.req_lang & german) != 0).mean() < 0.5
    assert (first.vol_lang_good & ~first.vol_lang_any == 0).all()
    assert set(np.unique(first.vol_radius_km)) <= {2.0, 5.0, 10.0, 20.0, 30.0, 50.0}
    assert first.req_topic.max() < len(TOPIC_CODES)
    assert first.req_wait_days.max() <= 120
    assert (first.vol_topics > 0).all()


def test_benchmark_figures_have_the_documented_keys():
    figures = run_benchmark(300, seed=1, isolate=False)
    assert set(figures) == {
        "requests",
        "volunteers",
        "edges",
        "engine",
        "greedy",
        "fcfs",
        "optimum",
    }
    for name in ("engine", "greedy", "fcfs"):
        assert set(figures[name]) == {"seconds", "peak_mb", "matched", "score"}
    assert set(figures["optimum"]) == {"seconds", "score"}
    assert figures["engine"]["score"] == pytest.approx(figures["optimum"]["score"], rel=1e-6)
    assert figures["engine"]["score"] >= figures["greedy"]["score"]


def test_benchmark_command_prints_one_json_object(capsys):
    call_command("match_benchmark", size=200, json=True, no_optimum=True, in_process=True)
    figures = json.loads(capsys.readouterr().out)
    assert figures["requests"] == figures["volunteers"] == 200
    assert figures["optimum"] is None


def test_huge_weights_still_solve_exactly():
    problem = generate(300, 300, seed=6, weights=Weights(distance=1e9, waiting=1e7))
    candidates = build_candidates(problem)
    engine = solve(problem, candidates)
    reference = solve_exact_reference(problem, candidates)
    assert engine.total_score == pytest.approx(reference.total_score, rel=1e-6)
