"""Input of the matching engine: weights, vocabularies and the `MatchingProblem` arrays.

Everything here is plain numpy, so the engine runs without Django or a database. The Django side
(`lotse.engagement.services.matching`) turns help requests and volunteer profiles into one
`MatchingProblem`; index `i` of every `req_*` array is one help request, index `j` of every
`vol_*` array one volunteer.

Encodings:

- **Languages** are a `uint64` bit mask; bit `i` is `LANGUAGE_CODES[i]`, the order of
  `lotse.core.choices.Language` (34 languages, so 64 bits leave room).
- **Topics**: a request has one topic index `t` (`TOPIC_CODES[t]`, the order of
  `lotse.core.choices.Topic`); a volunteer has a bit mask over topic indexes.
- **Availability** is the 21-bit weekly mask of `lotse.core.availability` (bit
  `weekday * 3 + day slot`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

# Mirrors of the vocabularies in `lotse.core.choices` (tests assert they are equal), so that the
# engine can be imported without Django settings.
LANGUAGE_CODES: tuple[str, ...] = (
    "de",
    "en",
    "ar",
    "uk",
    "ru",
    "tr",
    "fa",
    "prs",
    "ps",
    "kmr",
    "ckb",
    "ti",
    "so",
    "am",
    "fr",
    "es",
    "it",
    "pl",
    "ro",
    "bg",
    "sq",
    "sr",
    "hr",
    "bs",
    "el",
    "vi",
    "zh",
    "hi",
    "ur",
    "ta",
    "ka",
    "hy",
    "pt",
    "gsg",
)
TOPIC_CODES: tuple[str, ...] = (
    "language_learning",
    "school_childcare",
    "health",
    "housing",
    "work",
    "authorities",
    "leisure",
    "interpreting",
    "other",
)
AVAILABILITY_BITS = 21
# Same radius as `lotse.core.geo.EARTH_RADIUS_KM` (asserted in the tests).
EARTH_RADIUS_KM = 6371.0088

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
MaskArray = npt.NDArray[np.uint64]


def language_index(code: str) -> int:
    """Return the bit index of a language code (`ValueError` if unknown)."""
    return LANGUAGE_CODES.index(code)


def topic_index(code: str) -> int:
    """Return the index of a topic code (`ValueError` if unknown)."""
    return TOPIC_CODES.index(code)


def language_mask(codes: Any) -> int:
    """Combine language codes into a mask (for building problems from database rows)."""
    mask = 0
    for code in codes:
        mask |= 1 << language_index(code)
    return mask


def topic_mask(codes: Any) -> int:
    """Combine topic codes into a mask."""
    mask = 0
    for code in codes:
        mask |= 1 << topic_index(code)
    return mask


@dataclass(frozen=True)
class Weights:
    """How much each criterion is worth; a pair scores at most the sum of the five weights.

    Score of a request r and volunteer v (every part between 0 and its weight):

    - ``topic * 1/sqrt(#topics of v)``: the request's topic is one of v's; a specialist (fewer
      topics) fits better.
    - ``language * (1 if a shared language is at v's good level (native/fluent) else
      basic_language_factor)``.
    - ``distance * (1 - km / v's radius)``.
    - ``availability * shared slots / slots the request asks for`` (a request without times:
      1 when v gave any availability, else 0).
    - ``waiting * min(waiting days / waiting_full_days, 1)``: the same for every volunteer, so
      it decides which requests win when volunteers are scarce: the oldest first.

    Fair load: the k-th additional Patenschaft of a volunteer with current load L costs
    ``load_penalty * (L + k - 1)``, subtracted from the total.
    """

    topic: float = 15.0
    language: float = 15.0
    distance: float = 25.0
    availability: float = 20.0
    waiting: float = 25.0
    load_penalty: float = 8.0
    waiting_full_days: float = 60.0
    basic_language_factor: float = 0.5

    def __post_init__(self) -> None:
        for name in ("topic", "language", "distance", "availability", "waiting", "load_penalty"):
            if getattr(self, name) < 0:
                raise ValueError(f"Weight {name} must not be negative")
        if self.waiting_full_days <= 0:
            raise ValueError("waiting_full_days must be positive")
        if not 0 <= self.basic_language_factor <= 1:
            raise ValueError("basic_language_factor must be between 0 and 1")

    @property
    def max_score(self) -> float:
        """The best score a pair can reach."""
        return self.topic + self.language + self.distance + self.availability + self.waiting


def _array(value: Any, dtype: type, name: str) -> npt.NDArray[Any]:
    array: npt.NDArray[Any] = np.ascontiguousarray(value, dtype=dtype)
    if array.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional")
    return array


def _empty_int() -> IntArray:
    return np.zeros(0, dtype=np.int64)


_REQUEST_FIELDS: dict[str, type] = {
    "req_lat": np.float64,
    "req_lon": np.float64,
    "req_lang": np.uint64,
    "req_topic": np.int64,
    "req_times": np.int64,
    "req_wait_days": np.float64,
}
_VOLUNTEER_FIELDS: dict[str, type] = {
    "vol_lat": np.float64,
    "vol_lon": np.float64,
    "vol_radius_km": np.float64,
    "vol_lang_any": np.uint64,
    "vol_lang_good": np.uint64,
    "vol_topics": np.int64,
    "vol_avail": np.int64,
    "vol_capacity": np.int64,
    "vol_load": np.int64,
}


@dataclass(frozen=True)
class MatchingProblem:
    """Open help requests and available volunteers as parallel numpy arrays.

    Arrays are converted to their dtypes on creation (so lists work too) and validated.

    Hard rules for a pair (r, v): ``vol_topics[v]`` has bit ``req_topic[r]``;
    ``req_lang[r] & vol_lang_any[v] != 0`` (the request's mask already holds the languages of
    an interpreter who comes along); great-circle distance ``<= vol_radius_km[v]``;
    ``vol_capacity[v] >= 1``; (r, v) not in ``excluded`` (volunteers who declined or let a
    proposal for that request lapse). ``vol_lang_good`` is the subset of ``vol_lang_any``
    spoken at native or fluent level.
    """

    req_lat: FloatArray
    req_lon: FloatArray
    req_lang: MaskArray
    req_topic: IntArray
    req_times: IntArray
    req_wait_days: FloatArray
    vol_lat: FloatArray
    vol_lon: FloatArray
    vol_radius_km: FloatArray
    vol_lang_any: MaskArray
    vol_lang_good: MaskArray
    vol_topics: IntArray
    vol_avail: IntArray
    vol_capacity: IntArray
    vol_load: IntArray
    excluded_req: IntArray = field(default_factory=_empty_int)
    excluded_vol: IntArray = field(default_factory=_empty_int)
    weights: Weights = field(default_factory=Weights)
    # Candidate pairs kept per request (the best by score); None keeps every eligible pair.
    candidate_k: int | None = 32

    def __post_init__(self) -> None:
        for fields, label in ((_REQUEST_FIELDS, "request"), (_VOLUNTEER_FIELDS, "volunteer")):
            lengths = set()
            for name, dtype in fields.items():
                array = _array(getattr(self, name), dtype, name)
                object.__setattr__(self, name, array)
                lengths.add(len(array))
            if len(lengths) > 1:
                raise ValueError(f"All {label} arrays must have the same length")
        for name in ("excluded_req", "excluded_vol"):
            object.__setattr__(self, name, _array(getattr(self, name), np.int64, name))
        n, m = self.n_requests, self.n_volunteers
        if len(self.excluded_req) != len(self.excluded_vol):
            raise ValueError("excluded_req and excluded_vol must have the same length")
        if len(self.excluded_req) and (
            self.excluded_req.min() < 0
            or self.excluded_req.max() >= n
            or self.excluded_vol.min() < 0
            or self.excluded_vol.max() >= m
        ):
            raise ValueError("excluded pairs refer to unknown requests or volunteers")
        if n and (self.req_topic.min() < 0 or self.req_topic.max() >= 63):
            raise ValueError("req_topic must be a topic index between 0 and 62")
        if n and (self.req_wait_days.min() < 0):
            raise ValueError("req_wait_days must not be negative")
        if m and (self.vol_capacity.min() < 0 or self.vol_load.min() < 0):
            raise ValueError("vol_capacity and vol_load must not be negative")
        if m and self.vol_radius_km.min() < 0:
            raise ValueError("vol_radius_km must not be negative")
        for name in ("req_lat", "vol_lat"):
            values = getattr(self, name)
            if len(values) and (np.abs(values).max() > 90 or not np.isfinite(values).all()):
                raise ValueError(f"{name} must be latitudes in degrees")
        for name in ("req_lon", "vol_lon"):
            values = getattr(self, name)
            if len(values) and not np.isfinite(values).all():
                raise ValueError(f"{name} must be finite longitudes in degrees")
        if self.candidate_k is not None and self.candidate_k < 1:
            raise ValueError("candidate_k must be at least 1 (or None for every eligible pair)")

    @property
    def n_requests(self) -> int:
        return len(self.req_lat)

    @property
    def n_volunteers(self) -> int:
        return len(self.vol_lat)

    def with_options(self, **changes: Any) -> MatchingProblem:
        """Return a copy with some fields replaced (e.g. ``candidate_k=None``)."""
        from dataclasses import replace

        return replace(self, **changes)
