"""Periodic jobs: "run this task nightly / every hour", on top of `django.tasks`.

`django.tasks` has no scheduler, so modules register their periodic tasks here (in their
`AppConfig.ready`) and `manage.py periodic` enqueues the due ones: from cron in production
(`* * * * * manage.py periodic`) or as a loop beside the worker (`manage.py periodic --loop`,
started by `make run`).

Enqueuing is exactly once per slot, whatever the number of schedulers: each job has one
`PeriodicJobRun` row and a slot key (the day for daily jobs, the interval number for the others);
a scheduler enqueues only when its conditional UPDATE moved the row to the new slot. The tasks
themselves are idempotent too, so an extra run does no harm.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    task: Any  # a django.tasks Task
    # Daily at this local hour, or every `interval_minutes`.
    hour: int | None = None
    interval_minutes: int | None = None

    def slot(self, now: datetime.datetime) -> str | None:
        """Return the slot key `now` falls into, or None if the job is not due yet today."""
        if self.interval_minutes:
            return str(int(now.timestamp()) // (self.interval_minutes * 60))
        local = timezone.localtime(now)
        if local.hour < (self.hour or 0):
            return None
        return local.date().isoformat()


_JOBS: dict[str, PeriodicJob] = {}


def register(
    name: str, task: Any, *, hour: int | None = None, interval_minutes: int | None = None
) -> None:
    """Register a periodic task (daily at `hour`, or every `interval_minutes`)."""
    if (hour is None) == (interval_minutes is None):
        raise ValueError("Give either hour or interval_minutes.")
    _JOBS[name] = PeriodicJob(name=name, task=task, hour=hour, interval_minutes=interval_minutes)


def jobs() -> list[PeriodicJob]:
    return sorted(_JOBS.values(), key=lambda job: job.name)


def enqueue_due(now: datetime.datetime | None = None) -> list[str]:
    """Enqueue every job whose current slot has not been enqueued yet; return their names."""
    from .models import PeriodicJobRun

    now = now or timezone.now()
    enqueued: list[str] = []
    for job in jobs():
        slot = job.slot(now)
        if slot is None:
            continue
        try:
            with transaction.atomic():
                PeriodicJobRun.objects.get_or_create(name=job.name)
        except IntegrityError:  # another scheduler created it at the same moment
            pass
        claimed = (
            PeriodicJobRun.objects.filter(name=job.name)
            .exclude(last_slot=slot)
            .update(last_slot=slot, last_enqueued_at=now)
        )
        if claimed:
            job.task.enqueue()
            enqueued.append(job.name)
    return enqueued
