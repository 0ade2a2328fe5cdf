"""Matrix rows of the dialog area (Dialog digital).

Sessions, the speaker view (with its key) and archives are public; moderation is for the state
editors of the session's Land (everybody else 404); POST-only actions answer GET with 405.
"""

from lotse.core.tests.matrix import UrlRow, World, everyone, logged_in, only

SPEAKER_KEY = "matrix-speaker-key-0123456789abcdefghij"
EDITORS = ("state_editor",)


def _session(world: World) -> dict[str, int]:
    return {"pk": world.extra["dialog_session"].pk}


def _question(world: World) -> dict[str, int]:
    return {
        "pk": world.extra["dialog_session"].pk,
        "question_pk": world.extra["dialog_question"].pk,
    }


def _archived(world: World) -> dict[str, int]:
    return {"pk": world.extra["dialog_archived"].pk}


ROWS = [
    # Public pages.
    UrlRow("questions:session_list", everyone()),
    UrlRow("questions:session_detail", everyone(), kwargs=_session),
    UrlRow("questions:session_archive", everyone(), kwargs=_archived),
    UrlRow("questions:session_speaker", everyone(), kwargs=lambda w: {"key": SPEAKER_KEY}),
    # State editors of the session's Land (Bavaria); everybody else 404.
    UrlRow("questions:session_create", only(EDITORS)),
    UrlRow("questions:session_edit", only(EDITORS), kwargs=_session),
    UrlRow("questions:session_cancel", only(EDITORS), kwargs=_session),
    UrlRow("questions:session_moderate", only(EDITORS), kwargs=_session),
    UrlRow("questions:session_live", only(EDITORS), kwargs=_session),
    UrlRow("questions:session_write_up", only(EDITORS), kwargs=_session),
    UrlRow("questions:session_question_reject", only(EDITORS), kwargs=_question),
    UrlRow("questions:session_question_merge", only(EDITORS), kwargs=_question),
    # POST only.
    UrlRow("questions:session_start", logged_in(405), kwargs=_session),
    UrlRow("questions:session_end", logged_in(405), kwargs=_session),
    UrlRow("questions:session_ask", logged_in(405), kwargs=_session),
    UrlRow("questions:session_vote", logged_in(405), kwargs=_question),
    UrlRow("questions:session_question_approve", logged_in(405), kwargs=_question),
    UrlRow("questions:session_question_answered", logged_in(405), kwargs=_question),
    UrlRow("questions:session_speaker_link", logged_in(405), kwargs=_session),
    UrlRow("questions:session_archive_publish", logged_in(405), kwargs=_session),
    # API: sessions and their questions are public; voting is POST/DELETE.
    UrlRow("api:session-list", everyone()),
    UrlRow("api:session-detail", everyone(), kwargs=_session),
    UrlRow("api:session-question-list", everyone(), kwargs=_session),
    UrlRow("api:session-question-vote", logged_in(405, anonymous=403), kwargs=_question),
]


def extend_world(world: World) -> None:
    """An announced session of Bavaria with an approved question and a speaker key, and an
    archived session."""
    from lotse.questions.choices import SessionStatus
    from lotse.questions.selectors.dialog import speaker_key_hash
    from lotse.questions.tests.factories import DialogSessionFactory, SessionQuestionFactory

    session = DialogSessionFactory(speaker_key_hash=speaker_key_hash(SPEAKER_KEY))
    world.extra["dialog_session"] = session
    world.extra["dialog_question"] = SessionQuestionFactory(session=session)
    world.extra["dialog_archived"] = DialogSessionFactory(status=SessionStatus.ARCHIVED)
