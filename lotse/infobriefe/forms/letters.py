"""Forms of the editors: sender and audience, a language version, the send time, and the
public archive's search.

The forms limit the choices to what the writer may address and show clear errors; the
services check everything again (a forged POST gets the same refusal from them).
"""

from __future__ import annotations

import datetime
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lotse.core.choices import Topic
from lotse.core.form_rendering import KernFormMixin
from lotse.core.validators import validate_no_control_characters
from lotse.regions.models import AdministrativeRegion, District

from ..choices import AudienceLevel, mask_to_topics
from ..models import MAX_BODY, MAX_SENDER_NAME, MAX_SUBJECT, Infobrief
from ..selectors.archive import MAX_QUERY_LENGTH
from ..selectors.letters import Owner, owner_districts, owner_regions
from ..services.letters import SEND_AT_GRACE, SEND_AT_MAX_AHEAD, has_line_break

TEAM_AUDIENCE_ERROR = _("A district team's Infobrief goes to its own district only.")


def validate_single_line(value: str) -> None:
    """Refuse line breaks (a subject or a sender name goes into a mail header)."""
    if has_line_break(value):
        raise ValidationError(
            _("Please write this on one line: line breaks are not allowed here."),
            code="line_break",
        )


class SingleLineField(forms.CharField):
    """A one-line text for a mail header: line breaks and control characters are refused
    (not silently removed)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("validators", [validate_single_line, validate_no_control_characters])
        super().__init__(**kwargs)


class InfobriefSettingsForm(KernFormMixin, forms.Form):
    """Sender name, audience and topics. `owners` are the district teams and Länder the user
    writes for (several: a choice; one: fixed). A Land's Infobrief chooses its audience; a
    district team's goes to its district (posted districts other than it are refused)."""

    owner = forms.ChoiceField(
        label=_("From"),
        help_text=_("A district team writes to its district; state editors to their Land."),
    )
    sender_name = SingleLineField(
        label=_("Sender name"),
        max_length=MAX_SENDER_NAME,
        help_text=_("Readers see this name as the sender of the mail, on one line."),
    )
    level = forms.ChoiceField(
        label=_("Audience"),
        choices=AudienceLevel.choices,
        widget=forms.RadioSelect,
        initial=AudienceLevel.STATE,
        required=False,
        help_text=_("For a district team, the audience is always its own district."),
    )
    region = forms.ChoiceField(
        label=_("Regierungsbezirk"),
        required=False,
        help_text=_("Only for the audience “One Regierungsbezirk”."),
    )
    districts = forms.MultipleChoiceField(
        label=_("Districts"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Only for the audience “Selected districts”."),
    )
    topics = forms.MultipleChoiceField(
        label=_("Topics"),
        choices=Topic.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Subscribers who chose topics get the Infobrief if it matches one of them. "
            "Choose none for a general Infobrief for everyone."
        ),
    )

    def __init__(self, *args: Any, owners: list[Owner], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.owners = {owner.key: owner for owner in owners}
        if len(self.owners) > 1:
            cast(forms.ChoiceField, self.fields["owner"]).choices = [
                (owner.key, owner.label) for owner in owners
            ]
        else:
            del self.fields["owner"]
        state_ids = {owner.state.pk for owner in owners if owner.team_district is None}
        if state_ids:
            cast(forms.ChoiceField, self.fields["region"]).choices = [
                ("", _("Please choose")),
                *((str(region.pk), region.name) for region in owner_regions(state_ids=state_ids)),
            ]
            cast(forms.MultipleChoiceField, self.fields["districts"]).choices = [
                (str(district.pk), district.name)
                for district in owner_districts(state_ids=state_ids)
            ]
            if not self.fields["region"].choices[1:]:  # type: ignore[attr-defined]
                del self.fields["region"]
                cast(forms.ChoiceField, self.fields["level"]).choices = [
                    choice for choice in AudienceLevel.choices if choice[0] != AudienceLevel.REGION
                ]
        else:
            for name in ("level", "region", "districts"):
                del self.fields[name]

    @classmethod
    def initial_for(cls, infobrief: Infobrief) -> dict[str, Any]:
        """The form's values for an existing Infobrief (districts and region prefetched)."""
        return {
            "sender_name": infobrief.sender_name,
            "level": infobrief.level,
            "region": str(infobrief.region_id or ""),
            "districts": [str(district.pk) for district in infobrief.districts.all()],
            "topics": mask_to_topics(infobrief.topics_mask),
        }

    def chosen_owner(self) -> Owner | None:
        if len(self.owners) == 1:
            return next(iter(self.owners.values()))
        return self.owners.get(self.cleaned_data.get("owner", ""))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        owner = self.chosen_owner() if "owner" not in self.errors else None
        if owner is None:
            return cleaned
        if owner.team_district is None:
            level = cleaned.get("level")
            if level == AudienceLevel.REGION and not cleaned.get("region"):
                self.add_error("region", _("Please choose a Regierungsbezirk."))
            if level == AudienceLevel.DISTRICTS and not cleaned.get("districts"):
                self.add_error("districts", _("Please choose at least one district."))
            return cleaned
        # A district team: a posted audience must be its own district (a forged POST gets an
        # error, not a silently corrected audience). Users who also edit a Land see the Land's
        # audience fields; for a team's Infobrief only their districts count.
        posted = set(self.data.getlist("districts")) if hasattr(self.data, "getlist") else set()
        foreign_districts = bool(posted - {str(owner.team_district.pk)})
        other_level = "level" not in self.fields and (
            bool(self.data.get("region"))
            or self.data.get("level") not in (None, "", AudienceLevel.DISTRICTS)
        )
        if foreign_districts or other_level:
            self.add_error(None, TEAM_AUDIENCE_ERROR)
        return cleaned

    def service_arguments(self) -> dict[str, Any]:
        """sender_name, level, region, districts and topics for the services."""
        data = self.cleaned_data
        owner = self.chosen_owner()
        arguments: dict[str, Any] = {
            "sender_name": data["sender_name"],
            "topics": data.get("topics") or [],
            "level": None,
            "region": None,
            "districts": [],
        }
        if owner is None or owner.team_district is not None:
            return arguments
        level = data.get("level") or AudienceLevel.STATE
        arguments["level"] = level
        if level == AudienceLevel.REGION and data.get("region"):
            arguments["region"] = AdministrativeRegion.objects.filter(pk=data["region"]).first()
        if level == AudienceLevel.DISTRICTS:
            arguments["districts"] = list(
                District.objects.filter(pk__in=[int(pk) for pk in data.get("districts") or []])
            )
        return arguments


class VersionForm(KernFormMixin, forms.Form):
    """The Infobrief in one language: subject (one line) and text (Markdown)."""

    subject = SingleLineField(
        label=_("Subject"),
        max_length=MAX_SUBJECT,
        help_text=_("One line, at most 200 characters."),
    )
    body = forms.CharField(
        label=_("Text"),
        max_length=MAX_BODY,
        widget=forms.Textarea(attrs={"rows": 18}),
        validators=[validate_no_control_characters],
        help_text=_(
            "Markdown: ## for a heading, **bold**, *italic*, - for a list, [text](https://…) "
            "for a link. HTML is shown as text. At most 100,000 characters."
        ),
    )


WHEN_NOW = "now"
WHEN_LATER = "later"


class SendForm(KernFormMixin, forms.Form):
    """Send now or at a time (checked again by the service)."""

    when = forms.ChoiceField(
        label=_("When"),
        choices=[(WHEN_NOW, _("Send now")), (WHEN_LATER, _("Send at a later time"))],
        widget=forms.RadioSelect,
        initial=WHEN_NOW,
    )
    send_at = forms.DateTimeField(
        label=_("Date and time"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("Only for a later time: at most twelve months ahead."),
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("when") != WHEN_LATER:
            cleaned["send_at"] = None
            return cleaned
        send_at = cleaned.get("send_at")
        if send_at is None:
            if "send_at" not in self.errors:
                self.add_error("send_at", _("Please enter the date and time."))
            return cleaned
        now = timezone.now()
        if send_at < now - SEND_AT_GRACE:
            self.add_error("send_at", _("This time is in the past."))
        elif send_at > now + SEND_AT_MAX_AHEAD:
            self.add_error("send_at", _("Please choose a time within the next twelve months."))
        return cleaned

    def chosen_time(self) -> datetime.datetime | None:
        """The send time, or None for "now"."""
        return self.cleaned_data.get("send_at")


class ArchiveSearchForm(KernFormMixin, forms.Form):
    """The archive's search and language (invalid values fall back: never an error page)."""

    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=MAX_QUERY_LENGTH,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
        validators=[validate_no_control_characters],
        help_text=_("All words must occur in the subject or the text."),
    )
    language = forms.ChoiceField(label=_("Language"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from django.conf import settings

        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["language"]).choices = [
            (code, str(name)) for code, name in settings.LANGUAGES
        ]
