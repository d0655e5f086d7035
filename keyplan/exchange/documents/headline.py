"""The headline numbers of one plan, as the exports print them.

Every number comes from `keyplan.insights` (the same functions as the dashboard and the
plan page), so a PDF or a Markdown plan never shows a figure computed another way. Each
comes with its rule, which the full exports print beside it.
"""

from dataclasses import dataclass
from datetime import date

from keyplan.accounts.models import Account
from keyplan.core import clock
from keyplan.core.formats import MONTH, counted, format_date, format_money
from keyplan.insights import accounts, health, relationships
from keyplan.insights import numbers as plan_numbers
from keyplan.insights.figures import Figure


@dataclass(frozen=True)
class Number:
    key: str
    label: str
    shown: str  # the value as people read it ("$180,000", "72.5", "not enough data")
    formula: str  # how it is computed
    note: str = ""  # a short qualifier ("by Dec 2027", "in 61 days")


def _number(figure: Figure, note: str = "") -> Number:
    return Number(figure.key, figure.label, figure.shown, figure.formula, note)


def day(value: date | None) -> str:
    """15 Jun 2026 (in the organisation's locale); a dash when there is no date."""
    return format_date(value)


def numbers(account: Account, *, renewal: date | None, today: date | None = None) -> list[Number]:
    """ARR, target, renewal, open whitespace, weighted pipeline, gap and path to target,
    ARR at risk, risk exposure, health and coverage of `account` (live). `renewal` is the
    plan's nearest contract end."""
    today = today or clock.today()
    one = Account.objects.filter(pk=account.pk)
    target = Number(
        "target_arr",
        "Target ARR",
        format_money(account.target_arr),
        "the ARR the growth plan aims for",
        f"by {format_date(account.target_date, MONTH)}" if account.target_date else "",
    )
    days = (renewal - today).days if renewal else None
    when = Number(
        "renewal",
        "Renewal",
        day(renewal),
        "the nearest end of a live contract",
        ""
        if days is None
        else (f"in {counted(days, 'day')}" if days >= 0 else f"{counted(-days, 'day')} ago"),
    )
    return [
        _number(accounts.arr(one, today)),
        target,
        when,
        *(_number(f) for f in plan_numbers.numbers(one, today).figures()),
        _number(health.health_score(one, today).score),
        _number(relationships.coverage(one, today)),
    ]
