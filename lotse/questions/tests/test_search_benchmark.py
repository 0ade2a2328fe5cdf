"""`manage.py search_benchmark` and `search_reindex`: figures, and nothing left behind."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from lotse.questions.models import Entry
from lotse.questions.search.synthetic import Generator
from lotse.questions.search.text import stems
from lotse.questions.selectors.search import search_entries

pytestmark = pytest.mark.django_db


def test_the_benchmark_prints_its_figures_and_leaves_nothing_behind():
    out = StringIO()
    call_command("search_benchmark", "--docs", "120", "--queries", "3", "--json", stdout=out)
    figures = json.loads(out.getvalue())
    assert figures["database"] == connection.vendor
    assert figures["docs"] == 120
    assert figures["queries"] == 12
    assert set(figures["classes"]) == {"common", "rare", "inflected", "multi"}
    assert all(figures["classes"][name]["p95_ms"] >= 0 for name in figures["classes"])
    assert figures["load_s"] >= 0 and figures["p50_ms"] <= figures["p95_ms"]
    assert figures["queries_with_hits"] > 0
    assert not Entry.objects.exists()
    assert search_entries(query="Wohnung").total == 0


def test_the_benchmark_table(capsys):
    out = StringIO()
    call_command("search_benchmark", "--docs", "30", "--queries", "2", stdout=out)
    assert "loaded and indexed" in out.getvalue()
    with pytest.raises(CommandError):
        call_command("search_benchmark", "--docs", "0")


def test_generated_entries_have_realistic_lengths_and_inflected_topical_words():
    generator = Generator(1)
    documents = list(generator.documents(200))
    for document in documents:
        assert 8 <= len(document.title.split()) <= 15
        assert 40 <= len(document.question.split()) <= 120
        assert 80 <= len(document.answer.split()) <= 300
        assert len(document.title) <= 200
    text = " ".join(d.title + " " + d.answer for d in documents)
    assert "Wohnungen" in text and "Wohnung" in text
    queries = generator.queries(50)
    assert {len(values) for values in queries.values()} == {50}
    assert all(stems(query) for query in queries["rare"])


def test_search_reindex_command():
    out = StringIO()
    call_command("search_reindex", stdout=out)
    assert "0 published entries indexed" in out.getvalue()
