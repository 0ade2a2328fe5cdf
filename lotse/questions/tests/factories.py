"""Factories of the questions module (Munich unless told otherwise)."""

import datetime

import factory
from django.utils import timezone

from lotse.core.choices import Topic
from lotse.questions.choices import (
    EntrySource,
    EntryStatus,
    MessageKind,
    QuestionStatus,
    SessionQuestionStatus,
    SessionStatus,
)
from lotse.questions.models import (
    DialogSession,
    Entry,
    Message,
    Question,
    SessionQuestion,
    Vote,
)
from lotse.regions.models import District, State


def _munich():
    return District.objects.get(ags="09162")


def _volunteer_user():
    from lotse.volunteers.tests.factories import VolunteerProfileFactory

    return VolunteerProfileFactory().user


def _bavaria():
    return State.objects.get(code="BY")


class QuestionFactory(factory.django.DjangoModelFactory):
    """A question of a volunteer of Munich (the asker gets a volunteer profile there)."""

    class Meta:
        model = Question

    asker = factory.LazyFunction(_volunteer_user)
    district = factory.LazyFunction(_munich)
    title = factory.Sequence(lambda n: f"Wie finde ich eine Wohnung? ({n})")
    text = "Eine Familie aus meiner Patenschaft sucht eine Wohnung. Wer hilft bei der Suche?"
    topic = Topic.HOUSING
    status = QuestionStatus.OPEN
    waiting_since = factory.LazyFunction(timezone.now)


class MessageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Message

    question = factory.SubFactory(QuestionFactory)
    author = factory.SelfAttribute("question.asker")
    kind = MessageKind.REPLY
    text = "Danke, das hilft schon weiter."


class EntryFactory(factory.django.DjangoModelFactory):
    """A published German knowledge-base entry of the Munich team.

    Search-index rows are written by `services.knowledge`; tests of search create entries
    through the services (or call `knowledge_reindex`).
    """

    class Meta:
        model = Entry

    language = "de"
    title = factory.Sequence(lambda n: f"Wohnungssuche mit Wohnberechtigungsschein ({n})")
    question = "Wie bekommt eine geflüchtete Familie einen Wohnberechtigungsschein?"
    answer = "Den Wohnberechtigungsschein beantragen Sie beim Wohnungsamt Ihrer Stadt."
    topic = Topic.HOUSING
    source = EntrySource.EDITORIAL
    status = EntryStatus.PUBLISHED
    published_at = factory.LazyFunction(timezone.now)
    district = factory.LazyFunction(_munich)
    state = factory.LazyFunction(_bavaria)


class DialogSessionFactory(factory.django.DjangoModelFactory):
    """An announced session of Bavaria in a week."""

    class Meta:
        model = DialogSession

    state = factory.LazyFunction(_bavaria)
    title = factory.Sequence(lambda n: f"Wohnen und Ankommen ({n})")
    description = "Ihre Fragen zum Wohnungsmarkt an den Staatsminister."
    topic = Topic.HOUSING
    starts_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=7))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + datetime.timedelta(hours=1))
    speaker = "Staatsminister Dr. Beispiel"
    video_url = "https://konferenz.example/dialog-digital"
    languages = factory.LazyFunction(lambda: ["de", "en", "ar"])
    status = SessionStatus.ANNOUNCED


class SessionQuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SessionQuestion

    session = factory.SubFactory(DialogSessionFactory)
    author = factory.LazyFunction(_volunteer_user)
    text = factory.Sequence(lambda n: f"Wann gibt es mehr Sprachkurse auf dem Land? ({n})")
    status = SessionQuestionStatus.APPROVED


class VoteFactory(factory.django.DjangoModelFactory):
    """A vote row. Keep `vote_count` in step: tests of voting use the services."""

    class Meta:
        model = Vote

    question = factory.SubFactory(SessionQuestionFactory)
    voter = factory.SubFactory("lotse.accounts.tests.factories.UserFactory")
