from django.apps import AppConfig
from django.db.models.signals import post_migrate


class ExchangeConfig(AppConfig):
    name = "keyplan.exchange"
    label = "exchange"
    verbose_name = "Import and export"

    def ready(self) -> None:
        # The connection's admin lives beside the connection, not in a module of its own
        # at the top of exchange (which keeps to a few modules).
        from keyplan.exchange.crm.salesforce.live import admin, signals  # noqa: F401

        # The shared plans cache: the receivers that move its keys, its table after migrate.
        from keyplan.plan import stamp

        post_migrate.connect(stamp.create_cache_table, sender=self)
