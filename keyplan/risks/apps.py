from django.apps import AppConfig


class RisksConfig(AppConfig):
    name = "keyplan.risks"
    label = "risks"
    verbose_name = "Risks, SWOT and health"
