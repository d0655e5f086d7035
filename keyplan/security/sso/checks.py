"""Configuration checks (`keyplan check`, and at every start): single sign-on settings
that cannot work, and a password setting that would lock everyone out."""

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Warning, register

from keyplan.security.sso import config


@register()
def sso_settings(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    problems: list[CheckMessage] = []
    if settings.KEYPLAN_PASSWORD_LOGIN not in config.PASSWORD_LOGIN_CHOICES:
        problems.append(
            Error(
                f"KEYPLAN_PASSWORD_LOGIN is {settings.KEYPLAN_PASSWORD_LOGIN!r}.",
                hint="Use all, admins or off.",
                id="keyplan.E101",
            )
        )
    issuer = settings.KEYPLAN_OIDC_ISSUER
    if bool(issuer) != bool(settings.KEYPLAN_OIDC_CLIENT_ID):
        problems.append(
            Error(
                "Single sign-on needs both KEYPLAN_OIDC_ISSUER and KEYPLAN_OIDC_CLIENT_ID.",
                id="keyplan.E102",
            )
        )
    if issuer and not issuer.startswith("https://") and not config.loopback(issuer):
        problems.append(
            Error(
                f"KEYPLAN_OIDC_ISSUER {issuer} is not an https:// address.",
                hint="Only a provider on this machine (127.0.0.1, localhost) may use http.",
                id="keyplan.E103",
            )
        )
    if config.role_problems():
        problems.append(
            Error(
                f"KEYPLAN_OIDC_ROLE_MAP names unknown roles: {', '.join(config.role_problems())}.",
                hint="Write value=role pairs; roles: admin, leader, kam, contributor, viewer.",
                id="keyplan.E104",
            )
        )
    if settings.KEYPLAN_PASSWORD_LOGIN in ("admins", "off") and not config.configured():
        problems.append(
            Warning(
                f"KEYPLAN_PASSWORD_LOGIN={settings.KEYPLAN_PASSWORD_LOGIN} needs single sign-on "
                "(KEYPLAN_OIDC_ISSUER and KEYPLAN_OIDC_CLIENT_ID).",
                hint="Without it nobody could sign in; passwords stay on until it is configured.",
                id="keyplan.W105",
            )
        )
    return problems
