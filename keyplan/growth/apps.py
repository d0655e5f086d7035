from django.apps import AppConfig


class GrowthConfig(AppConfig):
    name = "keyplan.growth"
    label = "growth"
    verbose_name = "Whitespace, growth and resources"
