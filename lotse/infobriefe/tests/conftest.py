"""Fixtures of the Infobriefe tests: a real SMTP server on loopback (`smtp_sink`), a task
backend that only records (`recorded_tasks`), and fresh migrated databases for the tests that
run real worker processes (`fresh_database_url`)."""

from __future__ import annotations

import email
import email.message
import email.policy
import logging
import os
import shutil
import socket
import subprocess
import sys
import threading
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from django.conf import settings as django_settings
from django.tasks import task_backends
from django.utils import translation
from django.utils.translation import pgettext

ROOT = Path(django_settings.BASE_DIR)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass(frozen=True)
class ReceivedMail:
    sender: str
    recipients: list[str]
    message_id: str
    message: email.message.EmailMessage
    data: bytes


class SmtpSink:
    """The handler of an aiosmtpd server: records every accepted message and can be told to
    answer an address with an SMTP error or to drop the connection at its RCPT."""

    def __init__(self) -> None:
        self.received: list[ReceivedMail] = []
        self.port = 0
        self._lock = threading.Lock()
        self._replies: dict[str, list[Any]] = {}
        self._drops: dict[str, list[Any]] = {}

    # Configuration by the test.
    def answer(self, address: str, reply: str, *, times: int | None = None) -> None:
        """Answer RCPT TO `address` with `reply` (e.g. "450 4.2.1 Try later"), `times` times
        (None: always)."""
        with self._lock:
            self._replies[address.lower()] = [reply, times]

    def drop_connection(self, address: str, *, times: int | None = 1) -> None:
        """Close the connection when `address` is given as RCPT TO (`times` times)."""
        with self._lock:
            self._drops[address.lower()] = [True, times]

    def _take(self, table: dict[str, list[Any]], address: str) -> Any:
        with self._lock:
            entry = table.get(address)
            if entry is None:
                return None
            value, times = entry
            if times is not None:
                if times <= 0:
                    return None
                entry[1] = times - 1
            return value

    # What the test reads.
    def message_ids(self) -> list[str]:
        with self._lock:
            return [mail.message_id for mail in self.received]

    def by_recipient(self) -> dict[str, list[str]]:
        """Message-IDs received per recipient address."""
        result: dict[str, list[str]] = {}
        with self._lock:
            for mail in self.received:
                for recipient in mail.recipients:
                    result.setdefault(recipient.lower(), []).append(mail.message_id)
        return result

    def to(self, address: str) -> list[ReceivedMail]:
        with self._lock:
            return [mail for mail in self.received if address.lower() in mail.recipients]

    def duplicates(self) -> int:
        counts = Counter(self.message_ids())
        return sum(count - 1 for count in counts.values())

    def clear(self) -> None:
        with self._lock:
            self.received.clear()

    # aiosmtpd hooks.
    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: list[str]
    ) -> str:
        key = address.lower()
        if self._take(self._drops, key):
            server.transport.close()
            return "421 4.3.0 Closing connection"
        reply = self._take(self._replies, key)
        if reply:
            return str(reply)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert isinstance(message, email.message.EmailMessage)
        mail = ReceivedMail(
            sender=envelope.mail_from,
            recipients=[address.lower() for address in envelope.rcpt_tos],
            message_id=str(message["Message-ID"]),
            message=message,
            data=envelope.content,
        )
        with self._lock:
            self.received.append(mail)
        return "250 OK"


@pytest.fixture
def smtp_sink(settings: Any) -> Iterator[SmtpSink]:
    """A real SMTP server on 127.0.0.1 (aiosmtpd) that the default mailer sends to."""
    # aiosmtpd logs every SMTP command at INFO.
    logging.getLogger("mail.log").setLevel(logging.WARNING)
    sink = SmtpSink()
    sink.port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=sink.port)
    controller.start()
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": sink.port, "timeout": 10},
        }
    }
    try:
        yield sink
    finally:
        controller.stop()


@pytest.fixture
def recorded_tasks(settings: Any) -> Iterator[Any]:
    """A task backend that records what is enqueued and runs nothing (`.results`)."""
    settings.TASKS = {
        "default": {
            "BACKEND": "django.tasks.backends.dummy.DummyBackend",
            "QUEUES": ["default", "mail", "infobriefe"],
        }
    }
    backend = task_backends["default"]
    backend.clear()
    yield backend
    backend.clear()


def prefix_of_test_mail(language: str) -> str:
    """ "[Test]" in `language` (a test mail speaks the language of its text)."""
    with translation.override(language):
        return pgettext("prefix of the subject of a test mail", "[Test]")


def enqueued(backend: Any, name: str) -> list[dict[str, Any]]:
    """The keyword arguments of every enqueued task called `name`."""
    return [result.kwargs for result in backend.results if result.task.name == name]


# -- real worker processes -------------------------------------------------------------------


def _postgres_server() -> str | None:
    """The server (URL without database) when the suite runs on PostgreSQL."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        return None
    scheme, rest = url.split("://", 1)
    return f"{scheme}://{rest.split('/', 1)[0]}"


def subprocess_environment(database_url: str, **extra: str) -> dict[str, str]:
    """The environment of `manage.py` children: their own database, real tasks, no DEBUG."""
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PYTEST", "DJANGO_SETTINGS_MODULE"))
    }
    environment.update(
        {
            "DJANGO_SETTINGS_MODULE": "lotse.settings.dev",
            "DATABASE_URL": database_url,
            "DEBUG": "false",
            "LOTSE_DEMO_MODE": "false",
            "TASK_BACKEND": "database",
            "LOG_LEVEL": "WARNING",
            "PYTHONPATH": str(ROOT),
            **extra,
        }
    )
    return environment


def manage(args: list[str], *, database_url: str, timeout: float = 300, **extra: str) -> str:
    """Run `manage.py args…` in a child process against `database_url`; return its stdout."""
    result = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        cwd=ROOT,
        env=subprocess_environment(database_url, **extra),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if result.returncode != 0:
        raise AssertionError(
            f"manage.py {' '.join(args)} failed ({result.returncode}):\n"
            f"{result.stdout[-3000:]}\n{result.stderr[-5000:]}"
        )
    return result.stdout


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A migrated, empty database to copy from (SQLite file or PostgreSQL template)."""
    server = _postgres_server()
    if server is None:
        path = tmp_path_factory.mktemp("dispatch-template") / "template.sqlite3"
        manage(["migrate", "--no-input", "-v0"], database_url=f"sqlite:///{path}")
        yield str(path)
        return
    import psycopg
    from psycopg import sql

    name = f"lotse_dispatch_template_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(f"{server}/postgres", autocommit=True) as connection:
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        manage(["migrate", "--no-input", "-v0"], database_url=f"{server}/{name}")
        yield name
    finally:
        with psycopg.connect(f"{server}/postgres", autocommit=True) as connection:
            connection.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


@pytest.fixture
def fresh_database_url(migrated_template: str, tmp_path: Path) -> Iterator[str]:
    """The URL of a fresh migrated database of its own, dropped afterwards."""
    server = _postgres_server()
    if server is None:
        path = tmp_path / "dispatch.sqlite3"
        shutil.copyfile(migrated_template, path)
        yield f"sqlite:///{path}"
        return
    import psycopg
    from psycopg import sql

    name = f"lotse_dispatch_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(f"{server}/postgres", autocommit=True) as connection:
        connection.execute(
            sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                sql.Identifier(name), sql.Identifier(migrated_template)
            )
        )
    try:
        yield f"{server}/{name}"
    finally:
        with psycopg.connect(f"{server}/postgres", autocommit=True) as connection:
            connection.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )
