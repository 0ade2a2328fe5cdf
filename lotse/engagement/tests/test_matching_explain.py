"""Reasons of a proposal in words, in the reader's language."""

from django.utils import translation

from lotse.engagement.explain import join_naturally, render_reasons, render_reasons_line

REASONS = {
    "languages": ["ar", "de"],
    "distance_km": 3.2,
    "slots": ["1-2", "5-0"],
    "waiting_days": 12,
    "topic": "housing",
    "interpreter": True,
    "load": 0,
}


def test_english():
    with translation.override("en"):
        assert render_reasons(REASONS) == [
            "speaks Arabic and German",
            "with interpreter",
            "3.2 km away",
            "both free Tuesday evening and Saturday morning",
            "helps with Housing",
            "request waiting 12 days",
        ]
        assert render_reasons_line({"waiting_days": 1, "distance_km": 12}) == (
            "12.0 km away, request waiting 1 day"
        )


def test_german():
    with translation.override("de"):
        phrases = render_reasons(REASONS)
        line = render_reasons_line(REASONS)
    assert "Arabisch" in phrases[0] and "Deutsch" in phrases[0]
    assert "3,2 km" in phrases[2]
    assert "Dienstagabend" in phrases[3] or "Dienstag" in phrases[3]
    assert "12" in phrases[-1]
    assert line == ", ".join(phrases)


def test_lists_join_naturally():
    with translation.override("en"):
        assert join_naturally([]) == ""
        assert join_naturally(["A"]) == "A"
        assert join_naturally(["A", "B", "C"]) == "A, B and C"


def test_unknown_and_missing_facts_are_skipped():
    with translation.override("en"):
        assert render_reasons(None) == []  # type: ignore[arg-type]
        assert render_reasons({}) == []
        assert (
            render_reasons(
                {
                    "languages": ["xx"],
                    "slots": ["9-9", "nonsense"],
                    "topic": "unknown",
                    "distance_km": None,
                    "interpreter": False,
                }
            )
            == []
        )
        assert render_reasons({"languages": ["xx", "uk"]}) == ["speaks Ukrainian"]
