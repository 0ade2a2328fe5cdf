"""Forms of help requests: the newcomer's form (also used on their behalf and for editing),
the coordinators' queue filters and the actions on one request."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from lotse.core.availability import cell_key, cells_from_mask
from lotse.core.choices import DaySlot, Language, Topic, Weekday
from lotse.core.form_rendering import KernFormMixin
from lotse.core.validators import validate_plain_text
from lotse.volunteers.choices import CELL_CHOICES, CELL_LABELS
from lotse.volunteers.models import VolunteerProfile

from ..choices import ContactChannel, RequestCloseReason, RequestStatus, Urgency
from ..models import MAX_MESSAGE, HelpRequest
from ..selectors.requests import STATUS_ALL, RequestFilters
from ..services.requests import MAX_FIRST_NAME

HONEYPOT_FIELD = "website"


def availability_rows(selected: set[str], id_prefix: str) -> list[dict[str, Any]]:
    """Rows (weekdays) × columns (morning, afternoon, evening) of a times-of-the-week table."""
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


class HelpRequestForm(KernFormMixin, forms.Form):
    """A newcomer's request for support, in plain language.

    `on_behalf`: a coordinator or social worker enters it and confirms that the newcomer
    agreed. `editing`: a coordinator changes an existing request (no consent, no honeypot).
    """

    first_name = forms.CharField(
        label=_("Your first name or a pseudonym"),
        max_length=MAX_FIRST_NAME,
        help_text=_("You do not have to give your real name."),
        error_messages={"required": _("Please enter a first name or a pseudonym.")},
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
    )
    languages = forms.MultipleChoiceField(
        label=_("Which languages do you speak?"),
        choices=Language.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Choose at least one."),
        error_messages={"required": _("Please choose at least one language.")},
    )
    topic = forms.ChoiceField(
        label=_("What do you need help with?"),
        choices=Topic.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Please choose a topic.")},
    )
    needs = forms.CharField(
        label=_("Please tell us more"),
        max_length=MAX_MESSAGE,
        widget=forms.Textarea(attrs={"rows": 5}),
        validators=[validate_plain_text],
        help_text=_("For example: I need help with a letter from the job centre."),
        error_messages={"required": _("Please describe what help you need.")},
    )
    urgency = forms.ChoiceField(
        label=_("How urgent is it?"),
        choices=Urgency.choices,
        initial=Urgency.NORMAL,
        widget=forms.RadioSelect,
        error_messages={"required": _("Please choose how urgent it is.")},
    )
    preferred_times = forms.MultipleChoiceField(
        label=_("When do you have time?"),
        choices=CELL_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    postcode = forms.CharField(
        label=_("Your postcode"),
        max_length=10,
        help_text=_("Five digits, for example 80331."),
        error_messages={"required": _("Please enter your postcode.")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "postal-code"}),
    )
    contact_channel = forms.ChoiceField(
        label=_("How can we reach you?"),
        choices=ContactChannel.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Please choose how we can reach you.")},
    )
    contact_value = forms.CharField(
        label=_("Your phone number or e-mail address"),
        max_length=200,
        required=False,
        help_text=_('Not needed if you choose "through the coordinator".'),
    )
    consent = forms.BooleanField(
        label=_(
            "I agree that Lotse stores this information. Only the integration coordinators of "
            "my district and, after I say yes, my volunteer can see it. I can ask for it to be "
            "deleted at any time."
        ),
        error_messages={"required": _("Please agree so that we may store your request.")},
    )
    website = forms.CharField(label=_("Website"), required=False, max_length=200)

    def __init__(
        self, *args: Any, on_behalf: bool = False, editing: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.on_behalf = on_behalf
        if on_behalf or editing:
            del self.fields[HONEYPOT_FIELD]
            self.fields["first_name"].label = _("First name or pseudonym of the newcomer")
            self.fields["languages"].label = _("Languages the newcomer speaks")
            self.fields["topic"].label = _("Topic")
            self.fields["needs"].label = _("What help is needed")
            self.fields["urgency"].label = _("Urgency")
            self.fields["preferred_times"].label = _("Preferred times")
            self.fields["postcode"].label = _("Postcode of the newcomer")
            self.fields["contact_channel"].label = _("How the newcomer wants to be reached")
            self.fields["contact_value"].label = _("Phone number or e-mail address")
        if editing:
            del self.fields["consent"]
        elif on_behalf:
            self.fields["consent"].label = _(
                "The newcomer agreed that Lotse stores this information (I explained the "
                "privacy notice to them)."
            )
            self.fields["consent"].error_messages["required"] = _(
                "Please confirm that the newcomer agreed."
            )

    def is_spam(self) -> bool:
        """True when the hidden honeypot field was filled in (by a bot)."""
        return bool(self.is_bound and self.data.get(HONEYPOT_FIELD, "").strip())

    def selected_cells(self) -> set[str]:
        if self.is_bound:
            return (
                set(self.data.getlist("preferred_times"))
                if hasattr(self.data, "getlist")
                else set()
            )
        return set(self.initial.get("preferred_times") or [])

    def availability_rows(self) -> list[dict[str, Any]]:
        return availability_rows(self.selected_cells(), self["preferred_times"].auto_id or "times")

    @staticmethod
    def initial_for(request: HelpRequest) -> dict[str, Any]:
        return {
            "first_name": request.first_name,
            "languages": [row.language for row in request.languages.all()],
            "topic": request.topic,
            "needs": request.needs,
            "urgency": request.urgency,
            "preferred_times": [
                cell_key(*cell) for cell in cells_from_mask(request.preferred_times)
            ],
            "postcode": request.postcode.code,
            "contact_channel": request.contact_channel,
            "contact_value": request.contact_value,
        }

    def service_arguments(self) -> dict[str, Any]:
        """The cleaned values as the services' keyword arguments."""
        data = self.cleaned_data
        return {
            "first_name": data["first_name"],
            "contact_channel": data["contact_channel"],
            "contact_value": data.get("contact_value", ""),
            "postcode": data["postcode"],
            "languages": data["languages"],
            "topic": data["topic"],
            "needs": data["needs"],
            "preferred_times": data.get("preferred_times", []),
            "urgency": data["urgency"],
        }


