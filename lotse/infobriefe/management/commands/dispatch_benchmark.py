"""`manage.py dispatch_benchmark`: an Infobrief to N subscribers, end to end, through real
worker processes to a real SMTP server.

    manage.py dispatch_benchmark --recipients 100000 [--languages de,en,uk] [--workers 1]
        [--engine database|rq] [--kill-worker-after K] [--raw-sample 20000] [--json] [--force]

1. Creates N confirmed subscribers (Bavaria, whole Land; languages in turn) and one Infobrief
   with a text in each language (bulk inserts; not timed).
2. Starts an aiosmtpd sink in a process of its own (`lotse.infobriefe.benchmark_sink`), which
   counts messages, distinct Message-IDs and the distinct Message-IDs per recipient.
3. Measures raw `smtplib` throughput to that sink: one connection, the same message (same
   size) `--raw-sample` times (default: N, at most 20,000).
4. Starts `--workers` worker processes (`manage.py db_worker --queue-name infobriefe`, or
   `manage.py rqworker infobriefe` with `--engine rq`), schedules the Infobrief and enqueues
   its preparation as the editor's "send now" does. The clock runs from that moment until the
   Infobrief is SENT. Meanwhile this process plays the periodic scheduler: it runs
   `dispatch_due()` every `--recovery-interval` seconds (production: every minute).
   `--kill-worker-after K` kills one worker with SIGKILL once K messages have arrived and
   starts a new one (the crash test).
5. Prints the figures (`--json`: one JSON object):

    {"recipients", "mails_per_s", "raw_mails_per_s", "wall_s", "peak_rss_mb",
     "delivered_unique", "duplicates", "ratio", "engine", "database", "workers",
     "worker_peak_rss_mb", "command_peak_rss_mb", "sink_peak_rss_mb", "kills", "states", …}

`peak_rss_mb` is the maximum over this command and its workers (VmHWM of each worker, read
just before it is stopped or killed). `duplicates` = messages − distinct Message-IDs at the sink.

It writes N subscribers into the configured database and leaves them there: run it against a
database of its own (`bench/run.py` does). It refuses a database that holds subscribers,
Infobriefe or accounts unless `--force`.
"""

from __future__ import annotations

import email.policy
import json
import multiprocessing
import os
import resource
import signal
import smtplib
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from django.db.models import Count
from django.test.utils import override_settings
from django.utils import timezone

from lotse.infobriefe import benchmark_sink
from lotse.infobriefe.choices import (
    AudienceLevel,
    InfobriefStatus,
    SubscriptionSource,
    SubscriptionStatus,
)
from lotse.infobriefe.mailing import build_message
from lotse.infobriefe.models import Delivery, Infobrief, InfobriefVersion, Subscription
from lotse.infobriefe.services.dispatch import dispatch_due
from lotse.infobriefe.tasks import prepare_dispatch_task
from lotse.infobriefe.tokens import new_key
from lotse.regions.models import State

QUEUES = ["default", "mail", "infobriefe"]
ENGINES = {
    "database": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": QUEUES},
    "rq": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": QUEUES},
}
INSERT_CHUNK = 5000
DOMAIN = "bench.example"

# A realistic Infobrief (about 4 KB of Markdown per language).
_TEXTS = {
    "de": (
        "Infobrief 11/2026: Neues aus Asyl und Integration",
        "Liebe Ehrenamtliche,\n\nvielen Dank für Ihr Engagement! In diesem Infobrief finden "
        "Sie die wichtigsten Neuigkeiten aus dem Bereich Asyl und Integration.\n\n",
        "## {n}. Schulungen für Ehrenamtliche im Herbst\n\nDie Schulungen für "
        "Migrantenorganisationen gehen weiter. Themen sind unter anderem **Projektanträge**, "
        "**Vereinsrecht** und **Öffentlichkeitsarbeit**. Die Termine finden Sie im "
        "[Veranstaltungskalender](https://www.example.org/termine).\n\n- Anmeldung bis zum "
        "15. des Monats\n- Teilnahme kostenlos\n- Fahrtkosten werden erstattet\n\n",
    ),
    "en": (
        "Infobrief 11/2026: News on asylum and integration",
        "Dear volunteers,\n\nthank you for your commitment! This Infobrief brings you the most "
        "important news on asylum and integration.\n\n",
        "## {n}. Training for volunteers this autumn\n\nThe training courses for migrant "
        "organisations continue. Topics include **project applications**, **association "
        "law** and **public relations**. You find the dates in the "
        "[calendar of events](https://www.example.org/events).\n\n- Register by the 15th of "
        "the month\n- Free of charge\n- Travel costs are refunded\n\n",
    ),
    "uk": (
        "Інфолист 11/2026: Новини про притулок та інтеграцію",
        "Шановні волонтери,\n\nдякуємо за вашу роботу! У цьому інфолисті ви знайдете "
        "найважливіші новини про притулок та інтеграцію.\n\n",
        "## {n}. Навчання для волонтерів восени\n\nНавчання для організацій мігрантів "
        "продовжується. Теми: **проєктні заявки**, **право об'єднань** та **зв'язки з "
        "громадськістю**. Дати ви знайдете в "
        "[календарі подій](https://www.example.org/podii).\n\n- Реєстрація до 15 числа\n"
        "- Участь безкоштовна\n- Витрати на проїзд відшкодовуються\n\n",
    ),
}


