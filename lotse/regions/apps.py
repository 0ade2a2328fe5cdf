from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def ensure_regions_loaded(sender: AppConfig, using: str = "default", **kwargs: Any) -> None:
    """Reload the shipped region data when its tables are empty.

    The data migration loads it once; this safety net restores it after a database flush
    (e.g. `manage.py flush`, or the flush between transactional tests), the same way Django
    recreates content types. Reference data only, no business logic.
    """
    from .loader import load_regions
    from .models import Postcode

    if not Postcode.objects.using(using).exists():
        load_regions()


class RegionsConfig(AppConfig):
    name = "lotse.regions"
    verbose_name = _("Regions")

    def ready(self) -> None:
        post_migrate.connect(ensure_regions_loaded, sender=self)
