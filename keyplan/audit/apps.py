from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "keyplan.audit"
    label = "audit"
    verbose_name = "Audit trail"

    def ready(self) -> None:
        from keyplan.audit import receivers

        receivers.connect()
