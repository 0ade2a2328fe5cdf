"""Synthetic German knowledge-base entries for the search benchmark (no database).

Modelled on the search research (200,000 generated documents): realistic lengths — title 8–15
words, question 40–120, answer 80–300 — drawn from

- a general vocabulary in Zipf order (frequent German words, stopwords included, then a long
  tail: 2,000 compounds such as "Antragsfrist", then made-up words of German syllables, 20,000
  words in all, so that rare words exist);
- a topical core per topic whose words come in inflected forms ("Wohnung", "Wohnungen";
  "Arzt", "Ärzte", "Arztes"), frequent in titles (22 % of their words), rarer in questions
  (7 %) and answers (5 %);
- a few words common to every topic ("Antrag", "Termin", "Familie", …).

Sampling uses numpy, so 200,000 entries take seconds. The same seed gives the same entries and
the same queries.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from lotse.core.choices import Topic

from ..models import MAX_TITLE
from .text import stem

# Topic → lemma groups; the first form of a group is the most frequent.
CORE: dict[str, list[list[str]]] = {
    Topic.HOUSING: [
        ["Wohnung", "Wohnungen"],
        ["Miete", "Mieten"],
        ["Mietvertrag", "Mietverträge", "Mietvertrags"],
        ["Vermieter", "Vermieterin", "Vermietern"],
        ["Nebenkosten"],
        ["Kaution"],
        ["Wohnberechtigungsschein", "WBS"],
        ["Wohngeld"],
        ["Umzug", "Umzüge"],
        ["Mieterhöhung", "Mieterhöhungen"],
        ["Kündigung", "Kündigungen"],
        ["Heizkosten"],
    ],
    Topic.AUTHORITIES: [
        ["Jobcenter"],
        ["Bürgergeld"],
        ["Antrag", "Anträge", "Antrags"],
        ["Bescheid", "Bescheide"],
        ["Ausländerbehörde", "Ausländerbehörden"],
        ["Aufenthaltstitel"],
        ["Aufenthaltserlaubnis", "Aufenthaltserlaubnisse"],
        ["Widerspruch", "Widersprüche"],
        ["Anmeldung", "Anmeldungen"],
        ["Bürgeramt", "Bürgerämter"],
        ["Reisepass", "Reisepässe"],
        ["Fiktionsbescheinigung"],
        ["Einbürgerung"],
        ["Duldung", "Duldungen"],
    ],
    Topic.LANGUAGE_LEARNING: [
        ["Sprachkurs", "Sprachkurse", "Sprachkursen"],
        ["Integrationskurs", "Integrationskurse"],
        ["Deutschkurs", "Deutschkurse"],
        ["Prüfung", "Prüfungen"],
        ["Zertifikat", "Zertifikate"],
        ["Niveau"],
        ["Lehrer", "Lehrerin"],
        ["Kurs", "Kurse", "Kursen"],
        ["Volkshochschule", "VHS"],
        ["Berechtigungsschein"],
    ],
    Topic.SCHOOL_CHILDCARE: [
        ["Kita", "Kitas"],
        ["Schule", "Schulen"],
        ["Kindergeld"],
        ["Kinderzuschlag"],
        ["Betreuung"],
        ["Kitaplatz", "Kitaplätze"],
        ["Schulpflicht"],
        ["Hort"],
        ["Elterngeld"],
        ["Klasse", "Klassen"],
        ["Schüler", "Schülerin", "Schülern"],
    ],
    Topic.HEALTH: [
        ["Arzt", "Ärzte", "Ärztin", "Ärztinnen", "Arztes"],
        ["Krankenversicherung", "Krankenversicherungen"],
        ["Krankenkasse", "Krankenkassen"],
        ["Termin", "Termine"],
        ["Krankenhaus", "Krankenhäuser"],
        ["Rezept", "Rezepte"],
        ["Apotheke", "Apotheken"],
        ["Versichertenkarte"],
        ["Zahnarzt", "Zahnärzte"],
        ["Impfung", "Impfungen"],
        ["Notaufnahme"],
    ],
    Topic.WORK: [
        ["Anerkennung", "Anerkennungen"],
        ["Berufsabschluss", "Berufsabschlüsse"],
        ["Arbeitserlaubnis"],
        ["Ausbildung", "Ausbildungen"],
        ["Arbeitsvertrag", "Arbeitsverträge"],
        ["Lohn", "Löhne"],
        ["Minijob", "Minijobs"],
        ["Bewerbung", "Bewerbungen"],
        ["Praktikum", "Praktika"],
        ["Steuer", "Steuern"],
        ["Steuererklärung"],
    ],
    Topic.INTERPRETING: [
        ["Dolmetscher", "Dolmetscherin", "Dolmetschern"],
        ["Beratung", "Beratungen"],
        ["Beratungsstelle", "Beratungsstellen"],
        ["Übersetzung", "Übersetzungen"],
        ["Migrationsberatung"],
        ["Sozialarbeiter", "Sozialarbeiterin"],
        ["Anwalt", "Anwältin", "Anwälte"],
    ],
    Topic.LEISURE: [
        ["Ehrenamt", "Ehrenamtliche", "Ehrenamtlichen"],
        ["Verein", "Vereine", "Vereinen"],
        ["Patenschaft", "Patenschaften"],
        ["Begegnungscafé"],
        ["Freiwillige", "Freiwilligen"],
        ["Spende", "Spenden"],
        ["Nachbarschaft"],
        ["Sportverein", "Sportvereine"],
    ],
    Topic.OTHER: [
        ["Führerschein", "Führerscheine", "Führerscheins"],
        ["Fahrschule", "Fahrschulen"],
        ["Umschreibung"],
        ["Fahrprüfung"],
        ["Deutschlandticket"],
        ["Fahrkarte", "Fahrkarten"],
        ["Konto", "Konten"],
        ["Bank", "Banken"],
        ["Handyvertrag", "Handyverträge"],
        ["Versicherung", "Versicherungen"],
        ["Haftpflichtversicherung"],
    ],
}
# Words of every topic (a little of every text).
GLOBAL_COMMON = [
    ["Wohnung", "Wohnungen"],
    ["Antrag", "Anträge"],
    ["Termin", "Termine"],
    ["Unterlagen"],
    ["Deutschland"],
    ["Behörde", "Behörden"],
    ["Familie", "Familien"],
    ["Kinder", "Kind", "Kindern"],
    ["Geld"],
    ["Hilfe"],
]


def _words(text: str) -> list[str]:
    return text.split()


# Frequent German words in rough frequency order (stopwords included: real texts have them).
GENERAL = _words(
    """
