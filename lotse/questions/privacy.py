"""Personal-data classification of the questions module.

- A volunteer's questions (and their threads) are theirs: exported, and deleted with the
  account. A knowledge-base entry made from a question is a new, edited text without personal
  details; it stays (its link to the question is cut).
- Dialog digital questions were put to a public forum and are shown without a name; when the
  author leaves, the question stays (others voted on it), the link to the author is cut.
- Votes stay counted when the voter leaves; only the link to the voter is cut.
"""

from lotse.core.privacy import Category, Erasure, register

from .models import DialogSession, Entry, Message, Question, SessionQuestion, Vote

N, P = Category.NON_PERSONAL, Category.PERSONAL

register(
    Question,
    fields={
        "id": N,
        "created_at": P,
        "updated_at": P,
        "asker": P,
        "district": P,
        "title": P,
        "text": P,
        "topic": P,
        "context": P,
        "language": P,
        "status": P,
        "assignee": N,
        "assigned_at": P,
        "waiting_since": P,
        "first_answered_at": P,
        "forwarded_at": P,
        "forwarded_by": N,
        "closed_at": P,
    },
    subject_path="asker",
    erasure=Erasure.DELETE,
    erasure_order=30,
)
register(
    Message,
    fields={
        "id": N,
        "created_at": P,
        "updated_at": P,
        "question": P,
        "author": N,
        "kind": P,
        "text": P,
    },
    subject_path="question__asker",
    erasure=Erasure.DELETE,
    erasure_order=20,
)
register(
    Entry,
    fields={
        "id": N,
        "created_at": N,
        "updated_at": N,
        "group": N,
        "language": N,
        "title": N,
        "question": N,
        "answer": N,
        "topic": N,
        "source": N,
        "status": N,
        "published_at": N,
        "district": N,
        "state": N,
        "source_question": N,
        "source_session_question": N,
        "session": N,
        "created_by": P,
        "updated_by": P,
    },
    subject_path="created_by",
    erasure=Erasure.ANONYMISE,
    erasure_order=40,
)
register(
    DialogSession,
    fields={
        "id": N,
        "created_at": N,
        "updated_at": N,
        "state": N,
        "title": N,
        "description": N,
        "topic": N,
        "starts_at": N,
        "ends_at": N,
        # A public office holder announced as speaker.
        "speaker": N,
        "video_url": N,
        "languages": N,
        "status": N,
        "summary": N,
        "archived_at": N,
        "speaker_key_hash": Category.SECRET,
        "created_by": P,
    },
    subject_path="created_by",
    erasure=Erasure.ANONYMISE,
    erasure_order=40,
)
register(
    SessionQuestion,
    fields={
        "id": N,
        "created_at": N,
        "updated_at": N,
        "session": N,
        "author": P,
        # Put to a public forum and shown without a name.
        "text": N,
        "language": N,
        "status": N,
        "rejection_reason": N,
        "merged_into": N,
        "vote_count": N,
        "moderated_by": N,
        "moderated_at": N,
        "answered_at": N,
        "answer": N,
    },
    subject_path="author",
    erasure=Erasure.ANONYMISE,
    erasure_order=40,
)
register(
    Vote,
    fields={"id": N, "question": N, "voter": P, "created_at": N},
    subject_path="voter",
    erasure=Erasure.ANONYMISE,
    erasure_order=40,
)
