"""Text normalisation of the knowledge-base search: tokens, stems, stopwords, the cleaned
query, highlighting and snippets (pure Python, no database)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from lotse.questions.search.text import (
    ALL_CONFIGS,
    MAX_QUERY_LENGTH,
    clean_query,
    config_for,
    highlight,
    index_text,
    parse_query,
    snippet,
    stem,
    stems,
    umlaut_spelling,
)


def test_german_stems_fold_case_inflection_and_umlauts():
    assert stem("Ärzte") == stem("Arzt") == stem("arzte") == "arzt"
    assert stem("Wohnungen") == stem("Wohnung") == "wohnung"
    assert stem("Führerschein") == stem("Fuhrerschein") == stem("FÜHRERSCHEIN")
    assert stem("Straße") == stem("Strasse")
    assert stem("Mietverträge") == stem("Mietvertrag")


def test_stopwords_are_dropped_and_words_with_digits_are_only_lower_cased():
    assert stems("Die Wohnung und der Arzt") == ["wohnung", "arzt"]
    assert stem("B1") == "b1"
    assert stem("2024") == "2024"


def test_configurations_of_the_languages():
    assert [config_for(code) for code in ("de", "en", "ru", "tr", "ar", "uk", "fa")] == [
        "german",
        "english",
        "russian",
        "turkish",
        "arabic",
        "simple",
        "simple",
    ]
    assert stem("Квартиры", "russian") == stem("квартира", "russian")
    # Like PostgreSQL's russian configuration: Latin words are English.
    assert stem("Jobcenters", "russian") == stem("Jobcenters", "english")
    assert stem("Квартиры", "simple") == "квартиры"
    assert stem("flats", "english") == "flat"
    assert stem("the", "english") == ""


def test_index_text_is_the_stems_separated_by_spaces():
    assert index_text("Wohnungen für Ärzte in München") == "wohnung arzt munch"


def test_clean_query_cuts_and_removes_control_characters():
    assert clean_query("a\x00b\tc\n d") == "a b c d"
    assert len(clean_query("x" * 5000)) == MAX_QUERY_LENGTH
    assert clean_query(None) == ""


def test_parse_query_keeps_letters_and_digits_only():
    parsed = parse_query('"Wohnung" -Miete* NEAR(Kaution) or AND: B1')
    assert parsed.words == ("Wohnung", "Miete", "NEAR", "Kaution", "AND", "B1")
    assert parsed.stems("german") == {"wohnung", "miet", "near", "kaution", "and", "b1"}
    assert not parse_query("*** --- ()").words
    assert parse_query("*** --- ()").is_empty


def test_a_query_of_stopwords_has_no_german_terms():
    parsed = parse_query("die und der")
    assert parsed.words
    assert parsed.terms_for(["german"]) == {}


def test_identical_stemmings_are_searched_once():
    parsed = parse_query("Kita")
    groups = parsed.terms_for(ALL_CONFIGS)
    assert len(groups) == len({tuple(terms) for terms in map(_stems_of, groups.values())})
    assert "german" in groups


def _stems_of(terms):
    return tuple(tuple(value for _spelling, value in term) for term in terms)


def test_transliterated_umlauts_are_an_alternative_spelling():
    assert umlaut_spelling("Fuehrerschein") == "Führerschein"
    assert umlaut_spelling("Aerzte") == "Ärzte"
    assert umlaut_spelling("Behoerde") == "Behörde"
    assert umlaut_spelling("Steuer") is None  # 'ue' after e stays
    assert umlaut_spelling("Quelle") is None
    assert umlaut_spelling("Führerschein") is None
    german = parse_query("Fuehrerschein").terms_by_config["german"]
    assert {value for _spelling, value in german[0]} == {"fuehrerschein", "fuhrerschein"}


def test_highlight_escapes_first_and_marks_matching_words():
    wanted = parse_query("Ärzte Führerschein").stems("german")
    html = highlight('<script>alert("x")</script> Die Ärzte & der Fuhrerschein', wanted)
    assert str(html) == (
        "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; Die <mark>Ärzte</mark> &amp; der "
        "<mark>Fuhrerschein</mark>"
    )
    assert str(highlight("<b>", frozenset())) == "&lt;b&gt;"


def test_snippet_is_cut_around_the_first_match():
    text = "Einleitung " * 60 + "Der Wohnberechtigungsschein hilft. " + "Schluss " * 60
    html = str(snippet(["Eine Frage ohne Treffer.", text], {"wohnberechtigungsschein"}))
    assert "<mark>Wohnberechtigungsschein</mark>" in html
    assert html.startswith("… ") and html.endswith(" …")
    assert len(html) < 320


def test_snippet_without_a_match_starts_at_the_beginning():
    assert str(snippet(["Kurze Frage?", "Antwort"], {"xyz"})) == "Kurze Frage?"
    assert str(snippet(["", ""], {"xyz"})) == ""


@given(st.text(max_size=300))
def test_highlight_never_lets_markup_through(text):
    html = str(highlight(text, parse_query(text).stems("german")))
    assert "<" not in html.replace("<mark>", "").replace("</mark>", "")
