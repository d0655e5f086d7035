"""Filters that write values the organisation's way (keyplan.core.formats).

A builtin of every template (settings.TEMPLATES), so pages, briefs, emails and PDFs
need no `{% load %}`. An empty value gives "", so `|default:"never"` still applies.
"""

from typing import Any

from django import template

from keyplan.core import formats

register = template.Library()


@register.filter
def money(amount: Any) -> str:
    """$45,000; a dash when there is no amount."""
    return formats.format_money(amount)


@register.filter
def compact_money(amount: Any) -> str:
    """$45K, $1.2M: an amount where space is tight."""
    return formats.format_compact(amount)


@register.filter
def number(value: Any, digits: int = 0) -> str:
    """1,250 (de-DE 1.250); `digits` is the most decimals shown."""
    return "" if value is None or value == "" else formats.format_number(value, int(digits))


@register.filter
def decimals(value: Any, digits: int = 2) -> str:
    """A score with its decimals always shown: 3.00, 4.25 (de-DE 3,00)."""
    if value is None or value == "":
        return ""
    return formats.format_number(value, int(digits), fixed=True)


@register.filter
def percent(value: Any, digits: int = 1) -> str:
    """62%, 12.5% (de-DE 62 %) of a value given in percent."""
    return "" if value is None or value == "" else formats.format_percent(value, int(digits))


@register.filter
def hours(value: Any) -> str:
    """30 h."""
    return "" if value is None or value == "" else formats.format_hours(value)


@register.filter
def measure(value: Any, unit: str) -> str:
    """A quantity in its unit: 30 h ("hours"), $5,000 ("money"), 12.5."""
    return "" if value is None or value == "" else formats.format_measure(value, unit)


@register.filter
def when(value: Any, style: str = formats.DATE) -> str:
    """A date in keyplan's date style: 7 Dec 2026; "day" 7 Dec, "month" Dec 2026,
    "long" Monday 7 December 2026."""
    return "" if not value else formats.format_date(value, style)


@register.filter
def moment(value: Any, style: str = formats.DATE) -> str:
    """A moment: 7 Dec 2026 14:05 ("day": 7 Dec 14:05)."""
    return "" if not value else formats.format_datetime(value, style)


@register.filter
def counted(count: Any, nouns: str) -> str:
    """A count with its noun, the plural right: `{{ n|counted:"seat" }}` gives 1 seat,
    2 seats; `{{ n|counted:"activity,activities" }}` for a plural not made with an s."""
    singular, _, plural = nouns.partition(",")
    return formats.counted(count, singular, plural)
