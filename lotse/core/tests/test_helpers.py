import math

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from lotse.core import availability
from lotse.core.geo import bounding_box, distance_km_expression, great_circle_km
from lotse.core.validators import validate_name, validate_plain_text
from lotse.regions.models import Postcode


def test_great_circle_munich_to_nuremberg():
    # Marienplatz (48.1374, 11.5755) to Nürnberg Hauptmarkt (49.4540, 11.0775): about 151 km.
    assert great_circle_km(48.1374, 11.5755, 49.4540, 11.0775) == pytest.approx(151.0, abs=1.0)
    assert great_circle_km(50.0, 10.0, 50.0, 10.0) == 0.0


@pytest.mark.django_db
def test_database_distance_matches_python():
    munich = Postcode.objects.get(code="80331")
    rows = (
        Postcode.objects.filter(code__in=["85354", "90402", "80331"])
        .annotate(
            distance=distance_km_expression(
                "latitude", "longitude", munich.latitude, munich.longitude
            )
        )
        .order_by("distance")
    )
    got = [(row.code, row.distance) for row in rows]
    assert [code for code, _ in got] == ["80331", "85354", "90402"]
    for code, distance in got:
        other = Postcode.objects.get(code=code)
        expected = great_circle_km(
            munich.latitude, munich.longitude, other.latitude, other.longitude
        )
        assert distance == pytest.approx(expected, abs=0.05)


@given(
    st.floats(min_value=47, max_value=55),
    st.floats(min_value=5, max_value=15),
    st.floats(min_value=0.5, max_value=300),
    st.floats(min_value=0, max_value=2 * math.pi),
    st.floats(min_value=0, max_value=0.999),
)
def test_bounding_box_contains_every_point_of_the_circle(lat, lon, radius, angle, fraction):
    min_lat, max_lat, min_lon, max_lon = bounding_box(lat, lon, radius)
    # A point at `fraction * radius` in direction `angle` (small-distance approximation).
    d = fraction * radius / 6371.0088
    point_lat = lat + math.degrees(d * math.cos(angle))
    point_lon = lon + math.degrees(d * math.sin(angle) / math.cos(math.radians(lat)))
    assert min_lat <= point_lat <= max_lat
    assert min_lon <= point_lon <= max_lon


def test_availability_mask_round_trip():
    cells = [(0, 0), (1, 2), (6, 1)]
    mask = availability.mask_from_cells(cells)
    assert availability.cells_from_mask(mask) == cells
    assert availability.overlap_count(mask, availability.mask_from_cells([(1, 2), (2, 2)])) == 1
    assert availability.parse_cell_key("1-2") == (1, 2)
    with pytest.raises(ValueError):
        availability.parse_cell_key("7-0")
    with pytest.raises(ValueError):
        availability.parse_cell_key("x")
    assert availability.ALL_SLOTS_MASK == 2**21 - 1


@pytest.mark.parametrize(
    "text",
    [
        "<script>alert(1)</script>",
        "Hallo <b>Welt</b>",
        "javascript:alert(1)",
        'x onload="y"',
        "a\x00b",
    ],
)
def test_plain_text_rejects_markup_and_control_characters(text):
    with pytest.raises(ValidationError):
        validate_plain_text(text)


@pytest.mark.parametrize(
    "text", ["Ich helfe gern beim Deutschlernen.", "3 < 5 und 7 > 2", "Müller & Söhne"]
)
def test_plain_text_accepts_ordinary_text(text):
    validate_plain_text(text)


@pytest.mark.parametrize(
    "name", ["Ayşe", "Jean-Luc", "O'Connor", "Олена", "محمد", "Nguyễn Văn An", "Dr. Weiß"]
)
def test_names_of_every_script_are_accepted(name):
    validate_name(name)


@pytest.mark.parametrize("name", ["R2D2", "<b>x</b>", "a_b", "@home"])
def test_names_with_digits_or_symbols_are_rejected(name):
    with pytest.raises(ValidationError):
        validate_name(name)
