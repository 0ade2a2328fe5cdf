"""Writes of the knowledge base: entries, translations, publishing, and the search index.

THE CONTRACT (other areas call these; the knowledge area owns the implementation and keeps
the search index in step inside the same transaction):

- `entry_create(actor=, language=, title=, question=, answer=, topic=, state=, district=None,
  source=EntrySource.EDITORIAL, source_question=None, source_session_question=None,
  session=None, group=None, publish=False)` → Entry
- `entry_update(actor=, entry=, **fields)` → Entry
- `entry_publish(actor=, entry=)` / `entry_withdraw(actor=, entry=)` → Entry

Further services of the knowledge area:

- `entry_create_from_question(actor=, question=, …)`: an answered question becomes an
  anonymised entry of the question's district (coordinators) or Land (state editors).
- `entry_translate(actor=, entry=, language=, …)`: the same entry in another language (a new
  Entry of the same `group`).
- `knowledge_reindex()`: rebuild the search index from the published entries (idempotent).

Rules: only published entries are in the search index; every change of an entry's text, topic,
language, session or status updates the index in the same transaction. The first publication
of an entry made from a question tells the asker (in-app) that an anonymised version helps
others now. Every change is audited (`questions.entry.*`). `actor=None` is the system (a task
or a command); any other actor must be allowed to write for the entry's district or Land.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from lotse.core.audit import audit_record
from lotse.core.choices import Topic
from lotse.core.validators import add_error, clean_plain_text
from lotse.notifications.services import notify

from ..choices import EntrySource, EntryStatus
from ..models import MAX_TEXT, MAX_TITLE, Entry, Question
from ..permissions import coordinated_district_ids, edited_state_ids
from ..search import search_backend

EDITABLE_FIELDS = ("title", "question", "answer", "topic", "language")
_TEXT_LIMITS = {"title": MAX_TITLE, "question": MAX_TEXT, "answer": MAX_TEXT}

Errors = dict[str, list[ValidationError]]


def _clean_text(errors: Errors, field: str, value: Any) -> str:
    """Plain text (stored as typed, escaped on output): required, limited, no control
    characters (NUL included)."""
    return clean_plain_text(
        errors, field, value, max_length=_TEXT_LIMITS[field], missing=_("This field is required.")
    )


def _validate(values: dict[str, Any]) -> dict[str, Any]:
    """Check the editable fields present in `values`; raise a ValidationError keyed by field."""
    errors: Errors = {}
    cleaned: dict[str, Any] = {}
    for field, value in values.items():
        if field in _TEXT_LIMITS:
            cleaned[field] = _clean_text(errors, field, value)
        elif field == "topic":
            if value not in Topic.values:
                add_error(errors, "topic", _("Please choose a topic from the list."), "choice")
            cleaned[field] = value
        elif field == "language":
            if value not in {code for code, _name in settings.LANGUAGES}:
                add_error(
                    errors, "language", _("Please choose a language from the list."), "choice"
                )
            cleaned[field] = value
        else:
            cleaned[field] = value
    if errors:
        raise ValidationError(errors)
    return cleaned


def may_write_for(actor: Any, *, district: Any, state: Any) -> bool:
    """Whether `actor` may write entries of `district` (coordinators of it, state editors of
    its Land) or, without a district, of `state` (its state editors)."""
    state_id = getattr(state, "pk", state)
    if state_id in edited_state_ids(actor):
        return True
    district_id = getattr(district, "pk", district)
    return district_id is not None and district_id in coordinated_district_ids(actor)


def _check_writer(actor: Any, *, district: Any, state: Any) -> None:
    if actor is None:  # the system (a task, a command)
        return
    if not may_write_for(actor, district=district, state=state):
        raise PermissionDenied


def _check_editor(actor: Any, entry: Entry) -> None:
    if actor is None:
        return
    if not actor.has_perm("questions.edit_entry", entry):
        raise PermissionDenied


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def _language_taken(group: uuid.UUID, language: str, exclude_pk: int | None = None) -> bool:
    others = Entry.objects.filter(group=group, language=language)
    if exclude_pk is not None:
        others = others.exclude(pk=exclude_pk)
    return others.exists()


def _language_taken_error() -> ValidationError:
    return ValidationError(
        {
            "language": ValidationError(
                _("This entry already exists in this language."), code="language_taken"
            )
        }
    )


def _sync_index(entry: Entry) -> None:
    """Published entries are in the search index (with their current text), others not."""
    backend = search_backend()
    if entry.status == EntryStatus.PUBLISHED:
        backend.index_entries([entry.pk])
    else:
        backend.remove_entries([entry.pk])


def _notify_asker(entry: Entry) -> None:
    """An entry made from a question has been published for the first time: tell the asker."""
    question = entry.source_question
    if entry.source != EntrySource.QUESTION or question is None or question.asker is None:
        return
    notify(
        user=question.asker,
        kind="questions.entry_from_question",
        template="questions/notifications/entry_from_question",
        context={"entry": entry, "question_title": question.title},
        url=reverse("questions:entry_detail", args=[entry.pk]),
        mail=False,
    )


def entry_create(
    *,
    actor: Any,
    language: str,
    title: str,
    question: str,
    answer: str,
    topic: str,
    state: Any,
    district: Any = None,
    source: str = EntrySource.EDITORIAL,
    source_question: Any = None,
    source_session_question: Any = None,
    session: Any = None,
    group: uuid.UUID | None = None,
    publish: bool = False,
    via: str = "web",
) -> Entry:
    """Write an entry (a draft, or published with `publish=True`) for `district` (its Lotsen
    team) or, without a district, for the state editors of `state`.

    A district must lie in `state`. `group` makes it a translation of the entries of that
    group (one entry per language). Raises PermissionDenied when the actor may not write for
    the district / Land and ValidationError (keyed by field) for invalid values; nothing is
    saved then. Side effects: audit `questions.entry.created` (+ `.published`), the search
    index, and (published from a question) the asker's notification.
    """
    if district is not None and district.state_id != getattr(state, "pk", state):
        raise ValidationError(
            {"district": ValidationError(_("The district is not in this Land."), code="state")}
        )
    _check_writer(actor, district=district, state=state)
    values = _validate(
        {
            "title": title,
            "question": question,
            "answer": answer,
            "topic": topic,
            "language": language,
        }
    )
    if source not in EntrySource.values:
        raise ValidationError({"source": ValidationError(_("Unknown source."), code="choice")})
    with transaction.atomic():
        group = group or uuid.uuid4()
        if _language_taken(group, values["language"]):
            raise _language_taken_error()
        entry = Entry(
            **values,
            state=state,
            district=district,
            source=source,
            source_question=source_question,
            source_session_question=source_session_question,
            session=session,
            group=group,
            created_by=_user(actor),
            updated_by=_user(actor),
        )
        if publish:
            entry.status = EntryStatus.PUBLISHED
            entry.published_at = timezone.now()
        entry.full_clean(exclude=["created_by", "updated_by"], validate_constraints=False)
        entry.save()
        audit_record(
            actor=actor,
            action="questions.entry.created",
            obj=entry,
            changed_fields=[*EDITABLE_FIELDS, "status"],
            via=via,
        )
        if publish:
            audit_record(actor=actor, action="questions.entry.published", obj=entry, via=via)
        _sync_index(entry)
        if publish:
            _notify_asker(entry)
    return entry


def entry_create_from_question(
    *,
    actor: Any,
    question: Question,
    title: str,
    question_text: str,
    answer: str,
    topic: str,
    language: str,
    publish: bool = False,
    via: str = "web",
) -> Entry:
    """Turn an answered question into an entry (the actor has removed personal details).

    Allowed with `questions.publish_question` on the question. Coordinators of the question's
    district write for that district; state editors (the question was forwarded to them) for
    the Land (no district). The asker is told once the entry is published.
    """
    if actor is None or not actor.has_perm("questions.publish_question", question):
        raise PermissionDenied
    district = question.district
    own_district = district.pk in coordinated_district_ids(actor)
    return entry_create(
        actor=actor,
        language=language,
        title=title,
        question=question_text,
        answer=answer,
        topic=topic,
        state=district.state,
        district=district if own_district else None,
        source=EntrySource.QUESTION,
        source_question=question,
        publish=publish,
        via=via,
    )


def entry_translate(
    *,
    actor: Any,
    entry: Entry,
    language: str,
    title: str,
    question: str,
    answer: str,
    publish: bool = False,
    via: str = "web",
) -> Entry:
    """Add `entry` in another language: a new entry of the same group, district, Land, topic
    and source (a Dialog digital answer stays in its session). Raises ValidationError when the
    group already has that language."""
    _check_editor(actor, entry)
    return entry_create(
        actor=actor,
        language=language,
        title=title,
        question=question,
        answer=answer,
        topic=entry.topic,
        state=entry.state,
        district=entry.district,
        source=entry.source,
        source_session_question=entry.source_session_question,
        session=entry.session,
        group=entry.group,
        publish=publish,
        via=via,
    )


def entry_update(*, actor: Any, entry: Entry, via: str = "web", **fields: Any) -> Entry:
    """Change an entry's text, topic or language (`EDITABLE_FIELDS`). Raises TypeError for
    other fields, PermissionDenied / ValidationError (nothing saved). Side effects: audit
    `questions.entry.updated` with the changed field names; the search index."""
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"entry_update() cannot change {sorted(unknown)}")
    _check_editor(actor, entry)
    values = _validate(fields)
    with transaction.atomic():
        locked = Entry.objects.select_for_update().get(pk=entry.pk)
        if "language" in values and _language_taken(
            locked.group, values["language"], exclude_pk=locked.pk
        ):
            raise _language_taken_error()
        changed = [name for name, value in values.items() if getattr(locked, name) != value]
        for name in changed:
            setattr(locked, name, values[name])
        if changed:
            locked.updated_by = _user(actor) or locked.updated_by
            locked.full_clean(exclude=["created_by", "updated_by"], validate_constraints=False)
            locked.save()
            audit_record(
                actor=actor,
                action="questions.entry.updated",
                obj=locked,
                changed_fields=changed,
                via=via,
            )
            _sync_index(locked)
    _refresh(entry, locked)
    return entry


def _refresh(entry: Entry, saved: Entry) -> None:
    """Copy the saved row into the caller's instance (callers keep using their object)."""
    for field in entry._meta.concrete_fields:
        setattr(entry, field.attname, getattr(saved, field.attname))


