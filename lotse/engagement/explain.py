"""Why a pairing was proposed, in the reader's language.

The matching engine stores structured facts on each proposal (`Proposal.reasons`):

    {"languages": ["ar", "de"], "distance_km": 3.2, "slots": ["1-2"], "waiting_days": 12,
     "topic": "housing", "interpreter": False, "load": 0}

`render_reasons` turns them into short sentences in the active language ("speaks Arabic and
German", "3.2 km away", …); `render_reasons_line` joins them into one line. Unknown or missing
keys are skipped, so reasons stored by an older engine still render.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from lotse.core.availability import parse_cell_key
from lotse.core.choices import Language, Topic
from lotse.volunteers.choices import CELL_LABELS


def join_naturally(items: Sequence[str]) -> str:
    """Join words as a sentence does: "A", "A and B", "A, B and C" (in the active language)."""
    items = [str(item) for item in items]
    if not items:
        return ""
    if len(items) == 1:
        return items[0]
    # Translators: the end of a list, e.g. "Arabic, French and German".
    return _("%(items)s and %(last)s") % {
        "items": list_separator().join(items[:-1]),
        "last": items[-1],
    }


def list_separator() -> str:
    """The comma between list items in the active language (Arabic and Farsi use "، ")."""
    return pgettext("list separator", ", ")


def _language_labels(codes: Any) -> list[str]:
    labels = []
    for code in codes or []:
        try:
            labels.append(str(Language(code).label))
        except ValueError:
            continue
    return labels


def _slot_labels(keys: Any) -> list[str]:
    labels = []
    for key in keys or []:
        try:
            labels.append(str(CELL_LABELS[parse_cell_key(str(key))]))
        except (KeyError, ValueError):
            continue
    return labels


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value)


def render_reasons(reasons: dict[str, Any] | None) -> list[str]:
    """Return the reasons of a proposal as short translated phrases, most telling first."""
    if not isinstance(reasons, dict):
        return []
    phrases: list[str] = []
    languages = _language_labels(reasons.get("languages"))
    if languages:
        phrases.append(_("speaks %(languages)s") % {"languages": join_naturally(languages)})
    if reasons.get("interpreter"):
        phrases.append(_("with interpreter"))
    distance = _number(reasons.get("distance_km"))
    if distance is not None:
        phrases.append(
            _("%(distance)s km away")
            % {"distance": formats.number_format(round(distance, 1), 1, use_l10n=True)}
        )
    slots = _slot_labels(reasons.get("slots"))
    if slots:
        phrases.append(_("both free %(times)s") % {"times": join_naturally(slots)})
    topic = reasons.get("topic")
    if topic in Topic.values:
        phrases.append(_("helps with %(topic)s") % {"topic": Topic(topic).label})
    waiting = _number(reasons.get("waiting_days"))
    if waiting is not None:
        days = int(waiting)
        phrases.append(
            ngettext("request waiting %(days)d day", "request waiting %(days)d days", days)
            % {"days": days}
        )
    return phrases


def render_reasons_line(reasons: dict[str, Any] | None) -> str:
    """Return the reasons as one line, e.g. "speaks Arabic and German, 3.2 km away"."""
    return list_separator().join(render_reasons(reasons))
