from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InfobriefeConfig(AppConfig):
    name = "lotse.infobriefe"
    verbose_name = _("Infobriefe")

    def ready(self) -> None:
        from lotse.core import periodic

        from . import tasks

        periodic.register("infobriefe.dispatch_due", tasks.dispatch_due_task, interval_minutes=1)
        periodic.register("infobriefe.purge", tasks.purge_task, hour=3)
