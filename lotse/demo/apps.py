from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo data for `make run` and the benchmarks (commands only, no models)."""

    name = "lotse.demo"
    label = "demo"
    verbose_name = "Demo data"
