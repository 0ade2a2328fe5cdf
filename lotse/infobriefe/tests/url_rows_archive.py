"""Matrix rows of the public Infobriefe archive: everybody reads sent Infobriefe.

world.extra["archive_sent"] is a sent Infobrief of Bavaria's state editors in German and
Ukrainian; drafts are 404 for everybody in the archive (see test_archive_views).
"""

from lotse.core.tests.matrix import UrlRow, World, everyone


def _sent(world: World) -> dict[str, int]:
    return {"pk": world.extra["archive_sent"].pk}


def _sent_text(world: World) -> dict[str, object]:
    return {"pk": world.extra["archive_sent"].pk, "language": "uk"}


ROWS = [
    UrlRow("infobriefe:archive", everyone(), query="q=Beratung&language=de"),
    UrlRow("infobriefe:archive_detail", everyone(302), kwargs=_sent),
    UrlRow("infobriefe:archive_version", everyone(), kwargs=_sent_text),
    UrlRow("api:infobrief-archive-list", everyone(), query="q=Beratung"),
    UrlRow("api:infobrief-archive-detail", everyone(), kwargs=_sent),
]


def extend_world(world: World) -> None:
    """A sent Infobrief of Bavaria in German and Ukrainian."""
    from django.utils import timezone

    from lotse.infobriefe.choices import InfobriefStatus
    from lotse.infobriefe.tests.factories import InfobriefFactory, InfobriefVersionFactory

    now = timezone.now()
    sent = InfobriefFactory(
        state=world.district.state,
        status=InfobriefStatus.SENT,
        scheduled_at=now,
        started_at=now,
        finished_at=now,
    )
    InfobriefVersionFactory(infobrief=sent, language="de")
    InfobriefVersionFactory(
        infobrief=sent, language="uk", subject="Новини", body="Консультація **онлайн**."
    )
    world.extra["archive_sent"] = sent
