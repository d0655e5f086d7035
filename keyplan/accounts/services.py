"""Accounts, contracts, revenue and the selection scorecard."""

from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from keyplan.accounts import handoff
from keyplan.accounts.models import (
    Account,
    Contract,
    ContractLine,
    SelectionCriterion,
    SelectionScore,
)
from keyplan.core import services
from keyplan.core.protocols import Actor


def create_account(*, by: Actor, **values: Any) -> Account:
    """A new account; a KAM who names no owner owns it."""
    values.setdefault("owner", by)
    return services.create(Account, by=by, **values)


@transaction.atomic
def update_account(
    account: Account,
    *,
    by: Actor,
    version: int | str | None = None,
    keep_previous: bool = True,
    **values: Any,
) -> Account:
    """Change `account`'s own fields, read at `version`, in one save. A new owner is a
    handoff (accounts.handoff.hand_over) wherever the owner is changed, so the new owner
    always has a brief and the history says who handed the account over; the previous
    owner's open actions stay theirs (the handoff page moves them on request) and the
    previous owner stays on the team unless `keep_previous` is false. Taking the owner
    away (no new owner) is a plain change."""
    new_owner = values.get("owner")
    # The stored owner: a form may already have set the new one on `account`.
    stored = services.lock(Account, account.pk)
    if new_owner is None or new_owner.pk == stored.owner_id:
        return services.update(account, by=by, version=version, **values)
    del values["owner"]  # handed over, with the other changes, below
    try:
        handoff.hand_over(
            account, new_owner, by=by, version=version, move=(),
            keep_previous=keep_previous, changes=values,
        )  # fmt: skip
    except ValidationError as exc:  # said of the field the caller changed
        errors = exc.message_dict
        raise ValidationError(
            {"owner" if k == "new_owner" else k: v for k, v in errors.items()}
        ) from exc
    return Account.objects.get(pk=account.pk)


@transaction.atomic
def add_contract(
    account: Account, *, by: Actor, lines: Iterable[Mapping[str, Any]] = (), **values: Any
) -> Contract:
    """A contract with its product lines (each a dict of product, quantity, arr)."""
    contract = services.create(Contract, by=by, account=account, **values)
    for number, line in enumerate(lines, start=1):
        try:
            services.create(ContractLine, by=by, contract=contract, **line)
        except ValidationError as exc:
            raise ValidationError(
                {f"lines[{number}].{k}": v for k, v in exc.message_dict.items()}
            ) from exc
    return contract


@transaction.atomic
def set_weights(
    weights: Mapping[str, int], *, by: Actor, versions: Mapping[str, int | str | None]
) -> None:
    """Set the scorecard's weights (criterion key to percent) at once; they must
    total 100%. `versions` holds the version each criterion was read at."""
    criteria = {c.key: c for c in SelectionCriterion.objects.all()}
    unknown = sorted(set(weights) - set(criteria))
    if unknown:
        raise ValidationError(dict.fromkeys(unknown, "No such criterion."))
    total = sum({**{k: c.weight for k, c in criteria.items()}, **weights}.values())
    if total != 100:
        raise ValidationError({"weight": f"The weights must total 100%; these total {total}%."})
    for key, weight in weights.items():
        services.update(criteria[key], by=by, version=versions.get(key), weight=weight)


def score(
    account: Account,
    criterion: SelectionCriterion,
    value: int,
    *,
    by: Actor,
    version: int | str | None = None,
    note: str | None = None,
) -> SelectionScore:
    """Score `account` 1-5 on `criterion`: a new score, or a change to the one read at
    `version`. An existing note is kept unless a note is given."""
    notes = {} if note is None else {"note": note}
    existing = SelectionScore.objects.filter(account=account, criterion=criterion).first()
    if existing is None:
        return services.create(
            SelectionScore, by=by, account=account, criterion=criterion, score=value, **notes
        )
    return services.update(existing, by=by, version=version, score=value, **notes)
