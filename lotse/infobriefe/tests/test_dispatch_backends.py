"""The dispatch through both task engines: django-tasks-db (the embedded worker) and RQ +
Redis (scale-out), each with a real worker run in this process and a real SMTP server."""

from __future__ import annotations

import datetime
import os
import signal
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.utils import timezone

from lotse.accounts.roles import Role
from lotse.accounts.tests.factories import RoleAssignmentFactory, UserFactory
from lotse.core.tests.concurrency import transactional
from lotse.infobriefe.choices import DeliveryState, InfobriefStatus
from lotse.infobriefe.models import Delivery, Infobrief
from lotse.infobriefe.services.dispatch import infobrief_send_test
from lotse.infobriefe.tasks import prepare_dispatch_task
from lotse.infobriefe.tests.conftest import prefix_of_test_mail
from lotse.infobriefe.tests.factories import (
    InfobriefFactory,
    InfobriefVersionFactory,
    SubscriptionFactory,
)
from lotse.regions.models import State

QUEUES = ["default", "mail", "infobriefe"]


@contextmanager
def own_signal_handlers() -> Iterator[None]:
    """Workers install their own SIGINT/SIGTERM handlers; give pytest its own back."""
    saved = {number: signal.getsignal(number) for number in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for number, handler in saved.items():
            signal.signal(number, handler)


def due_infobrief(recipients: int) -> tuple[Infobrief, list]:
    infobrief = InfobriefFactory(
        status=InfobriefStatus.SCHEDULED,
        scheduled_at=timezone.now() - datetime.timedelta(seconds=1),
    )
    InfobriefVersionFactory(infobrief=infobrief, language="de")
    InfobriefVersionFactory(infobrief=infobrief, language="en", subject="News")
    subscriptions = [
        SubscriptionFactory(language=("de", "en", "uk")[index % 3]) for index in range(recipients)
    ]
    return infobrief, subscriptions


def assert_sent_exactly_once(smtp_sink, infobrief: Infobrief, subscriptions: list) -> None:
    infobrief.refresh_from_db()
    assert infobrief.status == InfobriefStatus.SENT
    ids = {
        delivery.subscription_id: f"<infobrief-{infobrief.pk}-{delivery.pk}@lotse.example>"
        for delivery in Delivery.objects.filter(infobrief=infobrief, state=DeliveryState.SENT)
    }
    assert smtp_sink.by_recipient() == {s.email: [ids[s.pk]] for s in subscriptions}


@transactional
def test_the_database_worker_prepares_and_sends(smtp_sink, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": QUEUES}}
    settings.LOTSE_INFOBRIEF_BATCH_SIZE = 7
    infobrief, subscriptions = due_infobrief(25)
    prepare_dispatch_task.enqueue(infobrief_id=infobrief.pk)
    with own_signal_handlers():
        call_command(
            "db_worker",
            "--batch",
            "--queue-name",
            "infobriefe",
            "--interval",
            "0",
            "--no-startup-delay",
            "--no-reload",
            verbosity=0,
        )
    assert_sent_exactly_once(smtp_sink, infobrief, subscriptions)
    # Prepare + the senders it started; every task succeeded.
    from django_tasks_db.models import DBTaskResult

    statuses = list(DBTaskResult.objects.values_list("task_path", "status"))
    assert ("lotse.infobriefe.tasks.prepare_dispatch_task", "SUCCESSFUL") in statuses
    assert {status for _path, status in statuses} == {"SUCCESSFUL"}


@transactional
def test_the_database_worker_sends_the_test_mail(smtp_sink, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": QUEUES}}
    editor = UserFactory()
    RoleAssignmentFactory(user=editor, role=Role.STATE_EDITOR, state=State.objects.get(code="BY"))
    infobrief = InfobriefFactory()
    InfobriefVersionFactory(infobrief=infobrief, language="de", subject="Neu")
    infobrief_send_test(actor=editor, infobrief=infobrief)
    with own_signal_handlers():
        call_command(
            "db_worker",
            "--batch",
            "--queue-name",
            "mail",
            "--interval",
            "0",
            "--no-startup-delay",
            "--no-reload",
            verbosity=0,
        )
    (mail,) = smtp_sink.to(editor.email)
    assert mail.message["Subject"] == f"{prefix_of_test_mail('de')} Neu"
    assert not Delivery.objects.exists()


def redis_reachable() -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(django_settings.REDIS_URL, socket_timeout=2).ping())
    except redis.RedisError:
        return False


@transactional
def test_an_rq_worker_prepares_and_sends(smtp_sink, settings):
    if not redis_reachable():
        if os.environ.get("LOTSE_REQUIRE_BROWSER"):  # set in CI: Redis must run there
            pytest.fail(f"Redis is not reachable at {django_settings.REDIS_URL}")
        pytest.skip("Redis is not reachable (REDIS_URL)")
    import django_rq
    from django_tasks_rq.backend import Job
    from rq.worker import SimpleWorker

    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": QUEUES}}
    settings.LOTSE_INFOBRIEF_BATCH_SIZE = 7
    infobrief, subscriptions = due_infobrief(25)
    prepare_dispatch_task.enqueue(infobrief_id=infobrief.pk)
    queue = django_rq.get_queue("infobriefe", job_class=Job)
    assert queue.count >= 1
    worker = SimpleWorker([queue], connection=queue.connection, job_class=Job)
    with own_signal_handlers():
        worker.work(burst=True, with_scheduler=False)
    assert_sent_exactly_once(smtp_sink, infobrief, subscriptions)
