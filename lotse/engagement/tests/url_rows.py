"""Role × URL matrix rows of the engagement module, one module per area."""

from lotse.core.tests.matrix import World

from . import (
    url_rows_matching,
    url_rows_opportunities,
    url_rows_patenschaften,
    url_rows_requests,
)

_AREAS = (url_rows_opportunities, url_rows_requests, url_rows_matching, url_rows_patenschaften)

ROWS = [row for area in _AREAS for row in area.ROWS]


def extend_world(world: World) -> None:
    """Each area adds its objects to `world.extra` (in this order: later areas may use
    earlier ones)."""
    for area in _AREAS:
        extend = getattr(area, "extend_world", None)
        if extend is not None:
            extend(world)
