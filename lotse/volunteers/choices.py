from django.db import models
from django.utils.translation import gettext_lazy as _


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
