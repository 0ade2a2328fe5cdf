"""`manage.py vote_benchmark`: many volunteers voting at once against a running server.

    manage.py vote_benchmark --url http://127.0.0.1:8000 --voters 200 --seconds 30 \
        --questions 40 [--json] [--seed 1] [--keep]

Run it with the same settings (and `DATABASE_URL`) as the server, e.g. beside `make run`:
it prepares, in the server's database, one live Dialog digital session with `--questions`
approved questions and `--voters` registered volunteers (confirmed e-mail address, volunteer
profile; created in bulk), logs each in by creating a Django session directly, and fetches a
CSRF token per client from the session page. Then `--voters` threads, each with its own
keep-alive HTTP connection, vote for `--seconds` through the API
(`POST`/`DELETE /api/v1/dialog/sessions/<id>/questions/<id>/vote/`): mostly a new vote,
sometimes a question already voted for (must change nothing), sometimes an undo. Every client
remembers what the server told it (`voted` of each answer); a request without a definite answer
(connection error, 5xx other than "busy") is repeated — votes and undos are idempotent — so
each client always knows its final votes.

At the end the database is compared with the clients: for every question `vote_count` ==
number of Vote rows == number of clients whose final votes include it; no (question, voter)
twice. Printed (with `--json` exactly one object):

    {"voters", "seconds", "requests", "votes_per_s", "p50_ms", "p95_ms", "p99_ms",
     "errors", "lost_votes", "double_votes", "ok"}

- `requests`: answered vote/undo requests; `votes_per_s` = requests with a 2xx answer per
  second; latencies over every request.
- `errors`: requests without a 2xx answer (refused as busy — 503 —, throttled — 429 —,
  connection errors, anything else); a refused request changed nothing and is not counted by
  the client.
- `lost_votes`: votes a client was told are stored but the database does not have;
  `double_votes`: duplicate (question, voter) rows plus stored votes no client believes in.
- `ok`: some votes were answered, no lost or double vote, every counter equals its rows and
  the clients' beliefs, no client left unsure of a vote, and no answer that should never come
  (a server error, or a 4xx other than 429). The exit status is 1 when not ok.

The benchmark's users (`votebench-…@votebench.invalid`) and session are deleted afterwards
(`--keep` leaves them), and any left over by an interrupted run are deleted at the start.
"""

from __future__ import annotations

import contextlib
import datetime
import http.client
import json
import random
import re
import socket
import statistics
import threading
import time
import uuid
from dataclasses import dataclass, field
from importlib import import_module
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from lotse.accounts.models import User
from lotse.core.choices import Topic
from lotse.regions.models import Postcode, State
from lotse.volunteers.models import VolunteerProfile

from ...choices import SessionQuestionStatus, SessionStatus
from ...models import DialogSession, SessionQuestion, Vote

EMAIL_PREFIX = "votebench-"
EMAIL_DOMAIN = "@votebench.invalid"
TITLE_PREFIX = "[vote_benchmark]"
BACKEND = "django.contrib.auth.backends.ModelBackend"
_CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
# A request is repeated this often when its outcome is unknown (votes are idempotent).
MAX_ATTEMPTS = 5
REQUEST_TIMEOUT = 60


def _ack_at_once(connection: http.client.HTTPConnection) -> None:
    """Ask the kernel to acknowledge the answer at once (Linux).

    The development server writes a response's headers and body in separate packets; with
    Nagle's algorithm on its side and delayed acknowledgements on ours, every request on a
    kept-alive connection would wait ~40 ms for nothing, and the benchmark would measure that
    instead of the server.
    """
    sock = connection.sock
    if sock is not None and hasattr(socket, "TCP_QUICKACK"):
        with contextlib.suppress(OSError):  # not supported here
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_QUICKACK, 1)


@dataclass
class Outcome:
    requests: int = 0
    ok: int = 0
    errors: int = 0
    # Answers that should never come (4xx other than 429, 5xx other than 503): fail the run.
    unexpected: int = 0
    latencies_ms: list[float] = field(default_factory=list)


