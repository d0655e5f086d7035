from django.apps import AppConfig


class ExchangeConfig(AppConfig):
    name = "keyplan.exchange"
    label = "exchange"
    verbose_name = "Import and export"
