"""Services of the knowledge base: writing, editing, publishing, withdrawing, translating,
turning an answered question into an entry; permissions, validation, audit, notification."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from lotse.accounts.roles import Role
from lotse.accounts.tests.factories import RoleAssignmentFactory, UserFactory
from lotse.core.choices import Topic
from lotse.core.models import AuditEvent
from lotse.notifications.models import Notification
from lotse.questions.choices import EntrySource, EntryStatus, MessageKind, QuestionStatus
from lotse.questions.models import Entry
from lotse.questions.selectors.search import search_entries
from lotse.questions.services.knowledge import (
    entry_create,
    entry_create_from_question,
    entry_publish,
    entry_translate,
    entry_update,
    entry_withdraw,
)
from lotse.questions.tests.factories import MessageFactory, QuestionFactory
from lotse.regions.models import State

pytestmark = pytest.mark.django_db


@pytest.fixture
def bavaria(db):
    return State.objects.get(code="BY")


@pytest.fixture
def coordinator(munich):
    return RoleAssignmentFactory(role=Role.COORDINATOR, district=munich).user


@pytest.fixture
def other_coordinator(nuremberg):
    return RoleAssignmentFactory(role=Role.COORDINATOR, district=nuremberg).user


@pytest.fixture
def state_editor(bavaria):
    return RoleAssignmentFactory(role=Role.STATE_EDITOR, state=bavaria, district=None).user


def _values(**overrides):
    values = {
        "language": "de",
        "title": "Wohnberechtigungsschein beantragen",
        "question": "Wie bekommt eine Familie einen Wohnberechtigungsschein?",
        "answer": "Beim Wohnungsamt der Stadt.\n\nBringen Sie die Einkommensnachweise mit.",
        "topic": Topic.HOUSING,
    }
    return values | overrides


@pytest.fixture
def entry(coordinator, munich, bavaria):
    return entry_create(actor=coordinator, state=bavaria, district=munich, **_values())


# --- writing -------------------------------------------------------------------------------------


def test_a_coordinator_writes_a_draft_for_their_district(coordinator, munich, bavaria):
    entry = entry_create(actor=coordinator, state=bavaria, district=munich, **_values())
    assert entry.status == EntryStatus.DRAFT
    assert entry.published_at is None
    assert entry.district == munich and entry.state == bavaria
    assert entry.created_by == coordinator and entry.source == EntrySource.EDITORIAL
    assert AuditEvent.objects.filter(action="questions.entry.created", object_id=str(entry.pk))
    assert search_entries(query="Wohnberechtigungsschein").total == 0


def test_publishing_at_once(coordinator, munich, bavaria):
    entry = entry_create(
        actor=coordinator, state=bavaria, district=munich, publish=True, **_values()
    )
    assert entry.status == EntryStatus.PUBLISHED and entry.published_at is not None
    assert [hit.entry.pk for hit in search_entries(query="Wohnberechtigungsschein").hits] == [
        entry.pk
    ]


def test_a_coordinator_cannot_write_for_another_district(other_coordinator, munich, bavaria):
    with pytest.raises(PermissionDenied):
        entry_create(actor=other_coordinator, state=bavaria, district=munich, **_values())
    assert not Entry.objects.exists()


def test_a_state_editor_writes_for_their_land_only(state_editor, bavaria, munich):
    entry = entry_create(actor=state_editor, state=bavaria, **_values())
    assert entry.district is None and entry.state == bavaria
    # Also for a district of the Land (entries of coordinators are theirs to edit too).
    entry_create(actor=state_editor, state=bavaria, district=munich, **_values(language="en"))
    with pytest.raises(PermissionDenied):
        entry_create(actor=state_editor, state=State.objects.get(code="BE"), **_values())


def test_a_volunteer_cannot_write(munich, bavaria):
    with pytest.raises(PermissionDenied):
        entry_create(actor=UserFactory(), state=bavaria, district=munich, **_values())


def test_the_district_must_lie_in_the_land(coordinator, munich):
    with pytest.raises(ValidationError) as error:
        entry_create(
            actor=coordinator, state=State.objects.get(code="BE"), district=munich, **_values()
        )
    assert "district" in error.value.message_dict


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("title", "", "required"),
        ("title", "x" * 201, "max_length"),
        ("answer", "x" * 50_000, "max_length"),
        ("question", "x" * 10_001, "max_length"),
        ("answer", "Null\x00Byte", "control"),
        ("topic", "nonsense", "choice"),
        ("language", "xx", "choice"),
    ],
)
def test_bad_values_are_refused_and_nothing_is_saved(
    coordinator, munich, bavaria, field, value, code
):
    with pytest.raises(ValidationError) as error:
        entry_create(actor=coordinator, state=bavaria, district=munich, **_values(**{field: value}))
    assert error.value.error_dict[field][0].code == code
    assert not Entry.objects.exists()


def test_html_is_kept_as_plain_text(coordinator, munich, bavaria):
    entry = entry_create(
        actor=coordinator,
        state=bavaria,
        district=munich,
        **_values(answer="Einkommen < 1.000 € <script>alert(1)</script>"),
    )
    assert entry.answer == "Einkommen < 1.000 € <script>alert(1)</script>"


# --- editing, publishing, withdrawing ----------------------------------------------------------


def test_editing_records_the_changed_fields(entry, coordinator):
    entry_update(actor=coordinator, entry=entry, title="Neuer Titel", answer=entry.answer)
    entry.refresh_from_db()
    assert entry.title == "Neuer Titel" and entry.updated_by == coordinator
    event = AuditEvent.objects.get(action="questions.entry.updated")
    assert event.changed_fields == ["title"]


def test_editing_refuses_other_fields_and_other_districts(entry, other_coordinator, coordinator):
    with pytest.raises(TypeError):
        entry_update(actor=coordinator, entry=entry, status=EntryStatus.PUBLISHED)
    with pytest.raises(PermissionDenied):
        entry_update(actor=other_coordinator, entry=entry, title="Fremd")
    entry.refresh_from_db()
    assert entry.title == "Wohnberechtigungsschein beantragen"


def test_a_state_editor_edits_the_entries_of_their_land(entry, state_editor):
    entry_update(actor=state_editor, entry=entry, title="Vom Land geändert")
    entry.refresh_from_db()
    assert entry.title == "Vom Land geändert"


def test_an_invalid_edit_changes_nothing(entry, coordinator):
    with pytest.raises(ValidationError):
        entry_update(actor=coordinator, entry=entry, title="Neu", answer="x" * 50_000)
    entry.refresh_from_db()
    assert entry.title == "Wohnberechtigungsschein beantragen"


def test_publish_and_withdraw(entry, coordinator):
    entry_publish(actor=coordinator, entry=entry)
    assert entry.status == EntryStatus.PUBLISHED
    first_published = entry.published_at
    entry_publish(actor=coordinator, entry=entry)  # idempotent
    entry_withdraw(actor=coordinator, entry=entry)
    assert entry.status == EntryStatus.WITHDRAWN
    entry_publish(actor=coordinator, entry=entry)
    assert entry.published_at == first_published
    actions = list(
        AuditEvent.objects.filter(action__startswith="questions.entry.")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == [
        "questions.entry.created",
        "questions.entry.published",
        "questions.entry.withdrawn",
        "questions.entry.published",
    ]


def test_publishing_needs_the_permission(entry, other_coordinator):
    with pytest.raises(PermissionDenied):
        entry_publish(actor=other_coordinator, entry=entry)
    with pytest.raises(PermissionDenied):
        entry_withdraw(actor=other_coordinator, entry=entry)


# --- translations ------------------------------------------------------------------------------


def test_a_translation_is_a_new_entry_of_the_same_group(entry, coordinator):
    english = entry_translate(
        actor=coordinator,
        entry=entry,
        language="en",
        title="Applying for a housing entitlement certificate",
        question="How does a family get one?",
        answer="At the housing office.",
    )
    assert english.group == entry.group and english.language == "en"
    assert english.district == entry.district and english.topic == entry.topic
    assert english.status == EntryStatus.DRAFT


def test_a_language_is_translated_only_once(entry, coordinator):
    with pytest.raises(ValidationError) as error:
        entry_translate(
            actor=coordinator, entry=entry, language="de", title="x", question="y", answer="z"
        )
    assert "language" in error.value.message_dict


# --- from a question ---------------------------------------------------------------------------


@pytest.fixture
def answered_question(munich, coordinator):
    question = QuestionFactory(district=munich, status=QuestionStatus.ANSWERED)
    MessageFactory(question=question, author=coordinator, kind=MessageKind.ANSWER, text="Ja.")
    return question


def test_a_coordinator_publishes_a_question_for_the_district(
    answered_question, coordinator, munich
):
    entry = entry_create_from_question(
        actor=coordinator,
        question=answered_question,
        title="Wohnung für eine Familie finden",
        question_text="Eine Familie sucht eine Wohnung. Wer hilft?",
        answer="Das Wohnungsamt.",
        topic=Topic.HOUSING,
        language="de",
        publish=True,
    )
    assert entry.source == EntrySource.QUESTION and entry.source_question == answered_question
    assert entry.district == munich and entry.state == munich.state
    notification = Notification.objects.get(user=answered_question.asker)
    assert notification.kind == "questions.entry_from_question"
    assert notification.url == f"/knowledge/{entry.pk}/"


def test_the_asker_is_told_once_at_the_first_publication(answered_question, coordinator):
    entry = entry_create_from_question(
        actor=coordinator,
        question=answered_question,
        title="Wohnung finden",
        question_text="Wer hilft?",
        answer="Das Amt.",
        topic=Topic.HOUSING,
        language="de",
    )
    assert not Notification.objects.exists()
    entry_publish(actor=coordinator, entry=entry)
    entry_withdraw(actor=coordinator, entry=entry)
    entry_publish(actor=coordinator, entry=entry)
    assert Notification.objects.filter(user=answered_question.asker).count() == 1


def test_the_notification_is_in_the_askers_language(answered_question, coordinator):
    answered_question.asker.preferred_language = "en"
    answered_question.asker.save()
    with translation.override("de"):
        entry_create_from_question(
            actor=coordinator,
            question=answered_question,
            title="Wohnung finden",
            question_text="Wer hilft?",
            answer="Das Amt.",
            topic=Topic.HOUSING,
            language="de",
            publish=True,
        )
    notification = Notification.objects.get()
    assert notification.title == "Your question now helps others"
    assert "Wohnung finden" in notification.body


def test_a_state_editor_publishes_a_forwarded_question_for_the_land(
    answered_question, state_editor, bavaria
):
    from django.utils import timezone

    answered_question.forwarded_at = timezone.now()
    answered_question.save()
    entry = entry_create_from_question(
        actor=state_editor,
        question=answered_question,
        title="Wohnung finden",
        question_text="Wer hilft?",
        answer="Das Amt.",
        topic=Topic.HOUSING,
        language="de",
    )
    assert entry.district is None and entry.state == bavaria


def test_others_cannot_publish_a_question(answered_question, other_coordinator, state_editor):
    for actor in (other_coordinator, state_editor, answered_question.asker):
        with pytest.raises(PermissionDenied):
            entry_create_from_question(
                actor=actor,
                question=answered_question,
                title="Wohnung finden",
                question_text="Wer hilft?",
                answer="Das Amt.",
                topic=Topic.HOUSING,
                language="de",
            )
    assert not Entry.objects.exists()
