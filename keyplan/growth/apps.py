from django.apps import AppConfig


class GrowthConfig(AppConfig):
    name = "keyplan.growth"
    label = "growth"
    verbose_name = "Whitespace, growth and resources"

    def ready(self) -> None:
        # The sanity checks register with core.sanity on import.
        from keyplan.growth import sanity  # noqa: F401
