"""Forms of the subscriptions: the public subscribe form, the preferences of the manage page,
"subscribe again", and "send me my link".

The district choices depend on the chosen Land. With JavaScript, changing the Land replaces
the district list through htmx (`districts_url`). Without it, a form sent with districts of
the previous Land (or none) comes back with a clear error and the new Land's districts.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from lotse.core.choices import Topic
from lotse.core.form_rendering import KernFormMixin
from lotse.regions.models import State

from ..choices import TOPIC_BITS, mask_to_topics, topics_to_mask
from ..models import MAX_DISTRICTS_PER_SUBSCRIPTION, Subscription
from ..selectors.subscriptions import state_districts, states
from ..services.subscriptions import DEFAULT_STATE_CODE, MAX_EMAIL, email_normalise

HONEYPOT_FIELD = "website"
AREA_STATE = "state"
AREA_DISTRICTS = "districts"

TOPIC_CHOICES = [(code, Topic(code).label) for code in TOPIC_BITS]


def _language_choices() -> list[tuple[str, str]]:
    return list(settings.LANGUAGES)


class SubscriptionEmailField(forms.CharField):
    """An e-mail address, stripped and lower-cased, without line breaks or control
    characters (header injection), checked by Django's EmailValidator."""

    widget = forms.EmailInput

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", MAX_EMAIL)
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("autocomplete", "email")

    def clean(self, value: Any) -> str:
        text = super().clean(value)
        if not text and not self.required:
            return ""
        return email_normalise(text)


