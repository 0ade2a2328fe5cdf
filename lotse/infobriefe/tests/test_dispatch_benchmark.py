"""`manage.py dispatch_benchmark`: a small run end to end (two real worker processes, a real
SMTP sink in a process of its own) and its refusals."""

from __future__ import annotations

import json

import pytest
from django.core.management import CommandError, call_command

from lotse.infobriefe.tests.conftest import manage
from lotse.infobriefe.tests.factories import SubscriptionFactory

KEYS = {
    "recipients",
    "mails_per_s",
    "raw_mails_per_s",
    "wall_s",
    "peak_rss_mb",
    "delivered_unique",
    "duplicates",
}


@pytest.mark.xdist_group("dispatch_workers")
def test_a_small_run_delivers_every_mail_once(fresh_database_url):
    output = manage(
        ["dispatch_benchmark", "--recipients", "300", "--workers", "2", "--json"],
        database_url=fresh_database_url,
        timeout=300,
    )
    figures = json.loads(output.strip().splitlines()[-1])
    assert set(figures) >= KEYS
    assert figures["recipients"] == 300
    assert figures["delivered_unique"] == 300
    assert figures["duplicates"] == 0
    assert figures["recipients_without_mail"] == 0
    assert figures["states"] == {"sent": 300}
    assert figures["workers"] == 2 and figures["engine"] == "database"
    assert figures["mails_per_s"] > 0 and figures["raw_mails_per_s"] > 0
    # Reported, not judged: the memory target (< 500 MB at 100,000) lives in `make bench`.
    assert figures["peak_rss_mb"] > 0
    assert figures["peak_rss_mb"] >= figures["worker_peak_rss_mb"] > 0


@pytest.mark.django_db
def test_the_benchmark_refuses_a_database_with_data():
    SubscriptionFactory()
    with pytest.raises(CommandError, match="holds data"):
        call_command("dispatch_benchmark", "--recipients", "10")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "arguments",
    [["--recipients", "0"], ["--workers", "0"], ["--languages", "de,xx"]],
)
def test_the_benchmark_refuses_bad_options(arguments):
    with pytest.raises(CommandError):
        call_command("dispatch_benchmark", *arguments)
