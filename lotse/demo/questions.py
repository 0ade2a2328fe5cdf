"""Demo data of the questions module: volunteers' questions to their coordinators (open, in
progress, asked back, answered, closed; with threads), knowledge-base entries (some with
translations, some made from answered questions) and two Dialog digital sessions — one archived
with answers, one upcoming with questions and votes.

Written with `bulk_create` like the rest of the demo; the search index is rebuilt at the end
through the knowledge service (`knowledge_reindex`), so the demo is searchable at once.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from lotse.accounts.models import User
from lotse.accounts.roles import Role
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
from lotse.questions.services import knowledge
from lotse.regions.models import State
from lotse.volunteers.models import VolunteerProfile

from . import logins
from .questions_content import (
    ANSWERS,
    ASK_BACK,
    FAQ,
    FAQ_TRANSLATIONS,
    PAST_SESSION,
    QUESTIONS,
    REPLIES,
    UPCOMING_SESSION,
)

if TYPE_CHECKING:
    from .seeding import DistrictInfo, Seeder

# One question per this many volunteers.
VOLUNTEERS_PER_QUESTION = 4
STATUS_WEIGHTS = (
    (QuestionStatus.OPEN, 14),
    (QuestionStatus.IN_PROGRESS, 8),
    (QuestionStatus.ASKED_BACK, 5),
    (QuestionStatus.ANSWERED, 55),
    (QuestionStatus.CLOSED, 18),
)
TOPIC_WEIGHTS = {
    Topic.HOUSING: 20,
    Topic.AUTHORITIES: 22,
    Topic.LANGUAGE_LEARNING: 12,
    Topic.SCHOOL_CHILDCARE: 10,
    Topic.HEALTH: 12,
    Topic.WORK: 14,
    Topic.LEISURE: 4,
    Topic.INTERPRETING: 3,
    Topic.OTHER: 3,
}


class QuestionsSeeder:
    """Adds the questions demo to a `Seeder` run (same random generator, same transaction)."""

    def __init__(self, seeder: Seeder) -> None:
        self.seeder = seeder
        self.rng = seeder.rng
        self.now = seeder.now
        self.answered: list[Question] = []

    def _staff(self) -> tuple[dict[int, list[int]], int | None, State]:
        state = State.objects.get(code="BY")
        coordinators: dict[int, list[int]] = defaultdict(list)
        editor_id = None
        from lotse.accounts.models import RoleAssignment

        for user_id, role, district_id in RoleAssignment.objects.filter(
            role__in=[Role.COORDINATOR, Role.STATE_EDITOR]
        ).values_list("user_id", "role", "district_id"):
            if role == Role.COORDINATOR and district_id:
                coordinators[district_id].append(user_id)
            elif role == Role.STATE_EDITOR and editor_id is None:
                editor_id = user_id
        return coordinators, editor_id, state

    # -- questions to the Lotsen -------------------------------------------------------------

    def seed_questions(self, districts: list[DistrictInfo], volunteers: int) -> None:
        rng, now = self.rng, self.now
        coordinators, editor_id, _state = self._staff()
        district_ids = {info.id for info in districts}
        askers = list(
            VolunteerProfile.objects.filter(district_id__in=district_ids)
            .order_by("pk")
            .values_list("user_id", "district_id")
        )
        if not askers:
            return
        demo_volunteer = User.objects.filter(email=logins.VOLUNTEER.email).first()
        total = max(volunteers // VOLUNTEERS_PER_QUESTION, 0)
        statuses = [s for s, _ in STATUS_WEIGHTS]
        status_weights = [w for _, w in STATUS_WEIGHTS]
        topics = list(TOPIC_WEIGHTS)
        topic_weights = list(TOPIC_WEIGHTS.values())
        plans: list[tuple[Question, list[tuple[str, int | None, str, Any]]]] = []
        fixed: list[tuple[int, int, str, str]] = []
        if demo_volunteer is not None:
            profile = VolunteerProfile.objects.filter(user=demo_volunteer).first()
            if profile is not None and profile.district_id:
                # The demo volunteer: one answered question, one asked back to them.
                fixed = [
                    (
                        demo_volunteer.pk,
                        profile.district_id,
                        QuestionStatus.ANSWERED,
                        Topic.HOUSING,
                    ),
                    (
                        demo_volunteer.pk,
                        profile.district_id,
                        QuestionStatus.ASKED_BACK,
                        Topic.AUTHORITIES,
                    ),
                ]
        for index in range(total + len(fixed)):
            if index < len(fixed):
                asker_id, district_id, status, topic = fixed[index]
            else:
                asker_id, district_id = rng.choice(askers)
                status = rng.choices(statuses, weights=status_weights)[0]
                topic = rng.choices(topics, weights=topic_weights)[0]
            team = coordinators.get(district_id) or []
            title, text = rng.choice(QUESTIONS[topic])
            created = now - timedelta(minutes=rng.randrange(10, 120 * 24 * 60))
            if status in (QuestionStatus.OPEN,):
                created = now - timedelta(minutes=rng.randrange(30, 6 * 24 * 60))
            question = Question(
                asker_id=asker_id,
                district_id=district_id,
                title=title,
                text=text,
                topic=topic,
                status=status,
                created_at=created,
                updated_at=created,
                waiting_since=created,
            )
            messages: list[tuple[str, int | None, str, Any]] = []
            if status != QuestionStatus.OPEN and team:
                assignee = rng.choice(team)
                question.assignee_id = assignee
                question.assigned_at = created + timedelta(minutes=rng.randrange(20, 600))
                # Median first answer about a day; some take a week.
                delay = timedelta(minutes=int(rng.lognormvariate(6.9, 0.9)))
                answered_at = min(created + delay, now - timedelta(minutes=5))
                if status == QuestionStatus.IN_PROGRESS:
                    question.waiting_since = created
                elif status == QuestionStatus.ASKED_BACK:
                    messages.append(
                        (MessageKind.ASK_BACK, assignee, rng.choice(ASK_BACK), answered_at)
                    )
                    question.first_answered_at = answered_at
                    question.waiting_since = None
                else:
                    answer = rng.choice(ANSWERS[topic])
                    messages.append((MessageKind.ANSWER, assignee, answer, answered_at))
                    question.first_answered_at = answered_at
                    question.waiting_since = None
                    if rng.random() < 0.3:
                        replied = answered_at + timedelta(hours=rng.randint(1, 48))
                        if replied < now:
                            messages.append(
                                (MessageKind.REPLY, asker_id, rng.choice(REPLIES), replied)
                            )
                    if status == QuestionStatus.CLOSED:
                        question.closed_at = min(answered_at + timedelta(days=2), now)
                if rng.random() < 0.04 and editor_id:
                    question.forwarded_at = question.assigned_at
                    question.forwarded_by_id = assignee
                    messages.insert(
                        0,
                        (
                            MessageKind.FORWARD,
                            assignee,
                            "Grundsätzliche Frage, bitte landesweit klären.",
                            question.assigned_at,
                        ),
                    )
                question.updated_at = max([created] + [m[3] for m in messages])
            plans.append((question, messages))
        questions = self.seeder._bulk(Question, [q for q, _ in plans])
        rows = [
            Message(
                question_id=question.pk,
                kind=kind,
                author_id=author,
                text=text,
                created_at=at,
                updated_at=at,
            )
            for question, (_q, messages) in zip(questions, plans, strict=True)
            for kind, author, text, at in messages
        ]
        self.seeder._bulk(Message, rows)
        self.answered = [q for q in questions if q.status == QuestionStatus.ANSWERED]

    # -- knowledge base --------------------------------------------------------------------

    def seed_entries(self, districts: list[DistrictInfo]) -> None:
        rng, now = self.rng, self.now
        coordinators, editor_id, state = self._staff()
        by_ags = {info.ags: info for info in districts}
        munich = by_ags.get(logins.MUNICH_AGS)
        entries: list[Entry] = []
        answered = list(self.answered)
        for index, (topic, title, question, answer) in enumerate(FAQ):
            published = now - timedelta(days=rng.randint(3, 400))
            # Every third entry is the Munich team's (made from an answered question where one
            # of the same topic exists), the others the state editors'.
            district_id = munich.id if munich and index % 3 == 0 else None
            team = coordinators.get(district_id) if district_id else None
            author: int | None = team[0] if team else editor_id
            source_question_id = None
            if district_id:
                match = next(
                    (q for q in answered if q.topic == topic and q.district_id == district_id),
                    None,
                )
                if match is not None:
                    answered.remove(match)
                    source_question_id = match.pk
            group = uuid.UUID(int=rng.getrandbits(128))
            common = {
                "group": group,
                "topic": topic,
                "status": EntryStatus.PUBLISHED,
                "published_at": published,
                "district_id": district_id,
                "state_id": state.id,
                "created_by_id": author,
                "updated_by_id": author,
                "created_at": published,
                "updated_at": published,
            }
            entries.append(
                Entry(
                    language="de",
                    title=title,
                    question=question,
                    answer=answer,
                    source=EntrySource.QUESTION if source_question_id else EntrySource.EDITORIAL,
                    source_question_id=source_question_id,
                    **common,
                )
            )
            for language, (t_title, t_question, t_answer) in FAQ_TRANSLATIONS.get(
                index, {}
            ).items():
                entries.append(
                    Entry(
                        language=language,
                        title=t_title,
                        question=t_question,
                        answer=t_answer,
                        source=EntrySource.EDITORIAL,
                        **common,
                    )
                )
        # One draft, so editors see the workflow.
        entries.append(
            Entry(
                language="de",
                title="Bürgergeld für Geflüchtete aus der Ukraine: was gilt?",
                question="Welche Leistungen bekommen Geflüchtete aus der Ukraine?",
                answer="Entwurf: Abschnitt zu Leistungen nach dem SGB II ergänzen.",
                topic=Topic.AUTHORITIES,
                status=EntryStatus.DRAFT,
                source=EntrySource.EDITORIAL,
                state_id=state.id,
                created_by_id=editor_id,
                updated_by_id=editor_id,
            )
        )
        self.seeder._bulk(Entry, entries)

    # -- Dialog digital --------------------------------------------------------------------

    def seed_sessions(self) -> None:
        rng, now = self.rng, self.now
        _coordinators, editor_id, state = self._staff()
        voters = list(
            VolunteerProfile.objects.filter(district__state=state)
            .order_by("pk")
            .values_list("user_id", flat=True)[:400]
        )
        if not voters:
            return
        past_start = (now - timedelta(days=45)).replace(hour=16, minute=0, second=0, microsecond=0)
        past = DialogSession(
            state=state,
            title=PAST_SESSION.title,
            description=PAST_SESSION.description,
            topic=PAST_SESSION.topic,
            starts_at=past_start,
            ends_at=past_start + timedelta(hours=1, minutes=30),
            speaker=PAST_SESSION.speaker,
            video_url="https://konferenz.example/dialog-digital/arbeit",
            languages=["de", "en", "ar", "uk"],
            status=SessionStatus.ARCHIVED,
            summary=PAST_SESSION.summary,
            archived_at=past_start + timedelta(days=6),
            created_by_id=editor_id,
        )
        up_start = (now + timedelta(days=10)).replace(hour=17, minute=0, second=0, microsecond=0)
        upcoming = DialogSession(
            state=state,
            title=UPCOMING_SESSION.title,
            description=UPCOMING_SESSION.description,
            topic=UPCOMING_SESSION.topic,
            starts_at=up_start,
            ends_at=up_start + timedelta(hours=1, minutes=30),
            speaker=UPCOMING_SESSION.speaker,
            video_url="https://konferenz.example/dialog-digital/wohnen",
            languages=["de", "en", "ar", "uk", "fa"],
            status=SessionStatus.ANNOUNCED,
            created_by_id=editor_id,
        )
        past, upcoming = self.seeder._bulk(DialogSession, [past, upcoming])
        questions: list[SessionQuestion] = []
        for text, answer in PAST_SESSION.answered:
            at = past_start - timedelta(days=rng.randint(1, 14))
            questions.append(
                SessionQuestion(
                    session=past,
                    author_id=rng.choice(voters),
                    text=text,
                    status=SessionQuestionStatus.ANSWERED,
                    answered_at=past_start + timedelta(minutes=rng.randint(5, 85)),
                    answer=answer,
                    moderated_by_id=editor_id,
                    moderated_at=at + timedelta(hours=2),
                    created_at=at,
                    updated_at=at,
                )
            )
        for text in UPCOMING_SESSION.approved:
            at = now - timedelta(hours=rng.randint(2, 120))
            questions.append(
                SessionQuestion(
                    session=upcoming,
                    author_id=rng.choice(voters),
                    text=text,
                    status=SessionQuestionStatus.APPROVED,
                    moderated_by_id=editor_id,
                    moderated_at=at + timedelta(hours=1),
                    created_at=at,
                    updated_at=at,
                )
            )
        for text in UPCOMING_SESSION.pending:
            at = now - timedelta(minutes=rng.randint(5, 600))
            questions.append(
                SessionQuestion(
                    session=upcoming,
                    author_id=rng.choice(voters),
                    text=text,
                    created_at=at,
                    updated_at=at,
                )
            )
        questions = self.seeder._bulk(SessionQuestion, questions)
        votes: list[Vote] = []
        for question in questions:
            if question.status == SessionQuestionStatus.PENDING:
                continue
            count = min(int(rng.paretovariate(1.2) * 6), len(voters))
            chosen = rng.sample(voters, count)
            question.vote_count = count
            votes.extend(Vote(question_id=question.pk, voter_id=v) for v in chosen)
        self.seeder._bulk(Vote, votes)
        SessionQuestion.objects.bulk_update(questions, ["vote_count"])
        # The archive's answers are knowledge-base entries (source: Dialog digital).
        archived = [q for q in questions if q.session_id == past.pk]
        self.seeder._bulk(
            Entry,
            [
                Entry(
                    language="de",
                    title=q.text if len(q.text) <= 120 else q.text[:119].rstrip() + "…",
                    question=q.text,
                    answer=q.answer,
                    topic=past.topic,
                    source=EntrySource.DIALOG,
                    status=EntryStatus.PUBLISHED,
                    published_at=past.archived_at,
                    state_id=state.id,
                    session_id=past.pk,
                    source_session_question_id=q.pk,
                    created_by_id=editor_id,
                    updated_by_id=editor_id,
                )
                for q in archived
            ],
        )

    def seed(self, districts: list[DistrictInfo], volunteers: int) -> None:
        self.seed_questions(districts, volunteers)
        self.seed_entries(districts)
        self.seed_sessions()
        knowledge.knowledge_reindex()