@dataclass
class Client:
    """One voter: its session cookie, CSRF token, connection and what it believes."""

    user_id: int
    session_key: str
    host: str
    port: int
    https: bool
    csrf_token: str = ""
    csrf_cookie: str = ""
    believed: set[int] = field(default_factory=set)
    unsure: set[int] = field(default_factory=set)
    outcome: Outcome = field(default_factory=Outcome)
    connection: http.client.HTTPConnection | None = None

    def _connection(self) -> http.client.HTTPConnection:
        if self.connection is None:
            cls = http.client.HTTPSConnection if self.https else http.client.HTTPConnection
            self.connection = cls(self.host, self.port, timeout=REQUEST_TIMEOUT)
        return self.connection

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None

    def cookies(self) -> str:
        parts = [f"{settings.SESSION_COOKIE_NAME}={self.session_key}"]
        if self.csrf_cookie:
            parts.append(f"{settings.CSRF_COOKIE_NAME}={self.csrf_cookie}")
        return "; ".join(parts)

    def request(self, method: str, path: str) -> tuple[int, bytes, http.client.HTTPResponse]:
        headers = {"Cookie": self.cookies(), "Accept": "application/json"}
        if method not in ("GET", "HEAD"):
            headers["X-CSRFToken"] = self.csrf_token
            headers["Content-Length"] = "0"
        connection = self._connection()
        try:
            connection.request(method, path, headers=headers)
            _ack_at_once(connection)
            response = connection.getresponse()
            body = response.read()
        except (OSError, http.client.HTTPException):
            self.close()
            raise
        if response.will_close:
            self.close()
        return response.status, body, response

    def fetch_csrf(self, page: str) -> None:
        status, body, response = self.request("GET", page)
        if status in (302, 404):
            raise CommandError(
                f"GET {page} answered {status}: the server does not see the benchmark session "
                "or its users. Run the command with the same settings and DATABASE_URL as the "
                "server."
            )
        if status != 200:
            raise CommandError(f"GET {page} answered {status} (see the server's log).")
        match = _CSRF_INPUT.search(body.decode("utf-8", "replace"))
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _sep, rest = header.partition("=")
            if name.strip() == settings.CSRF_COOKIE_NAME:
                self.csrf_cookie = rest.split(";", 1)[0]
        if not match or not self.csrf_cookie:
            raise CommandError(f"No CSRF token on {page} (is the user a registered volunteer?)")
        self.csrf_token = match.group(1)

    def vote(self, path: str, question_id: int, *, undo: bool) -> None:
        """Vote or undo until the server gives a definite answer (at most MAX_ATTEMPTS)."""
        method = "DELETE" if undo else "POST"
        for _attempt in range(MAX_ATTEMPTS):
            started = time.perf_counter()
            try:
                status, body, _response = self.request(method, path)
            except (OSError, http.client.HTTPException):
                status, body = 0, b""
            self.outcome.latencies_ms.append((time.perf_counter() - started) * 1000)
            self.outcome.requests += 1
            if 200 <= status < 300:
                self.outcome.ok += 1
                data = json.loads(body)
                target = int(data["question"])
                if data["voted"]:
                    self.believed.add(target)
                else:
                    self.believed.discard(target)
                self.unsure.discard(target)
                return
            self.outcome.errors += 1
            if status in (429, 503):
                # Refused (throttled, busy): nothing changed, the client keeps its belief.
                return
            if 400 <= status < 500:
                # Refused, but it should not have been (CSRF, permissions, closed session).
                self.outcome.unexpected += 1
                return
            if status >= 500:
                self.outcome.unexpected += 1
            # No answer or a server error: the outcome is unknown; ask again.
        self.unsure.add(question_id)


