"""Patenschaften and their check-ins. (Owned by the Patenschaften area.)"""

from __future__ import annotations

from typing import Any


def patenschaft_start(*, proposal: Any, actor: Any | None) -> Any:
    """Start the Patenschaft of a confirmed proposal (called by the proposal workflow inside its
    transaction, with the request and volunteer rows locked). Returns the Patenschaft."""
    raise NotImplementedError
