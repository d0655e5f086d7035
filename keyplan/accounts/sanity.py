"""Sanity checks against the account's current ARR (accounts.arr), registered with
core.sanity when the app is ready: values saved as given and flagged to check.

- ARR at risk above the account's ARR: a risk threatens at most what the account pays.
- A target ARR below the current ARR: a growth target that is a shrink target.
- A deal more than 10 times the account's ARR (when the account has ARR): a play
  whose target ARR is likely a typo.
"""

from decimal import Decimal

from keyplan.accounts.arr import current_arr
from keyplan.core import sanity
from keyplan.core.money import format_money

# A play's deal size past this multiple of the account's ARR is suspect.
DEAL_MULTIPLE = 10


@sanity.rule("risks.Risk", "arr_at_risk")
def arr_at_risk_above_arr(risk) -> str | None:
    if not risk.arr_at_risk:
        return None
    arr = current_arr(risk.account_id)
    if Decimal(risk.arr_at_risk) <= arr:
        return None
    return (
        f"{format_money(risk.arr_at_risk)} at risk is more than the account's ARR "
        f"({format_money(arr)})."
    )


@sanity.rule("accounts.Account", "target_arr")
def target_below_arr(account) -> str | None:
    if account.target_arr is None or account.pk is None:
        return None
    arr = current_arr(account.pk)
    if Decimal(account.target_arr) >= arr:
        return None
    return (
        f"The target ARR ({format_money(account.target_arr)}) is below the current ARR "
        f"({format_money(arr)})."
    )


@sanity.rule("growth.Play", "target_arr")
def deal_beyond_arr(play) -> str | None:
    if not play.target_arr:
        return None
    arr = current_arr(play.account_id)
    if arr <= 0 or Decimal(play.target_arr) <= DEAL_MULTIPLE * arr:
        return None
    return (
        f"A deal of {format_money(play.target_arr)} is more than {DEAL_MULTIPLE} times the "
        f"account's ARR ({format_money(arr)})."
    )
