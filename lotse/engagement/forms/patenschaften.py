"""Forms of the Patenschaften pages. (Owned by the Patenschaften area.)"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lotse.core.form_rendering import KernFormMixin
from lotse.core.validators import validate_plain_text
from lotse.regions.models import District

from ..choices import PatenschaftEndReason, PatenschaftStatus
from ..selectors.patenschaften import PatenschaftFilters
from ..services.patenschaften import MAX_NOTE

YES_NO = [("yes", _("Yes")), ("no", _("No"))]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class CheckInForm(KernFormMixin, forms.Form):
    """The monthly check-in: still active? any problems?"""

    still_active = forms.ChoiceField(
        label=_("Is the Patenschaft still active?"), choices=YES_NO, widget=forms.RadioSelect
    )
    has_problems = forms.ChoiceField(
        label=_("Are there any problems your coordinator should know about?"),
        choices=YES_NO,
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Note for your coordinator"),
        required=False,
        max_length=MAX_NOTE,
        widget=forms.Textarea(attrs={"rows": 4}),
        validators=[validate_plain_text],
        help_text=_("Only your coordinators read this note."),
    )

    def values(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "still_active": data["still_active"] == "yes",
            "has_problems": data["has_problems"] == "yes",
            "note": data.get("note", ""),
        }


class EndForm(KernFormMixin, forms.Form):
    """End a Patenschaft, with the reason."""

    reason = forms.ChoiceField(
        label=_("Why does the Patenschaft end?"),
        choices=[("", _("Please choose")), *PatenschaftEndReason.choices],
    )
    ended_on = forms.DateField(
        label=_("Last day"),
        required=False,
        widget=DateInput(),
        help_text=_("Leave empty for today."),
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=MAX_NOTE,
        widget=forms.Textarea(attrs={"rows": 4}),
        validators=[validate_plain_text],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["ended_on"].widget.attrs["max"] = timezone.localdate().isoformat()


class PatenschaftFilterForm(KernFormMixin, forms.Form):
    """Filters of the coordinators' list."""

    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All")), *PatenschaftStatus.choices],
    )
    flagged = forms.BooleanField(
        label=_("Only without a check-in for 60 days or more"), required=False
    )
    district = forms.ModelChoiceField(
        label=_("District"),
        required=False,
        queryset=District.objects.none(),
        empty_label=_("All my districts"),
    )

    def __init__(self, *args: Any, districts: list[District] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        districts = districts or []
        if len(districts) > 1:
            field = self.fields["district"]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = District.objects.filter(pk__in=[d.pk for d in districts]).order_by(
                "name"
            )
        else:
            del self.fields["district"]

    def filters(self) -> PatenschaftFilters:
        if not self.is_valid():
            return PatenschaftFilters(status=PatenschaftStatus.ACTIVE)
        data = self.cleaned_data
        district = data.get("district")
        return PatenschaftFilters(
            status=data.get("status") or "",
            flagged=bool(data.get("flagged")),
            district_id=district.pk if district else None,
        )
