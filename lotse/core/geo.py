"""Great-circle distances, in Python and as a database expression."""

import math

from django.db.models import ExpressionWrapper, F, FloatField
from django.db.models.expressions import Combinable
from django.db.models.functions import ACos, Cos, Greatest, Least, Radians, Sin

EARTH_RADIUS_KM = 6371.0088


def great_circle_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Return the great-circle distance between two points in kilometres (haversine)."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    delta_phi = math.radians(lat2 - lat1)
    delta_lambda = math.radians(lon2 - lon1)
    a = (
        math.sin(delta_phi / 2) ** 2
        + math.cos(phi1) * math.cos(phi2) * math.sin(delta_lambda / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def distance_km_expression(
    latitude_field: str, longitude_field: str, lat: float, lon: float
) -> ExpressionWrapper:
    """Build an ORM expression for the distance of a row's coordinates to a point.

    Spherical law of cosines, clamped to [-1, 1] so rounding never leaves acos's domain.
    Works on SQLite (math functions are built into the sqlite3 module Django ships with) and
    PostgreSQL.
    """
    lat_r = math.radians(lat)
    cosine: Combinable = Sin(Radians(F(latitude_field))) * math.sin(lat_r) + Cos(
        Radians(F(latitude_field))
    ) * math.cos(lat_r) * Cos(Radians(F(longitude_field)) - math.radians(lon))
    clamped = Greatest(Least(cosine, 1.0), -1.0)
    return ExpressionWrapper(ACos(clamped) * EARTH_RADIUS_KM, output_field=FloatField())


def bounding_box(lat: float, lon: float, radius_km: float) -> tuple[float, float, float, float]:
    """Return (min_lat, max_lat, min_lon, max_lon) enclosing a circle, for an index pre-filter."""
    delta_lat = math.degrees(radius_km / EARTH_RADIUS_KM)
    delta_lon = math.degrees(radius_km / (EARTH_RADIUS_KM * max(0.01, math.cos(math.radians(lat)))))
    return lat - delta_lat, lat + delta_lat, lon - delta_lon, lon + delta_lon
