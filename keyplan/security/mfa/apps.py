from django.apps import AppConfig


class MfaConfig(AppConfig):
    name = "keyplan.security.mfa"
    label = "mfa"
    verbose_name = "Two-step sign-in"
