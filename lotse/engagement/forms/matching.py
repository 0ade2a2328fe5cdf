"""Forms of the matching pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from lotse.core.form_rendering import KernFormMixin
from lotse.regions.models import District


class MatchingRunStartForm(KernFormMixin, forms.Form):
    """ "Run matching now" for one of the coordinator's districts (a hidden field per button)."""

    district: forms.ModelChoiceField[District] = forms.ModelChoiceField(
        label=_("District"),
        queryset=None,
        widget=forms.HiddenInput,
        error_messages={"invalid_choice": _("Please choose one of your districts.")},
    )

    def __init__(self, *args: Any, districts: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["district"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = districts
