"""{% load mfa %}: whether a user has two-step sign-in, for pages that only show it
(the profile), so their views need not know about it."""

from django import template

from keyplan.security.mfa import services
from keyplan.team.models import User

register = template.Library()


@register.filter
def has_mfa(user: User) -> bool:
    return user.is_authenticated and services.enrolled(user)
