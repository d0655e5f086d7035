"""The daily pass and the check: recompute rows that are not current in small
batches, each its own short transaction (the write lock is never held for long), and
compare stored rows with the from-scratch values."""

from collections.abc import Callable, Iterator
from datetime import date
from itertools import groupby

from django.db import transaction
from django.db.models import Exists, QuerySet

from keyplan.accounts.models import Account
from keyplan.core import clock
from keyplan.insights.stored.compute import HEALTH, Figures, compute, recompute
from keyplan.insights.stored.models import AccountFigures, AlertFigure, WhitespaceFigure
from keyplan.insights.stored.read import fresh

BATCH = 200  # accounts per transaction

Progress = Callable[[int, int], None]


def not_current(today: date) -> QuerySet:
    """Accounts whose row is missing or not current on `today`."""
    return Account.objects.filter(~Exists(fresh(today)))


def _batches(ids: list[int]) -> Iterator[list[int]]:
    for start in range(0, len(ids), BATCH):
        yield ids[start : start + BATCH]


def _recompute(accounts: QuerySet, today: date, progress: Progress | None) -> int:
    ids = list(accounts.order_by("pk").values_list("pk", flat=True))
    done = 0
    for batch in _batches(ids):
        with transaction.atomic():
            done += recompute(batch, today)
        if progress:
            progress(min(done, len(ids)), len(ids))
    return done


def refresh(today: date, progress: Progress | None = None) -> int:
    """Recompute the rows that are not current on `today`; how many were."""
    return _recompute(not_current(today), today, progress)


def rebuild(today: date, progress: Progress | None = None) -> int:
    """Recompute every account's row."""
    return _recompute(Account.objects.all(), today, progress)


def _stored(ids: list[int]) -> dict[int, Figures]:
    found = {
        row["account_id"]: Figures(row["plan_version"], {k: row[k] for k in HEALTH})
        for row in AccountFigures.objects.filter(account_id__in=ids).values(
            "account_id", "as_of", "plan_version", *HEALTH
        )
    }
    for pk, product, value, cells in WhitespaceFigure.objects.filter(
        account_id__in=ids
    ).values_list("account_id", "product_id", "value", "cells"):
        found[pk].whitespace[product] = (value, cells)
    for pk, rule, n in AlertFigure.objects.filter(account_id__in=ids).values_list(
        "account_id", "rule", "count"
    ):
        found[pk].alerts[rule] = n
    return found


def _differences(stored: Figures | None, scratch: Figures) -> list[str]:
    if stored is None:
        return ["no stored row"]
    found = []
    if stored.plan_version != scratch.plan_version:
        found.append(f"plan version {stored.plan_version} (the plan is at {scratch.plan_version})")
    found += [
        f"{key} {stored.health[key]} (from scratch {scratch.health[key]})"
        for key in HEALTH
        if stored.health[key] != scratch.health[key]
    ]
    for product in sorted(stored.whitespace.keys() | scratch.whitespace.keys()):
        ours, theirs = stored.whitespace.get(product), scratch.whitespace.get(product)
        if ours != theirs:
            found.append(f"open whitespace of product {product} {ours} (from scratch {theirs})")
    for rule in sorted(stored.alerts.keys() | scratch.alerts.keys()):
        ours_n, theirs_n = stored.alerts.get(rule, 0), scratch.alerts.get(rule, 0)
        if ours_n != theirs_n:
            found.append(f"{rule} alerts {ours_n} (from scratch {theirs_n})")
    return found


def drift() -> list[tuple[int, str, str]]:
    """(account pk, account name, what differs) for every stored row that differs from
    the from-scratch figures for its own day, and every account without a row. A row
    for an earlier day is not drift (the dashboard does not read it; --refresh
    updates it)."""
    days = dict(AccountFigures.objects.values_list("account_id", "as_of"))
    accounts = list(Account.objects.order_by("pk").values_list("pk", "name"))
    names = dict(accounts)
    found = []
    by_day = sorted(accounts, key=lambda a: (days.get(a[0]) or date.min, a[0]))
    for day, group in groupby(by_day, key=lambda a: days.get(a[0])):
        ids = [pk for pk, _ in group]
        for batch in _batches(ids):
            stored = _stored(batch)
            scratch = compute(batch, day or clock.today())
            for pk in batch:
                found += [
                    (pk, names[pk], what) for what in _differences(stored.get(pk), scratch[pk])
                ]
    return found
