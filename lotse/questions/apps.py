from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QuestionsConfig(AppConfig):
    name = "lotse.questions"
    verbose_name = _("Questions, knowledge base and Dialog digital")

    def ready(self) -> None:
        pass
