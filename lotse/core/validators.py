"""Validators shared by forms and serializers of all modules."""

import re
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Markup has no place in plain-text fields; refusing it is clearer than silently escaping it.
_MARKUP = re.compile(r"<\s*/?\s*[a-zA-Z!][^>]*>|javascript:|on[a-z]+\s*=", re.IGNORECASE)
# Control characters (NUL included) but tab, line feed and carriage return.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def validate_no_control_characters(value: str) -> None:
    """Refuse NUL bytes and other control characters (markup is allowed: escaped on output)."""
    if CONTROL_CHARACTERS.search(value or ""):
        raise ValidationError(_("The text contains invalid control characters."), code="control")


def add_error(errors: dict[str, list[Any]], field: str, message: Any, code: str) -> None:
    """Collect a field error for a `ValidationError(errors)` raised by a service."""
    errors.setdefault(field, []).append(ValidationError(message, code=code))


def clean_plain_text(
    errors: dict[str, list[Any]],
    field: str,
    value: Any,
    *,
    max_length: int,
    missing: Any = None,
    single_line: bool = False,
) -> str:
    """Tidy a plain-text value for a service and check it, collecting errors in `errors`:
    present (unless `missing`, the message, is None), at most `max_length` characters, no
    control characters. Line breaks become \\n; `single_line` collapses all whitespace. Markup
    is kept as typed: it is text, escaped wherever it is shown."""
    text = str(value if value is not None else "")
    if single_line:
        text = " ".join(text.split())
    else:
        text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    if not text:
        if missing is not None:
            add_error(errors, field, missing, "required")
    elif len(text) > max_length:
        add_error(
            errors,
            field,
            _("Please use at most %(max)d characters (you used %(count)d).")
            % {"max": max_length, "count": len(text)},
            "max_length",
        )
    elif CONTROL_CHARACTERS.search(text):
        add_error(errors, field, _("The text contains invalid control characters."), "control")
    return text


def validate_plain_text(value: str) -> None:
    """Reject HTML tags, script URLs, event handlers and control characters."""
    if _MARKUP.search(value or ""):
        raise ValidationError(
            _("Please enter plain text without HTML tags or scripts."), code="markup"
        )
    validate_no_control_characters(value)


def validate_name(value: str) -> None:
    """A person's name: letters of any script, spaces, hyphens, apostrophes and dots."""
    validate_plain_text(value)
    if not re.fullmatch(r"[^\W\d_]+(?:[ \-'’.][^\W\d_]*)*\.?", value.strip() or "x"):
        raise ValidationError(
            _("Please use only letters, spaces, hyphens and apostrophes in names."), code="name"
        )
