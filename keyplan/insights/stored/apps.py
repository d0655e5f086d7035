from django.apps import AppConfig


class StoredFiguresConfig(AppConfig):
    name = "keyplan.insights.stored"
    label = "figures"
    verbose_name = "Stored figures"

    def ready(self) -> None:
        from keyplan.insights.stored import keep

        keep.connect()
