"""Template filters for plan pages."""

from django import template

from keyplan.core.money import format_money

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
def plural(count: int, word: str) -> str:
    """3|plural:"stakeholder" -> "3 stakeholders"."""
    return f"{count} {word}{'' if count == 1 else 's'}"


@register.filter
def show(figure) -> str:
    """A Figure's value as people read it, by its unit; "not enough data" when unknown."""
    from keyplan.insights.figures import COUNT, DAYS, MONEY, PERCENT, RATIO, SCORE

    value = figure.value
    if value is None:
        return "not enough data"
    if figure.unit == MONEY:
        return format_money(value)
    if figure.unit == PERCENT:
        return f"{value:.1f}%".replace(".0%", "%")
    if figure.unit == DAYS:
        return f"{value:.0f} days"
    if figure.unit == RATIO:
        return f"{value:.2f}"
    if figure.unit in (COUNT, SCORE):
        return f"{value:,.0f}" if figure.unit == COUNT else f"{value:.1f}"
    return str(value)


@register.filter
def value_of(value, unit: str) -> str:
    """A bare value with a Figure unit (for breakdown rows)."""
    from keyplan.insights.figures import Figure

    return show(Figure(key="", label="", value=value, unit=unit, formula=""))
