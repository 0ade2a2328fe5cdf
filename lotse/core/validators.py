"""Validators shared by forms and serializers of all modules."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Markup has no place in plain-text fields; refusing it is clearer than silently escaping it.
_MARKUP = re.compile(r"<\s*/?\s*[a-zA-Z!][^>]*>|javascript:|on[a-z]+\s*=", re.IGNORECASE)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def validate_plain_text(value: str) -> None:
    """Reject HTML tags, script URLs, event handlers and control characters."""
    if _MARKUP.search(value or ""):
        raise ValidationError(
            _("Please enter plain text without HTML tags or scripts."), code="markup"
        )
    if _CONTROL.search(value or ""):
        raise ValidationError(_("The text contains invalid control characters."), code="control")


def validate_name(value: str) -> None:
    """A person's name: letters of any script, spaces, hyphens, apostrophes and dots."""
    validate_plain_text(value)
    if not re.fullmatch(r"[^\W\d_]+(?:[ \-'’.][^\W\d_]*)*\.?", value.strip() or "x"):
        raise ValidationError(
            _("Please use only letters, spaces, hyphens and apostrophes in names."), code="name"
        )
