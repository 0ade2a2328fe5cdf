"""Text normalisation of the knowledge-base search, shared by both engines and the highlighting.

The rules mirror PostgreSQL's text-search configurations, so that SQLite (whose FTS5 index holds
the stems computed here) and PostgreSQL (which stems with `to_tsvector`) find the same entries:

- a token is a run of letters and digits (PostgreSQL's parser also keeps hyphenated compounds
  whole, *and* their parts; we keep the parts, which is what a query typed without the hyphen
  needs);
- tokens with a digit ("B1", "2024") are only lower-cased (PostgreSQL's `simple` dictionary);
- words are lower-cased, dropped when they are stopwords (PostgreSQL's lists, copied to
  `stopwords/`), and stemmed with the Snowball stemmer of the entry's language. Lower-case
  before stemming: 'Ärzte' → 'ärzte' → 'arzt'. The German stemmer also folds umlauts and ß, so
  'Fuhrerschein' and 'Führerschein' share the stem 'fuhrerschein'.
- Like PostgreSQL's `russian` configuration, Latin words in a Russian text are English.
- Ukrainian and Persian have no PostgreSQL configuration: `simple` (lower-case only).

Highlighting escapes first and then wraps every word whose stem is one of the query's stems in
`<mark>`, so both engines show identical results.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import snowballstemmer
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from lotse.core.validators import CONTROL_CHARACTERS

MAX_QUERY_LENGTH = 200
# More words than this in one query add nothing but cost.
MAX_QUERY_TERMS = 12

TOKEN_RE = re.compile(r"[^\W_]+")
_DIGIT = re.compile(r"\d")

# Site language → PostgreSQL text-search configuration (also the Snowball algorithm).
PG_CONFIGS: dict[str, str] = {
    "de": "german",
    "en": "english",
    "ru": "russian",
    "tr": "turkish",
    "ar": "arabic",
}
SIMPLE = "simple"
# Every configuration a query has to be stemmed with to reach entries of every language.
ALL_CONFIGS: tuple[str, ...] = ("german", "english", "russian", "turkish", "arabic", SIMPLE)

_STOPWORD_DIR = Path(__file__).resolve().parent / "stopwords"


def config_for(language: str) -> str:
    """The text-search configuration of an entry's language."""
    return PG_CONFIGS.get(language, SIMPLE)


def configs_for(language: str) -> tuple[str, ...]:
    """The configurations a query is stemmed with: the language's own when the search is
    limited to one language, else every configuration (entries of any language match)."""
    return (config_for(language),) if language else ALL_CONFIGS


@functools.cache
def _stopwords(name: str) -> frozenset[str]:
    path = _STOPWORD_DIR / f"{name}.txt"
    if not path.exists():
        return frozenset()
    return frozenset(
        line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()
    )


@functools.cache
def _stemmer(name: str) -> Any:
    return snowballstemmer.stemmer(name)


def _dictionary(config: str, word: str) -> str:
    """The Snowball dictionary PostgreSQL's `config` uses for a word without digits."""
    if config == "russian" and word.isascii():
        return "english"
    return config


@functools.lru_cache(maxsize=100_000)
def stem(word: str, config: str = "german") -> str:
    """One token → its normalised stem ('' for a stopword)."""
    lower = word.lower()
    if config == "turkish":
        lower = lower.replace("i\u0307", "i")
    if config == SIMPLE or _DIGIT.search(lower):
        return lower
    dictionary = _dictionary(config, lower)
    if lower in _stopwords(dictionary):
        return ""
    return str(_stemmer(dictionary).stemWord(lower))


def tokens(text: str) -> Iterator[re.Match[str]]:
    return TOKEN_RE.finditer(text)


def stems(text: str, config: str = "german") -> list[str]:
    """Text → its stems in order, stopwords dropped."""
    result = []
    for match in TOKEN_RE.finditer(text):
        value = stem(match.group(), config)
        if value:
            result.append(value)
    return result


def index_text(text: str, config: str = "german") -> str:
    """What the SQLite FTS5 index stores for a text: its stems, separated by spaces."""
    return " ".join(stems(text, config))


