from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "keyplan.api"
    label = "api"
    verbose_name = "API"
