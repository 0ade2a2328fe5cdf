"""Object rules of the questions module, used by the HTML views and the API alike.

Lists are scoped by the selectors (so a question of another district is a 404); these
predicates decide the actions on one record.

- A question is seen by its asker, the coordinators of its district and, once forwarded, the
  state editors of the district's Land. The same staff may answer it.
- Knowledge-base entries are edited by the coordinators of their district or the state
  editors of their Land; anyone reads published entries.
- Dialog digital sessions are announced and moderated by the state editors of their Land.
  Registered volunteers (confirmed e-mail and a volunteer profile) submit and vote.
"""

from __future__ import annotations

from typing import Any

import rules

from lotse.accounts.selectors import user_coordinated_district_ids, user_edited_state_ids

from .choices import OPEN_FOR_QUESTIONS
from .models import DialogSession, Entry, Question


def coordinated_district_ids(user: Any) -> set[int]:
    if not getattr(user, "is_authenticated", False):
        return set()
    return user_coordinated_district_ids(user=user)


def edited_state_ids(user: Any) -> set[int]:
    if not getattr(user, "is_authenticated", False):
        return set()
    return user_edited_state_ids(user=user)


@rules.predicate
def is_registered_volunteer(user: Any) -> bool:
    """Confirmed e-mail address and a volunteer profile."""
    return bool(
        getattr(user, "is_authenticated", False)
        and user.email_confirmed_at
        and getattr(user, "volunteer_profile", None) is not None
    )


@rules.predicate
def is_coordinator(user: Any) -> bool:
    return bool(coordinated_district_ids(user))


@rules.predicate
def is_state_editor(user: Any) -> bool:
    return bool(edited_state_ids(user))


@rules.predicate
def is_asker(user: Any, question: Question) -> bool:
    return bool(
        getattr(user, "is_authenticated", False)
        and question.asker_id is not None
        and question.asker_id == user.pk
    )


@rules.predicate
def is_team_of_question(user: Any, question: Question) -> bool:
    """A coordinator of the question's district, or (once forwarded) a state editor of its
    Land."""
    if question.district_id in coordinated_district_ids(user):
        return True
    return bool(
        question.forwarded_at is not None and question.district.state_id in edited_state_ids(user)
    )


@rules.predicate
def is_coordinator_of_question(user: Any, question: Question) -> bool:
    return question.district_id in coordinated_district_ids(user)


@rules.predicate
def can_edit_entry(user: Any, entry: Entry) -> bool:
    if entry.state_id in edited_state_ids(user):
        return True
    return entry.district_id is not None and entry.district_id in coordinated_district_ids(user)


@rules.predicate
def is_moderator_of_session(user: Any, session: DialogSession) -> bool:
    return session.state_id in edited_state_ids(user)


@rules.predicate
def session_open_for_questions(user: Any, session: DialogSession) -> bool:
    return session.status in OPEN_FOR_QUESTIONS


rules.add_perm("questions.ask", is_registered_volunteer)
rules.add_perm("questions.view_question", is_asker | is_team_of_question)
rules.add_perm("questions.reply_question", is_asker)
rules.add_perm("questions.answer_question", is_team_of_question)
# Only the district's coordinators forward (the state editors already see forwarded ones).
rules.add_perm("questions.forward_question", is_coordinator_of_question)
rules.add_perm("questions.create_entry", is_coordinator | is_state_editor)
rules.add_perm("questions.publish_question", is_team_of_question)
rules.add_perm("questions.edit_entry", can_edit_entry)
rules.add_perm("questions.announce_session", is_state_editor)
rules.add_perm("questions.moderate_session", is_moderator_of_session)
rules.add_perm(
    "questions.take_part_in_session", is_registered_volunteer & session_open_for_questions
)
