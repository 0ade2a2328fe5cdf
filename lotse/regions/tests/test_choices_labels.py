"""District kinds keep their own words, apart from the general word "District"."""

from django.utils import translation
from django.utils.translation import gettext

from lotse.regions.choices import DistrictKind


def test_kreis_is_called_kreis_in_german_and_not_like_the_general_word():
    with translation.override("de"):
        assert str(DistrictKind.KREIS.label) == "Kreis"
        assert str(DistrictKind.LANDKREIS.label) != str(DistrictKind.KREIS.label)
        assert gettext("District") != "Kreis"
