"""Matrix rows of the ask area: volunteers' questions to their district's team.

world.extra["question"] is a question of world.volunteer in world.district (München), not
forwarded: its asker and München's coordinator see it; everybody else gets 404 (the state
editor too, until it is forwarded — see test_ask_views for that case).
"""

from lotse.core.tests.matrix import UrlRow, World, logged_in, only

TEAMS = ("coordinator", "other_coordinator", "state_editor")
SEES_QUESTION = ("volunteer", "coordinator")


def _question(world: World) -> dict[str, int]:
    return {"pk": world.extra["question"].pk}


ROWS = [
    # Everybody logged in gets the page: volunteers the form, the others an explanation.
    UrlRow("questions:question_create", logged_in()),
    UrlRow("questions:question_mine", logged_in()),
    UrlRow("questions:question_queue", only(TEAMS)),
    UrlRow("questions:question_detail", only(SEES_QUESTION), kwargs=_question),
    # POST only: GET is "method not allowed" for everyone logged in.
    UrlRow("questions:question_reply", logged_in(405), kwargs=_question),
    UrlRow("questions:question_close", logged_in(405), kwargs=_question),
    UrlRow("questions:question_take", logged_in(405), kwargs=_question),
    UrlRow("questions:question_take_over", logged_in(405), kwargs=_question),
    UrlRow("questions:question_release", logged_in(405), kwargs=_question),
    UrlRow("questions:question_answer", logged_in(405), kwargs=_question),
    UrlRow("questions:question_forward", logged_in(405), kwargs=_question),
    # API.
    UrlRow("api:question-list", logged_in(anonymous=403)),
    UrlRow(
        "api:question-detail",
        only(SEES_QUESTION, denied=404, anonymous=403),
        kwargs=_question,
    ),
    UrlRow("api:question-reply", logged_in(405, anonymous=403), kwargs=_question),
    UrlRow("api:question-answer", logged_in(405, anonymous=403), kwargs=_question),
]


def extend_world(world: World) -> None:
    """A question of world.volunteer in world.district, with an answer of its coordinator."""
    from lotse.questions.choices import MessageKind, QuestionStatus
    from lotse.questions.tests.factories import MessageFactory, QuestionFactory

    question = QuestionFactory(
        asker=world.users["volunteer"],
        district=world.district,
        status=QuestionStatus.ANSWERED,
        assignee=world.users["coordinator"],
        waiting_since=None,
    )
    MessageFactory(question=question, author=world.users["coordinator"], kind=MessageKind.ANSWER)
    world.extra["question"] = question
