"""Forms of the organisations module: directory filters and the public profile."""

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from lotse.core.choices import Language, Topic
from lotse.core.form_rendering import KernFormMixin
from lotse.core.validators import validate_plain_text
from lotse.regions.models import District, Postcode
from lotse.regions.selectors import postcode_get

from .choices import OrganisationKind
from .models import Organisation
from .selectors import district_choices_by_state
from .services import OrganisationData
from .validators import validate_phone, validate_web_address


class WebAddressField(forms.URLField):
    """A URL field that accepts only http:// and https:// addresses, with one clear message."""

    default_validators = [validate_web_address]
    default_error_messages = {"invalid": validate_web_address.message}


class OrganisationFilterForm(KernFormMixin, forms.Form):
    """Filters of the public directory (all optional; invalid values are ignored)."""

    q = forms.CharField(label=_("Name"), max_length=100, required=False)
    kind = forms.ChoiceField(label=_("Type"), required=False)
    district = forms.ChoiceField(label=_("District"), required=False)
    topic = forms.ChoiceField(label=_("Topic"), required=False)
    language = forms.ChoiceField(label=_("Language"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["kind"]).choices = [
            ("", _("All types")),
            *OrganisationKind.choices,
        ]
        cast(forms.ChoiceField, self.fields["district"]).choices = [
            ("", _("All districts")),
            *district_choices_by_state(),
        ]
        cast(forms.ChoiceField, self.fields["topic"]).choices = [
            ("", _("All topics")),
            *Topic.choices,
        ]
        cast(forms.ChoiceField, self.fields["language"]).choices = [
            ("", _("All languages")),
            *Language.choices,
        ]

    def clean_district(self) -> District | None:
        slug = self.cleaned_data.get("district")
        return District.objects.filter(slug=slug).first() if slug else None

    def filters(self) -> dict[str, Any]:
        """Return the valid filters as keyword arguments of `organisation_directory`."""
        if not self.is_bound:
            return {}
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {
            "kind": data.get("kind", ""),
            "district": data.get("district"),
            "topic": data.get("topic", ""),
            "language": data.get("language", ""),
            "search": data.get("q", "").strip(),
        }


class OrganisationForm(KernFormMixin, forms.Form):
    """The public profile of an organisation (edited by its members, created by admins)."""

    name = forms.CharField(label=_("Name"), max_length=200, validators=[validate_plain_text])
    kind = forms.ChoiceField(label=_("Type"), choices=OrganisationKind.choices)
    description = forms.CharField(
        label=_("Description"),
        help_text=_("Plain text, at most 5000 characters. Blank lines separate paragraphs."),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        validators=[validate_plain_text],
    )
    districts = forms.TypedMultipleChoiceField(
        label=_("Districts served"),
        help_text=_(
            "Choose one or more districts. To choose several, hold down the Ctrl key "
            "(Cmd on a Mac) while you click, or use Shift with the arrow keys."
        ),
        coerce=int,
        widget=forms.SelectMultiple(attrs={"size": 12}),
        error_messages={"required": _("Please choose at least one district.")},
    )
    topics = forms.MultipleChoiceField(
        label=_("Topics"),
        choices=Topic.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    languages = forms.MultipleChoiceField(
        label=_("Languages in which you offer support"),
        choices=Language.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    website = WebAddressField(
        label=_("Website"),
        help_text=_("For example https://www.example.org"),
        max_length=300,
        required=False,
        assume_scheme="https",
    )
    contact_name = forms.CharField(
        label=_("Contact person"), max_length=200, required=False, validators=[validate_plain_text]
    )
    contact_email = forms.EmailField(label=_("Public e-mail address"), required=False)
    contact_phone = forms.CharField(
        label=_("Public telephone number"),
        help_text=_("Digits, spaces and + - / ( ) only, for example +49 89 123456-0"),
        max_length=40,
        required=False,
        validators=[validate_phone],
    )
    street = forms.CharField(
        label=_("Street and number"),
        max_length=200,
        required=False,
        validators=[validate_plain_text],
    )
    postcode = forms.CharField(label=_("Postcode"), max_length=5, required=False)
    city = forms.CharField(
        label=_("Town"), max_length=100, required=False, validators=[validate_plain_text]
    )
    is_published = forms.BooleanField(
        label=_("Show in the public directory"),
        help_text=_("Unpublished profiles are visible only to your organisation's members."),
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        districts: dict[str, list[tuple[int, str]]] = {}
        for pk, name, state_name in District.objects.order_by("state__name", "name").values_list(
            "pk", "name", "state__name"
        ):
            districts.setdefault(state_name, []).append((pk, name))
        cast(forms.ChoiceField, self.fields["districts"]).choices = list(districts.items())

    @staticmethod
    def initial_for(organisation: Organisation) -> dict[str, Any]:
        """Return the form's initial values for an existing organisation."""
        return {
            "name": organisation.name,
            "kind": organisation.kind,
            "description": organisation.description,
            "districts": [district.pk for district in organisation.districts.all()],
            "topics": [row.topic for row in organisation.topics.all()],
            "languages": [row.language for row in organisation.languages.all()],
            "website": organisation.website,
            "contact_name": organisation.contact_name,
            "contact_email": organisation.contact_email,
            "contact_phone": organisation.contact_phone,
            "street": organisation.street,
            "postcode": organisation.postcode.code if organisation.postcode else "",
            "city": organisation.city,
            "is_published": organisation.is_published,
        }

    def clean_postcode(self) -> Postcode | None:
        code = self.cleaned_data.get("postcode", "").strip()
        if not code:
            return None
        if len(code) != 5 or not code.isdigit():
            raise forms.ValidationError(
                _("Please enter a German postcode with five digits."), code="format"
            )
        postcode = postcode_get(code=code)
        if postcode is None:
            raise forms.ValidationError(
                _("The postcode %(code)s does not exist in Germany."),
                code="unknown",
                params={"code": code},
            )
        return postcode

    def clean_districts(self) -> list[District]:
        ids = self.cleaned_data.get("districts", [])
        return list(District.objects.filter(pk__in=ids))

    def to_data(self) -> OrganisationData:
        """Return the cleaned values as service input."""
        data = self.cleaned_data
        return OrganisationData(
            name=data["name"].strip(),
            kind=data["kind"],
            description=data["description"].strip(),
            districts=data["districts"],
            topics=data["topics"],
            languages=data["languages"],
            website=data["website"],
            contact_name=data["contact_name"].strip(),
            contact_email=data["contact_email"],
            contact_phone=data["contact_phone"].strip(),
            street=data["street"].strip(),
            postcode=data["postcode"],
            city=data["city"].strip(),
            is_published=data["is_published"],
        )
