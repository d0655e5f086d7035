"""Numbers, money, hours, percentages and dates as people read them.

Every page, chart, document, email and calendar entry writes its values through
these functions, so one organisation setting (`Organisation.locale`) decides how all
of them read: "$45,000, 1,250, 30 h, 62%, 7 Dec 2026" in en-US, "45.000 $, 1.250,
30 h, 62 %, 7. Dez. 2026" in de-DE. Babel (CLDR data) knows each locale's rules;
what it derives is cached per locale. The API and the Excel workbook keep raw
machine values (numbers, ISO dates) and never come here.
"""

import copy
import datetime
import functools
from decimal import ROUND_HALF_UP, Decimal

from babel import Locale, UnknownLocaleError
from babel.dates import format_date as babel_date
from babel.dates import format_time as babel_time
from babel.dates import match_skeleton
from babel.numbers import (
    NumberPattern,
    format_compact_currency,
    format_currency,
    format_decimal,
)
from babel.numbers import format_percent as babel_percent
from django.apps import apps
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import ngettext

DEFAULT_LOCALE = "en-US"

# The styles of date keyplan writes, each the same style at a different length.
DATE, DAY, MONTH, LONG = "date", "day", "month", "long"

# en-US keeps the day-first dates keyplan has always written ("7 Dec 2026"): they read
# unambiguously on both sides of the Atlantic, and CLDR's "Dec 7, 2026" would change
# every date a US team already knows. Other locales follow CLDR.
_EN_US_DATES = {
    DATE: "d MMM y",
    DAY: "d MMM",
    MONTH: "MMM y",
    LONG: "EEEE d MMMM y",
    "time": "HH:mm",
}
_SKELETONS = {DATE: "yMMMd", DAY: "MMMd", MONTH: "yMMM"}


def is_known_locale(code: str) -> bool:
    """Whether Babel knows the locale `code` ("en-US", "de_DE", "fr")."""
    try:
        _parse(code)
    except (ValueError, UnknownLocaleError):
        return False
    return True


def validate_locale(code: str) -> None:
    """The organisation's locale must be one Babel knows, since Babel writes the formats."""
    if not is_known_locale(code):
        raise ValidationError(
            "%(code)s is not a locale keyplan knows; write a language and region "
            "such as en-US, en-GB, de-DE or fr-FR.",
            params={"code": code},
        )


@functools.cache
def _parse(code: str) -> Locale:
    return Locale.parse(code.replace("-", "_"))


def organisation_locale() -> str:
    """The organisation's locale, which every value keyplan writes is formatted in.
    (The organisation is a model of team, built on core: found through the registry.)"""
    code: str = apps.get_model("team", "Organisation").current().locale or DEFAULT_LOCALE
    return code


def organisation_currency() -> str:
    """The organisation's currency (ISO 4217 code), in which every amount is kept."""
    currency: str = apps.get_model("team", "Organisation").current().currency
    return currency


def _locale(code: str | None) -> Locale:
    """The Babel locale of `code`, by default the organisation's; an unknown code (a
    row saved before validation) falls back to the default instead of failing a page."""
    try:
        return _parse(code or organisation_locale())
    except (ValueError, UnknownLocaleError):
        return _parse(DEFAULT_LOCALE)


# Numbers


@functools.cache
def _pattern(locale: Locale, kind: str, digits: int, fixed: bool = False) -> NumberPattern:
    """The locale's currency, percent or decimal pattern with at most (`fixed`: exactly)
    `digits` decimals.

    Amounts are shown in whole units of any currency, as keyplan always has (an ARR is
    read in dollars, not cents; the yen has no decimals to show anyway); a percentage
    keeps one optional decimal (12.5%, 62%)."""
    standard = {
        "currency": locale.currency_formats["standard"],
        "percent": locale.percent_formats[None],
        "decimal": locale.decimal_formats[None],
    }[kind]
    pattern = copy.copy(standard)
    pattern.frac_prec = (digits if fixed else 0, digits)
    return pattern


def format_number(
    value: Decimal | int | float | None,
    digits: int = 0,
    locale: str | None = None,
    fixed: bool = False,
) -> str:
    """A plain number with the locale's grouping: 1,250 (de-DE 1.250); `digits` is the
    most decimals shown (2: 4.25, 4.5, 4), or always shown when `fixed` (a score:
    4.0). A dash when there is none."""
    if value is None:
        return "-"
    babel_locale = _locale(locale)
    rounded = Decimal(str(value)).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)
    return format_decimal(
        rounded, format=_pattern(babel_locale, "decimal", digits, fixed), locale=babel_locale
    )


def counted(count: Decimal | int | float | None, singular: str, plural: str = "") -> str:
    """A count with its noun, the plural right: 1 seat, 2 seats, 0 seats, 1,250 seats
    (de-DE 1.250 seats); `plural` when it is not the noun with an s (1 activity, 3
    activities)."""
    number = int(count or 0)
    noun = ngettext(singular, plural or f"{singular}s", number)
    return f"{format_number(number, locale=None)} {noun}"


