"""Dispatch of an Infobrief: exactly one mail per recipient, through crashed workers.

(Stub: implemented by the dispatch work package; the signatures below are the contract that
the editorial views and the tasks use.)
"""

from __future__ import annotations

from typing import Any

from ..models import Infobrief


def dispatch_prepare(*, infobrief_id: int) -> None:
    """Write one pending `Delivery` per recipient of a due Infobrief, then start the senders."""
    raise NotImplementedError


def dispatch_run(*, infobrief_id: int, budget_seconds: float | None = None) -> int:
    """Claim and send batches until nothing is due; return the number of mails sent."""
    raise NotImplementedError


def dispatch_due() -> None:
    """Start due scheduled Infobriefe, take back expired claims, wake up due retries."""
    raise NotImplementedError


def dispatch_pause(*, actor: Any, infobrief: Infobrief) -> Infobrief:
    raise NotImplementedError


def dispatch_resume(*, actor: Any, infobrief: Infobrief) -> Infobrief:
    raise NotImplementedError
