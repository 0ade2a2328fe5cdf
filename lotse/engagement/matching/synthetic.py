"""Synthetic, Land-scale matching problems on real German geography (benchmarks and tests).

Positions are real postcode coordinates from the shipped regions data
(`lotse/regions/data/postcodes.csv`, `districts.csv`, read directly so no database is needed):
a district is drawn in proportion to its population, then one of its postcodes, then a small
jitter of the size of a postcode area. Languages, topics, radii, capacities, loads, waiting
times and availability follow plausible mixes for newcomers and volunteers in Germany. The
numbers are invented; only the geography is real.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

from .problem import (
    AVAILABILITY_BITS,
    EARTH_RADIUS_KM,
    TOPIC_CODES,
    MatchingProblem,
    Weights,
    language_index,
)

REGIONS_DATA = Path(__file__).resolve().parents[2] / "regions" / "data"

# Newcomers' first language (shares sum to 1).
REQUEST_LANGUAGES: dict[str, float] = {
    "ar": 0.22,
    "uk": 0.20,
    "tr": 0.09,
    "ru": 0.08,
    "prs": 0.07,
    "fa": 0.06,
    "kmr": 0.06,
    "en": 0.06,
    "ti": 0.04,
    "de": 0.04,
    "so": 0.03,
    "ps": 0.02,
    "ckb": 0.02,
    "fr": 0.01,
}
# Second languages: (language of the first language or "*" for everyone, extra, probability).
REQUEST_SECOND_LANGUAGES: tuple[tuple[str, str, float], ...] = (
    ("*", "en", 0.25),
    ("*", "de", 0.20),
    ("uk", "ru", 0.50),
    ("kmr", "tr", 0.40),
    ("ckb", "ar", 0.40),
    ("prs", "fa", 0.50),
    ("ps", "prs", 0.30),
    ("ti", "am", 0.20),
    ("so", "ar", 0.15),
)
INTERPRETER_SHARE = 0.08  # requests with an interpreter (adds German and English)
# Volunteers: (language, probability of speaking it, probability it is native/fluent).
VOLUNTEER_LANGUAGES: tuple[tuple[str, float, float], ...] = (
    ("de", 0.97, 0.95),
    ("en", 0.65, 0.45),
    ("fr", 0.12, 0.30),
    ("es", 0.08, 0.30),
    ("it", 0.04, 0.30),
)
MIGRATION_BACKGROUND_SHARE = 0.18
MIGRATION_LANGUAGES: dict[str, float] = {
    "ar": 0.28,
    "tr": 0.25,
    "ru": 0.20,
    "uk": 0.10,
    "fa": 0.10,
    "prs": 0.04,
    "kmr": 0.03,
}
REQUEST_TOPIC_SHARES = (0.20, 0.12, 0.10, 0.12, 0.15, 0.15, 0.08, 0.05, 0.03)
VOLUNTEER_TOPIC_PROBABILITIES = (0.35, 0.25, 0.15, 0.20, 0.25, 0.30, 0.35, 0.08, 0.10)
RADII_KM = (2.0, 5.0, 10.0, 20.0, 30.0, 50.0)
RADIUS_SHARES = (0.20, 0.30, 0.22, 0.15, 0.08, 0.05)
CAPACITY_SHARES = {1: 0.60, 2: 0.30, 3: 0.10}
LOAD_SHARES = {0: 0.80, 1: 0.15, 2: 0.05}
MEAN_WAIT_DAYS = 35.0
MAX_WAIT_DAYS = 120.0


@dataclass(frozen=True)
class Geography:
    """Postcode coordinates with the population weight of a postcode's district."""

    lat: np.ndarray
    lon: np.ndarray
    weight: np.ndarray  # probability of drawing this postcode (sums to 1)
    jitter_km: np.ndarray  # standard deviation of the jitter around the postcode