def entry_publish(*, actor: Any, entry: Entry, via: str = "web") -> Entry:
    """Publish a draft or withdrawn entry (idempotent). The first publication of an entry made
    from a question tells the asker."""
    _check_editor(actor, entry)
    with transaction.atomic():
        locked = Entry.objects.select_for_update().get(pk=entry.pk)
        if locked.status != EntryStatus.PUBLISHED:
            first_time = locked.published_at is None
            locked.status = EntryStatus.PUBLISHED
            locked.published_at = locked.published_at or timezone.now()
            locked.updated_by = _user(actor) or locked.updated_by
            locked.save(update_fields=["status", "published_at", "updated_by", "updated_at"])
            audit_record(actor=actor, action="questions.entry.published", obj=locked, via=via)
            _sync_index(locked)
            if first_time:
                _notify_asker(locked)
    _refresh(entry, locked)
    return entry


def entry_withdraw(*, actor: Any, entry: Entry, via: str = "web") -> Entry:
    """Withdraw a published entry (or a draft) from the public: it leaves the search index."""
    _check_editor(actor, entry)
    with transaction.atomic():
        locked = Entry.objects.select_for_update().get(pk=entry.pk)
        if locked.status != EntryStatus.WITHDRAWN:
            locked.status = EntryStatus.WITHDRAWN
            locked.updated_by = _user(actor) or locked.updated_by
            locked.save(update_fields=["status", "updated_by", "updated_at"])
            audit_record(actor=actor, action="questions.entry.withdrawn", obj=locked, via=via)
            _sync_index(locked)
    _refresh(entry, locked)
    return entry


def knowledge_reindex() -> int:
    """Rebuild the search index from the published entries (idempotent); returns how many
    entries it holds."""
    with transaction.atomic():
        return search_backend().rebuild()
