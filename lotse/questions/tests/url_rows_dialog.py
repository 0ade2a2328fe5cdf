"""Matrix rows of the dialog area."""

from lotse.core.tests.matrix import UrlRow, World

ROWS: list[UrlRow] = []


def extend_world(world: World) -> None:
    """Objects of the dialog area in world.extra."""
