from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "keyplan.demo"
    label = "demo"
    verbose_name = "Demo and synthetic data"
