"""Periodic jobs are enqueued once per slot, whatever the number of scheduler calls."""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from lotse.core import periodic
from lotse.core.models import PeriodicJobRun


class FakeTask:
    def __init__(self) -> None:
        self.calls = 0

    def enqueue(self) -> None:
        self.calls += 1


@pytest.fixture
def isolated_jobs(monkeypatch):
    monkeypatch.setattr(periodic, "_JOBS", {})
    return periodic


def _at(day: int, hour: int, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(2026, 11, day, hour, minute))


@pytest.mark.django_db
def test_daily_job_runs_once_per_day_after_its_hour(isolated_jobs):
    task = FakeTask()
    isolated_jobs.register("nightly", task, hour=2)
    assert isolated_jobs.enqueue_due(_at(20, 1, 59)) == []
    assert isolated_jobs.enqueue_due(_at(20, 2, 0)) == ["nightly"]
    assert isolated_jobs.enqueue_due(_at(20, 2, 1)) == []
    assert isolated_jobs.enqueue_due(_at(20, 23, 0)) == []
    assert isolated_jobs.enqueue_due(_at(21, 3, 0)) == ["nightly"]
    assert task.calls == 2
    assert PeriodicJobRun.objects.get(name="nightly").last_slot == "2026-11-21"


@pytest.mark.django_db
def test_interval_job_runs_once_per_interval(isolated_jobs):
    task = FakeTask()
    isolated_jobs.register("hourly", task, interval_minutes=60)
    for minute in (0, 10, 59):
        isolated_jobs.enqueue_due(_at(20, 5, minute))
    isolated_jobs.enqueue_due(_at(20, 6, 0))
    assert task.calls == 2


def test_register_needs_exactly_one_schedule(isolated_jobs):
    with pytest.raises(ValueError):
        isolated_jobs.register("bad", FakeTask())
    with pytest.raises(ValueError):
        isolated_jobs.register("bad", FakeTask(), hour=1, interval_minutes=5)


@pytest.mark.django_db
def test_command_enqueues_due_jobs(isolated_jobs, capsys):
    task = FakeTask()
    isolated_jobs.register("every-minute", task, interval_minutes=1)
    call_command("periodic")
    call_command("periodic")
    assert task.calls == 1
    assert "enqueued every-minute" in capsys.readouterr().out


def test_engagement_registers_its_jobs():
    names = {job.name for job in periodic.jobs()}
    assert {
        "engagement.matching_nightly",
        "engagement.proposals_lapse",
        "engagement.patenschaften_check_in",
        "engagement.help_requests_retention",
    } <= names
