from django import forms
from django.utils.translation import gettext_lazy as _

from .form_rendering import KernFormMixin
from .validators import validate_plain_text


class AccessibilityFeedbackForm(KernFormMixin, forms.Form):
    """Report a barrier (BITV 2.0 § 7 feedback mechanism)."""

    page = forms.CharField(label=_("Which page is affected?"), max_length=300, required=False)
    message = forms.CharField(
        label=_("Describe the barrier"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        validators=[validate_plain_text],
    )
    email = forms.EmailField(
        label=_("Your e-mail address (optional, if you would like an answer)"), required=False
    )
