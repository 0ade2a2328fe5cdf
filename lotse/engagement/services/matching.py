"""Matching runs: load a district's open requests and candidate volunteers, solve, store
proposals. (Owned by the matching area.)

The engine (`lotse.engagement.matching`) is pure numpy; this module is its Django side:

- `load_problem` reads requests and volunteers with a constant number of queries and builds the
  engine's arrays;
- `matching_run_start` queues a run for a district (one at a time), `matching_run_execute`
  (the task) runs it, reports progress in the run row and stores the pairs as suggested
  proposals for the coordinators to review;
- `matching_nightly` queues a run for every district with open requests once a day;
- `propose_next_best` finds the next volunteer for one request after a decline or lapse.
"""

from __future__ import annotations

import datetime
import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypedDict

import numpy as np
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Exists, F, IntegerField, Max, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lotse.accounts.roles import Role
from lotse.core.audit import audit_record
from lotse.core.availability import SLOTS_PER_DAY, cell_key
from lotse.core.choices import Language, LanguageLevel, Topic
from lotse.core.geo import bounding_box
from lotse.notifications.services import notify
from lotse.regions.models import District
from lotse.volunteers.choices import VolunteerStatus
from lotse.volunteers.models import VolunteerLanguage, VolunteerProfile, VolunteerTopic

from ..choices import (
    LIVE_PROPOSAL_STATES,
    MatchingRunStatus,
    PatenschaftStatus,
    ProposalOrigin,
    ProposalStatus,
    RequestStatus,
)
from ..models import (
    HelpRequest,
    HelpRequestLanguage,
    MatchingRun,
    Patenschaft,
    Proposal,
)
from ..selectors.requests import district_coordinators

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

    from ..matching import MatchingProblem

logger = logging.getLogger(__name__)

# Position of a language / topic in the engine's bitmasks.
LANGUAGE_CODES: tuple[str, ...] = tuple(Language.values)
LANGUAGE_INDEX = {code: index for index, code in enumerate(LANGUAGE_CODES)}
TOPIC_CODES: tuple[str, ...] = tuple(Topic.values)
TOPIC_INDEX = {code: index for index, code in enumerate(TOPIC_CODES)}
# Volunteers' languages at these levels count as "good" (the engine prefers them).
GOOD_LEVELS = (LanguageLevel.NATIVE, LanguageLevel.FLUENT)
# An interpreter's languages below this level do not bridge a conversation.
INTERPRETER_LEVELS = (LanguageLevel.NATIVE, LanguageLevel.FLUENT, LanguageLevel.GOOD)

# Stages of a run, stored in `MatchingRun.stage` and shown by the run page.
STAGE_QUEUED = "queued"
STAGE_LOADING = "loading"
STAGE_CANDIDATES = "candidates"
STAGE_SOLVING = "solving"
STAGE_STORING = "storing"
STAGE_DONE = "done"
STAGE_FAILED = "failed"
STAGE_LABELS = {
    STAGE_QUEUED: _("Waiting to start"),
    STAGE_LOADING: _("Loading requests and volunteers"),
    STAGE_CANDIDATES: _("Finding suitable pairs"),
    STAGE_SOLVING: _("Computing the best pairing"),
    STAGE_STORING: _("Saving the proposals"),
    STAGE_DONE: _("Finished"),
    STAGE_FAILED: _("Failed"),
}
# A queued or running run untouched for this long is taken as abandoned (its worker died).
STALE_RUN_AFTER = datetime.timedelta(minutes=30)
ACTIVE_RUN_STATES = (MatchingRunStatus.QUEUED, MatchingRunStatus.RUNNING)


def stage_label(stage: str) -> str:
    """Return the translated label of a run stage (the stage itself if unknown)."""
    return str(STAGE_LABELS.get(stage, stage))


# --- loading ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class RequestRow:
    """What the run needs of one request besides the engine's arrays."""

    pk: int
    topic: str
    # The newcomer's own languages (without the interpreter's).
    languages: tuple[str, ...]
    interpreter_id: int | None
    waiting_days: float


@dataclass(frozen=True)
class VolunteerRow:
    pk: int
    user_id: int
    capacity: int
    load: int
    topics: tuple[str, ...] = field(default=())


def _mask(codes: Iterable[str], index: dict[str, int]) -> int:
    mask = 0
    for code in codes:
        position = index.get(code)
        if position is not None:
            mask |= 1 << position
    return mask


