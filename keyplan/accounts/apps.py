from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "keyplan.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        # The sanity checks register with core.sanity on import.
        from keyplan.accounts import sanity  # noqa: F401
