"""Matrix rows of the opportunities area."""

from lotse.core.tests.matrix import UrlRow, World  # noqa: F401

ROWS: list[UrlRow] = []


def extend_world(world: World) -> None:
    """Add this area's objects to world.extra."""
