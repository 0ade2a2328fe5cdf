"""Matrix rows of the knowledge area."""

from lotse.core.tests.matrix import UrlRow, World

ROWS: list[UrlRow] = []


def extend_world(world: World) -> None:
    """Objects of the knowledge area in world.extra."""
