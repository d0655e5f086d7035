"""How a plan workbook names accounts, which may share a name: its own account by the
id in a hidden cell, its parent account by name or by id.

The hidden cell holds the account's id signed with the server's secret key, so a
workbook exported from another keyplan (where that id is some other account) is read
as carrying no id. The import finds its account by that id; by name only when the id
is absent (a template, an older export) and the name is unique. Every lookup is among
the accounts the importing user may see: one they may not see is answered exactly as
one that does not exist.
"""

import re

from django.core import signing

from keyplan.accounts.models import MAX_LISTED, Account, AccountQuerySet, told_apart
from keyplan.core.ids import parse_id

_SIGNER = signing.Signer(salt="keyplan.exchange.workbook.account")
# "Acme (id 12)", as the export writes a parent whose name another account shares.
_NAMED_ID = re.compile(r"^(?P<name>.*?)\s*\(id\s*(?P<id>\d+)\)$", re.IGNORECASE)


def signed_id(account: Account | None) -> str | None:
    """What the hidden id cell holds for `account` (nothing for the blank template)."""
    return _SIGNER.sign(str(account.pk)) if account is not None else None


def id_of(cell) -> int | None:
    """The account id a hidden id cell holds, or None when it holds none of ours."""
    try:
        return parse_id(_SIGNER.unsign(str(cell))) if cell else None
    except signing.BadSignature:
        return None


def parent_cell(account: Account) -> str | None:
    """The Parent account cell of `account`'s workbook: the parent's name, and its id
    too when another account has that name."""
    parent = Account.objects.filter(pk=account.parent_id).first() if account.parent_id else None
    if parent is None:
        return None
    if Account.objects.named(parent.name).exclude(pk=parent.pk).exists():
        return f"{parent.name} (id {parent.pk})"
    return parent.name


def _listed(matches: list[Account]) -> str:
    listed = "; ".join(told_apart(account) for account in matches[:MAX_LISTED])
    return listed + ("; ..." if len(matches) > MAX_LISTED else "")


def same_named(accounts: AccountQuerySet, name: str) -> list[Account]:
    """The accounts of `accounts` named `name` (any case), the first few."""
    return list(accounts.named(name).select_related("owner").order_by("pk")[: MAX_LISTED + 1])


def find_parent(accounts: AccountQuerySet, text: str) -> Account:
    """The account among `accounts` that a Parent account cell names: an id ("12"), a
    name with its id ("Acme (id 12)") or a name no other account has. Raises
    ValueError saying why not, for the cell."""
    named_id = _NAMED_ID.match(text)
    pk = parse_id(named_id["id"]) if named_id else parse_id(text)
    if pk is not None:
        found = accounts.filter(pk=pk).first()
        if found is not None:
            return found
        if not named_id:  # a bare number may still be a name
            return find_parent_by_name(accounts, text)
        raise ValueError(f"no account has the id {pk}.")
    return find_parent_by_name(accounts, text)


def find_parent_by_name(accounts: AccountQuerySet, name: str) -> Account:
    matches = same_named(accounts, name)
    if not matches:
        raise ValueError(f"no account is named “{name}”.")
    if len(matches) > 1:
        first = matches[0]
        raise ValueError(
            f"several accounts are named “{name}”: {_listed(matches)}. Write the parent's "
            f"id in this cell, as “{first.name} (id {first.pk})”."
        )
    return matches[0]


def ambiguous_name(name: str, matches: list[Account]) -> str:
    """The refusal of a workbook without an id whose account name several accounts hold."""
    return (
        f"several accounts are named “{name}”: {_listed(matches)}. Export the plan of the "
        "one you mean from keyplan and import that workbook (it carries the account's id), "
        "or, for a new account, give it a name of its own."
    )
