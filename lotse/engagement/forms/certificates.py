"""Forms of the Engagementnachweis pages. (Owned by the Patenschaften area.)"""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lotse.core.form_rendering import KernFormMixin

from ..services.certificates import certificate_code_normalise
from .patenschaften import DateInput


class CertificateIssueForm(KernFormMixin, forms.Form):
    period_start = forms.DateField(
        label=_("From"),
        required=False,
        widget=DateInput(),
        help_text=_("Leave empty to start with your first approved hours."),
    )
    period_end = forms.DateField(
        label=_("Until"),
        required=False,
        widget=DateInput(),
        help_text=_("Leave empty for today."),
    )
    language = forms.ChoiceField(label=_("Language of the certificate"), choices=())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["language"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = list(settings.LANGUAGES)
        today = timezone.localdate().isoformat()
        self.fields["period_start"].widget.attrs["max"] = today
        self.fields["period_end"].widget.attrs["max"] = today


class CertificateVerifyForm(KernFormMixin, forms.Form):
    code = forms.CharField(
        label=_("Verification code"),
        max_length=40,
        help_text=_(
            "16 characters, as printed on the certificate, for example ABCD-EFGH-JKMN-PQRS."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )

    def clean_code(self) -> str:
        code = certificate_code_normalise(self.cleaned_data["code"])
        if code is None:
            raise forms.ValidationError(
                _("This is not a verification code. Please check what you typed."),
                code="format",
            )
        return code
