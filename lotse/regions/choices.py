from django.db import models
from django.utils.translation import gettext_lazy as _


class DistrictKind(models.TextChoices):
    """Official kinds of Kreise (Destatis)."""

    KREISFREIE_STADT = "kreisfreie_stadt", _("District-free city")
    LANDKREIS = "landkreis", _("Rural district")
    KREIS = "kreis", _("District")
    STADTKREIS = "stadtkreis", _("Urban district")
    REGIONALVERBAND = "regionalverband", _("Regional association")
