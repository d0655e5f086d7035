from django.apps import AppConfig


class SecurityConfig(AppConfig):
    name = "keyplan.security"
    label = "security"
    verbose_name = "Security"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from keyplan.security import sessions

        user_logged_in.connect(sessions.start, dispatch_uid="keyplan-session-start")
