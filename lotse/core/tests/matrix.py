"""The role × URL matrix: a world of actors and the rows every module contributes.

Each app declares `ROWS` in `lotse/<app>/tests/url_rows.py`. `test_url_matrix.py` requests
every row as every actor and fails when a URL pattern has no row, so a new URL cannot ship
without a decision about who may open it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

ACTORS = (
    "anonymous",
    "registered",  # confirmed account, no volunteer profile yet
    "volunteer",
    "other_volunteer",
    "coordinator",
    "other_coordinator",
    "org_member",
    "org_admin",
    "other_org_admin",
    "state_editor",
    "platform_admin",
)
LOGGED_IN = tuple(a for a in ACTORS if a != "anonymous")
STAFF = (
    "coordinator",
    "other_coordinator",
    "org_admin",
    "other_org_admin",
    "state_editor",
    "platform_admin",
)


@dataclass
class World:
    """The objects every row can refer to (built once per test by the `world` fixture)."""

    users: dict[str, Any]
    district: Any
    other_district: Any
    volunteer_profile: Any
    other_volunteer_profile: Any
    organisation: Any
    other_organisation: Any
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class UrlRow:
    """Who gets which status code for one URL pattern (GET)."""

    name: str
    expect: dict[str, int]
    kwargs: Callable[[World], dict[str, Any]] | None = None
    query: str = ""
    # Patterns that only exist under some settings (e.g. DEBUG) may say so.
    note: str = ""

    def status_for(self, actor: str) -> int:
        return self.expect[actor]


def everyone(status: int = 200, **overrides: int) -> dict[str, int]:
    """Every actor gets `status`, except the overrides."""
    return {actor: overrides.get(actor, status) for actor in ACTORS}


def logged_in(status: int = 200, anonymous: int = 302, **overrides: int) -> dict[str, int]:
    """Anonymous visitors are sent to the login page; every logged-in actor gets `status`."""
    return everyone(status, anonymous=anonymous, **overrides)


def only(
    allowed: tuple[str, ...], status: int = 200, denied: int = 404, anonymous: int = 302
) -> dict[str, int]:
    """Only `allowed` actors get `status`; other logged-in ones `denied`; anonymous `anonymous`."""
    result = {actor: (status if actor in allowed else denied) for actor in ACTORS}
    if "anonymous" not in allowed:
        result["anonymous"] = anonymous
    return result
