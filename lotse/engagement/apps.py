from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EngagementConfig(AppConfig):
    name = "lotse.engagement"
    verbose_name = _("Engagement and matching")

    def ready(self) -> None:
        from lotse.core import periodic, privacy

        from . import tasks
        from .services.proposals import volunteer_account_erased

        privacy.register_erasure_hook(volunteer_account_erased)

        periodic.register("engagement.matching_nightly", tasks.matching_nightly_task, hour=2)
        periodic.register(
            "engagement.proposals_lapse", tasks.proposals_lapse_task, interval_minutes=60
        )
        periodic.register(
            "engagement.patenschaften_check_in", tasks.patenschaften_check_in_task, hour=8
        )
        periodic.register(
            "engagement.help_requests_retention", tasks.help_requests_retention_task, hour=3
        )
