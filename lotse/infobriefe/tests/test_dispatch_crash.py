"""The crash test of issue 5: a real worker process is killed (SIGKILL) in the middle of a
dispatch to 2,000 recipients and a new one is started; the recovery (short lease) hands the
dead worker's claims back. Every recipient must have exactly one distinct Message-ID at the SMTP
sink, no delivery may be left pending or claimed, and at most the one message in flight at the
kill may arrive twice (with the same Message-ID).

It runs `manage.py dispatch_benchmark` in a child process against a fresh database of its own
(the worker processes cannot see the test database), about 20–60 s."""

from __future__ import annotations

import json

import pytest

from lotse.infobriefe.tests.conftest import manage

pytestmark = pytest.mark.xdist_group("dispatch_workers")

RECIPIENTS = 2000
# In the middle of a batch (LOTSE_INFOBRIEF_BATCH_SIZE = 200), so that a mail is in flight.
KILL_AFTER = 700


def test_a_killed_worker_loses_no_recipient_and_doubles_at_most_the_mail_in_flight(
    fresh_database_url,
):
    output = manage(
        [
            "dispatch_benchmark",
            "--recipients",
            str(RECIPIENTS),
            "--kill-worker-after",
            str(KILL_AFTER),
            "--raw-sample",
            "200",
            "--recovery-interval",
            "0.5",
            "--json",
        ],
        database_url=fresh_database_url,
        timeout=600,
        LOTSE_INFOBRIEF_LEASE_SECONDS="3",
    )
    figures = json.loads(output.strip().splitlines()[-1])
    print(  # noqa: T201 - the figures of the run (shown with -s and on failure)
        "crash test:",
        {
            key: figures[key]
            for key in (
                "database",
                "recipients",
                "killed_after_messages",
                "kills",
                "messages_at_sink",
                "delivered_unique",
                "duplicates",
                "recipients_without_mail",
                "recipients_with_several_ids",
                "states",
                "wall_s",
            )
        },
    )
    assert figures["kills"] == 1
    assert figures["killed_after_messages"] >= KILL_AFTER
    assert figures["killed_after_messages"] < RECIPIENTS  # the kill came mid-way
    assert figures["delivered_unique"] == RECIPIENTS
    assert figures["recipients_without_mail"] == 0
    assert figures["recipients_with_several_ids"] == 0
    assert figures["states"] == {"sent": RECIPIENTS}
    assert figures["duplicates"] <= figures["kills"]
