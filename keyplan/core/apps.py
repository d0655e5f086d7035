from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "keyplan.core"
    label = "core"
    verbose_name = "keyplan core"

    def ready(self) -> None:
        from simple_history.signals import pre_create_historical_record

        from keyplan.core.history import stamp

        pre_create_historical_record.connect(stamp, dispatch_uid="keyplan-history-stamp")