class Command(BaseCommand):
    help = "Many volunteers voting at once against a running server; checks every vote."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--url", default="http://127.0.0.1:8000", help="the server")
        parser.add_argument("--voters", type=int, default=200, help="concurrent voters")
        parser.add_argument("--seconds", type=float, default=30, help="how long to vote")
        parser.add_argument("--questions", type=int, default=40, help="approved questions")
        parser.add_argument("--seed", type=int, default=1, help="random seed")
        parser.add_argument(
            "--think-ms",
            type=float,
            default=0,
            help="mean pause of a voter between two votes (0: vote again at once, a stress test)",
        )
        parser.add_argument("--json", action="store_true", help="print one JSON object")
        parser.add_argument("--keep", action="store_true", help="keep the data afterwards")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["voters"] < 1 or options["questions"] < 1 or options["seconds"] <= 0:
            raise CommandError("--voters and --questions must be at least 1, --seconds > 0")
        if options["think_ms"] < 0:
            raise CommandError("--think-ms must not be negative")
        url = urlsplit(options["url"])
        if url.scheme not in ("http", "https") or not url.hostname:
            raise CommandError("--url must be like http://127.0.0.1:8000")
        as_json = options["json"]
        log = (lambda _text: None) if as_json else (lambda text: self.stderr.write(text))

        removed = cleanup()
        if removed:
            log(f"Removed the data of an earlier run ({removed} users).")
        started = time.perf_counter()
        session, question_ids, users = prepare(options["voters"], options["questions"])
        keys = login(users)
        log(
            f"Prepared session #{session.pk}, {len(question_ids)} questions, {len(users)} "
            f"voters in {time.perf_counter() - started:.1f} s."
        )
        port = url.port or (443 if url.scheme == "https" else 80)
        clients = [
            Client(
                user_id=user.pk,
                session_key=key,
                host=url.hostname,
                port=port,
                https=url.scheme == "https",
            )
            for user, key in zip(users, keys, strict=True)
        ]
        try:
            page = reverse("questions:session_detail", args=[session.pk])
            prepare_clients(clients, page)
            elapsed = run(
                clients,
                session_id=session.pk,
                question_ids=question_ids,
                seconds=options["seconds"],
                seed=options["seed"],
                think_seconds=options["think_ms"] / 1000,
            )
            report = verify(session, clients, elapsed=elapsed, seconds=options["seconds"])
            report["think_ms"] = options["think_ms"]
        finally:
            for client in clients:
                client.close()
            if not options["keep"]:
                cleanup(session_keys=keys)
        if as_json:
            self.stdout.write(json.dumps(report))
        else:
            for name, value in report.items():
                self.stdout.write(f"{name:>13}: {value}")
        if not report["ok"]:
            raise SystemExit(1)


# --- preparation -----------------------------------------------------------------------------


def cleanup(session_keys: list[str] | None = None) -> int:
    """Delete the benchmark's sessions and users (of this or an interrupted earlier run)."""
    DialogSession.objects.filter(title__startswith=TITLE_PREFIX).delete()
    users = User.objects.filter(email__startswith=EMAIL_PREFIX, email__endswith=EMAIL_DOMAIN)
    count = users.count()
    if count:
        users.delete()
    if session_keys:
        store = import_module(settings.SESSION_ENGINE).SessionStore
        for key in session_keys:
            store(session_key=key).delete()
    return count


@transaction.atomic
def prepare(voters: int, questions: int) -> tuple[DialogSession, list[int], list[User]]:
    now = timezone.now()
    run_id = uuid.uuid4().hex[:8]
    session = DialogSession.objects.create(
        state=State.objects.get(code="BY"),
        title=f"{TITLE_PREFIX} {run_id}",
        description="Load test of the voting; deleted afterwards.",
        topic=Topic.OTHER,
        starts_at=now - datetime.timedelta(minutes=5),
        ends_at=now + datetime.timedelta(hours=2),
        speaker="Benchmark",
        video_url="https://konferenz.example/benchmark",
        languages=["de"],
        status=SessionStatus.LIVE,
    )
    rows = SessionQuestion.objects.bulk_create(
        [
            SessionQuestion(
                session=session,
                text=f"Benchmark-Frage {number}",
                language="de",
                status=SessionQuestionStatus.APPROVED,
            )
            for number in range(questions)
        ]
    )
    password = make_password(None)
    users = User.objects.bulk_create(
        [
            User(
                email=f"{EMAIL_PREFIX}{run_id}-{number}{EMAIL_DOMAIN}",
                first_name="Bench",
                last_name=str(number),
                password=password,
                email_confirmed_at=now,
                preferred_language="de",
            )
            for number in range(voters)
        ]
    )
    if any(user.pk is None for user in users):  # pragma: no cover - old databases
        users = list(User.objects.filter(email__startswith=f"{EMAIL_PREFIX}{run_id}-"))
    postcode = Postcode.objects.select_related("district").get(code="80331")
    VolunteerProfile.objects.bulk_create(
        [
            VolunteerProfile(user=user, postcode=postcode, district=postcode.district)
            for user in users
        ]
    )
    return session, [row.pk for row in rows], users


def login(users: list[User]) -> list[str]:
    """Log every user in by creating a Django session directly; return the session keys."""
    store = import_module(settings.SESSION_ENGINE).SessionStore
    keys = []
    for user in users:
        session = store()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = BACKEND
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        keys.append(session.session_key)
    return keys


