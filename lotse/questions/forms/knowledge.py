"""Forms of the knowledge base: the public search, the editors' entry forms, their list filter.

Entry texts are plain text: stored as typed (HTML too) and always escaped on output; control
characters (NUL included) are refused, lengths are limited (the service checks again).
"""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from lotse.core.choices import Topic
from lotse.core.form_rendering import KernFormMixin
from lotse.core.validators import CONTROL_CHARACTERS, validate_no_control_characters

from ..choices import EntryStatus
from ..models import MAX_TEXT, MAX_TITLE
from ..search.text import MAX_QUERY_LENGTH
from ..selectors.knowledge import ManageFilters, Publisher


def site_language_choices() -> list[tuple[str, str]]:
    """The site's languages, each named in its own language."""
    return [(code, str(name)) for code, name in settings.LANGUAGES]


class KnowledgeSearchForm(KernFormMixin, forms.Form):
    """The public search (all fields optional; invalid filter values filter nothing)."""

    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=MAX_QUERY_LENGTH,
        strip=True,
        help_text=_("For example: housing entitlement certificate, doctor, driving licence."),
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
        validators=[validate_no_control_characters],
    )
    topic = forms.ChoiceField(
        label=_("Topic"), choices=[("", _("All topics")), *Topic.choices], required=False
    )
    language = forms.ChoiceField(label=_("Language"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["language"]).choices = [
            ("", _("All languages")),
            *site_language_choices(),
        ]

    def search_arguments(self) -> dict[str, str]:
        """query, topic and language for `search_entries`; an invalid value is left out (the
        form says why), an over-long query is cut."""
        if not self.is_bound:
            return {"query": "", "topic": "", "language": ""}
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        query = data.get("q")
        if query is None:  # invalid: search what can be searched
            query = str(self.data.get("q", ""))[:MAX_QUERY_LENGTH]
            query = CONTROL_CHARACTERS.sub(" ", query)
        return {
            "query": query,
            "topic": data.get("topic", "") or "",
            "language": data.get("language", "") or "",
        }


def _text_field(label: Any, max_length: int, *, rows: int = 0, help_text: Any = "") -> Any:
    widget = forms.Textarea(attrs={"rows": rows}) if rows else forms.TextInput()
    return forms.CharField(
        label=label,
        max_length=max_length,
        help_text=help_text,
        widget=widget,
        validators=[validate_no_control_characters],
    )


class EntryTextForm(KernFormMixin, forms.Form):
    """Title, question and answer of an entry."""

    title = _text_field(
        _("Title"),
        MAX_TITLE,
        help_text=_("A short question or topic as people would search for it."),
    )
    question = _text_field(
        _("Question"),
        MAX_TEXT,
        rows=6,
        help_text=_("The question in general words. Plain text, at most 10,000 characters."),
    )
    answer = _text_field(
        _("Answer"),
        MAX_TEXT,
        rows=12,
        help_text=_("Plain text, at most 10,000 characters. An empty line starts a new paragraph."),
    )


class EntryForm(EntryTextForm):
    """A new editorial entry or changes to an entry: texts, topic, language and (for people
    who write for several districts or Länder) who is responsible."""

    topic = forms.ChoiceField(label=_("Topic"), choices=[("", _("Please choose")), *Topic.choices])
    language = forms.ChoiceField(label=_("Language"))
    publisher = forms.ChoiceField(
        label=_("Published by"),
        help_text=_("Who answers for this entry."),
    )

    def __init__(
        self, *args: Any, publishers: list[Publisher] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["language"]).choices = site_language_choices()
        self.publishers = {publisher.key: publisher for publisher in publishers or []}
        if len(self.publishers) > 1:
            cast(forms.ChoiceField, self.fields["publisher"]).choices = [
                (key, publisher.label) for key, publisher in self.publishers.items()
            ]
        else:
            del self.fields["publisher"]

    def chosen_publisher(self) -> Publisher | None:
        if len(self.publishers) == 1:
            return next(iter(self.publishers.values()))
        return self.publishers.get(self.cleaned_data.get("publisher", ""))


class EntryFromQuestionForm(EntryTextForm):
    """An answered question as a public entry: the editor removes personal details."""

    topic = forms.ChoiceField(label=_("Topic"), choices=[("", _("Please choose")), *Topic.choices])
    language = forms.ChoiceField(label=_("Language"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["language"]).choices = site_language_choices()


class TranslationForm(EntryTextForm):
    """The entry in another language (languages the entry already has are not offered)."""

    language = forms.ChoiceField(label=_("Language of the translation"))
    field_order = ["language", "title", "question", "answer"]

    def __init__(self, *args: Any, taken: set[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["language"]).choices = [
            ("", _("Please choose")),
            *((code, name) for code, name in site_language_choices() if code not in taken),
        ]


class ManageFilterForm(KernFormMixin, forms.Form):
    """Filters of the editors' list."""

    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("All")), *EntryStatus.choices], required=False
    )
    topic = forms.ChoiceField(
        label=_("Topic"), choices=[("", _("All topics")), *Topic.choices], required=False
    )
    language = forms.ChoiceField(label=_("Language"), required=False)
    text = forms.CharField(
        label=_("Title contains"),
        required=False,
        max_length=MAX_TITLE,
        validators=[validate_no_control_characters],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["language"]).choices = [
            ("", _("All languages")),
            *site_language_choices(),
        ]

    def filters(self) -> ManageFilters:
        if not self.is_bound or not self.is_valid():
            data = getattr(self, "cleaned_data", {}) if self.is_bound else {}
        else:
            data = self.cleaned_data
        return ManageFilters(
            status=data.get("status", "") or "",
            topic=data.get("topic", "") or "",
            language=data.get("language", "") or "",
            text=data.get("text", "") or "",
        )
