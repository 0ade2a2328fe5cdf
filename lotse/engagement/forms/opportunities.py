"""Forms of opportunities: the public filters, the organisation's form, applying, deciding."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, cast

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.translation import gettext_lazy as _

from lotse.core.choices import Language, Topic
from lotse.core.form_rendering import KernFormMixin
from lotse.core.validators import validate_plain_text
from lotse.organisations.models import Organisation
from lotse.organisations.selectors import district_choices_by_state
from lotse.organisations.validators import validate_phone
from lotse.regions.models import District, Postcode
from lotse.regions.selectors import postcode_get

from ..choices import OpportunityKind
from ..models import MAX_DESCRIPTION, MAX_MESSAGE, Opportunity
from ..selectors.opportunities import OpportunityFilters
from ..services.opportunities import MAX_NOTE, MAX_PLACES, OpportunityData

UNKNOWN_POSTCODE = _("We do not know this postcode. Please enter a five-digit German postcode.")
DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


def apply_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Show a service's ValidationError on the form (unknown keys become form-wide errors)."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for field, messages in error.message_dict.items():
        target = field if field in form.fields and field != NON_FIELD_ERRORS else None
        form.add_error(target, messages)


class OpportunityFilterForm(KernFormMixin, forms.Form):
    """Filters of the public opportunity list (all optional; invalid values filter nothing)."""

    topic = forms.ChoiceField(
        label=_("Topic"), choices=[("", _("All topics")), *Topic.choices], required=False
    )
    district = forms.ChoiceField(label=_("District"), required=False)
    language = forms.ChoiceField(
        label=_("Language"), choices=[("", _("All languages")), *Language.choices], required=False
    )
    near = forms.CharField(
        label=_("Near postcode"),
        max_length=5,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "postal-code"}),
    )
    distance = forms.IntegerField(
        label=_("Distance (km)"),
        min_value=1,
        max_value=500,
        required=False,
        help_text=_("Online opportunities are always included."),
    )
    date = forms.DateField(
        label=_("From date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Shows one-off opportunities from this day on."),
    )
    online = forms.BooleanField(label=_("Online only"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["district"]).choices = [
            ("", _("All districts")),
            *district_choices_by_state(),
        ]
        self.near_postcode: Postcode | None = None
        self.district_row: District | None = None

    def clean_district(self) -> str:
        slug = self.cleaned_data.get("district") or ""
        if slug:
            self.district_row = District.objects.filter(slug=slug).first()
        return slug

    def clean_near(self) -> str:
        code = self.cleaned_data["near"].strip()
        if code:
            self.near_postcode = postcode_get(code=code)
            if self.near_postcode is None:
                raise forms.ValidationError(UNKNOWN_POSTCODE, code="postcode")
        return code

    def filters(self) -> OpportunityFilters:
        """Return the filters; a value that is not valid filters nothing (the form shows why)."""
        if not self.is_bound:
            return OpportunityFilters()
        self.is_valid()
        data = self.cleaned_data
        near = self.near_postcode if data.get("near") else None
        return OpportunityFilters(
            topic=data.get("topic", ""),
            district_id=self.district_row.pk
            if self.district_row and data.get("district")
            else None,
            language=data.get("language", ""),
            near_postcode=near,
            distance_km=data.get("distance") if near is not None else None,
            date_from=data.get("date"),
            online_only=bool(data.get("online")),
        )


class OpportunityForm(KernFormMixin, forms.Form):
    """An opportunity as the organisation describes it (the service validates it again)."""

    organisation = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organisation.objects.none(), empty_label=None
    )
    title = forms.CharField(label=_("Title"), max_length=200, validators=[validate_plain_text])
    description = forms.CharField(
        label=_("Description"),
        help_text=_("What will volunteers do? Plain text, at most 5000 characters."),
        max_length=MAX_DESCRIPTION,
        widget=forms.Textarea(attrs={"rows": 8}),
        validators=[validate_plain_text],
    )
    topic = forms.ChoiceField(label=_("Topic"), choices=[("", _("Please choose")), *Topic.choices])
    kind = forms.ChoiceField(
        label=_("When"),
        choices=OpportunityKind.choices,
        initial=OpportunityKind.ONGOING,
        widget=forms.RadioSelect,
        help_text=_("One-off: a date. Ongoing: regularly, without a fixed date."),
    )
    starts_at = forms.DateTimeField(
        label=_("Start (date and time)"),
        required=False,
        help_text=_("For one-off opportunities."),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_FORMAT),
    )
    ends_at = forms.DateTimeField(
        label=_("End (date and time)"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_FORMAT),
    )
    is_online = forms.BooleanField(
        label=_("Online"),
        required=False,
        help_text=_("Volunteers take part from home; postcode and place are not needed."),
    )
    postcode = forms.CharField(
        label=_("Postcode of the place"),
        max_length=5,
        required=False,
        help_text=_("Needed unless the opportunity is online."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "postal-code"}),
    )
    place_name = forms.CharField(
        label=_("Place"),
        max_length=200,
        required=False,
        help_text=_("For example: Stadtteiltreff, Schulstraße 3."),
        validators=[validate_plain_text],
    )
    district = forms.TypedChoiceField(
        label=_("District"),
        coerce=int,
        required=False,
        empty_value=None,
        help_text=_(
            "If you leave this empty, we use the district of the postcode; for online "
            "opportunities the first district of your organisation."
        ),
    )
    places = forms.IntegerField(
        label=_("Number of places"), min_value=1, max_value=MAX_PLACES, initial=1
    )
    languages = forms.MultipleChoiceField(
        label=_("Languages wanted"),
        choices=Language.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    skills_wanted = forms.CharField(
        label=_("Skills wanted"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        validators=[validate_plain_text],
    )
    contact_name = forms.CharField(
        label=_("Contact person"), max_length=200, required=False, validators=[validate_plain_text]
    )
    contact_email = forms.EmailField(label=_("Contact e-mail"), required=False)
    contact_phone = forms.CharField(
        label=_("Contact phone"), max_length=40, required=False, validators=[validate_phone]
    )

    def __init__(
        self,
        *args: Any,
        organisations: Iterable[Organisation] = (),
        districts: Iterable[District] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.organisations = list(organisations)
        organisation_field = cast(forms.ModelChoiceField, self.fields["organisation"])
        organisation_field.queryset = Organisation.objects.filter(
            pk__in=[o.pk for o in self.organisations]
        ).order_by("name", "pk")
        if len(self.organisations) < 2:
            # One organisation (or editing): it is not a choice.
            del self.fields["organisation"]
        district_field = cast(forms.TypedChoiceField, self.fields["district"])
        district_field.choices = [
            ("", _("The district of the postcode")),
            *((district.pk, district.name) for district in districts or ()),
        ]

    def clean_postcode(self) -> str:
        return self.cleaned_data.get("postcode", "").strip()

    def clean_district(self) -> District | None:
        pk = self.cleaned_data.get("district")
        return District.objects.filter(pk=pk).first() if pk else None

    def chosen_organisation(self) -> Organisation | None:
        if "organisation" in self.fields:
            return self.cleaned_data.get("organisation")
        return self.organisations[0] if self.organisations else None

    def to_data(self) -> OpportunityData:
        data = self.cleaned_data
        return OpportunityData(
            title=data["title"],
            description=data["description"],
            topic=data["topic"],
            district=data.get("district"),
            postcode=data.get("postcode", ""),
            place_name=data.get("place_name", ""),
            is_online=data.get("is_online", False),
            kind=data["kind"],
            starts_at=data.get("starts_at"),
            ends_at=data.get("ends_at"),
            places=data["places"],
            languages=data.get("languages", []),
            skills_wanted=data.get("skills_wanted", ""),
            contact_name=data.get("contact_name", ""),
            contact_email=data.get("contact_email", ""),
            contact_phone=data.get("contact_phone", ""),
        )

    @staticmethod
    def initial_for(opportunity: Opportunity) -> dict[str, Any]:
        derived = opportunity.postcode is not None and (
            opportunity.district_id == opportunity.postcode.district_id
        )
        return {
            "title": opportunity.title,
            "description": opportunity.description,
            "topic": opportunity.topic,
            "kind": opportunity.kind,
            "starts_at": opportunity.starts_at,
            "ends_at": opportunity.ends_at,
            "is_online": opportunity.is_online,
            "postcode": opportunity.postcode.code if opportunity.postcode else "",
            "place_name": opportunity.place_name,
            "district": None if derived else opportunity.district_id,
            "places": opportunity.places,
            "languages": [row.language for row in opportunity.languages.all()],
            "skills_wanted": opportunity.skills_wanted,
            "contact_name": opportunity.contact_name,
            "contact_email": opportunity.contact_email,
            "contact_phone": opportunity.contact_phone,
        }


class ApplicationForm(KernFormMixin, forms.Form):
    """A volunteer's application: an optional message to the organisation."""

    message = forms.CharField(
        label=_("Message to the organisation"),
        help_text=_("For example when you have time and why you would like to help."),
        max_length=MAX_MESSAGE,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        validators=[validate_plain_text],
    )


class DecisionForm(KernFormMixin, forms.Form):
    """The organisation's answer to an application, with an optional note."""

    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("accept", _("Accept")), ("decline", _("Decline"))],
        widget=forms.HiddenInput,
    )
    decision_note = forms.CharField(
        label=_("Note to the volunteer"),
        help_text=_("The volunteer sees this note."),
        max_length=MAX_NOTE,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        validators=[validate_plain_text],
    )