def clean_query(raw: str | None) -> str:
    """The user's query as we accept it: at most 200 characters, no control characters (NUL
    included), whitespace collapsed. Operators and quotes are harmless afterwards because only
    tokens (letters and digits) ever reach the database."""
    text = unicodedata.normalize("NFC", str(raw or ""))
    text = CONTROL_CHARACTERS.sub(" ", text)[:MAX_QUERY_LENGTH]
    return " ".join(text.split())


# A word of the query in one configuration: its spellings as typed (PostgreSQL stems them
# itself) with their stems (SQLite, highlighting); one spelling per distinct stem.
Alternatives = tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class ParsedQuery:
    """A cleaned query: its words (letters and digits only) and, per configuration, the
    alternatives of each word (a German word typed with ae/oe/ue also as ä/ö/ü)."""

    text: str
    words: tuple[str, ...]
    # configuration → one entry per word that is not a stopword there
    terms_by_config: dict[str, tuple[Alternatives, ...]]

    @property
    def is_empty(self) -> bool:
        """No word at all: the query lists the newest entries."""
        return not self.words

    def terms_for(self, configs: Iterable[str]) -> dict[str, tuple[Alternatives, ...]]:
        """The configurations (of `configs`) with searchable words, each distinct set of stems
        once: a query only has to be run once per way of stemming it."""
        result: dict[str, tuple[Alternatives, ...]] = {}
        seen: set[tuple[tuple[str, ...], ...]] = set()
        for config in configs:
            terms = self.terms_by_config.get(config, ())
            key = tuple(tuple(stem for _spelling, stem in term) for term in terms)
            if terms and key not in seen:
                seen.add(key)
                result[config] = terms
        return result

    def stems(self, config: str) -> frozenset[str]:
        """Every stem of the query in `config` (for highlighting)."""
        return frozenset(
            stem for term in self.terms_by_config.get(config, ()) for _spelling, stem in term
        )


_TRANSLITERATED = re.compile(r"(?<![aeqAEQ])(ue)|(ae)|(oe)", re.IGNORECASE)
_UMLAUTS = {
    "ae": "ä",
    "oe": "ö",
    "ue": "ü",
    "Ae": "Ä",
    "Oe": "Ö",
    "Ue": "Ü",
    "AE": "Ä",
    "OE": "Ö",
    "UE": "Ü",
}


def umlaut_spelling(word: str) -> str | None:
    """'Fuehrerschein' → 'Führerschein' (ae/oe/ue typed for ä/ö/ü); None when the word has no
    such pair or already has umlauts. 'ue' after a, e or q stays ('Steuer', 'Quelle')."""
    if any(char in word for char in "äöüÄÖÜ"):
        return None
    replaced = _TRANSLITERATED.sub(
        lambda match: _UMLAUTS.get(match.group(), match.group()[0]), word
    )
    return replaced if replaced != word else None


def parse_query(raw: str | None, configs: Iterable[str] = ALL_CONFIGS) -> ParsedQuery:
    text = clean_query(raw)
    words: list[str] = []
    for match in TOKEN_RE.finditer(text):
        word = match.group()
        # 'or' is websearch_to_tsquery's OR operator; as a search word it means nothing.
        if word.lower() == "or" or word in words:
            continue
        words.append(word)
        if len(words) >= MAX_QUERY_TERMS:
            break
    terms_by_config: dict[str, tuple[Alternatives, ...]] = {}
    for config in configs:
        terms: list[Alternatives] = []
        seen: set[tuple[str, ...]] = set()
        for word in words:
            spellings = [word]
            if config == "german":
                variant = umlaut_spelling(word)
                if variant:
                    spellings.append(variant)
            alternatives: dict[str, str] = {}
            for spelling in spellings:
                value = stem(spelling, config)
                if value and value not in alternatives:
                    alternatives[value] = spelling
            key = tuple(alternatives)
            if alternatives and key not in seen:
                seen.add(key)
                terms.append(tuple((spelling, value) for value, spelling in alternatives.items()))
        terms_by_config[config] = tuple(terms)
    return ParsedQuery(text=text, words=tuple(words), terms_by_config=terms_by_config)


