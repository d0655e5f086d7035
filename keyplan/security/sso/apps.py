from django.apps import AppConfig


class SsoConfig(AppConfig):
    name = "keyplan.security.sso"
    label = "sso"
    verbose_name = "Single sign-on"

    def ready(self) -> None:
        from keyplan.security.sso import checks  # noqa: F401  (registers the checks)