die der und in zu den das nicht von sie ist des sich mit dem dass er es ein ich auf so eine
auch als an nach wie im für man aber aus durch wenn nur war noch werden bei hat wir was wird
sein einen welche sind oder zur um haben einer mir über ihm diese einem ihr uns da zum kann
doch vor dieser mich ihn du hatte seine mehr am denn nun unter sehr selbst schon hier bis
habe ihre dann ihnen seiner alle wieder meine zeit gegen vom ganz einzelnen wo muss ohne
eines können sei jahr jahre jahren heute immer gut neue neuen frage fragen antwort stadt
woche wochen monat monaten tag tage tagen arbeit leben land menschen mensch frau mann leute
beispiel grund möglich wichtig schnell einfach genau bitte danke information informationen
hilfe stelle stellen weg ort ende anfang seite teil zahl form recht ziel fall fälle ablauf
kosten geld brief briefe post nummer name adresse telefon email internet online formular
unterschrift kopie original nachweis nachweise frist fristen gebühr gebühren ausweis
erklärung regel regeln möglichkeit möglichkeiten lösung problem probleme unterstützung
angebot angebote bereich bereiche ansprechpartner sprechstunde öffnungszeiten vormittag
nachmittag abend montag dienstag mittwoch donnerstag freitag warten wartezeit bekommen
beantragen erhalten bezahlen zahlen brauchen finden suchen helfen fragen erklären schicken
ausfüllen unterschreiben mitbringen vorlegen prüfen melden anrufen vereinbaren klären
verstehen lernen sprechen lesen schreiben gehen kommen bleiben wohnen arbeiten leben geben
nehmen sagen zeigen stehen liegen gelten dauern kosten reichen fehlen ändern neu alt lang
kurz groß klein erste zweite letzte weitere andere eigene gleiche ganze halbe volle offene
dringend zuständig notwendig erforderlich kostenlos günstig teuer schwierig leicht klar
richtig falsch persönlich schriftlich mündlich digital zusätzlich monatlich jährlich
"""
)

# The long tail (rare words): compounds of common parts, then made-up words of German
# syllables (real rare words are mostly as long as these: 7–13 letters).
_FIRST = _words(
    """Antrags Miet Arbeits Schul Kinder Sprach Familien Bürger Stadt Kreis Gesundheits
