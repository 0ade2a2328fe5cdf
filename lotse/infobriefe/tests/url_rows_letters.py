"""Matrix rows of the Infobriefe editor (coordinators and state editors) and its API.

world.extra["letters_draft"] is a draft of München's district team (world.district) with a
German and an English text: its coordinator edits it; Bavaria's state editor sees it but does
not edit it (a district team's Infobrief); everybody else gets 404.
"""

from lotse.core.tests.matrix import UrlRow, World, logged_in, only

WRITERS = ("coordinator", "other_coordinator", "state_editor")
SEES_DRAFT = ("coordinator", "state_editor")
EDITS_DRAFT = ("coordinator",)


def _draft(world: World) -> dict[str, int]:
    return {"pk": world.extra["letters_draft"].pk}


def _draft_text(language: str):
    def kwargs(world: World) -> dict[str, object]:
        return {"pk": world.extra["letters_draft"].pk, "language": language}

    return kwargs


ROWS = [
    UrlRow("infobriefe:editor_list", only(WRITERS)),
    UrlRow("infobriefe:editor_create", only(WRITERS)),
    UrlRow("infobriefe:editor_detail", only(SEES_DRAFT), kwargs=_draft),
    UrlRow("infobriefe:editor_progress", only(SEES_DRAFT), kwargs=_draft),
    UrlRow("infobriefe:editor_settings", only(EDITS_DRAFT), kwargs=_draft),
    UrlRow("infobriefe:editor_version", only(EDITS_DRAFT), kwargs=_draft_text("de")),
    UrlRow("infobriefe:editor_version_delete", only(EDITS_DRAFT), kwargs=_draft_text("en")),
    UrlRow("infobriefe:editor_send", only(EDITS_DRAFT), kwargs=_draft),
    UrlRow("infobriefe:editor_delete", only(EDITS_DRAFT), kwargs=_draft),
    # POST only: GET is "method not allowed" for everyone logged in.
    UrlRow("infobriefe:editor_preview", logged_in(405)),
    UrlRow("infobriefe:editor_test", logged_in(405), kwargs=_draft),
    UrlRow("infobriefe:editor_unschedule", logged_in(405), kwargs=_draft),
    UrlRow("infobriefe:editor_pause", logged_in(405), kwargs=_draft),
    UrlRow("infobriefe:editor_resume", logged_in(405), kwargs=_draft),
    # API: the collection refuses non-writers (403), an Infobrief of others is a 404.
    UrlRow("api:infobrief-list", only(WRITERS, denied=403, anonymous=403)),
    UrlRow("api:infobrief-detail", only(SEES_DRAFT, anonymous=403), kwargs=_draft),
    UrlRow("api:infobrief-version", only(SEES_DRAFT, anonymous=403), kwargs=_draft_text("de")),
]


def extend_world(world: World) -> None:
    """A draft of world.district's team with a German and an English text."""
    from lotse.infobriefe.choices import AudienceLevel
    from lotse.infobriefe.tests.factories import InfobriefFactory, InfobriefVersionFactory

    draft = InfobriefFactory(
        state=world.district.state,
        team_district=world.district,
        level=AudienceLevel.DISTRICTS,
        districts=[world.district],
        author=world.users["coordinator"],
        sender_name="Lotsen-Team München",
    )
    InfobriefVersionFactory(infobrief=draft, language="de")
    InfobriefVersionFactory(infobrief=draft, language="en", subject="News", body="Hello")
    world.extra["letters_draft"] = draft
