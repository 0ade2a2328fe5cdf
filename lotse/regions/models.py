"""Länder, Regierungsbezirke, districts (Kreise) and postcodes of Germany."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from .choices import DistrictKind


class State(models.Model):
    """A German Land, keyed by its two-digit AGS."""

    ags = models.CharField(_("official key"), max_length=2, unique=True)
    code = models.CharField(_("code"), max_length=2, unique=True)
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        verbose_name = _("state")
        verbose_name_plural = _("states")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class AdministrativeRegion(models.Model):
    """A Regierungsbezirk (only some Länder have them), keyed by its three-digit AGS."""

    ags = models.CharField(_("official key"), max_length=3, unique=True)
    name = models.CharField(_("name"), max_length=100)
    state = models.ForeignKey(
        State, on_delete=models.PROTECT, related_name="administrative_regions"
    )

    class Meta:
        verbose_name = _("administrative region")
        verbose_name_plural = _("administrative regions")
        ordering = ["ags"]

    def __str__(self) -> str:
        return self.name


class District(models.Model):
    """A Kreis or kreisfreie Stadt, keyed by its five-digit AGS."""

    ags = models.CharField(_("official key"), max_length=5, unique=True)
    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=140, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=DistrictKind.choices)
    state = models.ForeignKey(State, on_delete=models.PROTECT, related_name="districts")
    administrative_region = models.ForeignKey(
        AdministrativeRegion,
        on_delete=models.PROTECT,
        related_name="districts",
        null=True,
        blank=True,
    )
    nuts3 = models.CharField(_("NUTS-3 code"), max_length=5, blank=True)
    population = models.PositiveIntegerField(_("population"))
    area_km2 = models.DecimalField(_("area (km²)"), max_digits=8, decimal_places=2)
    # Mean position of the district's postcodes; the centre for "nearby" questions.
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)

    class Meta:
        verbose_name = _("district")
        verbose_name_plural = _("districts")
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_kind_display()})"


class Postcode(models.Model):
    """A German postcode with the coordinates of its centre and the district it lies in.

    A postcode can straddle a district border; `district` is the one that holds most of it
    (Eurostat's correspondence), which is why the district is only ever *suggested* from it.
    """

    code = models.CharField(_("postcode"), max_length=5, unique=True)
    latitude = models.FloatField(_("latitude"))
    longitude = models.FloatField(_("longitude"))
    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="postcodes")
    # True where the source had no coordinates and the mean of the neighbouring postcodes of
    # the same district was taken.
    approximate = models.BooleanField(_("approximate position"), default=False)

    class Meta:
        verbose_name = _("postcode")
        verbose_name_plural = _("postcodes")
        ordering = ["code"]
        indexes = [models.Index(fields=["latitude", "longitude"])]

    def __str__(self) -> str:
        return self.code
