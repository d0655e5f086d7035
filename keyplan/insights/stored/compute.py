"""Stored figures recomputed from the insights functions: the from-scratch definitions
stay the only ones, asked for a batch of accounts at once (a fixed number of queries
per batch, whatever its size)."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Count, Value
from django.db.models.functions import Coalesce

from keyplan.accounts.models import Account
from keyplan.insights import alerts, health, whitespace
from keyplan.insights.sql import ZERO
from keyplan.insights.stored.models import AccountFigures, AlertFigure, WhitespaceFigure
from keyplan.team.models import Organisation

PARTS = tuple(f"health_{name}" for name, _, _, _ in health.PARTS)
HEALTH = (*PARTS, "health_score", "health_arr", "health_exposure")


@dataclass
class Figures:
    """One account's figures as the from-scratch functions give them."""

    plan_version: int
    health: dict[str, Decimal | None]
    whitespace: dict[int, tuple[Decimal, int]] = field(default_factory=dict)  # product
    alerts: dict[str, int] = field(default_factory=dict)  # rule key -> count, none at 0


def _decimal(value) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def compute(account_ids: Iterable[int], today: date) -> dict[int, Figures]:
    """The figures of these accounts on `today`, from scratch: three queries."""
    accounts = Account.objects.filter(pk__in=list(account_ids))
    settings = Organisation.current()
    rows = health.with_health(accounts, today).order_by().values("pk", "plan_version", *HEALTH)
    found = {
        row["pk"]: Figures(row["plan_version"], {k: _decimal(row[k]) for k in HEALTH})
        for row in rows
    }
    cells = whitespace.open_cells(accounts)
    per_product = (
        cells.rows.order_by()
        .values("account_id", "product_id")
        .annotate(value=Coalesce(cells.value(), Value(ZERO)), cells=cells.cells())
    )
    for row in per_product:
        found[row["account_id"]].whitespace[row["product_id"]] = (row["value"], row["cells"])
    # Every rule's rows grouped by account, in one query (UNION ALL of the rules).
    counted = [
        rule.rows(accounts, settings, today)[0]
        .order_by()
        .values("account_id")
        .annotate(n=Count("*"), rule=Value(rule.key))
        .values_list("rule", "account_id", "n")
        for rule in alerts.RULES
    ]
    for key, account_id, n in counted[0].union(*counted[1:], all=True):
        found[account_id].alerts[key] = n
    return found


def write(found: dict[int, Figures], today: date) -> None:
    """Replace the stored rows of these accounts by `found` (the caller's transaction)."""
    ids = list(found)
    settings_version = Organisation.current().version
    AccountFigures.objects.filter(account_id__in=ids).delete()
    WhitespaceFigure.objects.filter(account_id__in=ids).delete()
    AlertFigure.objects.filter(account_id__in=ids).delete()
    AccountFigures.objects.bulk_create(
        AccountFigures(
            account_id=pk,
            plan_version=f.plan_version,
            settings_version=settings_version,
            as_of=today,
            **f.health,
        )
        for pk, f in found.items()
    )
    WhitespaceFigure.objects.bulk_create(
        WhitespaceFigure(account_id=pk, product_id=product, value=value, cells=cells)
        for pk, f in found.items()
        for product, (value, cells) in f.whitespace.items()
    )
    AlertFigure.objects.bulk_create(
        AlertFigure(account_id=pk, rule=rule, count=n)
        for pk, f in found.items()
        for rule, n in f.alerts.items()
    )


def recompute(account_ids: Iterable[int], today: date) -> int:
    """Recompute and store the figures of these accounts (those that still exist)."""
    found = compute(account_ids, today)
    if found:
        write(found, today)
    return len(found)
