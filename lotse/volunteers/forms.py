"""Forms of the volunteers module: the own profile and the coordinators' filters."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from lotse.core.availability import cell_key, cells_from_mask
from lotse.core.choices import DaySlot, Language, LanguageLevel, Topic, Weekday
from lotse.core.form_rendering import KernFormMixin
from lotse.core.validators import validate_name, validate_plain_text
from lotse.regions.models import District, Postcode
from lotse.regions.selectors import postcode_get

from .choices import (
    CELL_CHOICES,
    CELL_LABELS,
    TRAVEL_RADIUS_CHOICES,
    VolunteerRole,
    VolunteerStatus,
)
from .models import VolunteerProfile
from .selectors import VolunteerFilters
from .services import UNKNOWN_POSTCODE_MESSAGE

LANGUAGE_PREFIX = "languages"


def availability_rows(selected: set[str], id_prefix: str = "id_availability") -> list[dict]:
    """Rows (weekdays) × columns (slots) of the availability table, for the templates."""
    return [
        {
            "label": weekday.label,
            "cells": [
                {
                    "value": cell_key(weekday.value, slot.value),
                    "label": CELL_LABELS[(weekday.value, slot.value)],
                    "id": f"{id_prefix}_{weekday.value}_{slot.value}",
                    "checked": cell_key(weekday.value, slot.value) in selected,
                }
                for slot in DaySlot
            ],
        }
        for weekday in Weekday
    ]


class VolunteerLanguageForm(KernFormMixin, forms.Form):
    """One language the volunteer speaks, with the level."""

    language = forms.ChoiceField(
        label=_("Language"), choices=[("", _("Please choose")), *Language.choices]
    )
    level = forms.ChoiceField(
        label=_("Level"), choices=[("", _("Please choose")), *LanguageLevel.choices]
    )


class BaseLanguageFormSet(forms.BaseFormSet):
    """The languages of a profile: at least one, each only once."""

    default_error_messages = {
        "too_few_forms": _("Please name at least one language."),
        "too_many_forms": _("Please name at most 20 languages."),
    }

    def _filled_forms(self) -> list[forms.Form]:
        return [
            form
            for form in self.forms
            if getattr(form, "cleaned_data", None) and not form.cleaned_data.get("DELETE")
        ]

    def clean(self) -> None:
        super().clean()
        if any(self.errors):
            return
        seen: set[str] = set()
        for form in self._filled_forms():
            language = str(form.cleaned_data.get("language", ""))
            if language in seen:
                raise forms.ValidationError(
                    _("Please name each language only once."), code="duplicate"
                )
            seen.add(language)

    def languages(self) -> list[tuple[str, str]]:
        """Return (language, level) pairs of the filled, not deleted rows."""
        return [
            (form.cleaned_data["language"], form.cleaned_data["level"])
            for form in self._filled_forms()
        ]


LanguageFormSet = cast(
    type[BaseLanguageFormSet],
    forms.formset_factory(
        VolunteerLanguageForm,
        formset=BaseLanguageFormSet,
        extra=0,
        min_num=1,
        validate_min=True,
        max_num=20,
        validate_max=True,
        can_delete=True,
    ),
)

# The same formset with one empty row more, for "Add another language" without JavaScript.
LanguageFormSetWithEmptyRow = cast(
    type[BaseLanguageFormSet],
    forms.formset_factory(
        VolunteerLanguageForm,
        formset=BaseLanguageFormSet,
        extra=1,
        min_num=0,
        validate_min=True,
        max_num=20,
        validate_max=True,
        can_delete=True,
    ),
)


class VolunteerProfileForm(KernFormMixin, forms.Form):
    """The own volunteer profile (without the languages, which are a formset)."""

    first_name = forms.CharField(label=_("First name"), max_length=100, validators=[validate_name])
    last_name = forms.CharField(label=_("Last name"), max_length=100, validators=[validate_name])
    topics = forms.MultipleChoiceField(
        label=_("Topics I can help with"),
        choices=Topic.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    roles = forms.MultipleChoiceField(
        label=_("Roles I would like to take"),
        choices=VolunteerRole.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    skills = forms.CharField(
        label=_("Skills and experience"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        validators=[validate_plain_text],
        help_text=_("For example: cooking, cycling, experience with school matters."),
    )
    availability = forms.MultipleChoiceField(
        label=_("When I am usually available"),
        choices=CELL_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    postcode = forms.CharField(
        label=_("Home postcode"),
        max_length=5,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "postal-code"}),
    )
    travel_radius_km = forms.TypedChoiceField(
        label=_("How far I can travel"), choices=TRAVEL_RADIUS_CHOICES, coerce=int, initial=10
    )
    max_patenschaften = forms.TypedChoiceField(
        label=_("How many Patenschaften I can take on at the same time"),
        choices=[(n, str(n)) for n in range(1, 6)],
        coerce=int,
        initial=1,
        help_text=_("The matching engine never proposes more to you."),
    )
    district = forms.ModelChoiceField(
        label=_("District"),
        queryset=District.objects.order_by("name", "ags"),
        required=False,
        empty_label=_("The district of my postcode"),
        help_text=_("If you leave this empty, we use the district of your postcode."),
    )
    status = forms.ChoiceField(
        label=_("Status"),
        choices=VolunteerStatus.choices,
        initial=VolunteerStatus.ACTIVE,
        widget=forms.RadioSelect,
        help_text=_("While your profile is paused, nobody asks you for new support."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.postcode_row: Postcode | None = None
        # With htmx, typing the postcode refreshes the district suggestion.
        self.fields["postcode"].widget.attrs.update(
            {
                "hx-get": reverse("volunteers:district_suggestion"),
                "hx-trigger": "input changed delay:400ms, change",
                "hx-target": "#district-field",
                "hx-swap": "innerHTML",
                "hx-include": "[name='district']",
            }
        )

    def clean_postcode(self) -> str:
        code = self.cleaned_data["postcode"].strip()
        self.postcode_row = postcode_get(code=code)
        if self.postcode_row is None:
            raise forms.ValidationError(UNKNOWN_POSTCODE_MESSAGE, code="postcode")
        return code

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        # Without JavaScript the district stays empty: the postcode decides.
        if not cleaned.get("district") and self.postcode_row is not None:
            cleaned["district"] = self.postcode_row.district
        return cleaned

    def selected_cells(self) -> set[str]:
        """The checked availability cells, from the submitted or the initial data."""
        if self.is_bound:
            return (
                set(self.data.getlist("availability")) if hasattr(self.data, "getlist") else set()
            )
        return set(self.initial.get("availability") or [])

    def availability_rows(self) -> list[dict]:
        return availability_rows(self.selected_cells(), self["availability"].auto_id or "avail")

    @staticmethod
    def initial_for(user: Any, profile: VolunteerProfile | None) -> dict[str, Any]:
        """Return the initial values for the user's (maybe missing) profile."""
        initial: dict[str, Any] = {"first_name": user.first_name, "last_name": user.last_name}
        if profile is None:
            return initial
        return initial | {
            "topics": [row.topic for row in profile.topics.all()],
            "roles": [row.role for row in profile.roles.all()],
            "skills": profile.skills,
            "availability": [cell_key(*cell) for cell in cells_from_mask(profile.availability)],
            "postcode": profile.postcode.code,
            "travel_radius_km": profile.travel_radius_km,
            "max_patenschaften": profile.max_patenschaften,
            "district": profile.district_id,
            "status": profile.status,
        }


