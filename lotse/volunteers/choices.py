from django.db import models
from django.utils.translation import gettext_lazy as _

from lotse.core.availability import cell_key


class VolunteerRole(models.TextChoices):
    """The roles the seeds name for volunteers."""

    MENTOR = "mentor", _("Mentor (Pate/Patin)")
    GUIDE = "guide", _("Guide (Lotse/Lotsin)")
    MULTIPLIER = "multiplier", _("Multiplier")
    INTERPRETER = "interpreter", _("Interpreter")


class VolunteerStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    PAUSED = "paused", _("Paused")


TRAVEL_RADIUS_CHOICES = [(km, f"{km} km") for km in (2, 5, 10, 20, 30, 50, 100)]

# One whole label per cell, so that every language can say "Tuesday evening" its own way.
CELL_LABELS = {
    (0, 0): _("Monday morning"),
    (0, 1): _("Monday afternoon"),
    (0, 2): _("Monday evening"),
    (1, 0): _("Tuesday morning"),
    (1, 1): _("Tuesday afternoon"),
    (1, 2): _("Tuesday evening"),
    (2, 0): _("Wednesday morning"),
    (2, 1): _("Wednesday afternoon"),
    (2, 2): _("Wednesday evening"),
    (3, 0): _("Thursday morning"),
    (3, 1): _("Thursday afternoon"),
    (3, 2): _("Thursday evening"),
    (4, 0): _("Friday morning"),
    (4, 1): _("Friday afternoon"),
    (4, 2): _("Friday evening"),
    (5, 0): _("Saturday morning"),
    (5, 1): _("Saturday afternoon"),
    (5, 2): _("Saturday evening"),
    (6, 0): _("Sunday morning"),
    (6, 1): _("Sunday afternoon"),
    (6, 2): _("Sunday evening"),
}
CELL_CHOICES = [(cell_key(day, slot), label) for (day, slot), label in CELL_LABELS.items()]