Wohnungs Steuer Geld Zeit Haus Bahn Reise Kranken Lehr Ausbildungs Beratungs Verwaltungs
Behörden Sozial Jugend Renten Pflege Eltern Gemeinde Landes Bundes Integrations Ausländer
Melde Versicherungs Kredit Strom Wasser Garten Küchen Tür Fenster Markt Sport Musik Bild
Buch Brief Post Park Wald Berg Feld"""
)
_SECOND = _words(
    """stelle amt kosten vertrag recht nachweis bescheid termin frist gebühr zeit platz ort
schein karte formular geld hilfe pflicht plan büro zentrum verfahren leistung zuschuss angebot
kurs gruppe verein system liste raum weg tag jahr art"""
)
_ONSETS = _words("b d f g h k l m n p r s t w z br fl gr kl pr sch st tr")
_VOWELS = _words("a e i o u ä ö ü au ei ie")
_CODAS = ["", "", "n", "r", "l", "s", "t", "ch", "ng", "nd", "rt", "st"]
TAIL_SIZE = 20_000


def _tail(rng: np.random.Generator) -> list[str]:
    compounds = [first + second for first, second in itertools.product(_FIRST, _SECOND)]
    words = [compounds[int(i)] for i in rng.permutation(len(compounds))]
    seen = set(words) | set(GENERAL)
    while len(words) < TAIL_SIZE:
        syllables = int(rng.integers(2, 4))
        word = "".join(
            _ONSETS[int(rng.integers(len(_ONSETS)))]
            + _VOWELS[int(rng.integers(len(_VOWELS)))]
            + _CODAS[int(rng.integers(len(_CODAS)))]
            for _ in range(syllables)
        )
        if rng.random() < 0.5:
            word = word.capitalize()
        if word not in seen:
            seen.add(word)
            words.append(word)
    return words


@dataclass(frozen=True)
class Document:
    language: str
    topic: str
    title: str
    question: str
    answer: str


class Generator:
    """Draws documents and query words from one seeded vocabulary."""

    def __init__(self, seed: int = 42) -> None:
        self.rng = np.random.default_rng(seed)
        self.vocabulary = np.array(GENERAL + _tail(self.rng), dtype=object)
        ranks = np.arange(1, len(self.vocabulary) + 1, dtype=float)
        self._cdf = _cdf(list(1.0 / ranks**1.07))
        self.topics = list(CORE)
        self._groups = {topic: CORE[topic] for topic in self.topics}
        self._group_cdfs = {
            topic: _cdf([1 / (i + 1) ** 0.8 for i in range(len(groups))])
            for topic, groups in self._groups.items()
        }
        self._global_cdf = _cdf([1 / (i + 1) for i in range(len(GLOBAL_COMMON))])

    # -- documents ----------------------------------------------------------------------------

    def _form(self, group: list[str]) -> str:
        if len(group) == 1 or self.rng.random() < 0.6:
            return group[0]
        return group[int(self.rng.integers(1, len(group)))]

    def _pick(self, cdf: np.ndarray) -> int:
        return int(np.searchsorted(cdf, self.rng.random(), side="right"))

    def _words(self, count: int, topic: str, topical_share: float) -> list[str]:
        indices = np.searchsorted(self._cdf, self.rng.random(count), side="right")
        words: list[str] = self.vocabulary[indices].tolist()
        draws = self.rng.random(count)
        groups = self._groups[topic]
        for index in np.flatnonzero(draws < topical_share + 0.0225).tolist():
            draw = draws[index]
            if draw < topical_share:
                words[index] = self._form(groups[self._pick(self._group_cdfs[topic])])
            elif draw < topical_share + 0.02:
                other = self.topics[int(self.rng.integers(len(self.topics)))]
                words[index] = self._form(self._groups[other][self._pick(self._group_cdfs[other])])
            else:
                words[index] = self._form(GLOBAL_COMMON[self._pick(self._global_cdf)])
        return words

    def _text(self, low: int, high: int, topic: str, share: float, *, question: bool) -> str:
        words = self._words(int(self.rng.integers(low, high + 1)), topic, share)
        sentences = []
        start = 0
        while start < len(words):
            length = int(self.rng.integers(6, 17))
            part = words[start : start + length]
            part[0] = part[0][:1].upper() + part[0][1:]
            last = start + length >= len(words)
            end = "?" if question and last else "." if last else ("." if length % 3 else ",")
            sentences.append(" ".join(part) + end)
            start += length
        return " ".join(sentences)

    def document(self) -> Document:
        topic = self.topics[int(self.rng.integers(len(self.topics)))]
        title = self._text(8, 15, topic, 0.22, question=True)
        if len(title) > MAX_TITLE:  # long compounds: cut at a word, as an editor would
            title = title[: MAX_TITLE - 1].rsplit(" ", 1)[0] + "?"
        return Document(
            language="de",
            topic=str(topic),
            title=title,
            question=self._text(40, 120, topic, 0.07, question=True),
            answer=self._text(80, 300, topic, 0.05, question=False),
        )

    def documents(self, count: int) -> Iterator[Document]:
        for _ in range(count):
            yield self.document()

    # -- queries ------------------------------------------------------------------------------

    def queries(self, per_class: int) -> dict[str, list[str]]:
        """Query classes: `common` (frequent words), `rare` (tail words), `inflected` (other
        forms of topical words), `multi` (two or three words)."""
        rng = np.random.default_rng(7)
        heads = [group[0] for groups in CORE.values() for group in groups]
        frequent = [word for word in GENERAL[:250] if len(word) > 3 and stem(word.capitalize())]
        common = _cycle(
            [*(word.capitalize() for word in frequent[:40]), *heads[:: max(1, len(heads) // 20)]],
            per_class,
        )
        # Ranks 5,000 and beyond: each in well under 1 % of the entries.
        tail = [str(word) for word in self.vocabulary[5000:]]
        rare = _cycle([tail[int(i)] for i in rng.permutation(len(tail))], per_class)
        forms = [form for groups in CORE.values() for group in groups for form in group[1:]]
        inflected = _cycle([forms[int(i)] for i in rng.permutation(len(forms))], per_class)
        multi = []
        for index in range(per_class):
            topic = self.topics[index % len(self.topics)]
            groups = CORE[topic]
            first = groups[int(rng.integers(len(groups)))]
            second = groups[int(rng.integers(len(groups)))]
            words = [first[int(rng.integers(len(first)))], second[0]]
            if index % 3 == 0:
                words.append(common[int(rng.integers(len(common)))])
            elif index % 3 == 1:
                words.append(inflected[int(rng.integers(len(inflected)))])
            multi.append(" ".join(dict.fromkeys(words)))
        return {"common": common, "rare": rare, "inflected": inflected, "multi": multi}


def _cdf(weights: list[float]) -> np.ndarray:
    """Cumulative distribution of `weights` (the last value exactly 1)."""
    cumulative = np.cumsum(np.array(weights, dtype=float))
    cumulative /= cumulative[-1]
    cumulative[-1] = 1.0
    return cumulative


def _cycle(values: list[str], count: int) -> list[str]:
    unique = list(dict.fromkeys(values))
    return [unique[index % len(unique)] for index in range(count)]
