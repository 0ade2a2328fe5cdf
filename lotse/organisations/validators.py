"""Validators of the public organisation profile (shared by model, form and API)."""

import re

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

_PHONE = re.compile(r"[0-9 +\-/()]+")


def validate_phone(value: str) -> None:
    """Allow only digits, spaces, +, -, / and parentheses, with at least one digit."""
    if not value:
        return
    if not _PHONE.fullmatch(value) or not any(c.isdigit() for c in value):
        raise ValidationError(
            _("Please use only digits, spaces and the characters + - / ( ) in telephone numbers."),
            code="phone",
        )


@deconstructible
class WebAddressValidator(URLValidator):
    """Accept only http:// and https:// web addresses (never javascript:, data:, ftp:, …)."""

    message = _("Please enter a web address that starts with http:// or https://.")

    def __init__(self) -> None:
        super().__init__(schemes=["http", "https"], message=self.message)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, WebAddressValidator)

    def __hash__(self) -> int:
        return hash("WebAddressValidator")


validate_web_address = WebAddressValidator()