def _text(language: str) -> tuple[str, str]:
    subject, opening, section = _TEXTS.get(language, _TEXTS["en"])
    body = opening + "".join(section.format(n=n) for n in range(1, 8))
    return subject, body + "Mit freundlichen Grüßen / Kind regards\n\nIhre Redaktion\n"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _die_with_parent() -> None:
    """Linux: a worker gets SIGKILL when the benchmark process dies (no orphans)."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def _exit_on_sigterm(signum: int, frame: Any) -> None:
    raise SystemExit(128 + signum)  # runs the `finally` blocks: workers and sink are stopped


def _peak_rss_of(pid: int) -> float | None:
    """VmHWM of a running process in MB (Linux), None if unknown."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    except (OSError, ValueError):
        return None
    return None


class Sink:
    """The sink process and the pipe to it."""

    def __init__(self) -> None:
        self.port = _free_port()
        context = multiprocessing.get_context("spawn")
        self.pipe, child = context.Pipe()
        self.process = context.Process(
            target=benchmark_sink.serve, args=(self.port, child), daemon=True
        )
        self.process.start()
        if not self.pipe.poll(30) or self.pipe.recv() != "ready":
            raise CommandError("The SMTP sink did not start.")

    def ask(self, command: str) -> Any:
        self.pipe.send(command)
        return self.pipe.recv()

    def stop(self) -> dict[str, Any]:
        stats: dict[str, Any] = self.ask("stop")
        self.process.join(10)
        return stats


