"""Forms of the hours pages. (Owned by the Patenschaften area.)"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from lotse.core.form_rendering import KernFormMixin
from lotse.core.validators import validate_plain_text

from ..models import Opportunity, Patenschaft
from ..services.hours import MAX_ACTIVITY, MAX_REVIEW_NOTE
from .patenschaften import DateInput


def patenschaft_label(patenschaft: Patenschaft) -> str:
    return str(
        _("Patenschaft with %(name)s (%(topic)s), since %(date)s")
        % {
            "name": patenschaft.request.first_name,
            "topic": patenschaft.request.get_topic_display(),
            "date": formats.date_format(patenschaft.started_on, "SHORT_DATE_FORMAT"),
        }
    )


class HoursLogForm(KernFormMixin, forms.Form):
    """Log hours for one of the volunteer's Patenschaften or accepted opportunities."""

    target = forms.ChoiceField(label=_("For"))
    date = forms.DateField(label=_("Date"), widget=DateInput())
    hours = forms.DecimalField(
        label=_("Hours"),
        min_value=Decimal("0.25"),
        max_value=Decimal("24"),
        decimal_places=2,
        max_digits=4,
        widget=forms.NumberInput(attrs={"step": "0.25", "inputmode": "decimal"}),
        help_text=_("In quarter hours, for example 1.5 for an hour and a half."),
    )
    activity = forms.CharField(
        label=_("What you did"),
        max_length=MAX_ACTIVITY,
        validators=[validate_plain_text],
        help_text=_("For example: accompanied to the registration office."),
    )

    def __init__(
        self,
        *args: Any,
        patenschaften: list[Patenschaft],
        opportunities: list[Opportunity],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self._patenschaften = {str(p.pk): p for p in patenschaften}
        self._opportunities = {str(o.pk): o for o in opportunities}
        choices: list[Any] = [("", _("Please choose"))]
        if patenschaften:
            choices.append(
                (
                    _("Patenschaften"),
                    [(f"p-{p.pk}", patenschaft_label(p)) for p in patenschaften],
                )
            )
        if opportunities:
            choices.append(
                (
                    _("Opportunities"),
                    [(f"o-{o.pk}", f"{o.title} – {o.organisation.name}") for o in opportunities],
                )
            )
        field = self.fields["target"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = choices
        date_field = self.fields["date"]
        date_field.widget.attrs["max"] = timezone.localdate().isoformat()
        if not self.is_bound and "date" not in self.initial:
            self.initial["date"] = timezone.localdate()

    def target_objects(self) -> tuple[Patenschaft | None, Opportunity | None]:
        value = self.cleaned_data.get("target", "")
        kind, _sep, pk = value.partition("-")
        if kind == "p":
            return self._patenschaften.get(pk), None
        return None, self._opportunities.get(pk)


class HoursRejectForm(KernFormMixin, forms.Form):
    note = forms.CharField(
        label=_("Reason for the volunteer"),
        max_length=MAX_REVIEW_NOTE,
        widget=forms.Textarea(attrs={"rows": 3}),
        validators=[validate_plain_text],
    )
