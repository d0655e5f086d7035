"""A Monte Carlo forecast of ARR in 12 months, for one account or a portfolio.

Each run of the simulation:
- starts from the current ARR (live contracts, as `insights.accounts.with_figures`);
- lets every open play (idea to closing) close with its probability, the play's own
  percent when set, else its stage's (`growth.models.STAGE_PROBABILITY`), adding its
  target ARR. Renewal plays add nothing: their ARR is already in the current ARR and
  the forecast keeps it. Plays due to close more than 12 months from today are left
  out (counted in `later_plays`); plays with no close date count; plays whose close
  date has passed are left out until re-dated or closed (insights.pipeline);
- lets every open risk (open or mitigating) happen with the probability of its level,
  `RISK_PROBABILITY` (low 0.1, medium 0.3, high 0.6), removing its ARR at risk from
  its account's current ARR, at most all of it: no account goes below zero.
P10, P50 and P90 are percentiles of the portfolio's ARR over the runs (P10: nine runs
in ten end higher). The draws come from `numpy.random.default_rng(seed)`, so the same
seed and the same plan give the same band. The runs are vectorised (runs x plays
arrays, drawn in slices that bound memory); inputs are read in 3 queries for any
number of accounts (ARR and targets per account, open plays, open risks).
"""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from math import ceil

import numpy as np
from django.db.models import QuerySet

from keyplan.accounts.models import Account
from keyplan.core import clock
from keyplan.core.choices import Level
from keyplan.growth.models import STAGE_PROBABILITY, PlayKind
from keyplan.insights.accounts import with_figures
from keyplan.insights.pipeline import current_plays
from keyplan.risks.models import OPEN_RISK_STATUSES, Risk

RISK_PROBABILITY = {Level.LOW: 0.1, Level.MEDIUM: 0.3, Level.HIGH: 0.6}
HORIZON = timedelta(days=365)
RUNS, SEED = 10_000, 2026
# Random numbers drawn at once (runs x plays or risks): 2M float64 is 16 MB.
SLICE = 2_000_000


@dataclass(frozen=True)
class Forecast:
    p10: Decimal  # ARR in 12 months: nine runs in ten end above it
    p50: Decimal
    p90: Decimal
    mean: Decimal  # the average over the runs
    current_arr: Decimal
    target_arr: Decimal | None  # the accounts' target ARR, summed where set
    runs: int
    seed: int
    # The inputs, so a page can explain the band
    accounts: int
    plays: int  # open plays that may add ARR (close date not passed)
    renewal_plays: int  # open renewal plays: modelled as keeping the current ARR
    later_plays: int  # open plays closing after the horizon, left out
    risks: int  # open risks
    weighted_pipeline: Decimal  # sum of probability x target ARR of the plays
    expected_loss: Decimal  # sum of probability x ARR at risk (before the zero floor)
    expected: Decimal  # current ARR + weighted pipeline - expected loss
    note: str = ""  # why the band is flat, when it is


def _money(value: float) -> Decimal:
    return Decimal(value).quantize(Decimal(1), rounding=ROUND_HALF_UP)


def _array(values, dtype=float) -> np.ndarray:
    return np.fromiter(values, dtype=dtype)


