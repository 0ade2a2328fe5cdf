"""Matrix rows of the knowledge area: the public search and entries, the editors' pages."""

from lotse.core.tests.matrix import UrlRow, World, everyone, only

# Coordinators write for their districts, state editors for their Land (Bavaria: both
# districts of the world are in it).
EDITORS = ("coordinator", "other_coordinator", "state_editor")
# The entry belongs to world.district (München): its coordinator and Bavaria's state editor.
ENTRY_EDITORS = ("coordinator", "state_editor")


def _entry(world: World) -> dict[str, int]:
    return {"pk": world.extra["knowledge_entry"].pk}


ROWS = [
    # Public.
    UrlRow("questions:entry_list", everyone(), query="?q=Wohnung&topic=housing"),
    UrlRow("questions:entry_similar", everyone(), query="?title=Wohnung&text=Wie+finde+ich"),
    UrlRow("questions:entry_detail", everyone(), kwargs=_entry),
    UrlRow("api:knowledge-entry-list", everyone(), query="?q=Wohnung"),
    UrlRow("api:knowledge-entry-detail", everyone(), kwargs=_entry),
    # Editors; another district's coordinator gets a 404 for this district's entry.
    UrlRow("questions:entry_manage", only(EDITORS)),
    UrlRow("questions:entry_create", only(EDITORS)),
    UrlRow("questions:entry_edit", only(ENTRY_EDITORS), kwargs=_entry),
    UrlRow("questions:entry_translate", only(ENTRY_EDITORS), kwargs=_entry),
    # POST only.
    UrlRow("questions:entry_publish", everyone(405), kwargs=_entry),
    UrlRow("questions:entry_withdraw", everyone(405), kwargs=_entry),
    # A question of world.district that was not forwarded: only its coordinators.
    UrlRow(
        "questions:entry_from_question",
        only(("coordinator",)),
        kwargs=lambda w: {"pk": w.extra["knowledge_question"].pk},
    ),
]


def extend_world(world: World) -> None:
    """A published entry of world.district and an answered question of world.volunteer there."""
    from lotse.questions.choices import MessageKind, QuestionStatus
    from lotse.questions.services.knowledge import entry_create
    from lotse.questions.tests.factories import MessageFactory, QuestionFactory

    world.extra["knowledge_entry"] = entry_create(
        actor=None,
        language="de",
        title="Wohnberechtigungsschein beantragen",
        question="Wie bekommt eine Familie einen Wohnberechtigungsschein?",
        answer="Beim Wohnungsamt der Stadt.",
        topic="housing",
        state=world.district.state,
        district=world.district,
        publish=True,
    )
    question = QuestionFactory(
        asker=world.users["volunteer"],
        district=world.district,
        status=QuestionStatus.ANSWERED,
        waiting_since=None,
    )
    MessageFactory(
        question=question,
        author=world.users["coordinator"],
        kind=MessageKind.ANSWER,
        text="Das Wohnungsamt hilft weiter.",
    )
    world.extra["knowledge_question"] = question
