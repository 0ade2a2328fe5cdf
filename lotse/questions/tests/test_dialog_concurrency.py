"""Votes stay exact when many people vote at the same moment (real threads, real row locks).

On SQLite `select_for_update()` is a no-op but write transactions are serialised (IMMEDIATE);
the sequential tests in test_dialog_services.py (`test_many_voters_sequentially_give_exact_counts`,
`test_vote_twice_undo_twice`, the merge property test) cover it there, and the constraint
`vote_one_per_person` backs both. On PostgreSQL the threads race for real on the question's row
lock (and both rows' locks, in pk order, when merging).
"""

from __future__ import annotations

import random
import threading
from collections.abc import Callable

from lotse.accounts.roles import Role
from lotse.accounts.tests.factories import RoleAssignmentFactory, UserFactory
from lotse.core.tests.concurrency import postgresql_only, race, transactional
from lotse.questions.choices import SessionQuestionStatus, SessionStatus
from lotse.questions.models import SessionQuestion, Vote
from lotse.questions.services import dialog as services
from lotse.questions.services.dialog import QUESTIONS_PER_WINDOW
from lotse.questions.tests.factories import DialogSessionFactory, SessionQuestionFactory
from lotse.regions.models import State
from lotse.volunteers.tests.factories import VolunteerProfileFactory


def _live_question(**kwargs) -> SessionQuestion:
    session = DialogSessionFactory(status=SessionStatus.LIVE)
    return SessionQuestionFactory(session=session, status=SessionQuestionStatus.APPROVED, **kwargs)


def _volunteers(count: int) -> list:
    return [VolunteerProfileFactory().user for _ in range(count)]


def _check(question: SessionQuestion, expected: set[int]) -> None:
    question.refresh_from_db()
    voters = list(Vote.objects.filter(question=question).values_list("voter_id", flat=True))
    assert len(voters) == len(set(voters)), "a person voted twice"
    assert set(voters) == expected
    assert question.vote_count == len(expected)


@postgresql_only
@transactional
def test_many_people_voting_for_one_question_at_once():
    question = _live_question()
    people = _volunteers(16)

    results = race(
        *((lambda p=p: services.session_question_vote(actor=p, question=question)) for p in people)
    )

    assert results == ["ok"] * 16
    _check(question, {p.pk for p in people})


@postgresql_only
@transactional
def test_one_person_clicking_many_times_at_once_counts_once():
    question = _live_question()
    person = _volunteers(1)[0]

    results = race(
        *(
            (lambda: services.session_question_vote(actor=person, question=question))
            for _ in range(10)
        )
    )

    assert results == ["ok"] * 10
    _check(question, {person.pk})


@postgresql_only
@transactional
def test_votes_and_undos_interleaved_end_exact():
    session = DialogSessionFactory(status=SessionStatus.LIVE)
    questions = [
        SessionQuestionFactory(session=session, status=SessionQuestionStatus.APPROVED)
        for _ in range(3)
    ]
    people = _volunteers(12)
    final: dict[int, set[int]] = {q.pk: set() for q in questions}
    final_lock = threading.Lock()

    def script(person, seed: int) -> Callable[[], None]:
        def run() -> None:
            rng = random.Random(seed)
            mine: dict[int, bool] = {}
            for _ in range(15):
                question = rng.choice(questions)
                if rng.random() < 0.35:
                    result = services.session_question_unvote(actor=person, question=question)
                else:
                    result = services.session_question_vote(actor=person, question=question)
                mine[question.pk] = result.voted
            with final_lock:
                for pk, voted in mine.items():
                    if voted:
                        final[pk].add(person.pk)

        return run

    results = race(*(script(person, seed) for seed, person in enumerate(people)))

    assert results == ["ok"] * len(people)
    for question in questions:
        _check(question, final[question.pk])


@postgresql_only
@transactional
def test_merging_while_people_vote_keeps_every_voter_once():
    editor = UserFactory()
    RoleAssignmentFactory(user=editor, role=Role.STATE_EDITOR, state=State.objects.get(code="BY"))
    session = DialogSessionFactory(status=SessionStatus.LIVE)
    duplicate, target = (
        SessionQuestionFactory(session=session, status=SessionQuestionStatus.APPROVED)
        for _ in range(2)
    )
    people = _volunteers(10)
    calls: list[Callable[[], object]] = [
        lambda: services.session_question_merge(actor=editor, duplicate=duplicate, target=target)
    ]
    for index, person in enumerate(people):
        question = duplicate if index % 2 else target
        calls.append(
            lambda p=person, q=question: services.session_question_vote(actor=p, question=q)
        )

    results = race(*calls)

    # A vote on the duplicate that arrived after the merge went to the target; none is lost.
    assert results.count("ok") == len(calls), results
    duplicate.refresh_from_db()
    assert duplicate.status == SessionQuestionStatus.MERGED
    assert not Vote.objects.filter(question=duplicate).exists()
    _check(target, {p.pk for p in people} | {duplicate.author_id})


@postgresql_only
@transactional
def test_one_person_sending_many_questions_at_once_gets_exactly_the_limit():
    session = DialogSessionFactory()
    person = _volunteers(1)[0]

    results = race(
        *(
            (
                lambda n=n: services.session_question_submit(
                    actor=person, session=session, text=f"Frage {n}", language="de"
                )
            )
            for n in range(QUESTIONS_PER_WINDOW + 4)
        )
    )

    assert results == ["ok"] * QUESTIONS_PER_WINDOW + ["rejected"] * 4
    assert SessionQuestion.objects.filter(author=person).count() == QUESTIONS_PER_WINDOW
