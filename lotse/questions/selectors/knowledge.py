"""Reads of the knowledge base, scoped to the viewer (the public search is `selectors.search`).

- `entry_get_visible`: a published entry for everyone; drafts and withdrawn entries only for
  the people who may edit them (anyone else gets a 404).
- `entry_get_for_editor`, `entry_manage_list`: what the user may edit — entries of the districts
  they coordinate and of the Länder they edit.
- `entry_translations`: the other languages of an entry (published ones for the public).
- `question_get_for_publishing`: the answered question a coordinator or state editor may turn
  into an entry.
- `entry_publishers`: where the user may publish (districts they coordinate, Länder they edit).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from lotse.regions.models import District, State

from ..choices import EntryStatus, MessageKind
from ..models import Entry, Message, Question
from ..permissions import coordinated_district_ids, edited_state_ids


def _entries() -> QuerySet[Entry]:
    return Entry.objects.select_related("district", "state", "session")


def editable_entries(*, user: Any) -> QuerySet[Entry]:
    """Entries the user may edit (coordinators: their districts; state editors: their Länder)."""
    districts = coordinated_district_ids(user)
    states = edited_state_ids(user)
    if not districts and not states:
        return Entry.objects.none()
    return _entries().filter(Q(district_id__in=districts) | Q(state_id__in=states))


def entry_get_for_editor(*, user: Any, pk: int) -> Entry:
    """The entry if the user may edit it, else 404."""
    return get_object_or_404(editable_entries(user=user), pk=pk)


def entry_get_visible(*, user: Any, pk: int) -> Entry:
    """A published entry (anyone) or an entry the user may edit (drafts too), else 404."""
    entry = _entries().filter(pk=pk).first()
    if entry is None:
        raise Http404
    if entry.status == EntryStatus.PUBLISHED:
        return entry
    if user.has_perm("questions.edit_entry", entry):
        return entry
    raise Http404


def entry_translations(*, entry: Entry, user: Any = None) -> list[Entry]:
    """The entry's other languages, in the order of the site's languages; only published ones
    unless the user may edit them."""
    from django.conf import settings

    others = list(Entry.objects.filter(group=entry.group).exclude(pk=entry.pk))
    visible = [
        other
        for other in others
        if other.status == EntryStatus.PUBLISHED or (user is not None and _may_edit(user, other))
    ]
    order = {code: index for index, (code, _name) in enumerate(settings.LANGUAGES)}
    return sorted(visible, key=lambda other: order.get(other.language, 99))


def _may_edit(user: Any, entry: Entry) -> bool:
    return bool(user.has_perm("questions.edit_entry", entry))


def entry_group_languages(*, entry: Entry) -> set[str]:
    """Languages the entry's translation group already has (any status)."""
    return set(Entry.objects.filter(group=entry.group).values_list("language", flat=True))


@dataclass(frozen=True)
class ManageFilters:
    status: str = ""
    topic: str = ""
    language: str = ""
    text: str = ""


def entry_manage_list(*, user: Any, filters: ManageFilters | None = None) -> QuerySet[Entry]:
    """Drafts, published and withdrawn entries the user may edit, newest change first."""
    filters = filters or ManageFilters()
    entries = editable_entries(user=user)
    if filters.status:
        entries = entries.filter(status=filters.status)
    if filters.topic:
        entries = entries.filter(topic=filters.topic)
    if filters.language:
        entries = entries.filter(language=filters.language)
    if filters.text:
        entries = entries.filter(title__icontains=filters.text)
    return entries.order_by("-updated_at", "-id")


def question_get_for_publishing(*, user: Any, pk: int) -> Question:
    """A question the user may turn into an entry (`questions.publish_question`), else 404."""
    question = (
        Question.objects.select_related("district", "district__state", "asker")
        .filter(pk=pk)
        .first()
    )
    if question is None or not user.has_perm("questions.publish_question", question):
        raise Http404
    return question


def question_staff_answers(*, question: Question) -> list[Message]:
    """The team's answers in the question's thread, oldest first."""
    return list(question.messages.filter(kind=MessageKind.ANSWER).order_by("created_at", "id"))


@dataclass(frozen=True)
class Publisher:
    """Who is responsible for an entry: a district's team or the state editors of a Land."""

    key: str  # "district:<id>" or "state:<id>"
    district: District | None
    state: State

    @property
    def label(self) -> str:
        from django.utils.translation import gettext as _

        if self.district is not None:
            return _("Lotsen team %(district)s") % {"district": self.district.name}
        return _("State editors of %(state)s") % {"state": self.state.name}


def entry_publishers(*, user: Any) -> list[Publisher]:
    """Where the user may write entries: each district they coordinate, each Land they edit."""
    result = [
        Publisher(key=f"district:{district.pk}", district=district, state=district.state)
        for district in District.objects.filter(pk__in=coordinated_district_ids(user))
        .select_related("state")
        .order_by("name", "pk")
    ]
    result += [
        Publisher(key=f"state:{state.pk}", district=None, state=state)
        for state in State.objects.filter(pk__in=edited_state_ids(user)).order_by("name", "pk")
    ]
    return result


def publisher_for_question(*, user: Any, question: Question) -> Publisher:
    """An entry made from a question belongs to the question's district when the user
    coordinates it, else (a state editor of the forwarded question) to the Land."""
    district = question.district
    if district.pk in coordinated_district_ids(user):
        return Publisher(key=f"district:{district.pk}", district=district, state=district.state)
    return Publisher(key=f"state:{district.state_id}", district=None, state=district.state)