@cache
def geography(data_dir: Path = REGIONS_DATA) -> Geography:
    """Read the postcodes and districts CSV files once."""
    population: dict[str, float] = {}
    area: dict[str, float] = {}
    with (data_dir / "districts.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            population[row["ags"]] = float(row["population"])
            area[row["ags"]] = float(row["area_km2"])
    lat, lon, district = [], [], []
    with (data_dir / "postcodes.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["district_ags"] not in population:
                continue
            lat.append(float(row["latitude"]))
            lon.append(float(row["longitude"]))
            district.append(row["district_ags"])
    counts: dict[str, int] = {}
    for ags in district:
        counts[ags] = counts.get(ags, 0) + 1
    # A district's population is shared by its postcodes; a postcode covers area/count km².
    weight = np.array([population[ags] / counts[ags] for ags in district])
    jitter = np.array([min(5.0, 0.4 * np.sqrt(area[ags] / counts[ags])) for ags in district])
    return Geography(
        lat=np.array(lat),
        lon=np.array(lon),
        weight=weight / weight.sum(),
        jitter_km=jitter,
    )


def _positions(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    geo = geography()
    picks = rng.choice(len(geo.lat), size=n, p=geo.weight)
    sigma = geo.jitter_km[picks]
    north = rng.normal(0.0, 1.0, n) * sigma
    east = rng.normal(0.0, 1.0, n) * sigma
    lat = geo.lat[picks] + np.degrees(north / EARTH_RADIUS_KM)
    lon = geo.lon[picks] + np.degrees(east / (EARTH_RADIUS_KM * np.cos(np.radians(lat))))
    return lat, lon


def _bits(rng: np.random.Generator, probabilities: np.ndarray) -> np.ndarray:
    """Draw a bit mask per row: bit i set with probabilities[row, i]."""
    drawn = rng.random(probabilities.shape) < probabilities
    weights = np.left_shift(np.int64(1), np.arange(probabilities.shape[1], dtype=np.int64))
    return (drawn.astype(np.int64) * weights).sum(axis=1)


def _slot_profile(morning: float, afternoon: float, evening: float, weekend: float) -> np.ndarray:
    profile = np.tile([morning, afternoon, evening], 7)
    profile[15:] = weekend  # Saturday and Sunday
    return profile


def _choice(rng: np.random.Generator, shares: dict, n: int) -> np.ndarray:
    keys = list(shares)
    probabilities = np.array([shares[k] for k in keys], dtype=float)
    return np.array(keys)[rng.choice(len(keys), size=n, p=probabilities / probabilities.sum())]


def _request_languages(rng: np.random.Generator, n: int) -> np.ndarray:
    first = _choice(rng, REQUEST_LANGUAGES, n)
    mask = np.zeros(n, dtype=np.uint64)
    for code in REQUEST_LANGUAGES:
        mask[first == code] |= np.uint64(1 << language_index(code))
    for base, extra, probability in REQUEST_SECOND_LANGUAGES:
        eligible = np.ones(n, dtype=bool) if base == "*" else first == base
        mask[eligible & (rng.random(n) < probability)] |= np.uint64(1 << language_index(extra))
    interpreter = rng.random(n) < INTERPRETER_SHARE
    mask[interpreter] |= np.uint64((1 << language_index("de")) | (1 << language_index("en")))
    return mask


def _volunteer_languages(rng: np.random.Generator, m: int) -> tuple[np.ndarray, np.ndarray]:
    any_mask = np.zeros(m, dtype=np.uint64)
    good_mask = np.zeros(m, dtype=np.uint64)
    for code, probability, good_share in VOLUNTEER_LANGUAGES:
        bit = np.uint64(1 << language_index(code))
        speaks = rng.random(m) < probability
        any_mask[speaks] |= bit
        good_mask[speaks & (rng.random(m) < good_share)] |= bit
    background = rng.random(m) < MIGRATION_BACKGROUND_SHARE
    native = _choice(rng, MIGRATION_LANGUAGES, m)
    for code in MIGRATION_LANGUAGES:
        bit = np.uint64(1 << language_index(code))
        chosen = background & (native == code)
        any_mask[chosen] |= bit
        good_mask[chosen] |= bit
    german = np.uint64(1 << language_index("de"))
    nothing = any_mask == 0
    any_mask[nothing] |= german
    good_mask[nothing] |= german
    return any_mask, good_mask


def generate(
    n_requests: int,
    n_volunteers: int,
    seed: int = 0,
    *,
    weights: Weights | None = None,
    candidate_k: int | None = 32,
    excluded_share: float = 0.02,
) -> MatchingProblem:
    """Return a reproducible synthetic problem (same arguments → same arrays)."""
    if n_requests < 0 or n_volunteers < 0:
        raise ValueError("Sizes must not be negative")
    rng = np.random.default_rng(seed)
    n, m = n_requests, n_volunteers

    req_lat, req_lon = _positions(rng, n)
    req_lang = _request_languages(rng, n)
    shares = np.array(REQUEST_TOPIC_SHARES)
    req_topic = rng.choice(len(TOPIC_CODES), size=n, p=shares / shares.sum()).astype(np.int64)
    request_slots = np.broadcast_to(_slot_profile(0.35, 0.30, 0.15, 0.15), (n, AVAILABILITY_BITS))
    req_times = _bits(rng, request_slots)
    req_times[rng.random(n) < 0.2] = 0  # "any time"
    req_wait_days = np.minimum(rng.exponential(MEAN_WAIT_DAYS, n), MAX_WAIT_DAYS)

    vol_lat, vol_lon = _positions(rng, m)
    vol_radius = np.array(RADII_KM)[rng.choice(len(RADII_KM), size=m, p=RADIUS_SHARES)]
    vol_lang_any, vol_lang_good = _volunteer_languages(rng, m)
    topic_probabilities = np.broadcast_to(VOLUNTEER_TOPIC_PROBABILITIES, (m, len(TOPIC_CODES)))
    vol_topics = _bits(rng, topic_probabilities)
    none = vol_topics == 0
    vol_topics[none] = np.left_shift(
        1, rng.choice(len(TOPIC_CODES), size=int(none.sum()), p=shares / shares.sum())
    )
    activity = rng.uniform(0.5, 1.5, (m, 1))
    volunteer_slots = np.clip(_slot_profile(0.15, 0.25, 0.40, 0.35) * activity, 0, 1)
    vol_avail = _bits(rng, volunteer_slots)
    vol_avail[rng.random(m) < 0.05] = 0  # gave no availability
    vol_capacity = _choice(rng, CAPACITY_SHARES, m).astype(np.int64)
    vol_load = _choice(rng, LOAD_SHARES, m).astype(np.int64)

    excluded = int(n * excluded_share) if m else 0
    excluded_req = rng.choice(n, size=excluded, replace=False).astype(np.int64)
    excluded_vol = rng.integers(0, max(m, 1), size=excluded, dtype=np.int64)

    return MatchingProblem(
        req_lat=req_lat,
        req_lon=req_lon,
        req_lang=req_lang,
        req_topic=req_topic,
        req_times=req_times,
        req_wait_days=req_wait_days,
        vol_lat=vol_lat,
        vol_lon=vol_lon,
        vol_radius_km=vol_radius,
        vol_lang_any=vol_lang_any,
        vol_lang_good=vol_lang_good,
        vol_topics=vol_topics,
        vol_avail=vol_avail,
        vol_capacity=vol_capacity,
        vol_load=vol_load,
        excluded_req=excluded_req,
        excluded_vol=excluded_vol,
        weights=weights or Weights(),
        candidate_k=candidate_k,
    )