# Letters a stem may show differently from the word it comes from (umlauts folded, ß → ss,
# ё → е): the candidate finder below accepts either.
_VARIANTS = {"a": "aä", "o": "oö", "u": "uü", "s": "sß", "е": "её"}


@functools.lru_cache(maxsize=1024)
def _candidate_finder(wanted: frozenset[str], config: str) -> re.Pattern[str] | None:
    """A regex that finds the words that *may* have one of the wanted stems: those starting
    with a stem's first two letters (stems are prefixes of the folded word). Only the words
    it finds are stemmed, so long texts are cheap. None: stem every word (Arabic stems drop
    prefixes)."""
    if config == "arabic":
        return None
    prefixes = set()
    for value in wanted:
        prefix = "".join(
            f"[{_VARIANTS[char]}]" if char in _VARIANTS else re.escape(char) for char in value[:2]
        )
        prefixes.add(prefix)
    return re.compile(r"(?<![^\W_])(?:" + "|".join(sorted(prefixes)) + ")", re.IGNORECASE)


def _matches(text: str, wanted: frozenset[str], config: str) -> Iterator[re.Match[str]]:
    """The words of `text` whose stem is wanted, in order."""
    finder = _candidate_finder(wanted, config)
    if finder is None:
        for match in TOKEN_RE.finditer(text):
            if stem(match.group(), config) in wanted:
                yield match
        return
    end = 0
    for candidate in finder.finditer(text):
        if candidate.start() < end:
            continue
        token = TOKEN_RE.match(text, candidate.start())
        if token is None:
            continue
        end = token.end()
        if stem(token.group(), config) in wanted:
            yield token


def highlight(text: str, query_stems: Iterable[str], config: str = "german") -> SafeString:
    """Escape `text` and wrap every word whose stem is one of `query_stems` in <mark>."""
    wanted = frozenset(query_stems)
    if not wanted:
        return mark_safe(escape(text))  # noqa: S308 - escaped
    parts: list[str] = []
    position = 0
    for match in _matches(text, wanted, config):
        parts.append(escape(text[position : match.start()]))
        parts.append(f"<mark>{escape(match.group())}</mark>")
        position = match.end()
    parts.append(escape(text[position:]))
    return mark_safe("".join(parts))  # noqa: S308 - every piece escaped


def first_match(text: str, query_stems: frozenset[str], config: str) -> int:
    """Character offset of the first word of `text` whose stem is wanted, or -1."""
    if query_stems:
        for match in _matches(text, query_stems, config):
            return match.start()
    return -1


def excerpt(text: str, around: int, length: int) -> tuple[str, bool, bool]:
    """About `length` characters of `text` around offset `around`, cut at word boundaries.
    Returns the excerpt and whether text was left out before and after it."""
    if len(text) <= length:
        return text, False, False
    start = max(0, around - length // 3) if around >= 0 else 0
    end = min(len(text), start + length)
    start = max(0, end - length)
    if start > 0:
        space = text.find(" ", start)
        if 0 <= space < start + 30:
            start = space + 1
    if end < len(text):
        space = text.rfind(" ", start, end)
        if space > end - 30:
            end = space
    return text[start:end], start > 0, end < len(text)


def snippet(
    texts: Iterable[str], query_stems: Iterable[str], config: str = "german", length: int = 240
) -> SafeString:
    """A highlighted excerpt around the first match in the first text that has one (else the
    start of the first non-empty text)."""
    wanted = frozenset(query_stems)
    candidates = [" ".join(text.split()) for text in texts if text and text.strip()]
    if not candidates:
        return mark_safe("")
    chosen, offset = candidates[0], -1
    for text in candidates:
        found = first_match(text, wanted, config)
        if found >= 0:
            chosen, offset = text, found
            break
    part, cut_before, cut_after = excerpt(chosen, offset, length)
    html = highlight(part, wanted, config)
    return mark_safe(  # noqa: S308 - highlight() escaped the text
        f"{'… ' if cut_before else ''}{html}{' …' if cut_after else ''}"
    )
