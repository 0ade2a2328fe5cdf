"""Reads of "Ask your Lotse": volunteers' questions to their district's team, scoped to the
viewer.

- The asker sees their own questions (`questions_of_asker`).
- The team of a question are the coordinators of its district and, once it was forwarded, the
  state editors of the district's Land (`questions_for_team`). Everybody else sees nothing, so
  a detail view of somebody else's question is a 404 (never a 403).
- The queue (`question_queue`) and its header (`queue_stats`: per district the median time to
  the first answer over the last 90 days and the number waiting) read only what the viewer's
  team sees.
"""

from __future__ import annotations

import datetime
import statistics
from dataclasses import dataclass
from typing import Any

from django.db.models import (
    Count,
    DateTimeField,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from lotse.accounts.models import User
from lotse.accounts.roles import Role
from lotse.regions.models import District

from ..choices import WAITING_FOR_TEAM, MessageKind, QuestionStatus
from ..models import Message, Question
from ..permissions import coordinated_district_ids, edited_state_ids

# The queue shows the questions waiting for the team unless a status is chosen.
STATUS_WAITING = ""
STATUS_ALL = "all"
# Assignment filter of the queue.
ASSIGNED_ANYONE = ""
ASSIGNED_ME = "me"
ASSIGNED_NOBODY = "none"
ASSIGNED_CHOICES = (ASSIGNED_ANYONE, ASSIGNED_ME, ASSIGNED_NOBODY)
# The period of the queue header's median.
STATS_DAYS = 90
# Messages only the team sees.
INTERNAL_KINDS = (MessageKind.FORWARD,)


@dataclass(frozen=True)
class QueueFilters:
    """Filters of the team's queue (UI and API).

    `status` empty means "waiting for the team" (open or in progress); `STATUS_ALL` every
    status. `assigned`: "" anyone, "me", "none" (not taken).
    """

    status: str = STATUS_WAITING
    topic: str = ""
    assigned: str = ASSIGNED_ANYONE
    district_id: int | None = None


@dataclass(frozen=True)
class DistrictStats:
    """The queue header of one district."""

    district: District
    waiting: int
    answered: int  # questions first answered in the period (the median's basis)
    median: datetime.timedelta | None


# --- scopes ----------------------------------------------------------------------------------


def _team_condition(user: Any) -> Q | None:
    """The questions the user's team sees, or None when the user is in no team."""
    districts = coordinated_district_ids(user)
    states = edited_state_ids(user)
    if not districts and not states:
        return None
    conditions = []
    if districts:
        conditions.append(Q(district_id__in=districts))
    if states:
        conditions.append(Q(forwarded_at__isnull=False, district__state_id__in=states))
    condition = conditions[0]
    for other in conditions[1:]:
        condition |= other
    return condition


def is_in_a_team(*, user: Any) -> bool:
    """True for coordinators and state editors (who have a queue)."""
    return _team_condition(user) is not None


def questions_for_team(*, user: Any) -> QuerySet[Question]:
    """Every question the user answers as coordinator (their districts) or state editor
    (forwarded questions of their Länder); none for everybody else."""
    condition = _team_condition(user)
    if condition is None:
        return Question.objects.none()
    return Question.objects.filter(condition)


def questions_of_asker(*, user: Any) -> QuerySet[Question]:
    """The user's own questions (none for anonymous visitors)."""
    if not getattr(user, "is_authenticated", False):
        return Question.objects.none()
    return Question.objects.filter(asker=user)


def _last_activity() -> Coalesce:
    """The time of the newest message the asker sees, else the question's creation."""
    newest = (
        Message.objects.filter(question=OuterRef("pk"))
        .exclude(kind__in=INTERNAL_KINDS)
        .order_by("-created_at", "-pk")
        .values("created_at")[:1]
    )
    return Coalesce(Subquery(newest, output_field=DateTimeField()), F("created_at"))


def question_list_mine(*, user: Any) -> QuerySet[Question]:
    """The user's questions with `last_activity`, most recent activity first."""
    return (
        questions_of_asker(user=user)
        .select_related("district", "district__state")
        .annotate(last_activity=_last_activity())
        .order_by("-last_activity", "-pk")
    )


def question_queue(*, user: Any, filters: QueueFilters | None = None) -> QuerySet[Question]:
    """The team's queue, longest waiting first (then the newest of those not waiting).

    District, Land, asker and assignee are loaded with the rows (constant number of queries).
    """
    filters = filters or QueueFilters()
    queryset = questions_for_team(user=user)
    if filters.status == STATUS_ALL:
        pass
    elif filters.status:
        queryset = queryset.filter(status=filters.status)
    else:
        queryset = queryset.filter(status__in=WAITING_FOR_TEAM)
    if filters.topic:
        queryset = queryset.filter(topic=filters.topic)
    if filters.assigned == ASSIGNED_ME:
        queryset = queryset.filter(assignee=user)
    elif filters.assigned == ASSIGNED_NOBODY:
        queryset = queryset.filter(assignee__isnull=True)
    if filters.district_id:
        queryset = queryset.filter(district_id=filters.district_id)
    return queryset.select_related("district", "district__state", "asker", "assignee").order_by(
        F("waiting_since").asc(nulls_last=True), "-created_at", "pk"
    )


def queue_districts(*, user: Any) -> QuerySet[District]:
    """The districts the user's queue can be filtered by: the coordinated ones and those with
    questions forwarded to the user as state editor."""
    condition = _team_condition(user)
    if condition is None:
        return District.objects.none()
    ids = set(coordinated_district_ids(user))
    states = edited_state_ids(user)
    query = Q(pk__in=ids)
    if states:
        query |= Q(
            pk__in=Question.objects.filter(
                forwarded_at__isnull=False, district__state_id__in=states
            ).values("district_id")
        )
    return District.objects.filter(query).order_by("name")


def queue_stats(*, user: Any, now: datetime.datetime | None = None) -> list[DistrictStats]:
    """The queue header: per district the user's team sees, the number of questions waiting
    and the median time from asking to the first answer of the questions first answered in
    the last `STATS_DAYS` days (with how many it is based on).

    Coordinated districts are always listed; other districts (forwarded questions of a state
    editor's Land) when they have something to show. Three queries, whatever the numbers.
    """
    scope = questions_for_team(user=user)
    if not is_in_a_team(user=user):
        return []
    now = now or timezone.now()
    since = now - datetime.timedelta(days=STATS_DAYS)
    durations: dict[int, list[datetime.timedelta]] = {}
    for district_id, created_at, first_answered_at in scope.filter(
        first_answered_at__gte=since, first_answered_at__lte=now
    ).values_list("district_id", "created_at", "first_answered_at"):
        if first_answered_at is None:  # pragma: no cover - filtered above
            continue
        durations.setdefault(district_id, []).append(
            max(first_answered_at - created_at, datetime.timedelta(0))
        )
    waiting = dict(
        scope.filter(status__in=WAITING_FOR_TEAM)
        .values("district_id")
        .annotate(number=Count("pk"))
        .values_list("district_id", "number")
    )
    ids = set(coordinated_district_ids(user)) | set(durations) | set(waiting)
    result = []
    for district in District.objects.filter(pk__in=ids).order_by("name"):
        answered = durations.get(district.pk, [])
        result.append(
            DistrictStats(
                district=district,
                waiting=waiting.get(district.pk, 0),
                answered=len(answered),
                median=_median(answered),
            )
        )
    return result


def _median(values: list[datetime.timedelta]) -> datetime.timedelta | None:
    if not values:
        return None
    seconds = statistics.median(value.total_seconds() for value in values)
    return datetime.timedelta(seconds=seconds)


# --- one question ----------------------------------------------------------------------------


def _with_details(queryset: QuerySet[Question]) -> QuerySet[Question]:
    return queryset.select_related(
        "district", "district__state", "asker", "assignee", "forwarded_by"
    )


def question_get_for_asker(*, user: Any, pk: Any) -> Question:
    """One of the user's own questions; Http404 for every other."""
    return get_object_or_404(_with_details(questions_of_asker(user=user)), pk=pk)


def question_get_for_team(*, user: Any, pk: Any) -> Question:
    """One question of the user's team; Http404 for every other."""
    return get_object_or_404(_with_details(questions_for_team(user=user)), pk=pk)


def question_get_for_viewer(*, user: Any, pk: Any) -> tuple[Question, bool]:
    """A question the user may see (as asker or team) and whether they see it as team.

    A coordinator who asked a question of their own district sees it as team. Http404 for
    everybody else.
    """
    try:
        return question_get_for_team(user=user, pk=pk), True
    except Http404:
        return question_get_for_asker(user=user, pk=pk), False


def question_thread(*, question: Question, include_internal: bool) -> QuerySet[Message]:
    """The question's messages, oldest first, with their authors. Internal notes (forwarding)
    only for the team."""
    queryset = Message.objects.filter(question=question).select_related("author")
    if not include_internal:
        queryset = queryset.exclude(kind__in=INTERNAL_KINDS)
    return queryset.order_by("created_at", "pk")


def thread_prefetch(*, include_internal: bool) -> Prefetch:
    """Prefetch of the messages of many questions (the API's lists)."""
    queryset = Message.objects.select_related("author").order_by("created_at", "pk")
    if not include_internal:
        queryset = queryset.exclude(kind__in=INTERNAL_KINDS)
    return Prefetch("messages", queryset=queryset, to_attr="thread")


# --- who is told -----------------------------------------------------------------------------


def district_coordinators(*, district_id: int) -> QuerySet[User]:
    """The active coordinators of a district."""
    return (
        User.objects.filter(
            is_active=True,
            role_assignments__role=Role.COORDINATOR,
            role_assignments__district_id=district_id,
        )
        .distinct()
        .order_by("pk")
    )


def state_editors(*, state_id: int) -> QuerySet[User]:
    """The active state editors of a Land."""
    return (
        User.objects.filter(
            is_active=True,
            role_assignments__role=Role.STATE_EDITOR,
            role_assignments__state_id=state_id,
        )
        .distinct()
        .order_by("pk")
    )


def question_is_waiting(question: Question) -> bool:
    return question.status in WAITING_FOR_TEAM


def question_is_closed(question: Question) -> bool:
    return question.status == QuestionStatus.CLOSED
