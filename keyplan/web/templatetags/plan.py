"""Template filters for plan pages."""

from django import template
from django.utils.html import format_html

from keyplan.accounts.models import Account
from keyplan.insights.figures import shown

register = template.Library()


@register.filter
def label(record, name: str):
    """The display value of a choice field (`get_<name>_display`)."""
    return getattr(record, f"get_{name}_display")()


@register.filter
def show(figure) -> str:
    """A Figure's value as people read it, by its unit (insights.figures.shown)."""
    return figure.shown


@register.filter
def explain_url(page, key: str) -> str:
    """The explanation page of one of the plan page's figures (web.page.PlanPage)."""
    return page.explain_url(key)


@register.filter
def value_of(value, unit: str) -> str:
    """A bare value with a Figure unit (for breakdown rows)."""
    return shown(value, unit)


@register.simple_tag(takes_context=True)
def account_name(context, pk: int, name: str) -> str:
    """An account's name, told apart (headquarters, owner, ...) when another account the
    viewer may see has the same name; what tells them apart is read once per request."""
    request = context.get("request")
    if request is None:
        return format_html("{}", name)
    twins = getattr(request, "_keyplan_twins", None)
    if twins is None:
        twins = request._keyplan_twins = Account.objects.visible_to(request.user).twins()
    if pk not in twins:
        return format_html("{}", name)
    return format_html('{} <small class="twin">({})</small>', name, twins[pk])