def forecast(
    accounts, *, runs: int = RUNS, seed: int = SEED, today: date | None = None
) -> Forecast:
    """The ARR band of `accounts` (a queryset, or one Account) in 12 months."""
    if runs < 1:
        raise ValueError("A forecast needs at least one run.")
    today = today or clock.today()
    figures, plays, risks = _load(_ids(accounts), today)
    current = sum((arr for _, arr, _ in figures), Decimal(0))
    targets = [target for _, _, target in figures if target is not None]
    horizon = today + HORIZON
    renewals = sum(kind == PlayKind.RENEWAL for kind, *_ in plays)
    growth = [p for p in plays if p[0] != PlayKind.RENEWAL and not (p[4] and p[4] > horizon)]
    later = len(plays) - renewals - len(growth)

    win = _array(
        STAGE_PROBABILITY[stage] if own is None else Decimal(own) / 100
        for _, stage, own, _, _ in growth
    )
    gain = _array(target for *_, target, _ in growth)
    chance = _array(RISK_PROBABILITY[level] for _, level, _ in risks)
    loss = _array(amount for *_, amount in risks)
    arr_of = {pk: float(arr) for pk, arr, _ in figures}
    account = _array((pk for pk, *_ in risks), dtype=np.int64)
    cap = _array(arr_of.get(pk, 0.0) for pk in account[_group_starts(account)])

    if growth or risks:
        rng = np.random.default_rng(seed)
        gained = _closed(rng, runs, win, gain)
        ends = float(current) + gained - _lost(rng, runs, chance, loss, account, cap)
        p10, p50, p90 = (_money(v) for v in np.percentile(ends, [10, 50, 90]))
        mean, note = _money(ends.mean()), ""
    else:
        p10 = p50 = p90 = mean = _money(current)
        note = (
            "No open plays or risks: the forecast is the current ARR."
            if current
            else "No ARR, open plays or open risks: there is nothing to forecast."
        )
    weighted, expected_loss = _money(win @ gain), _money(chance @ loss)
    return Forecast(
        p10=p10,
        p50=p50,
        p90=p90,
        mean=mean,
        current_arr=_money(current),
        target_arr=_money(sum(targets, Decimal(0))) if targets else None,
        runs=runs,
        seed=seed,
        accounts=len(figures),
        plays=len(growth),
        renewal_plays=renewals,
        later_plays=later,
        risks=len(risks),
        weighted_pipeline=weighted,
        expected_loss=expected_loss,
        expected=_money(current) + weighted - expected_loss,
        note=note,
    )


def _load(ids: QuerySet, today: date) -> tuple[list, list, list]:
    """The inputs as value lists, in 3 queries."""
    # ARR (live contracts) and target ARR per account
    accounts = with_figures(Account.objects.filter(pk__in=ids), today)
    figures = list(accounts.values_list("pk", "arr", "target_arr"))
    plays = current_plays(today, account__in=ids)  # not those whose close date passed
    plays = plays.values_list("kind", "stage", "probability", "target_arr", "target_close_date")
    # Risks sorted by account, for the per-account floor
    risks = Risk.objects.filter(account__in=ids, status__in=OPEN_RISK_STATUSES).order_by("account")
    return figures, list(plays), list(risks.values_list("account", "probability", "arr_at_risk"))


def _ids(accounts) -> QuerySet:
    if isinstance(accounts, Account):
        return Account.objects.filter(pk=accounts.pk).values("pk")
    return accounts.values("pk")


def _group_starts(groups: np.ndarray) -> np.ndarray:
    """The index of the first element of each run of equal values in a sorted array."""
    if not len(groups):
        return np.zeros(0, dtype=np.int64)
    return np.flatnonzero(np.r_[True, groups[1:] != groups[:-1]])


def _closed(rng, runs: int, chance: np.ndarray, amount: np.ndarray) -> np.ndarray:
    """Per run, the sum of `amount` over the events that happened (each with its chance)."""
    total = np.zeros(runs)
    step = max(1, SLICE // runs)
    for start in range(0, len(chance), step):
        part = slice(start, start + step)
        happened = rng.random((runs, len(chance[part]))) < chance[part]
        total += happened @ amount[part]
    return total


def _lost(rng, runs, chance, amount, account, cap) -> np.ndarray:
    """Per run, the ARR the risks that happened removed; an account loses at most its
    `cap` (its current ARR). Risks are sorted by `account`."""
    total = np.zeros(runs)
    starts = _group_starts(account)  # the first risk of each account
    bounds = np.r_[starts, len(account)]
    batches = max(1, ceil(runs * len(account) / SLICE))
    for group in np.array_split(np.arange(len(starts)), batches):
        if not len(group):
            continue
        low, high = bounds[group[0]], bounds[group[-1] + 1]
        happened = rng.random((runs, high - low)) < chance[low:high]
        per_account = np.add.reduceat(happened * amount[low:high], starts[group] - low, axis=1)
        total += np.minimum(per_account, cap[group]).sum(axis=1)
    return total
