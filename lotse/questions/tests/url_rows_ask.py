"""Matrix rows of the ask area."""

from lotse.core.tests.matrix import UrlRow, World

ROWS: list[UrlRow] = []


def extend_world(world: World) -> None:
    """Objects of the ask area in world.extra."""
