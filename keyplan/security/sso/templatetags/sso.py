"""The sign-in page's single sign-on button and who may still use the password form."""

from django import template

from keyplan.security.sso import config

register = template.Library()


@register.inclusion_tag("sso/sign_in.html")
def sso_sign_in(next_url: str = "") -> dict:
    return {
        "configured": config.configured(),
        "name": config.provider_name(),
        "next": next_url,
        "password_login": config.password_login(),
    }


@register.simple_tag
def password_login() -> str:
    """all, admins or off (KEYPLAN_PASSWORD_LOGIN; always all without single sign-on)."""
    return config.password_login()
