"""Matching runs: load a district's open requests and candidate volunteers, solve, store
proposals. (Owned by the matching area.)"""

from __future__ import annotations

from typing import Any


def propose_next_best(*, request: Any, actor: Any | None = None) -> Any | None:
    """Propose the next best volunteer for one request after a decline or lapse.

    Returns the new Proposal (status proposed, volunteer notified) or None when nobody fits.
    """
    raise NotImplementedError
