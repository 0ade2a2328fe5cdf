"""`manage.py vote_benchmark`: its check finds lost and double votes, and a short run against
a live server ends consistent and cleans up after itself."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from django.db import connection

from lotse.accounts.models import User
from lotse.questions.management.commands import vote_benchmark as bench
from lotse.questions.models import DialogSession, SessionQuestion, Vote


@pytest.mark.django_db
def test_verify_finds_lost_and_double_votes():
    session, question_ids, users = bench.prepare(voters=3, questions=2)
    first, second = question_ids
    clients = [
        bench.Client(user_id=user.pk, session_key="k", host="h", port=1, https=False)
        for user in users
    ]
    # Consistent: client 0 voted for the first question, the database agrees.
    Vote.objects.create(question_id=first, voter=users[0])
    SessionQuestion.objects.filter(pk=first).update(vote_count=1)
    clients[0].believed = {first}
    clients[0].outcome.requests = clients[0].outcome.ok = 1
    report = bench.verify(session, clients, elapsed=1.0, seconds=1.0)
    assert report["ok"] is True
    assert (report["lost_votes"], report["double_votes"]) == (0, 0)

    # An answer that should never come (e.g. a CSRF failure or a server error) fails the run.
    clients[2].outcome.requests = clients[2].outcome.errors = clients[2].outcome.unexpected = 1
    report = bench.verify(session, clients, elapsed=1.0, seconds=1.0)
    assert report["errors"] == 1
    assert report["ok"] is False
    clients[2].outcome = bench.Outcome()

    # Client 1 was told its vote is stored, but it is not: lost.
    clients[1].believed = {second}
    report = bench.verify(session, clients, elapsed=1.0, seconds=1.0)
    assert report["lost_votes"] == 1
    assert report["ok"] is False

    # A stored vote nobody believes in, and a counter out of step: double.
    clients[1].believed = set()
    Vote.objects.create(question_id=second, voter=users[2])
    report = bench.verify(session, clients, elapsed=1.0, seconds=1.0)
    assert report["double_votes"] == 1
    assert report["ok"] is False
    assert set(report) == {
        "voters",
        "seconds",
        "requests",
        "votes_per_s",
        "p50_ms",
        "p95_ms",
        "p99_ms",
        "errors",
        "lost_votes",
        "double_votes",
        "ok",
    }


@pytest.mark.django_db
def test_cleanup_removes_the_data_of_earlier_runs():
    bench.prepare(voters=2, questions=1)
    other = User.objects.create_user("keep@example.org")
    assert bench.cleanup() == 2
    assert not DialogSession.objects.filter(title__startswith=bench.TITLE_PREFIX).exists()
    assert User.objects.filter(pk=other.pk).exists()


@pytest.mark.django_db(transaction=True)
def test_a_short_run_against_a_live_server_is_consistent(live_server):
    # The in-memory SQLite test database is shared with the server thread: one voter there;
    # PostgreSQL takes several at once.
    voters = 4 if connection.vendor == "postgresql" else 1
    out = io.StringIO()
    call_command(
        "vote_benchmark",
        url=live_server.url,
        voters=voters,
        seconds=1.5,
        questions=3,
        json=True,
        stdout=out,
        stderr=io.StringIO(),
    )
    report = json.loads(out.getvalue())
    assert report["ok"] is True, report
    assert report["voters"] == voters
    assert report["requests"] > 0
    assert report["errors"] == 0
    assert not User.objects.filter(email__startswith=bench.EMAIL_PREFIX).exists()
    assert not DialogSession.objects.exists()
