from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class DistrictKind(models.TextChoices):
    """Official kinds of Kreise (Destatis)."""

    KREISFREIE_STADT = "kreisfreie_stadt", _("District-free city")
    LANDKREIS = "landkreis", _("Rural district")
    # Its own context: "District" elsewhere means any Kreis (column headers, filters).
    KREIS = "kreis", pgettext_lazy("district kind", "District")
    STADTKREIS = "stadtkreis", _("Urban district")
    REGIONALVERBAND = "regionalverband", _("Regional association")
