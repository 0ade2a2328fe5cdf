"""Role × URL matrix rows of the questions module, one module per area."""

from lotse.core.tests.matrix import World

from . import url_rows_ask, url_rows_dialog, url_rows_knowledge

_AREAS = (url_rows_ask, url_rows_knowledge, url_rows_dialog)

ROWS = [row for area in _AREAS for row in area.ROWS]


def extend_world(world: World) -> None:
    """Each area adds its objects to `world.extra` (in this order)."""
    for area in _AREAS:
        extend = getattr(area, "extend_world", None)
        if extend is not None:
            extend(world)