STATUS_FILTER_CHOICES = [
    ("", _("Waiting (open or proposed)")),
    *RequestStatus.choices,
    (STATUS_ALL, _("All")),
]


class RequestFilterForm(KernFormMixin, forms.Form):
    """Filters of the coordinators' request queue."""

    status = forms.ChoiceField(label=_("Status"), choices=STATUS_FILTER_CHOICES, required=False)
    topic = forms.ChoiceField(
        label=_("Topic"), choices=[("", _("All topics")), *Topic.choices], required=False
    )
    urgency = forms.ChoiceField(
        label=_("Urgency"), choices=[("", _("Any urgency")), *Urgency.choices], required=False
    )
    district = forms.TypedChoiceField(
        label=_("District"), choices=[], coerce=int, required=False, empty_value=None
    )

    def __init__(self, *args: Any, districts: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.districts = list(districts) if districts is not None else []
        self.fields["district"].choices = [  # type: ignore[attr-defined]
            ("", _("All my districts")),
            *((district.pk, district.name) for district in self.districts),
        ]
        if len(self.districts) < 2:
            del self.fields["district"]

    def filters(self) -> RequestFilters:
        """Return the filters; an invalid value filters nothing (the form shows why)."""
        if not self.is_bound:
            return RequestFilters()
        self.is_valid()
        data = self.cleaned_data
        return RequestFilters(
            status=data.get("status") or "",
            topic=data.get("topic") or "",
            urgency=data.get("urgency") or "",
            district_id=data.get("district"),
        )


class RequestCloseForm(KernFormMixin, forms.Form):
    reason = forms.ChoiceField(
        label=_("Why is the request closed?"),
        choices=RequestCloseReason.choices,
        widget=forms.RadioSelect,
    )


class InterpreterForm(KernFormMixin, forms.Form):
    interpreter: forms.ModelChoiceField[VolunteerProfile] = forms.ModelChoiceField(
        label=_("Interpreter"),
        queryset=VolunteerProfile.objects.none(),
        required=False,
        empty_label=_("No interpreter"),
        help_text=_("Volunteers of the district who offer to interpret."),
    )

    def __init__(self, *args: Any, candidates: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["interpreter"]
        field.queryset = candidates  # type: ignore[attr-defined]
        field.label_from_instance = _interpreter_label  # type: ignore[attr-defined]


def _interpreter_label(volunteer: Any) -> str:
    languages = ", ".join(str(row.get_language_display()) for row in volunteer.languages.all())
    name = volunteer.user.get_full_name() or volunteer.user.email
    return f"{name} ({languages})" if languages else name


class VolunteerSearchForm(KernFormMixin, forms.Form):
    q = forms.CharField(label=_("Name of the volunteer"), max_length=100, required=False)


class ManualMatchForm(forms.Form):
    """The volunteer chosen from the search results (validated by the service)."""

    volunteer = forms.IntegerField(min_value=1)
