"""KERN form rendering: every error appears in a focusable summary that links to its field."""

from django import forms
from django.utils import translation

from lotse.core.form_rendering import KernFormMixin


class SampleForm(KernFormMixin, forms.Form):
    name = forms.CharField(label="Name", max_length=5)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("name") == "clash":
            raise forms.ValidationError("Form-wide problem.")
        return cleaned


def test_field_errors_alone_get_a_summary_with_links():
    with translation.override("en"):
        html = str(SampleForm(data={"name": "far too long"}))
    assert 'role="alert"' in html
    assert 'href="#id_name"' in html
    assert "Please correct the following errors." in html


def test_form_wide_errors_are_listed_too():
    with translation.override("en"):
        html = str(SampleForm(data={"name": "clash"}))
    assert "Form-wide problem." in html and 'role="alert"' in html


def test_a_valid_or_unbound_form_has_no_summary():
    assert 'role="alert"' not in str(SampleForm())
    assert 'role="alert"' not in str(SampleForm(data={"name": "ok"}))
