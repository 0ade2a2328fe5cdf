from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InfobriefeConfig(AppConfig):
    name = "lotse.infobriefe"
    verbose_name = _("Infobriefe")

    def ready(self) -> None:
        from lotse.core import periodic, privacy

        from . import tasks
        from .services.subscriptions import subscriptions_erase_for_user

        # "Delete my account" also deletes the subscription of the account's address.
        privacy.register_erasure_hook(subscriptions_erase_for_user)

        periodic.register("infobriefe.dispatch_due", tasks.dispatch_due_task, interval_minutes=1)
        periodic.register("infobriefe.purge", tasks.purge_task, hour=3)