def _live_proposals() -> QuerySet[Proposal]:
    return Proposal.objects.filter(request=OuterRef("pk"), status__in=LIVE_PROPOSAL_STATES)


def _open_requests(
    *, district: District, request_ids: Iterable[int] | None
) -> QuerySet[HelpRequest]:
    """The district's requests that wait for a volunteer and have no live proposal.

    With `request_ids` (next best after a decline), a request still marked proposed counts too.
    """
    queryset = HelpRequest.objects.filter(district=district, anonymised_at__isnull=True).filter(
        ~Exists(_live_proposals())
    )
    if request_ids is None:
        return queryset.filter(status=RequestStatus.OPEN)
    return queryset.filter(
        pk__in=list(request_ids), status__in=(RequestStatus.OPEN, RequestStatus.PROPOSED)
    )


def _count_subquery(queryset: QuerySet[Any], column: str) -> Coalesce:
    return Coalesce(
        Subquery(
            queryset.order_by().values(column).annotate(count=Count("pk")).values("count")[:1],
            output_field=IntegerField(),
        ),
        0,
    )


class VolunteerLoad(TypedDict):
    active_patenschaften: int
    live_proposals: int
    load: int
    capacity_left: int


def volunteers_with_load() -> QuerySet[WithAnnotations[VolunteerProfile, VolunteerLoad]]:
    """Active volunteers annotated with `active_patenschaften`, `live_proposals`, `load` and
    `capacity_left` (max Patenschaften − active Patenschaften − live proposals)."""
    active = _count_subquery(
        Patenschaft.objects.filter(volunteer=OuterRef("pk"), status=PatenschaftStatus.ACTIVE),
        "volunteer",
    )
    live = _count_subquery(
        Proposal.objects.filter(volunteer=OuterRef("pk"), status__in=LIVE_PROPOSAL_STATES),
        "volunteer",
    )
    return (
        VolunteerProfile.objects.filter(status=VolunteerStatus.ACTIVE, user__is_active=True)
        .annotate(active_patenschaften=active, live_proposals=live)
        .annotate(load=F("active_patenschaften") + F("live_proposals"))
        .annotate(capacity_left=F("max_patenschaften") - F("load"))
    )


def _search_box(lats: np.ndarray, lons: np.ndarray, radius_km: float) -> tuple[float, ...]:
    """The box holding every point within `radius_km` of any of the given points."""
    min_lat = bounding_box(float(lats.min()), 0.0, radius_km)[0]
    max_lat = bounding_box(float(lats.max()), 0.0, radius_km)[1]
    # Degrees of longitude grow towards the poles: take the edge furthest from the equator.
    edge = max(abs(min_lat), abs(max_lat))
    delta_lon = bounding_box(edge, 0.0, radius_km)[3]
    return min_lat, max_lat, float(lons.min()) - delta_lon, float(lons.max()) + delta_lon