class VolunteerFilterForm(KernFormMixin, forms.Form):
    """Filters of the coordinators' volunteer list."""

    district = forms.TypedChoiceField(
        label=_("District"), choices=[], coerce=int, required=False, empty_value=None
    )
    topic = forms.ChoiceField(
        label=_("Topic"), choices=[("", _("All topics")), *Topic.choices], required=False
    )
    language = forms.ChoiceField(
        label=_("Language"), choices=[("", _("All languages")), *Language.choices], required=False
    )
    available = forms.ChoiceField(
        label=_("Available"), choices=[("", _("Any time")), *CELL_CHOICES], required=False
    )
    near = forms.CharField(label=_("Near postcode"), max_length=5, required=False)
    distance = forms.IntegerField(
        label=_("Distance (km)"), min_value=1, max_value=500, required=False
    )
    q = forms.CharField(label=_("Name"), max_length=100, required=False)

    def __init__(self, *args: Any, districts: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.districts = list(districts) if districts is not None else []
        self.fields["district"].choices = [  # type: ignore[attr-defined]
            ("", _("All my districts")),
            *((district.pk, district.name) for district in self.districts),
        ]
        if len(self.districts) < 2:
            del self.fields["district"]
        self.near_postcode: Postcode | None = None

    def clean_near(self) -> str:
        code = self.cleaned_data["near"].strip()
        if code:
            self.near_postcode = postcode_get(code=code)
            if self.near_postcode is None:
                raise forms.ValidationError(UNKNOWN_POSTCODE_MESSAGE, code="postcode")
        return code

    def filters(self) -> VolunteerFilters:
        """Return the filters; a value that is not valid filters nothing (the form shows why)."""
        self.is_valid()
        data = self.cleaned_data
        return VolunteerFilters(
            district_id=data.get("district"),
            topic=data.get("topic", ""),
            language=data.get("language", ""),
            availability_cell=data.get("available", ""),
            near_postcode=self.near_postcode if data.get("near") else None,
            distance_km=data.get("distance") if data.get("near") else None,
            search=data.get("q", ""),
        )
