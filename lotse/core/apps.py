from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "lotse.core"
    verbose_name = "Lotse core"

    def ready(self) -> None:
        from . import privacy

        privacy.register_third_party_models()
