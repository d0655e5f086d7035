"""Template filters for plan pages."""

from django import template

from keyplan.core.money import format_money
from keyplan.insights.figures import shown

register = template.Library()


@register.filter
def money(amount) -> str:
    """$45,000; a dash when there is no amount."""
    return format_money(amount)


@register.filter
def label(record, name: str):
    """The display value of a choice field (`get_<name>_display`)."""
    return getattr(record, f"get_{name}_display")()


@register.filter
def show(figure) -> str:
    """A Figure's value as people read it, by its unit (insights.figures.shown)."""
    return figure.shown


@register.filter
def value_of(value, unit: str) -> str:
    """A bare value with a Figure unit (for breakdown rows)."""
    return shown(value, unit)