def load_problem(
    *,
    district: District,
    request_ids: Iterable[int] | None = None,
    now: datetime.datetime | None = None,
    weights: Any = None,
) -> tuple[MatchingProblem, list[RequestRow], list[VolunteerRow]]:
    """Build the engine's problem for a district's open requests (or the given ones).

    Candidates are the active volunteers with capacity left whose home postcode lies within
    the box around the requests extended by the largest travel radius, whichever district they
    belong to (the engine then applies each volunteer's own radius). Existing proposals of any
    status exclude their pair: a volunteer is never proposed twice for one request, and an
    interpreter is never matched to the request they interpret for.

    Queries: at most eight, whatever the number of requests and volunteers.
    """
    from ..matching import MatchingProblem

    now = now or timezone.now()
    requests_qs = _open_requests(district=district, request_ids=request_ids)
    request_values = list(
        requests_qs.order_by("created_at", "pk").values_list(
            "pk",
            "topic",
            "preferred_times",
            "created_at",
            "postcode__latitude",
            "postcode__longitude",
            "interpreter_id",
        )
    )
    request_pks = [row[0] for row in request_values]
    request_index = {pk: index for index, pk in enumerate(request_pks)}

    own_languages: dict[int, list[str]] = {pk: [] for pk in request_pks}
    interpreter_languages: dict[int, list[str]] = {}
    volunteer_values: list[tuple[Any, ...]] = []
    volunteer_languages: list[tuple[int, str, str]] = []
    volunteer_topics: list[tuple[int, str]] = []
    proposal_pairs: list[tuple[int, int]] = []
    if request_pks:
        subquery = requests_qs.values("pk")
        for request_id, code in HelpRequestLanguage.objects.filter(
            request_id__in=subquery
        ).values_list("request_id", "language"):
            if request_id in own_languages:
                own_languages[request_id].append(code)
        if any(row[6] for row in request_values):
            for volunteer_id, code in VolunteerLanguage.objects.filter(
                volunteer_id__in=requests_qs.filter(interpreter__isnull=False).values(
                    "interpreter_id"
                ),
                level__in=INTERPRETER_LEVELS,
            ).values_list("volunteer_id", "language"):
                interpreter_languages.setdefault(volunteer_id, []).append(code)

        largest_radius = (
            VolunteerProfile.objects.filter(status=VolunteerStatus.ACTIVE).aggregate(
                radius=Max("travel_radius_km")
            )["radius"]
            or 0
        )
        lats = np.array([row[4] for row in request_values], dtype=np.float64)
        lons = np.array([row[5] for row in request_values], dtype=np.float64)
        min_lat, max_lat, min_lon, max_lon = _search_box(lats, lons, float(largest_radius))
        volunteers_qs = volunteers_with_load().filter(
            postcode__latitude__range=(min_lat, max_lat),
            postcode__longitude__range=(min_lon, max_lon),
            capacity_left__gt=0,
        )
        volunteer_values = list(
            volunteers_qs.order_by("pk").values_list(
                "pk",
                "user_id",
                "postcode__latitude",
                "postcode__longitude",
                "travel_radius_km",
                "availability",
                "capacity_left",
                "load",
            )
        )
        if volunteer_values:
            volunteer_subquery = volunteers_qs.values("pk")
            volunteer_languages = list(
                VolunteerLanguage.objects.filter(volunteer_id__in=volunteer_subquery).values_list(
                    "volunteer_id", "language", "level"
                )
            )
            volunteer_topics = list(
                VolunteerTopic.objects.filter(volunteer_id__in=volunteer_subquery).values_list(
                    "volunteer_id", "topic"
                )
            )
            proposal_pairs = list(
                Proposal.objects.filter(request_id__in=subquery).values_list(
                    "request_id", "volunteer_id"
                )
            )

    volunteer_index = {row[0]: index for index, row in enumerate(volunteer_values)}
    lang_any = [0] * len(volunteer_values)
    lang_good = [0] * len(volunteer_values)
    for volunteer_id, code, level in volunteer_languages:
        index = volunteer_index.get(volunteer_id)
        position = LANGUAGE_INDEX.get(code)
        if index is None or position is None:
            continue
        lang_any[index] |= 1 << position
        if level in GOOD_LEVELS:
            lang_good[index] |= 1 << position
    topics_of: dict[int, list[str]] = {}
    for volunteer_id, topic in volunteer_topics:
        topics_of.setdefault(volunteer_id, []).append(topic)

    request_rows = [
        RequestRow(
            pk=pk,
            topic=topic,
            languages=tuple(own_languages[pk]),
            interpreter_id=interpreter_id,
            waiting_days=max((now - created_at).total_seconds() / 86400.0, 0.0),
        )
        for pk, topic, _times, created_at, _lat, _lon, interpreter_id in request_values
    ]
    volunteer_rows = [
        VolunteerRow(
            pk=pk,
            user_id=user_id,
            capacity=int(capacity),
            load=int(load),
            topics=tuple(topics_of.get(pk, ())),
        )
        for pk, user_id, _lat, _lon, _radius, _avail, capacity, load in volunteer_values
    ]

    excluded: set[tuple[int, int]] = set()
    for request_id, volunteer_id in proposal_pairs:
        if request_id in request_index and volunteer_id in volunteer_index:
            excluded.add((request_index[request_id], volunteer_index[volunteer_id]))
    for row in request_rows:
        if row.interpreter_id in volunteer_index:
            excluded.add((request_index[row.pk], volunteer_index[row.interpreter_id]))
    excluded_sorted = sorted(excluded)

    req_lang = [
        _mask(own_languages[row.pk], LANGUAGE_INDEX)
        | _mask(interpreter_languages.get(row.interpreter_id or 0, ()), LANGUAGE_INDEX)
        for row in request_rows
    ]
    problem_kwargs: dict[str, Any] = {
        "req_lat": np.array([row[4] for row in request_values], dtype=np.float64),
        "req_lon": np.array([row[5] for row in request_values], dtype=np.float64),
        "req_lang": np.array(req_lang, dtype=np.uint64),
        "req_topic": np.array([TOPIC_INDEX.get(row[1], 0) for row in request_values], np.int64),
        "req_times": np.array([row[2] for row in request_values], dtype=np.int64),
        "req_wait_days": np.array([row.waiting_days for row in request_rows], dtype=np.float64),
        "vol_lat": np.array([row[2] for row in volunteer_values], dtype=np.float64),
        "vol_lon": np.array([row[3] for row in volunteer_values], dtype=np.float64),
        "vol_radius_km": np.array([row[4] for row in volunteer_values], dtype=np.float64),
        "vol_lang_any": np.array(lang_any, dtype=np.uint64),
        "vol_lang_good": np.array(lang_good, dtype=np.uint64),
        "vol_topics": np.array(
            [_mask(topics_of.get(row[0], ()), TOPIC_INDEX) for row in volunteer_values],
            dtype=np.int64,
        ),
        "vol_avail": np.array([row[5] for row in volunteer_values], dtype=np.int64),
        "vol_capacity": np.array([row[6] for row in volunteer_values], dtype=np.int64),
        "vol_load": np.array([row[7] for row in volunteer_values], dtype=np.int64),
        "excluded_req": np.array([pair[0] for pair in excluded_sorted], dtype=np.int64),
        "excluded_vol": np.array([pair[1] for pair in excluded_sorted], dtype=np.int64),
    }
    if weights is not None:
        problem_kwargs["weights"] = weights
    return MatchingProblem(**problem_kwargs), request_rows, volunteer_rows