def format_hours(value: Decimal | int | float | None, locale: str | None = None) -> str:
    """Hours: 30 h, 7.5 h (de-DE 7,5 h); "h" is the hour's symbol in every language."""
    if value is None:
        return "-"
    return f"{format_number(value, 1, locale)} h"


def format_percent(
    value: Decimal | int | float | None, digits: int = 1, locale: str | None = None
) -> str:
    """A percentage given in percent (62, not 0.62): 62%, 12.5% (de-DE 62 %, 12,5 %),
    with at most `digits` decimals. A dash when there is none."""
    if value is None:
        return "-"
    pattern = _pattern(_locale(locale), "percent", digits)
    share = Decimal(str(value)).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP) / 100
    return babel_percent(share, format=pattern, locale=_locale(locale))


def format_money(
    amount: Decimal | int | None, currency: str | None = None, locale: str | None = None
) -> str:
    """An amount in `currency`, by default the organisation's, in whole units:
    $45,000, €45,000, ¥45,000 (de-DE 45.000 €); a dash when there is no amount."""
    if amount is None:
        return "-"
    babel_locale = _locale(locale)
    return format_currency(
        amount,
        currency or organisation_currency(),
        format=_pattern(babel_locale, "currency", 0),
        locale=babel_locale,
        currency_digits=False,
    )


def format_compact(
    amount: Decimal | int | None, currency: str | None = None, locale: str | None = None
) -> str:
    """A short amount for tight spaces (grid cells, chart labels): $950, $45K, $1.2M;
    at most three digits, with a decimal only below a hundred ($12.5K, but $146K); a
    dash when there is no amount."""
    if amount is None:
        return "-"
    currency = currency or organisation_currency()
    babel_locale = _locale(locale)
    value = Decimal(amount)
    # Round half up to the last digit shown, so that Babel only picks the unit (K, M,
    # B) and places the symbol: 1,234,567 to 1,200,000 ($1.2M), 145,500 to 146,000
    # ($146K), 999,950 to 1,000,000 ($1M, never "$1000K"), 950.40 to 950 ($950).
    first = value.adjusted()  # the power of ten of the first digit
    last = first - 1 if first % 3 == 0 else first - 2
    value = value.quantize(Decimal(1).scaleb(max(last, 0)), rounding=ROUND_HALF_UP)
    if not _abbreviates(babel_locale, value):
        # A locale with no short word at this size (de-DE below a million) would print
        # a bare "45000 €": the whole amount reads better.
        return format_money(value, currency, locale)
    return format_compact_currency(value, currency, locale=babel_locale, fraction_digits=1)


def _abbreviates(locale: Locale, value: Decimal) -> bool:
    """Whether the locale has a short form (K, Mio., 万) for amounts of this size."""
    sizes = _compact_sizes(locale)
    fitting = [size for size in sizes if size <= abs(value)]
    return bool(fitting) and sizes[max(fitting)]


@functools.cache
def _compact_sizes(locale: Locale) -> dict[int, bool]:
    patterns = locale.compact_currency_formats["short"]["other"]
    return {int(size): pattern.pattern != "0" for size, pattern in patterns.items()}


def format_measure(
    value: Decimal | int | float | None, unit: str, locale: str | None = None
) -> str:
    """A quantity in its unit ("hours", "money", or none): 30 h, $5,000, 12.5."""
    if unit == "hours":
        return format_hours(value, locale)
    if unit == "money":
        return format_money(None if value is None else Decimal(str(value)), locale=locale)
    return format_number(value, 2, locale)


# Dates


@functools.cache
def _date_patterns(locale: Locale) -> dict[str, str]:
    """The locale's date patterns by style (and its time of day), derived once."""
    if str(locale) == "en_US":
        return _EN_US_DATES
    patterns = {
        style: locale.datetime_skeletons[
            match_skeleton(skeleton, locale.datetime_skeletons)
        ].pattern
        for style, skeleton in _SKELETONS.items()
    }
    patterns[LONG] = locale.date_formats["full"].pattern
    patterns["time"] = locale.time_formats["short"].pattern
    return patterns


def format_date(
    value: datetime.date | str | None, style: str = DATE, locale: str | None = None
) -> str:
    """A date in keyplan's one date style: 7 Dec 2026 (DATE), 7 Dec (DAY, where the
    year goes without saying), Dec 2026 (MONTH), Monday 7 December 2026 (LONG, a
    heading). A moment is shown on the organisation's calendar. A dash when there is
    none."""
    if value is None or value == "":
        return "-"
    if isinstance(value, str):  # an ISO date, as the plan document gives "as of"
        value = datetime.date.fromisoformat(value)
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    babel_locale = _locale(locale)
    return babel_date(value, _date_patterns(babel_locale)[style], locale=babel_locale)


def format_datetime(
    value: datetime.datetime | None, style: str = DATE, locale: str | None = None
) -> str:
    """A moment in the organisation's time zone: 7 Dec 2026 14:05 (DAY: 7 Dec 14:05)."""
    if value is None:
        return "-"
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    babel_locale = _locale(locale)
    time = babel_time(value, _date_patterns(babel_locale)["time"], locale=babel_locale)
    return f"{format_date(value, style, locale)} {time}"
