"""The Django side of the matching engine: loading, runs, nightly runs, next best."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from lotse.accounts.roles import Role
from lotse.accounts.tests.factories import RoleAssignmentFactory, UserFactory
from lotse.core.availability import mask_from_cells
from lotse.core.choices import LanguageLevel, Topic
from lotse.engagement.choices import (
    MatchingRunStatus,
    ProposalOrigin,
    ProposalStatus,
    RequestStatus,
)
from lotse.engagement.models import HelpRequest, MatchingRun, Proposal
from lotse.engagement.services import matching as service
from lotse.engagement.services.matching import (
    load_problem,
    matching_nightly,
    matching_run_execute,
    matching_run_start,
    propose_next_best,
)
from lotse.engagement.tests.factories import (
    HelpRequestFactory,
    MatchingRunFactory,
    PatenschaftFactory,
    ProposalFactory,
)
from lotse.notifications.models import Notification
from lotse.regions.models import Postcode
from lotse.volunteers.choices import VolunteerStatus
from lotse.volunteers.tests.factories import VolunteerProfileFactory

pytestmark = pytest.mark.django_db

# Garching (Landkreis München, 09184), 13.4 km from Marienplatz (80331).
GARCHING = "85748"


def volunteer(postcode: str = "80331", **kwargs):
    kwargs.setdefault("languages", [("ar", LanguageLevel.NATIVE), ("de", LanguageLevel.FLUENT)])
    return VolunteerProfileFactory(postcode=Postcode.objects.get(code=postcode), **kwargs)


@pytest.fixture
def coordinator(munich):
    user = UserFactory()
    RoleAssignmentFactory(user=user, role=Role.COORDINATOR, district=munich)
    return user


def start_and_run(actor, district, django_capture_on_commit_callbacks) -> MatchingRun:
    """Start a run; the task (immediate backend) runs it on commit."""
    with django_capture_on_commit_callbacks(execute=True):
        run = matching_run_start(actor=actor, district=district)
    run.refresh_from_db()
    return run


# --- load_problem ------------------------------------------------------------------------------


def test_load_problem_builds_the_arrays(munich):
    request = HelpRequestFactory(
        topic=Topic.HOUSING,
        preferred_times=mask_from_cells([(1, 2)]),
        languages=["ar"],
    )
    HelpRequest.objects.filter(pk=request.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=12)
    )
    helper = volunteer(topics=[Topic.HOUSING, Topic.HEALTH], max_patenschaften=2)
    problem, requests, volunteers = load_problem(district=munich)
    assert [row.pk for row in requests] == [request.pk]
    assert [row.pk for row in volunteers] == [helper.pk]
    assert requests[0].waiting_days == pytest.approx(12, abs=0.01)
    assert int(problem.req_lang[0]) == 1 << service.LANGUAGE_INDEX["ar"]
    assert int(problem.req_topic[0]) == service.TOPIC_INDEX["housing"]
    assert int(problem.req_times[0]) == mask_from_cells([(1, 2)])
    assert int(problem.vol_lang_any[0]) == (1 << service.LANGUAGE_INDEX["ar"]) | 1
    assert int(problem.vol_lang_good[0]) == int(problem.vol_lang_any[0])
    assert int(problem.vol_topics[0]) == (1 << service.TOPIC_INDEX["housing"]) | (
        1 << service.TOPIC_INDEX["health"]
    )
    assert int(problem.vol_capacity[0]) == 2
    assert int(problem.vol_load[0]) == 0
    assert problem.req_lat[0] == pytest.approx(48.13596)


def test_basic_languages_are_not_good(munich):
    HelpRequestFactory()
    volunteer(languages=[("ar", LanguageLevel.BASIC), ("de", LanguageLevel.NATIVE)])
    problem, _requests, _volunteers = load_problem(district=munich)
    assert int(problem.vol_lang_good[0]) == 1 << service.LANGUAGE_INDEX["de"]
    assert int(problem.vol_lang_any[0]) & (1 << service.LANGUAGE_INDEX["ar"])


def test_only_open_requests_without_a_live_proposal(munich, nuremberg):
    waiting = HelpRequestFactory()
    HelpRequestFactory(status=RequestStatus.CLOSED)
    HelpRequestFactory(anonymised_at=timezone.now())
    HelpRequestFactory(postcode=Postcode.objects.get(code="90402"))
    ProposalFactory(request=HelpRequestFactory(), status=ProposalStatus.SUGGESTED)
    declined = HelpRequestFactory()
    ProposalFactory(request=declined, status=ProposalStatus.DECLINED)
    _problem, requests, _volunteers = load_problem(district=munich)
    assert {row.pk for row in requests} == {waiting.pk, declined.pk}


def test_interpreter_languages_count_for_the_request(munich):
    interpreter = volunteer(languages=[("ti", LanguageLevel.NATIVE), ("de", LanguageLevel.GOOD)])
    request = HelpRequestFactory(languages=["ti"], interpreter=interpreter)
    problem, requests, volunteers = load_problem(district=munich)
    expected = (1 << service.LANGUAGE_INDEX["ti"]) | (1 << service.LANGUAGE_INDEX["de"])
    assert int(problem.req_lang[0]) == expected
    assert requests[0].languages == ("ti",)
    # The interpreter is never proposed for the request they interpret for.
    index = [row.pk for row in volunteers].index(interpreter.pk)
    pairs = set(zip(problem.excluded_req.tolist(), problem.excluded_vol.tolist(), strict=True))
    assert (0, index) in pairs
    assert requests[0].pk == request.pk


def test_load_problem_runs_a_constant_number_of_queries(munich):
    def count_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            problem, _requests, volunteers = load_problem(district=munich)
        return len(queries), len(volunteers), problem

    interpreter = volunteer()
    HelpRequestFactory(interpreter=interpreter)
    HelpRequestFactory(languages=["uk"])
    for _ in range(4):
        volunteer()
    small, small_volunteers, _ = count_queries()
    requests = HelpRequestFactory.create_batch(5)
    ProposalFactory(request=requests[0], status=ProposalStatus.DECLINED)
    for index in range(44):
        helper = volunteer(topics=[Topic.LANGUAGE_LEARNING, Topic.WORK], max_patenschaften=2)
        if index % 5 == 0:
            PatenschaftFactory(proposal__volunteer=helper)
    large, large_volunteers, problem = count_queries()
    assert small_volunteers == 5
    assert large_volunteers == 50  # 44 + the one of the declined proposal
    assert small == large <= 8
    assert len(problem.excluded_req) == 2  # the interpreter and the declined pair


def test_neighbouring_district_volunteer_within_radius_is_matched(
    munich, coordinator, django_capture_on_commit_callbacks
):
    request = HelpRequestFactory()
    neighbour = volunteer(GARCHING, travel_radius_km=20)
    _problem, _requests, volunteers = load_problem(district=munich)
    assert neighbour.district.ags == "09184"
    assert [row.pk for row in volunteers] == [neighbour.pk]
    run = start_and_run(coordinator, munich, django_capture_on_commit_callbacks)
    proposal = Proposal.objects.get(run=run)
    assert (proposal.request_id, proposal.volunteer_id) == (request.pk, neighbour.pk)
    assert proposal.reasons["distance_km"] == pytest.approx(13.4, abs=0.1)


def test_neighbouring_district_volunteer_beyond_radius_is_not_matched(
    munich, coordinator, django_capture_on_commit_callbacks
):
    HelpRequestFactory()
    volunteer(GARCHING, travel_radius_km=10)
    far = volunteer("90402", travel_radius_km=50)  # Nürnberg, 150 km away
    _problem, _requests, volunteers = load_problem(district=munich)
    assert far.pk not in {row.pk for row in volunteers}
    run = start_and_run(coordinator, munich, django_capture_on_commit_callbacks)
    assert run.status == MatchingRunStatus.DONE
    assert run.proposals_count == 0
    assert not Proposal.objects.exists()


def test_capacity_and_live_proposals_are_respected(munich):
    HelpRequestFactory()
    full = volunteer(max_patenschaften=1)
    PatenschaftFactory(proposal__volunteer=full)
    bound = volunteer(max_patenschaften=1)
    ProposalFactory(volunteer=bound, status=ProposalStatus.PROPOSED)
    half = volunteer(max_patenschaften=3)
    PatenschaftFactory(proposal__volunteer=half)
    ProposalFactory(volunteer=half, status=ProposalStatus.ACCEPTED)
    ProposalFactory(volunteer=half, status=ProposalStatus.DECLINED)  # not live
    volunteer(status=VolunteerStatus.PAUSED)
    problem, _requests, volunteers = load_problem(district=munich)
    assert [row.pk for row in volunteers] == [half.pk]
    assert volunteers[0].capacity == 1
    assert volunteers[0].load == 2
    assert int(problem.vol_capacity[0]) == 1
    assert int(problem.vol_load[0]) == 2


# --- runs --------------------------------------------------------------------------------------


def test_run_stores_suggestions_with_reasons(
    munich, coordinator, django_capture_on_commit_callbacks
):
    request = HelpRequestFactory(
        topic=Topic.HOUSING, preferred_times=mask_from_cells([(1, 2)]), languages=["ar"]
    )
    helper = volunteer(topics=[Topic.HOUSING])
    run = start_and_run(coordinator, munich, django_capture_on_commit_callbacks)
    assert run.status == MatchingRunStatus.DONE
    assert (run.progress, run.stage) == (100, "done")
    assert (run.requests_count, run.volunteers_count, run.proposals_count) == (1, 1, 1)
    assert run.edges_count == 1
    assert run.finished_at is not None
    proposal = Proposal.objects.get()
    assert proposal.volunteer == helper
    assert proposal.status == ProposalStatus.SUGGESTED
    assert proposal.origin == ProposalOrigin.ENGINE
    assert proposal.run == run
    assert proposal.score > 0
    assert run.total_score == pytest.approx(proposal.score, abs=0.01)
    assert proposal.reasons == {
        "languages": ["ar"],
        "distance_km": 0.0,
        "slots": ["1-2"],
        "waiting_days": 0,
        "topic": "housing",
        "interpreter": False,
        "load": 0,
    }
    request.refresh_from_db()
    assert request.status == RequestStatus.PROPOSED
    notification = Notification.objects.get(user=coordinator)
    assert notification.kind == "engagement.matching.done"
    assert munich.name in notification.title
    assert notification.url == f"/engagement/matching/runs/{run.pk}/"


def test_interpreter_reason(munich, coordinator, django_capture_on_commit_callbacks):
    interpreter = volunteer(
        languages=[("ti", LanguageLevel.NATIVE), ("de", LanguageLevel.FLUENT)],
        topics=[Topic.INTERPRETING],
    )
    HelpRequestFactory(languages=["ti"], interpreter=interpreter)
    helper = volunteer(languages=[("de", LanguageLevel.NATIVE)])
    start_and_run(coordinator, munich, django_capture_on_commit_callbacks)
    proposal = Proposal.objects.get()
    assert proposal.volunteer == helper
    assert proposal.reasons["languages"] == ["de"]
    assert proposal.reasons["interpreter"] is True


def test_excluded_pairs_are_never_proposed_again(
    munich, coordinator, django_capture_on_commit_callbacks
):
    request = HelpRequestFactory()
    declined_by = volunteer()
    ProposalFactory(request=request, volunteer=declined_by, status=ProposalStatus.DECLINED)
    HelpRequest.objects.filter(pk=request.pk).update(status=RequestStatus.OPEN)
    run = start_and_run(coordinator, munich, django_capture_on_commit_callbacks)
    assert run.status == MatchingRunStatus.DONE
    assert run.proposals_count == 0
    other = volunteer()
    second = MatchingRun.objects.create(district=munich, started_by=coordinator)
    matching_run_execute(run_id=second.pk)
    proposal = Proposal.objects.get(run=second)
    assert proposal.volunteer == other


def test_run_executes_once(munich, coordinator, django_capture_on_commit_callbacks):
    HelpRequestFactory.create_batch(2)
    volunteer(max_patenschaften=2)
    run = start_and_run(coordinator, munich, django_capture_on_commit_callbacks)
    assert Proposal.objects.count() == 2
    assert matching_run_execute(run_id=run.pk) is None
    MatchingRun.objects.filter(pk=run.pk).update(status=MatchingRunStatus.RUNNING)
    assert matching_run_execute(run_id=run.pk) is None
    assert Proposal.objects.count() == 2


def test_second_start_returns_the_queued_run(munich, coordinator):
    first = matching_run_start(actor=coordinator, district=munich)
    second = matching_run_start(actor=coordinator, district=munich)
    assert first == second
    assert MatchingRun.objects.count() == 1


def test_abandoned_run_does_not_block_a_new_one(munich, coordinator):
    stuck = MatchingRunFactory(district=munich, status=MatchingRunStatus.RUNNING)
    MatchingRun.objects.filter(pk=stuck.pk).update(
        updated_at=timezone.now() - datetime.timedelta(hours=1)
    )
    run = matching_run_start(actor=coordinator, district=munich)
    assert run != stuck
    stuck.refresh_from_db()
    assert stuck.status == MatchingRunStatus.FAILED


def test_only_the_district_coordinator_may_start(munich, nuremberg):
    other = UserFactory()
    RoleAssignmentFactory(user=other, role=Role.COORDINATOR, district=nuremberg)
    with pytest.raises(PermissionDenied):
        matching_run_start(actor=other, district=munich)
    with pytest.raises(PermissionDenied):
        matching_run_start(actor=UserFactory(), district=munich)
    assert not MatchingRun.objects.exists()


def test_failure_marks_the_run_failed(
    munich, coordinator, monkeypatch, django_capture_on_commit_callbacks
):
    HelpRequestFactory()
    volunteer()

    def broken(*args, **kwargs):
        raise RuntimeError("solver exploded")

    monkeypatch.setattr("lotse.engagement.matching.solve", broken)
    run = start_and_run(coordinator, munich, django_capture_on_commit_callbacks)
    assert run.status == MatchingRunStatus.FAILED
    assert "solver exploded" in run.error
    assert run.finished_at is not None
    assert not Proposal.objects.exists()
    assert HelpRequest.objects.get().status == RequestStatus.OPEN
    assert Notification.objects.get(user=coordinator).kind == "engagement.matching.failed"


def test_pairs_invalid_meanwhile_are_skipped(munich, coordinator, monkeypatch):
    """A request closed and a volunteer bound while the engine ran are not stored."""
    closed = HelpRequestFactory()
    kept = HelpRequestFactory()
    busy = volunteer(max_patenschaften=1)
    free = volunteer(max_patenschaften=1)
    from lotse.engagement import matching as engine

    real_solve = engine.solve

    def solve_then_interfere(problem, *args, **kwargs):
        assignment = real_solve(problem, *args, **kwargs)
        HelpRequest.objects.filter(pk=closed.pk).update(status=RequestStatus.CLOSED)
        ProposalFactory(volunteer=busy, status=ProposalStatus.PROPOSED)
        return assignment

    monkeypatch.setattr(engine, "solve", solve_then_interfere)
    run = MatchingRun.objects.create(district=munich, started_by=coordinator)
    matching_run_execute(run_id=run.pk)
    run.refresh_from_db()
    stored = list(Proposal.objects.filter(run=run).values_list("request_id", "volunteer_id"))
    assert run.status == MatchingRunStatus.DONE
    assert all(request_id == kept.pk for request_id, _volunteer in stored)
    assert all(volunteer_id == free.pk for _request, volunteer_id in stored)
    assert run.proposals_count == len(stored)


def test_progress_is_written_as_the_run_goes(munich, coordinator, monkeypatch):
    HelpRequestFactory()
    volunteer()
    seen: list[tuple[str, int, str]] = []
    real = service._set_progress

    def spy(run_id: int, progress: int, stage: str) -> None:
        real(run_id, progress, stage)
        run = MatchingRun.objects.get(pk=run_id)
        seen.append((run.status, run.progress, run.stage))

    monkeypatch.setattr(service, "_set_progress", spy)
    run = MatchingRun.objects.create(district=munich, started_by=coordinator)
    matching_run_execute(run_id=run.pk)
    stages = [stage for _status, _progress, stage in seen]
    assert stages[0] == "loading"
    for stage in ("candidates", "solving", "storing"):
        assert stage in stages
    assert stages.index("loading") < stages.index("solving") < stages.index("storing")
    progress = [value for _status, value, _stage in seen]
    assert progress == sorted(progress)
    assert all(status == MatchingRunStatus.RUNNING for status, _p, _s in seen)
    run.refresh_from_db()
    assert (run.status, run.progress) == (MatchingRunStatus.DONE, 100)


# --- nightly -----------------------------------------------------------------------------------


def test_nightly_queues_once_per_district_and_day(
    munich, nuremberg, coordinator, django_capture_on_commit_callbacks
):
    HelpRequestFactory()
    HelpRequestFactory(postcode=Postcode.objects.get(code="90402"))  # Nürnberg: no coordinator
    volunteer()
    with django_capture_on_commit_callbacks(execute=True):
        runs = matching_nightly()
    assert [run.district for run in runs] == [munich]
    run = MatchingRun.objects.get()
    assert run.started_by is None
    assert run.status == MatchingRunStatus.DONE
    assert Proposal.objects.filter(run=run).count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert matching_nightly() == []
    assert MatchingRun.objects.count() == 1
    assert not Notification.objects.exists()
    # Tomorrow it runs again (when there is something open).
    HelpRequestFactory()
    tomorrow = timezone.now() + datetime.timedelta(days=1)
    assert len(matching_nightly(now=tomorrow)) == 1


def test_nightly_task_runs(munich, coordinator, django_capture_on_commit_callbacks):
    from lotse.engagement.tasks import matching_nightly_task

    HelpRequestFactory()
    with django_capture_on_commit_callbacks(execute=True):
        matching_nightly_task.enqueue()
    assert MatchingRun.objects.filter(district=munich).count() == 1


# --- next best ---------------------------------------------------------------------------------


def test_propose_next_best_skips_who_declined(
    munich, coordinator, django_capture_on_commit_callbacks, settings
):
    settings.LOTSE_PROPOSAL_RESPONSE_DAYS = 5
    request = HelpRequestFactory(status=RequestStatus.PROPOSED)
    first = volunteer()
    ProposalFactory(request=request, volunteer=first, status=ProposalStatus.DECLINED)
    second = volunteer(GARCHING, travel_radius_km=20)
    with django_capture_on_commit_callbacks(execute=True):
        proposal = propose_next_best(request=request)
    assert proposal is not None
    assert proposal.volunteer == second
    assert proposal.status == ProposalStatus.PROPOSED
    assert proposal.origin == ProposalOrigin.NEXT_BEST
    assert proposal.proposed_at is not None
    assert proposal.respond_by - proposal.proposed_at == datetime.timedelta(days=5)
    assert proposal.reasons["distance_km"] == pytest.approx(13.4, abs=0.1)
    request.refresh_from_db()
    assert request.status == RequestStatus.PROPOSED
    notification = Notification.objects.get(user=second.user)
    assert notification.kind == "engagement.proposal.new"
    assert notification.url == f"/engagement/proposals/{proposal.pk}/"
    assert [message.to for message in mail.outbox] == [[second.user.email]]


def test_propose_next_best_without_a_volunteer_reopens_and_tells_coordinators(
    munich, coordinator, django_capture_on_commit_callbacks
):
    request = HelpRequestFactory(status=RequestStatus.PROPOSED)
    only = volunteer()
    ProposalFactory(request=request, volunteer=only, status=ProposalStatus.LAPSED)
    with django_capture_on_commit_callbacks(execute=True):
        assert propose_next_best(request=request) is None
    request.refresh_from_db()
    assert request.status == RequestStatus.OPEN
    notification = Notification.objects.get(user=coordinator)
    assert notification.kind == "engagement.request.no_volunteer"
    assert f"#{request.pk}" in notification.title
    assert Proposal.objects.filter(request=request).count() == 1


def test_propose_next_best_leaves_a_closed_request_alone(munich, coordinator):
    request = HelpRequestFactory(status=RequestStatus.CLOSED)
    volunteer()
    assert propose_next_best(request=request) is None
    request.refresh_from_db()
    assert request.status == RequestStatus.CLOSED
    assert not Proposal.objects.exists()
    assert not Notification.objects.exists()


def test_run_without_requests_or_volunteers_finishes(munich, coordinator):
    run = MatchingRun.objects.create(district=munich, started_by=coordinator)
    matching_run_execute(run_id=run.pk)
    run.refresh_from_db()
    assert (run.status, run.progress, run.proposals_count) == (MatchingRunStatus.DONE, 100, 0)
    HelpRequestFactory()
    second = MatchingRun.objects.create(district=munich, started_by=coordinator)
    matching_run_execute(run_id=second.pk)
    second.refresh_from_db()
    assert (second.status, second.requests_count, second.volunteers_count) == (
        MatchingRunStatus.DONE,
        1,
        0,
    )