class Workers:
    """Worker processes of the chosen task engine."""

    def __init__(self, *, engine: str, environment: dict[str, str]) -> None:
        self.engine = engine
        self.environment = environment
        self.processes: list[subprocess.Popen[bytes]] = []
        self.logs: dict[int, Any] = {}
        self.peak_rss_mb: list[float] = []

    def command(self) -> list[str]:
        manage = str(Path(settings.BASE_DIR) / "manage.py")
        if self.engine == "rq":
            return [
                sys.executable,
                manage,
                "rqworker",
                "infobriefe",
                "--job-class",
                "django_tasks_rq.backend.Job",
                "--worker-class",
                "rq.worker.SimpleWorker",
            ]
        return [
            sys.executable,
            manage,
            "db_worker",
            "--queue-name",
            "infobriefe",
            "--interval",
            "0.05",
            "--no-startup-delay",
            "--no-reload",
            "-v0",
        ]

    def start(self) -> None:
        log = tempfile.TemporaryFile()  # noqa: SIM115 - closed in stop_all
        process = subprocess.Popen(  # noqa: S603 - our own interpreter and manage.py
            self.command(),
            cwd=settings.BASE_DIR,
            env=self.environment,
            stdout=subprocess.DEVNULL,
            stderr=log,
            preexec_fn=_die_with_parent if sys.platform == "linux" else None,
        )
        self.logs[process.pid] = log
        self.processes.append(process)

    def kill_one(self) -> None:
        process = self.processes.pop(0)
        self._remember_peak(process)
        process.send_signal(signal.SIGKILL)
        process.wait()

    def _remember_peak(self, process: subprocess.Popen[bytes]) -> None:
        peak = _peak_rss_of(process.pid)
        if peak is not None:
            self.peak_rss_mb.append(peak)

    def check_alive(self) -> None:
        for process in self.processes:
            if process.poll() is not None:
                log = self.logs[process.pid]
                log.seek(0)
                error = log.read().decode(errors="replace")
                raise CommandError(f"A worker died ({process.returncode}):\n{error[-3000:]}")

    def stop_all(self) -> None:
        for process in self.processes:
            self._remember_peak(process)
            process.send_signal(signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        self.processes.clear()
        for log in self.logs.values():
            log.close()
        self.logs.clear()


class Command(BaseCommand):
    help = "Send an Infobrief to N subscribers through real workers to a local SMTP sink."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--recipients", type=int, default=100_000, help="N (100000)")
        parser.add_argument("--languages", default="de,en,uk", help="de,en,uk")
        parser.add_argument("--workers", type=int, default=1, help="worker processes (1)")
        parser.add_argument("--engine", choices=sorted(ENGINES), default="database")
        parser.add_argument(
            "--kill-worker-after",
            type=int,
            default=0,
            help="kill a worker (SIGKILL) once this many mails arrived, then start a new one",
        )
        parser.add_argument(
            "--raw-sample",
            type=int,
            default=None,
            help="messages for the raw smtplib measurement (default: N, at most 20000)",
        )
        parser.add_argument(
            "--recovery-interval",
            type=float,
            default=1.0,
            help="seconds between two dispatch_due() runs (the periodic job; default 1)",
        )
        parser.add_argument("--timeout", type=float, default=3600.0, help="seconds (3600)")
        parser.add_argument("--json", action="store_true", help="print one JSON object")
        parser.add_argument(
            "--force", action="store_true", help="run even if the database holds other data"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        recipients = options["recipients"]
        languages = [code.strip() for code in options["languages"].split(",") if code.strip()]
        known = {code for code, _name in settings.LANGUAGES}
        if recipients < 1:
            raise CommandError("--recipients must be at least 1")
        if options["workers"] < 1:
            raise CommandError("--workers must be at least 1")
        if not languages or set(languages) - known:
            raise CommandError(f"--languages: choose from {', '.join(sorted(known))}")
        if not options["force"] and (
            Subscription.objects.exists()
            or Infobrief.objects.exists()
            or get_user_model().objects.exists()
        ):
            raise CommandError(
                "The database holds data. The benchmark writes N subscribers and leaves them: "
                "run it against a database of its own (or pass --force)."
            )
        previous = signal.signal(signal.SIGTERM, _exit_on_sigterm)
        try:
            with override_settings(TASKS={"default": ENGINES[options["engine"]]}):
                figures = self.run(recipients=recipients, languages=languages, options=options)
        finally:
            signal.signal(signal.SIGTERM, previous)
        if options["json"]:
            self.stdout.write(json.dumps(figures))
            return
        self.stdout.write(
            f"{figures['database']}, {figures['engine']}, {figures['workers']} worker(s): "
            f"{figures['delivered_unique']:,} of {recipients:,} mails in {figures['wall_s']} s "
            f"= {figures['mails_per_s']} mails/s; raw smtplib {figures['raw_mails_per_s']} "
            f"mails/s (ratio {figures['ratio']}); peak RSS {figures['peak_rss_mb']} MB; "
            f"duplicates {figures['duplicates']}, kills {figures['kills']}"
        )

    # -- phases ----------------------------------------------------------------------------

    def run(
        self, *, recipients: int, languages: list[str], options: dict[str, Any]
    ) -> dict[str, Any]:
        setup_started = time.monotonic()
        infobrief = self.create_data(recipients, languages)
        setup_s = time.monotonic() - setup_started
        sink = Sink()
        workers: Workers | None = None
        try:
            sample = options["raw_sample"] or min(recipients, 20_000)
            raw, message_bytes = self.raw_throughput(sink, infobrief, sample)
            sink.ask("reset")
            environment = {
                **os.environ,
                "TASK_BACKEND": options["engine"],
                "EMAIL_URL": f"smtp://127.0.0.1:{sink.port}",
                "DEBUG": "false",
                "LOG_LEVEL": os.environ.get("LOG_LEVEL", "WARNING"),
            }
            workers = Workers(engine=options["engine"], environment=environment)
            for _index in range(options["workers"]):
                workers.start()
            time.sleep(2.0)  # let the workers import Django before the clock starts
            workers.check_alive()
            wall_s, kills, killed_at = self.dispatch(sink, workers, infobrief, options)
            workers.stop_all()
            stats = sink.ask("stats")
            received = set(sink.ask("recipients"))
        finally:
            if workers is not None:
                workers.stop_all()
            final = sink.stop()
        expected = {f"leser{index}@{DOMAIN}" for index in range(recipients)}
        states = dict(
            Delivery.objects.filter(infobrief=infobrief)
            .values_list("state")
            .annotate(count=Count("id"))
            .order_by("state")
        )
        command_peak = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
        worker_peak = max(workers.peak_rss_mb, default=0.0) if workers else 0.0
        delivered = stats["unique_message_ids"]
        mails_per_s = round(delivered / wall_s, 1) if wall_s else 0.0
        return {
            "recipients": recipients,
            "mails_per_s": mails_per_s,
            "raw_mails_per_s": raw,
            "wall_s": round(wall_s, 2),
            "peak_rss_mb": max(command_peak, worker_peak),
            "delivered_unique": delivered,
            "duplicates": stats["duplicates"],
            "ratio": round(mails_per_s / raw, 3) if raw else None,
            "engine": options["engine"],
            "database": connection.vendor,
            "workers": options["workers"],
            "languages": languages,
            "batch_size": settings.LOTSE_INFOBRIEF_BATCH_SIZE,
            "lease_seconds": settings.LOTSE_INFOBRIEF_LEASE_SECONDS,
            "worker_peak_rss_mb": worker_peak,
            "command_peak_rss_mb": command_peak,
            "sink_peak_rss_mb": final["peak_rss_mb"],
            "kills": kills,
            "killed_after_messages": killed_at,
            "messages_at_sink": stats["messages"],
            "recipients_without_mail": len(expected - received),
            "recipients_with_several_ids": stats["recipients_with_several_ids"],
            "states": states,
            "message_bytes": message_bytes,
            "raw_sample": options["raw_sample"] or min(recipients, 20_000),
            "setup_s": round(setup_s, 2),
        }

    def create_data(self, recipients: int, languages: list[str]) -> Infobrief:
        bavaria = State.objects.get(code="BY")
        now = timezone.now()
        for start in range(0, recipients, INSERT_CHUNK):
            Subscription.objects.bulk_create(
                [
                    Subscription(
                        email=f"leser{index}@{DOMAIN}",
                        language=languages[index % len(languages)],
                        state=bavaria,
                        whole_state=True,
                        topics_mask=0,
                        status=SubscriptionStatus.ACTIVE,
                        source=SubscriptionSource.FORM,
                        confirmed_at=now,
                        key=new_key(),
                    )
                    for index in range(start, min(start + INSERT_CHUNK, recipients))
                ]
            )
        infobrief = Infobrief.objects.create(
            state=bavaria,
            sender_name="Redaktion Integration Bayern",
            level=AudienceLevel.STATE,
            status=InfobriefStatus.DRAFT,
        )
        for language in languages:
            subject, body = _text(language)
            InfobriefVersion.objects.create(
                infobrief=infobrief, language=language, subject=subject, body=body
            )
        return infobrief

    def raw_throughput(self, sink: Sink, infobrief: Infobrief, sample: int) -> tuple[float, int]:
        """Mails per second of a plain smtplib loop (one connection) with a real message."""
        subscription = Subscription.objects.order_by("pk").first()
        assert subscription is not None
        version = (
            InfobriefVersion.objects.filter(
                infobrief=infobrief, language=subscription.language
            ).first()
            or InfobriefVersion.objects.filter(infobrief=infobrief).first()
        )
        assert version is not None
        message = build_message(
            infobrief=infobrief,
            version=version,
            subscription=subscription,
            to=subscription.email,
            delivery_id=0,
        )
        data = message.message(policy=email.policy.SMTP).as_bytes()
        client = smtplib.SMTP("127.0.0.1", sink.port, timeout=30)
        try:
            started = time.perf_counter()
            for index in range(sample):
                client.sendmail(f"noreply@{DOMAIN}", [f"raw{index}@{DOMAIN}"], data)
            seconds = time.perf_counter() - started
        finally:
            client.quit()
        return round(sample / seconds, 1), len(data)

    def dispatch(
        self, sink: Sink, workers: Workers, infobrief: Infobrief, options: dict[str, Any]
    ) -> tuple[float, int, int | None]:
        """Send the Infobrief as "send now" does; return (wall seconds, kills, killed at)."""
        kill_after = options["kill_worker_after"]
        deadline = time.monotonic() + options["timeout"]
        kills = 0
        killed_at: int | None = None
        Infobrief.objects.filter(pk=infobrief.pk).update(
            status=InfobriefStatus.SCHEDULED, scheduled_at=timezone.now()
        )
        started = time.monotonic()
        prepare_dispatch_task.enqueue(infobrief_id=infobrief.pk)
        last_due = started
        while True:
            now = time.monotonic()
            if now > deadline:
                raise CommandError(f"The dispatch did not finish in {options['timeout']} s.")
            if kill_after and not kills:
                arrived = sink.ask("stats")["messages"]
                if arrived >= kill_after:
                    workers.kill_one()
                    kills += 1
                    killed_at = arrived
                    workers.start()
            workers.check_alive()
            if now - last_due >= options["recovery_interval"]:
                dispatch_due()
                last_due = now
            status = Infobrief.objects.filter(pk=infobrief.pk).values_list("status", flat=True)
            if status.first() == InfobriefStatus.SENT:
                return time.monotonic() - started, kills, killed_at
            time.sleep(0.02 if kill_after and not kills else 0.05)
