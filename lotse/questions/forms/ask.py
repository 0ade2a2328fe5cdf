"""Forms of "Ask your Lotse": asking, replying, the team's answer and forwarding, and the
queue's filters. The services validate again (the API uses them too)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from lotse.core.choices import Topic
from lotse.core.form_rendering import KernFormMixin
from lotse.core.validators import validate_no_control_characters

from ..choices import MessageKind, QuestionStatus
from ..models import MAX_CONTEXT, MAX_TEXT, MAX_TITLE
from ..selectors.ask import (
    ASSIGNED_ANYONE,
    ASSIGNED_ME,
    ASSIGNED_NOBODY,
    STATUS_ALL,
    STATUS_WAITING,
    QueueFilters,
)
from ..services.ask import MAX_NOTE

TOO_LONG = _("Please use at most %(limit_value)d characters (you used %(show_value)d).")


class PlainTextField(forms.CharField):
    """A plain-text field: trimmed, limited, no control characters. Markup stays text (it is
    escaped on output)."""

    def __init__(self, *, max_length: int, required_message: Any = None, **kwargs: Any) -> None:
        error_messages = {"max_length": TOO_LONG}
        if required_message is not None:
            error_messages["required"] = required_message
        error_messages["null_characters_not_allowed"] = _(
            "The text contains invalid control characters (for example a NUL byte)."
        )
        super().__init__(
            max_length=max_length,
            error_messages=error_messages,
            validators=[validate_no_control_characters],
            **kwargs,
        )

    def to_python(self, value: Any) -> str:
        text = super().to_python(value) or ""
        return text.replace("\r\n", "\n").replace("\r", "\n")


class QuestionForm(KernFormMixin, forms.Form):
    """A volunteer's question to the team of their district."""

    title = PlainTextField(
        label=_("Your question in one sentence"),
        max_length=MAX_TITLE,
        required_message=_("Please give your question a short title."),
        help_text=_("For example: How does a family apply for a Wohnberechtigungsschein?"),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    text = PlainTextField(
        label=_("Your question"),
        max_length=MAX_TEXT,
        required_message=_("Please write your question."),
        help_text=_(
            "Describe the situation without names or other details that identify the people "
            "you support."
        ),
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    topic = forms.ChoiceField(
        label=_("Topic"),
        choices=[("", _("Please choose")), *Topic.choices],
        error_messages={
            "required": _("Please choose a topic."),
            "invalid_choice": _("Please choose a topic."),
        },
    )
    context = PlainTextField(
        label=_("Background"),
        max_length=MAX_CONTEXT,
        required=False,
        help_text=_(
            "What has happened so far, which authority is involved, what you have tried. "
            "No attachments, please."
        ),
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class ReplyForm(KernFormMixin, forms.Form):
    """The asker's reply in the thread."""

    text = PlainTextField(
        label=_("Your reply"),
        max_length=MAX_TEXT,
        required_message=_("Please write a reply."),
        widget=forms.Textarea(attrs={"rows": 5}),
    )


class AnswerForm(KernFormMixin, forms.Form):
    """The team's answer or question back; the submit button named `kind` chooses which
    (`answer` or `ask_back`)."""

    text = PlainTextField(
        label=_("Your answer or question back"),
        max_length=MAX_TEXT,
        required_message=_("Please write your answer."),
        help_text=_("The volunteer is notified by e-mail and sees the text on the question page."),
        widget=forms.Textarea(attrs={"rows": 8}),
    )

    def clean(self) -> dict[str, Any]:
        """The submit button's `kind`: answer or ask back (not a rendered field)."""
        cleaned = super().clean() or {}
        kind = self.data.get("kind")
        if kind not in (MessageKind.ANSWER, MessageKind.ASK_BACK):
            raise forms.ValidationError(
                _("Please choose whether you answer or ask back."), code="kind"
            )
        cleaned["kind"] = MessageKind(kind)
        return cleaned


class ForwardForm(KernFormMixin, forms.Form):
    """Forwarding to the state editors, with a note only the team sees."""

    note = PlainTextField(
        label=_("Note for the state editors"),
        max_length=MAX_NOTE,
        required_message=_("Please write a note for the state editors."),
        help_text=_("Why the state level should answer, and what you have found out so far."),
        widget=forms.Textarea(attrs={"rows": 4}),
    )


STATUS_FILTER_CHOICES = [
    (STATUS_WAITING, pgettext_lazy("question filter", "Waiting for the team")),
    *QuestionStatus.choices,
    (STATUS_ALL, pgettext_lazy("question filter", "All")),
]
ASSIGNED_FILTER_CHOICES = [
    (ASSIGNED_ANYONE, pgettext_lazy("question filter", "Anyone")),
    (ASSIGNED_ME, pgettext_lazy("question filter", "Taken by me")),
    (ASSIGNED_NOBODY, pgettext_lazy("question filter", "Not taken")),
]


class QueueFilterForm(KernFormMixin, forms.Form):
    """Filters of the team's queue."""

    status = forms.ChoiceField(label=_("Status"), choices=STATUS_FILTER_CHOICES, required=False)
    topic = forms.ChoiceField(
        label=_("Topic"), choices=[("", _("All topics")), *Topic.choices], required=False
    )
    assigned = forms.ChoiceField(
        label=_("Taken by"), choices=ASSIGNED_FILTER_CHOICES, required=False
    )
    district = forms.TypedChoiceField(
        label=_("District"), choices=[], coerce=int, required=False, empty_value=None
    )

    def __init__(self, *args: Any, districts: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.districts = list(districts) if districts is not None else []
        self.fields["district"].choices = [  # type: ignore[attr-defined]
            ("", _("All districts")),
            *((district.pk, district.name) for district in self.districts),
        ]
        if len(self.districts) < 2:
            del self.fields["district"]

    def filters(self) -> QueueFilters:
        """The filters; an invalid value filters nothing (the form says why)."""
        if not self.is_bound:
            return QueueFilters()
        self.is_valid()
        data = self.cleaned_data
        return QueueFilters(
            status=data.get("status") or STATUS_WAITING,
            topic=data.get("topic") or "",
            assigned=data.get("assigned") or ASSIGNED_ANYONE,
            district_id=data.get("district"),
        )