# --- reasons ---------------------------------------------------------------------------------


def _reasons(
    facts: dict[str, Any], request_row: RequestRow, volunteer_row: VolunteerRow
) -> dict[str, Any]:
    """Map the engine's facts about a pair (indexes) to the stored reasons (codes)."""
    languages = [
        LANGUAGE_CODES[int(index)]
        for index in facts.get("languages", ())
        if 0 <= int(index) < len(LANGUAGE_CODES)
    ]
    # A request without preferred times fits any free time: no slots worth naming then.
    slots = (
        []
        if facts.get("any_time")
        else [
            cell_key(int(bit) // SLOTS_PER_DAY, int(bit) % SLOTS_PER_DAY)
            for bit in facts.get("shared_slots", ())
        ]
    )
    topic_index = facts.get("topic")
    topic = (
        TOPIC_CODES[int(topic_index)]
        if topic_index is not None and 0 <= int(topic_index) < len(TOPIC_CODES)
        else request_row.topic
    )
    distance = facts.get("distance_km")
    return {
        "languages": languages,
        "distance_km": round(float(distance), 1) if distance is not None else None,
        "slots": slots,
        "waiting_days": int(facts.get("waiting_days", request_row.waiting_days)),
        # Only when the volunteer helps with the request's topic (the engine requires it).
        "topic": topic if topic in volunteer_row.topics else "",
        # The pairing relies on the interpreter: no language shared with the newcomer.
        "interpreter": bool(
            request_row.interpreter_id and not set(languages) & set(request_row.languages)
        ),
        "load": int(facts.get("volunteer_load", volunteer_row.load)),
    }


# --- runs ------------------------------------------------------------------------------------


def _set_progress(run_id: int, progress: int, stage: str) -> None:
    MatchingRun.objects.filter(pk=run_id, status=MatchingRunStatus.RUNNING).update(
        progress=max(0, min(progress, 100)), stage=stage, updated_at=timezone.now()
    )


def _queue_run(*, actor: Any | None, district: District) -> MatchingRun:
    """Queue a run for the district unless one is queued or running (then return that one)."""
    with transaction.atomic():
        # One start at a time per district: the district row is the lock.
        District.objects.select_for_update().filter(pk=district.pk).first()
        stale_before = timezone.now() - STALE_RUN_AFTER
        MatchingRun.objects.filter(
            district=district, status__in=ACTIVE_RUN_STATES, updated_at__lt=stale_before
        ).update(
            status=MatchingRunStatus.FAILED,
            stage=STAGE_FAILED,
            error="Abandoned: no progress for 30 minutes.",
            finished_at=timezone.now(),
            updated_at=timezone.now(),
        )
        existing = (
            MatchingRun.objects.filter(district=district, status__in=ACTIVE_RUN_STATES)
            .order_by("-created_at", "-pk")
            .first()
        )
        if existing is not None:
            return existing
        run = MatchingRun.objects.create(
            district=district,
            started_by=actor if getattr(actor, "is_authenticated", False) else None,
            stage=STAGE_QUEUED,
        )
        audit_record(actor=actor, action="engagement.matching_run.started", obj=run)
        run_id = run.pk

        def enqueue() -> None:
            from ..tasks import matching_run_task

            matching_run_task.enqueue(run_id=run_id)

        transaction.on_commit(enqueue)
    return run


def matching_run_start(*, actor: Any, district: District) -> MatchingRun:
    """Queue a matching run for a district (coordinators of the district only).

    While a run of the district is queued or running, that run is returned instead of a second
    one. Raises PermissionDenied for anyone but the district's coordinators. Side effects: a
    MatchingRun row, an audit event, the run task enqueued on commit.
    """
    if not actor.has_perm("engagement.run_matching", district):
        raise PermissionDenied
    return _queue_run(actor=actor, district=district)


def matching_run_execute(*, run_id: int) -> MatchingRun | None:
    """Execute a queued run: load, solve, store the pairs as suggested proposals.

    Idempotent: only a queued run is executed, and it is moved to running by a conditional
    UPDATE first, so two workers never run it both. Progress and stage are written to the run
    as it goes. A failure marks the run failed with the error (it never stays running). The
    starter, if any, is notified. Returns the run, or None when there was nothing to execute.
    """
    claimed = MatchingRun.objects.filter(pk=run_id, status=MatchingRunStatus.QUEUED).update(
        status=MatchingRunStatus.RUNNING,
        progress=0,
        stage=STAGE_LOADING,
        error="",
        updated_at=timezone.now(),
    )
    if not claimed:
        return None
    run = MatchingRun.objects.select_related("district", "started_by").get(pk=run_id)
    started = time.monotonic()
    try:
        _execute(run, started)
    except Exception as error:
        logger.exception("Matching run %s failed", run_id)
        message = f"{type(error).__name__}: {error}"[:2000]
        MatchingRun.objects.filter(pk=run_id).update(
            status=MatchingRunStatus.FAILED,
            stage=STAGE_FAILED,
            error=message,
            seconds=time.monotonic() - started,
            finished_at=timezone.now(),
            updated_at=timezone.now(),
        )
        run.refresh_from_db()
        if run.started_by is not None:
            notify(
                user=run.started_by,
                kind="engagement.matching.failed",
                template="engagement/notifications/matching_run_failed",
                context={"district": run.district.name},
                url=reverse("engagement:matching_run_detail", kwargs={"pk": run.pk}),
            )
        return run
    run.refresh_from_db()
    return run


_ENGINE_STAGES = {"candidates": STAGE_CANDIDATES, "solving": STAGE_SOLVING}


def _progress_reporter(run_id: int, low: int, high: int) -> Callable[[float, str], None]:
    """A callback for the engine: writes its progress, scaled between `low` and `high` percent,
    at most every 0.2 seconds (and whenever the stage changes)."""
    last: dict[str, Any] = {"percent": -1, "stage": "", "at": 0.0}

    def report(fraction: float, stage: str = "") -> None:
        percent = low + int((high - low) * max(0.0, min(float(fraction), 1.0)))
        ours = _ENGINE_STAGES.get(stage, last["stage"] or STAGE_CANDIDATES)
        moment = time.monotonic()
        if ours == last["stage"] and (percent == last["percent"] or moment - last["at"] < 0.2):
            return
        last.update(percent=percent, stage=ours, at=moment)
        _set_progress(run_id, percent, ours)

    return report


def _execute(run: MatchingRun, started: float) -> None:
    from ..matching import explain_pair, solve

    _set_progress(run.pk, 2, STAGE_LOADING)
    problem, request_rows, volunteer_rows = load_problem(district=run.district)
    MatchingRun.objects.filter(pk=run.pk).update(
        requests_count=len(request_rows), volunteers_count=len(volunteer_rows)
    )
    _set_progress(run.pk, 10, STAGE_CANDIDATES)
    assignment = solve(problem, progress=_progress_reporter(run.pk, 10, 90))
    _set_progress(run.pk, 92, STAGE_STORING)
    pairs = []
    for req_idx, vol_idx, score, pair_score in zip(
        assignment.req_idx.tolist(),
        assignment.vol_idx.tolist(),
        assignment.base_score.tolist(),
        assignment.pair_score.tolist(),
        strict=True,
    ):
        request_row, volunteer_row = request_rows[req_idx], volunteer_rows[vol_idx]
        reasons = _reasons(
            explain_pair(problem, assignment, req_idx, vol_idx), request_row, volunteer_row
        )
        pairs.append((request_row.pk, volunteer_row.pk, float(score), float(pair_score), reasons))

    with transaction.atomic():
        created, total = _store_suggestions(run, pairs)
        MatchingRun.objects.filter(pk=run.pk).update(
            status=MatchingRunStatus.DONE,
            progress=100,
            stage=STAGE_DONE,
            edges_count=assignment.edges,
            proposals_count=len(created),
            total_score=round(total, 4),
            seconds=time.monotonic() - started,
            finished_at=timezone.now(),
            updated_at=timezone.now(),
        )
        audit_record(
            actor=run.started_by,
            action="engagement.matching_run.done",
            obj=run,
            changed_fields=["status", "proposals_count"],
        )
        if run.started_by is not None:
            notify(
                user=run.started_by,
                kind="engagement.matching.done",
                template="engagement/notifications/matching_run_done",
                context={"count": len(created), "district": run.district.name},
                url=reverse("engagement:matching_run_detail", kwargs={"pk": run.pk}),
            )


def _capacity_left(volunteer_ids: Iterable[int]) -> dict[int, int]:
    """Lock the volunteers and return their capacity left, counted afresh."""
    ids = sorted(set(volunteer_ids))
    list(
        VolunteerProfile.objects.select_for_update().filter(pk__in=ids).order_by("pk").values("pk")
    )
    return dict(volunteers_with_load().filter(pk__in=ids).values_list("pk", "capacity_left"))


def _valid_requests(request_ids: Iterable[int], states: Iterable[str]) -> set[int]:
    """Lock the requests and return those still waiting, without a live proposal."""
    ids = sorted(set(request_ids))
    return set(
        HelpRequest.objects.select_for_update()
        .filter(pk__in=ids, status__in=list(states), anonymised_at__isnull=True)
        .filter(~Exists(_live_proposals()))
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def _store_suggestions(
    run: MatchingRun, pairs: list[tuple[int, int, float, float, dict[str, Any]]]
) -> tuple[list[Proposal], float]:
    """Store the pairs still valid as suggested proposals (inside the caller's transaction).

    Each request must still be open without a live proposal, and each volunteer must still
    have capacity (both are locked and counted afresh: a coordinator may have acted while the
    engine ran). Returns the proposals and the sum of their pair scores.
    """
    if not pairs:
        return [], 0.0
    valid_requests = _valid_requests((pair[0] for pair in pairs), (RequestStatus.OPEN,))
    capacity = _capacity_left(pair[1] for pair in pairs)
    taken = set(
        Proposal.objects.filter(
            request_id__in=valid_requests, volunteer_id__in=list(capacity)
        ).values_list("request_id", "volunteer_id")
    )
    proposals: list[Proposal] = []
    used_requests: set[int] = set()
    total = 0.0
    for request_id, volunteer_id, score, pair_score, reasons in sorted(
        pairs, key=lambda pair: -pair[2]
    ):
        if request_id not in valid_requests or request_id in used_requests:
            continue
        if capacity.get(volunteer_id, 0) <= 0 or (request_id, volunteer_id) in taken:
            continue
        capacity[volunteer_id] -= 1
        used_requests.add(request_id)
        total += pair_score
        proposals.append(
            Proposal(
                request_id=request_id,
                volunteer_id=volunteer_id,
                run=run,
                origin=ProposalOrigin.ENGINE,
                status=ProposalStatus.SUGGESTED,
                score=round(score, 2),
                reasons=reasons,
            )
        )
    created = Proposal.objects.bulk_create(proposals)
    if used_requests:
        HelpRequest.objects.filter(pk__in=used_requests).update(
            status=RequestStatus.PROPOSED, updated_at=timezone.now()
        )
    return created, total


def matching_nightly(*, now: datetime.datetime | None = None) -> list[MatchingRun]:
    """Queue a run for every district with open requests and a coordinator, unless a run of
    the district was started today. Idempotent. Returns the runs queued."""
    from lotse.accounts.models import RoleAssignment

    now = now or timezone.now()
    today = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    districts = (
        District.objects.filter(
            pk__in=HelpRequest.objects.filter(
                status=RequestStatus.OPEN, anonymised_at__isnull=True
            ).values("district_id")
        )
        .filter(
            pk__in=RoleAssignment.objects.filter(
                role=Role.COORDINATOR, district__isnull=False
            ).values("district_id")
        )
        .exclude(pk__in=MatchingRun.objects.filter(created_at__gte=today).values("district_id"))
        .order_by("pk")
    )
    return [_queue_run(actor=None, district=district) for district in districts]


# --- next best -------------------------------------------------------------------------------


def propose_next_best(*, request: Any, actor: Any | None = None) -> Proposal | None:
    """Propose the next best volunteer for one request after a decline or lapse.

    Runs the engine on this one request (volunteers who already had a proposal for it are
    never chosen again). Found: a proposal (origin next best) is sent to the volunteer
    directly (status proposed, answer due in `LOTSE_PROPOSAL_RESPONSE_DAYS` days), the
    volunteer is notified, the request is marked proposed. Not found: the request is open
    again and the district's coordinators are told. A request that is closed, matched or has a
    live proposal is left alone.

    Returns the new Proposal (status proposed, volunteer notified) or None when nobody fits.
    """
    from ..matching import explain_pair, solve
    from .proposals import notify_volunteer_of_proposal

    problem, request_rows, volunteer_rows = load_problem(
        district=request.district, request_ids=[request.pk]
    )
    if not request_rows:
        return None
    pair: tuple[int, float, dict[str, Any]] | None = None
    if volunteer_rows:
        assignment = solve(problem)
        if assignment.matched:
            vol_idx = int(assignment.vol_idx[0])
            reasons = _reasons(
                explain_pair(problem, assignment, 0, vol_idx),
                request_rows[0],
                volunteer_rows[vol_idx],
            )
            pair = (volunteer_rows[vol_idx].pk, float(assignment.base_score[0]), reasons)

    states = (RequestStatus.OPEN, RequestStatus.PROPOSED)
    with transaction.atomic():
        if not _valid_requests([request.pk], states):
            return None
        if pair is not None and _capacity_left([pair[0]]).get(pair[0], 0) <= 0:
            pair = None
        now = timezone.now()
        if pair is None:
            HelpRequest.objects.filter(pk=request.pk).update(
                status=RequestStatus.OPEN, updated_at=now
            )
            request.status = RequestStatus.OPEN
            url = reverse("engagement:request_detail", kwargs={"pk": request.pk})
            for coordinator in district_coordinators(district_id=request.district_id):
                notify(
                    user=coordinator,
                    kind="engagement.request.no_volunteer",
                    template="engagement/notifications/no_further_volunteer",
                    context={"request_id": request.pk},
                    url=url,
                )
            return None
        volunteer_id, score, reasons = pair
        days = getattr(settings, "LOTSE_PROPOSAL_RESPONSE_DAYS", 7)
        proposal = Proposal.objects.create(
            request_id=request.pk,
            volunteer_id=volunteer_id,
            origin=ProposalOrigin.NEXT_BEST,
            status=ProposalStatus.PROPOSED,
            score=round(score, 2),
            reasons=reasons,
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
            proposed_at=now,
            respond_by=now + datetime.timedelta(days=days),
        )
        HelpRequest.objects.filter(pk=request.pk).update(
            status=RequestStatus.PROPOSED, updated_at=now
        )
        request.status = RequestStatus.PROPOSED
        volunteer = VolunteerProfile.objects.select_related("user").get(pk=volunteer_id)
        audit_record(
            actor=actor,
            action="engagement.proposal.created",
            obj=proposal,
            subject=volunteer.user,
            changed_fields=["status", "origin"],
        )
        proposal.volunteer = volunteer
        proposal.request = request
        notify_volunteer_of_proposal(proposal)
    return proposal


__all__ = [
    "STAGE_LABELS",
    "RequestRow",
    "VolunteerRow",
    "load_problem",
    "matching_nightly",
    "matching_run_execute",
    "matching_run_start",
    "propose_next_best",
    "stage_label",
    "volunteers_with_load",
]
