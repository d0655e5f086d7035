from django.apps import AppConfig


class TeamConfig(AppConfig):
    name = "keyplan.team"
    label = "team"
    verbose_name = "Users and teams"