def prepare_clients(clients: list[Client], page: str) -> None:
    """Fetch a CSRF token per client (a few at a time)."""
    errors: list[Exception] = []
    lock = threading.Lock()
    pending = list(clients)

    def work() -> None:
        while True:
            with lock:
                if not pending or errors:
                    return
                client = pending.pop()
            try:
                client.fetch_csrf(page)
            except Exception as error:
                with lock:
                    errors.append(error)

    threads = [threading.Thread(target=work) for _ in range(min(16, len(clients)))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        error = errors[0]
        raise error if isinstance(error, CommandError) else CommandError(str(error))


# --- the run ---------------------------------------------------------------------------------


def run(
    clients: list[Client],
    *,
    session_id: int,
    question_ids: list[int],
    seconds: float,
    seed: int,
    think_seconds: float = 0,
) -> float:
    """Every client votes until the time is up (pausing a random 0–2× `think_seconds` between
    two votes, like a person reading the list); return the seconds it took."""
    barrier = threading.Barrier(len(clients) + 1)
    paths = {pk: reverse("api:session-question-vote", args=[session_id, pk]) for pk in question_ids}

    def voter(client: Client, rng: random.Random) -> None:
        barrier.wait()
        deadline = time.monotonic() + seconds
        if think_seconds:
            # People do not all click in the same instant: start at a random point of a pause.
            time.sleep(rng.uniform(0, 2 * think_seconds))
        while time.monotonic() < deadline:
            choice = rng.random()
            if client.believed and choice < 0.2:
                question = rng.choice(sorted(client.believed))
                client.vote(paths[question], question, undo=True)
            elif client.believed and choice < 0.35:
                question = rng.choice(sorted(client.believed))  # already voted: a no-op
                client.vote(paths[question], question, undo=False)
            else:
                question = rng.choice(question_ids)
                client.vote(paths[question], question, undo=False)
            if think_seconds:
                time.sleep(
                    min(rng.uniform(0, 2 * think_seconds), max(deadline - time.monotonic(), 0))
                )

    threads = [
        threading.Thread(
            target=voter,
            args=(client, random.Random(seed * 100_003 + number)),  # noqa: S311 - load only
        )
        for number, client in enumerate(clients)
    ]
    for thread in threads:
        thread.start()
    barrier.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    return time.perf_counter() - started


# --- verification ----------------------------------------------------------------------------


def _percentile(values: list[float], share: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))
    return round(ordered[index], 1)


def verify(
    session: DialogSession, clients: list[Client], *, elapsed: float, seconds: float
) -> dict[str, Any]:
    """Compare the database with what the clients were told."""
    stored: dict[tuple[int, int], int] = {}
    for row in (
        Vote.objects.filter(question__session=session)
        .values("question_id", "voter_id")
        .annotate(n=Count("id"))
    ):
        stored[(row["question_id"], row["voter_id"])] = row["n"]
    believed = {(q, c.user_id) for c in clients for q in c.believed}
    unsure = {(q, c.user_id) for c in clients for q in c.unsure}
    lost = len({pair for pair in believed if pair not in stored} - unsure)
    duplicates = sum(n - 1 for n in stored.values() if n > 1)
    extra = len({pair for pair in stored if pair not in believed} - unsure)

    counts = dict(SessionQuestion.objects.filter(session=session).values_list("pk", "vote_count"))
    rows: dict[int, int] = {}
    for (question, _voter), n in stored.items():
        rows[question] = rows.get(question, 0) + n
    beliefs: dict[int, int] = {}
    for question, _voter in believed:
        beliefs[question] = beliefs.get(question, 0) + 1
    mismatches = sum(
        1 for pk, count in counts.items() if not (count == rows.get(pk, 0) == beliefs.get(pk, 0))
    )

    latencies = [ms for c in clients for ms in c.outcome.latencies_ms]
    requests = sum(c.outcome.requests for c in clients)
    answered = sum(c.outcome.ok for c in clients)
    errors = sum(c.outcome.errors for c in clients)
    unexpected = sum(c.outcome.unexpected for c in clients)
    ok = (
        answered > 0
        and lost == 0
        and duplicates + extra == 0
        and mismatches == 0
        and not unsure
        and unexpected == 0
    )
    return {
        "voters": len(clients),
        "seconds": round(seconds, 1),
        "requests": requests,
        "votes_per_s": round(answered / elapsed, 1) if elapsed > 0 else 0.0,
        "p50_ms": round(statistics.median(latencies), 1) if latencies else 0.0,
        "p95_ms": _percentile(latencies, 0.95),
        "p99_ms": _percentile(latencies, 0.99),
        "errors": errors,
        "lost_votes": lost,
        "double_votes": duplicates + extra,
        "ok": ok,
    }
