"""Forms of Dialog digital: announcing and editing a session, cancelling it, a volunteer's
question, moderation (reject, merge), the write-up and the archive search.

The forms check the shape of the input; the services decide (times, limits, states)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lotse.core.choices import Topic
from lotse.core.form_rendering import KernFormMixin

from ..models import MAX_REASON, MAX_SESSION_QUESTION, MAX_TEXT, MAX_TITLE, DialogSession
from ..services.dialog import MAX_SPEAKER, MAX_VIDEO_URL

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"
MAX_SEARCH = 200


def language_name(code: str) -> str:
    return str(dict(settings.LANGUAGES).get(code, code))


class SessionForm(KernFormMixin, forms.Form):
    """Announce or edit a session. `states`: the Länder the editor may choose (the field is
    shown only when there are several, and only when announcing)."""

    state = forms.TypedChoiceField(label=_("Land"), coerce=int, choices=[])
    title = forms.CharField(
        label=_("Theme"),
        max_length=MAX_TITLE,
        help_text=_("For example: Housing and arriving in Bavaria."),
    )
    description = forms.CharField(
        label=_("Description"),
        max_length=MAX_TEXT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What the session is about and who should take part. Plain text."),
    )
    topic = forms.ChoiceField(label=_("Topic"), choices=[("", _("Please choose")), *Topic.choices])
    starts_at = forms.DateTimeField(
        label=_("Start (date and time)"),
        help_text=_("German time (Europe/Berlin)."),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_FORMAT),
        error_messages={"required": _("Please enter when the session starts.")},
    )
    ends_at = forms.DateTimeField(
        label=_("End (date and time)"),
        help_text=_("At most eight hours after the start."),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_FORMAT),
        error_messages={"required": _("Please enter when the session ends.")},
    )
    speaker = forms.CharField(
        label=_("Speaker"),
        max_length=MAX_SPEAKER,
        help_text=_("For example: Staatsminister Dr. Beispiel."),
    )
    video_url = forms.CharField(
        label=_("Link to the video conference"),
        max_length=MAX_VIDEO_URL,
        help_text=_(
            "A secure address starting with https://. Registered volunteers see it from 30 "
            "minutes before the start."
        ),
        widget=forms.URLInput(attrs={"inputmode": "url"}),
    )
    languages = forms.MultipleChoiceField(
        label=_("Languages offered"),
        choices=settings.LANGUAGES,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Questions can be asked in these languages. Choose at least one."),
        error_messages={"required": _("Please choose at least one language.")},
    )

    def __init__(self, *args: Any, states: Any = None, editing: bool = False, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.states = list(states or [])
        if editing or len(self.states) < 2:
            del self.fields["state"]
        else:
            self.fields["state"].choices = [  # type: ignore[attr-defined]
                ("", _("Please choose")),
                *((state.pk, state.name) for state in self.states),
            ]

    @staticmethod
    def initial_for(session: DialogSession) -> dict[str, Any]:
        return {
            "title": session.title,
            "description": session.description,
            "topic": session.topic,
            "starts_at": timezone.localtime(session.starts_at).strftime(DATETIME_FORMAT),
            "ends_at": timezone.localtime(session.ends_at).strftime(DATETIME_FORMAT),
            "speaker": session.speaker,
            "video_url": session.video_url,
            "languages": list(session.languages),
        }

    def chosen_state(self) -> Any:
        """The Land of the new session: the chosen one, or the editor's only Land."""
        if "state" not in self.fields:
            return self.states[0] if self.states else None
        pk = self.cleaned_data.get("state")
        return next((state for state in self.states if state.pk == pk), None)

    def service_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "title": data["title"],
            "description": data.get("description", ""),
            "topic": data["topic"],
            "starts_at": data["starts_at"],
            "ends_at": data["ends_at"],
            "speaker": data["speaker"],
            "video_url": data["video_url"],
            "languages": data["languages"],
        }


class SessionCancelForm(KernFormMixin, forms.Form):
    message = forms.CharField(
        label=_("Message to the participants"),
        max_length=MAX_REASON,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Everyone who sent a question or voted is told; you may add a few words."),
    )


class QuestionForm(KernFormMixin, forms.Form):
    """A volunteer's question to a session, in one of the session's languages."""

    text = forms.CharField(
        label=_("Your question"),
        max_length=MAX_SESSION_QUESTION,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "At most 1,000 characters. Your question is checked before it is shown, without "
            "your name."
        ),
        error_messages={"required": _("Please enter your question.")},
    )
    language = forms.ChoiceField(label=_("Language of your question"), choices=[])

    def __init__(self, *args: Any, session: DialogSession, language: str = "", **kwargs: Any):
        super().__init__(*args, **kwargs)
        offered = list(session.languages) or [code for code, _name in settings.LANGUAGES]
        field = self.fields["language"]
        field.choices = [(code, language_name(code)) for code in offered]  # type: ignore[attr-defined]
        if len(offered) == 1:
            field.widget = forms.HiddenInput()
        self.initial.setdefault("language", language if language in offered else offered[0])


class RejectForm(KernFormMixin, forms.Form):
    reason = forms.CharField(
        label=_("Reason (the author sees it)"),
        max_length=MAX_REASON,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Please tell the author why the question is not taken.")},
    )


class MergeForm(KernFormMixin, forms.Form):
    target = forms.TypedChoiceField(
        label=_("Merge into"),
        coerce=int,
        choices=[],
        help_text=_("The votes move to this question; everyone counts once."),
        error_messages={"required": _("Please choose the question to merge into.")},
    )

    def __init__(self, *args: Any, targets: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.targets = {question.pk: question for question in targets}
        self.fields["target"].choices = [  # type: ignore[attr-defined]
            ("", _("Please choose")),
            *(
                (question.pk, f"{_short_label(question.text)} ({question.vote_count})")
                for question in self.targets.values()
            ),
        ]

    def chosen(self) -> Any:
        return self.targets.get(self.cleaned_data["target"])


def _short_label(text: str, limit: int = 90) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


class WriteUpForm(KernFormMixin, forms.Form):
    """The summary of the session and one answer per answered question."""

    summary = forms.CharField(
        label=_("Summary of the session"),
        max_length=MAX_TEXT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("The introduction of the public archive page."),
    )

    def __init__(self, *args: Any, questions: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.questions = list(questions)
        for question in self.questions:
            name = f"answer_{question.pk}"
            self.fields[name] = forms.CharField(
                label=question.text,
                max_length=MAX_TEXT,
                required=False,
                widget=forms.Textarea(attrs={"rows": 5}),
                help_text=_("The answer as given in the session. Empty: not published."),
            )
            self.initial.setdefault(name, question.answer)

    def answers(self) -> dict[int, str]:
        return {q.pk: self.cleaned_data.get(f"answer_{q.pk}", "") for q in self.questions}


class ArchiveSearchForm(KernFormMixin, forms.Form):
    q = forms.CharField(
        label=_("Search this session's answers"), max_length=MAX_SEARCH, required=False
    )
