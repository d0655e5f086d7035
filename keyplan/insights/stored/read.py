"""The dashboard's figures read from stored rows: one aggregate query each, a fixed
number whatever the number of accounts. Used only when `current()` says every
account's row is current; the results equal the from-scratch ones."""

from datetime import date

from django.db.models import Exists, F, OuterRef, QuerySet, Sum

from keyplan.insights import alerts
from keyplan.insights.sql import ranked
from keyplan.insights.stored.compute import HEALTH
from keyplan.insights.stored.models import AccountFigures, AlertFigure, WhitespaceFigure
from keyplan.insights.whitespace import OpenCells
from keyplan.team.models import Organisation


def fresh(today: date, *, account=None) -> QuerySet:
    """Rows current on `today`: computed from the account's plan version and today's
    settings (`account`: an OuterRef to the account, as the default)."""
    return AccountFigures.objects.filter(
        account=account if account is not None else OuterRef("pk"),
        plan_version=OuterRef("plan_version"),
        settings_version=Organisation.current().version,
        as_of=today,
    )


def current(accounts: QuerySet, today: date) -> bool:
    """Whether every account of `accounts` has a current row (one query)."""
    return not accounts.filter(~Exists(fresh(today))).exists()


def open_cells(accounts: QuerySet) -> OpenCells:
    rows = WhitespaceFigure.objects.filter(account__in=accounts.values("pk"))
    return OpenCells(rows, value_field="value", cells_field="cells", counted=False)


def alert_counts(accounts: QuerySet) -> dict[str, int]:
    """Alerts per rule, in the rules' order, every rule present (as alerts.counts)."""
    rows = (
        AlertFigure.objects.filter(account__in=accounts.values("pk"))
        .values("rule")
        .annotate(total=Sum("count"))
        .order_by()
    )
    totals = {row["rule"]: row["total"] for row in rows}
    return {rule.key: totals.get(rule.key, 0) for rule in alerts.RULES}


def ranked_by_health(accounts: QuerySet) -> QuerySet:
    """As health.ranked_by_health: the accounts with their stored health, least
    healthy first, no score last."""
    stored = accounts.annotate(**{name: F(f"figures__{name}") for name in HEALTH})
    return ranked(stored, F("health_score"), ascending=True)
