"""The matching engine: help requests × volunteers, pure numpy/SciPy/OR-Tools (no Django, no DB).

    problem = MatchingProblem(req_lat=…, …, vol_load=…)   # arrays, see `problem.py`
    assignment = solve(problem, progress=callback)        # optimal pairs over the candidates
    facts = explain_pair(problem, assignment, r, v)       # JSON facts for the proposal

See `docs/adr/0007-matching-engine.md` for the model and the figures.
"""

from .candidates import Candidates, build_candidates, great_circle_km, score_pairs
from .facts import explain_pair
from .problem import (
    LANGUAGE_CODES,
    TOPIC_CODES,
    MatchingProblem,
    Weights,
    language_mask,
    topic_mask,
)
from .solvers import (
    Assignment,
    solve,
    solve_exact_reference,
    solve_fcfs,
    solve_greedy,
)

__all__ = [
    "LANGUAGE_CODES",
    "TOPIC_CODES",
    "Assignment",
    "Candidates",
    "MatchingProblem",
    "Weights",
    "build_candidates",
    "explain_pair",
    "great_circle_km",
    "language_mask",
    "score_pairs",
    "solve",
    "solve_exact_reference",
    "solve_fcfs",
    "solve_greedy",
    "topic_mask",
]
