"""Role × URL matrix rows of the Infobriefe, one module per area."""

from lotse.core.tests.matrix import World

from . import url_rows_archive, url_rows_letters, url_rows_subscriptions

_AREAS = (url_rows_subscriptions, url_rows_letters, url_rows_archive)

ROWS = [row for area in _AREAS for row in area.ROWS]


def extend_world(world: World) -> None:
    """Each area adds its objects to `world.extra` (in this order)."""
    for area in _AREAS:
        extend = getattr(area, "extend_world", None)
        if extend is not None:
            extend(world)
