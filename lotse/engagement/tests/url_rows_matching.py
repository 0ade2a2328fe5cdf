"""Matrix rows of the matching area."""

from lotse.core.tests.matrix import UrlRow, World, only

from .factories import MatchingRunFactory

COORDINATORS = ("coordinator", "other_coordinator")

ROWS: list[UrlRow] = [
    # Coordinators only; everyone else gets 404 (the page does not exist for them).
    UrlRow("engagement:matching_overview", only(COORDINATORS)),
    # A run of München: its coordinator only; Nürnberg's coordinator gets 404 like everyone.
    UrlRow(
        "engagement:matching_run_detail",
        only(("coordinator",)),
        kwargs=lambda w: {"pk": w.extra["matching_run"].pk},
    ),
    UrlRow("api:matching-run-list", only(COORDINATORS, denied=403, anonymous=403)),
    UrlRow(
        "api:matching-run-detail",
        only(("coordinator",), denied=403, anonymous=403) | {"other_coordinator": 404},
        kwargs=lambda w: {"pk": w.extra["matching_run"].pk},
    ),
]


def extend_world(world: World) -> None:
    """A finished matching run of world.district (München)."""
    world.extra["matching_run"] = MatchingRunFactory(
        district=world.district,
        started_by=world.users["coordinator"],
        status="done",
        progress=100,
        stage="done",
    )