class PreferencesForm(KernFormMixin, forms.Form):
    """Language, Land (whole or some districts) and topics of a subscription."""

    language = forms.ChoiceField(
        label=_("Language of the Infobriefe"),
        choices=_language_choices,
        help_text=_("If an Infobrief is not written in your language, you receive it in German."),
        error_messages={
            "required": _("Please choose a language."),
            "invalid_choice": _("Please choose one of the offered languages."),
        },
    )
    state = forms.ChoiceField(
        label=_("Land"),
        choices=[],
        help_text=_("The list of districts below shows the districts of this Land."),
        error_messages={
            "required": _("Please choose a Land."),
            "invalid_choice": _("Please choose one of the offered Länder."),
        },
    )
    area = forms.ChoiceField(
        label=_("Which area do you want news about?"),
        choices=[
            (AREA_STATE, _("The whole Land")),
            (AREA_DISTRICTS, _("Only the districts I choose")),
        ],
        initial=AREA_STATE,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Please choose the whole Land or some districts."),
            "invalid_choice": _("Please choose the whole Land or some districts."),
        },
    )
    districts = forms.TypedMultipleChoiceField(
        label=_("Districts"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("Please choose only districts of the chosen Land.")},
    )
    topics = forms.MultipleChoiceField(
        label=_("Topics"),
        choices=TOPIC_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Choose none to receive the Infobriefe on every topic."),
        error_messages={"invalid_choice": _("Please choose only the offered topics.")},
    )

    def __init__(self, *args: Any, districts_url: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.state_list = list(states())
        state_field: Any = self.fields["state"]
        state_field.choices = [(state.code, state.name) for state in self.state_list]
        if districts_url:
            # htmx: a new Land replaces the district list (the button is the fallback).
            state_field.widget.attrs.update(
                {
                    "hx-get": districts_url,
                    "hx-trigger": "change",
                    "hx-target": "#area-districts",
                    "hx-swap": "outerHTML",
                }
            )
        self.chosen_state = self._chosen_state()
        self.district_list = list(state_districts(state=self.chosen_state))
        districts_field: Any = self.fields["districts"]
        districts_field.help_text = gettext(
            "Only needed if you do not choose the whole Land. At most %(max)d districts."
        ) % {"max": MAX_DISTRICTS_PER_SUBSCRIPTION}
        districts_field.choices = [(district.pk, district.name) for district in self.district_list]

    def _state_by_code(self, code: Any) -> State | None:
        return next((state for state in self.state_list if state.code == code), None)

    def _chosen_state(self) -> State | None:
        """The Land whose districts are offered: the posted one, else the initial one, else
        the default Land."""
        if self.is_bound:
            posted = self._state_by_code(self.data.get(self.add_prefix("state")))
            if posted is not None:
                return posted
        initial = self._state_by_code(self.initial.get("state"))
        if initial is not None:
            return initial
        fallback = self._state_by_code(DEFAULT_STATE_CODE)
        return fallback or (self.state_list[0] if self.state_list else None)

    def district_groups(self) -> list[dict[str, Any]]:
        """The district checkboxes grouped by Regierungsbezirk (one group without a name for
        Länder without them); a group is open when one of its districts is chosen, and the
        first one when the field has an error (the error summary links to it)."""
        groups: list[dict[str, Any]] = []
        for district, option in zip(self.district_list, self["districts"], strict=True):
            region = district.administrative_region
            name = region.name if region is not None else ""
            if not groups or groups[-1]["name"] != name:
                groups.append({"name": name, "options": [], "open": False})
            groups[-1]["options"].append(option)
            if option.data["selected"]:
                groups[-1]["open"] = True
        if groups and self["districts"].errors:
            groups[0]["open"] = True
        return groups

    def clean_state(self) -> State:
        state = self._state_by_code(self.cleaned_data["state"])
        if state is None:  # pragma: no cover - the choices hold only known Länder
            raise ValidationError(_("Please choose one of the offered Länder."), code="invalid")
        return state

    def clean(self) -> dict[str, Any]:
        data = super().clean() or self.cleaned_data
        if data.get("area") != AREA_DISTRICTS or "districts" in self.errors:
            return data
        districts = data.get("districts") or []
        if not districts:
            self.add_error(
                "districts",
                ValidationError(
                    _("Please choose at least one district, or the whole Land."), code="required"
                ),
            )
        elif len(districts) > MAX_DISTRICTS_PER_SUBSCRIPTION:
            self.add_error(
                "districts",
                ValidationError(
                    _(
                        "Please choose at most %(max)d districts (you chose %(count)d), "
                        "or the whole Land."
                    )
                    % {"max": MAX_DISTRICTS_PER_SUBSCRIPTION, "count": len(districts)},
                    code="too_many",
                ),
            )
        return data

    def preferences(self) -> dict[str, Any]:
        """The cleaned preferences as the services' keyword arguments."""
        data = self.cleaned_data
        whole_state = data["area"] != AREA_DISTRICTS
        return {
            "language": data["language"],
            "state": data["state"],
            "whole_state": whole_state,
            "districts": [] if whole_state else list(data.get("districts") or []),
            "topics_mask": topics_to_mask(data.get("topics") or []),
        }

    @staticmethod
    def initial_for(subscription: Subscription) -> dict[str, Any]:
        """The current preferences of a subscription as initial values."""
        return {
            "language": subscription.language,
            "state": subscription.state.code,
            "area": AREA_STATE if subscription.whole_state else AREA_DISTRICTS,
            "districts": [district.pk for district in subscription.districts.all()],
            "topics": mask_to_topics(subscription.topics_mask),
        }


class SubscribeForm(PreferencesForm):
    """The public form: address, preferences, consent (and a honeypot against bots)."""

    email = SubscriptionEmailField(
        label=_("Your e-mail address"),
        error_messages={"required": _("Please enter your e-mail address.")},
    )
    consent = forms.BooleanField(
        label=_("I agree to receive the Infobriefe by e-mail as described above."),
        error_messages={"required": _("Please agree so that we may send you the Infobriefe.")},
    )
    website = forms.CharField(label=_("Website"), required=False, max_length=200)

    field_order = ["email", "language", "state", "area", "districts", "topics", "consent"]

    def is_spam(self) -> bool:
        """True when the hidden honeypot field was filled in (by a bot)."""
        return bool(self.is_bound and str(self.data.get(HONEYPOT_FIELD, "")).strip())


class ResubscribeForm(KernFormMixin, forms.Form):
    """Subscribe an unsubscribed address again (from its manage link)."""

    consent = forms.BooleanField(
        label=_("I agree to receive the Infobriefe by e-mail as described above."),
        error_messages={"required": _("Please agree so that we may send you the Infobriefe.")},
    )


class RequestLinkForm(KernFormMixin, forms.Form):
    """ "Send me the link to my subscription"."""

    email = SubscriptionEmailField(
        label=_("Your e-mail address"),
        error_messages={"required": _("Please enter your e-mail address.")},
    )
    website = forms.CharField(label=_("Website"), required=False, max_length=200)

    def is_spam(self) -> bool:
        return bool(self.is_bound and str(self.data.get(HONEYPOT_FIELD, "")).strip())
