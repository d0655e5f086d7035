from django.apps import AppConfig


class CadenceConfig(AppConfig):
    name = "keyplan.cadence"
    label = "cadence"
    verbose_name = "Cadence, touchpoints and triggers"
