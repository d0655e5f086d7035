"""Handing an account over to a new owner.

`hand_over()` changes the owner in one transaction: it moves the previous owner's
open actions (and, when asked, their relationships, open plays and open risks) to the
new owner, takes the new owner off the member list (the owner is on the team by being
the owner), keeps the previous owner on the team as a member when asked, and records a
`Handoff` with what moved; the account's and every moved record's history show the
change, who made it and when. From then on the account is the new owner's like any
other: their pages, digest and calendar show it.

Only those who may manage the account (its owner, leaders, administrators; see
core.access) may hand it over, and only to an active user who can own accounts
(a key account manager, leader or administrator). Nothing changes when a check fails.
The brief the new owner reads first is keyplan.rhythm.handoff_brief.
"""

from collections.abc import Collection, Mapping
from typing import Any, TypeAlias

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q

from keyplan.accounts.models import Account, Handoff
from keyplan.core import access, clock, services
from keyplan.core.errors import Forbidden
from keyplan.core.formats import format_date
from keyplan.core.history import acting_as, author
from keyplan.core.protocols import Actor
from keyplan.growth.models import OPEN_STAGES, Action, ActionStatus, Play
from keyplan.relationships.models import Stakeholder, StakeholderStatus
from keyplan.risks.models import OPEN_RISK_STATUSES, Risk
from keyplan.team.models import AccountMember, TeamRole, User

Movable: TypeAlias = Action | Stakeholder | Play | Risk

# What can move to the new owner: (model, owner field, which records, label).
MOVABLE: dict[str, tuple[type[Movable], str, Q, str]] = {
    "actions": (
        Action,
        "owner",
        Q(status__in=(ActionStatus.OPEN, ActionStatus.IN_PROGRESS)),
        "open actions",
    ),
    "relationships": (
        Stakeholder,
        "relationship_owner",
        Q(status=StakeholderStatus.ACTIVE),
        "relationships (stakeholders whose relationship owner they are)",
    ),
    "plays": (Play, "owner", Q(stage__in=OPEN_STAGES), "open plays"),
    "risks": (Risk, "owner", Q(status__in=OPEN_RISK_STATUSES), "open risks"),
}


def candidates(account: Account) -> list[User]:
    """Who the account can be handed to: active users who can own accounts."""
    users = User.objects.filter(is_active=True)
    if account.owner_id is not None:  # excluding pk=None would exclude nobody too
        users = users.exclude(pk=account.owner_id)
    return [user for user in users.order_by("first_name", "last_name", "username")
            if access.can_own_accounts(user)]  # fmt: skip


def movable(account: Account, previous: User | None) -> dict[str, list[Movable]]:
    """The previous owner's records that can move, by kind (MOVABLE's keys)."""
    if previous is None:
        return {kind: [] for kind in MOVABLE}
    return {
        kind: list(
            model.objects.filter(condition, account=account, **{field_name: previous}).order_by(
                "pk"
            )
        )
        for kind, (model, field_name, condition, _) in MOVABLE.items()
    }


def check(account: Account, new_owner: User | None, *, by: Actor) -> None:
    """Raise (Forbidden, ValidationError) if `by` may not hand `account` to `new_owner`."""
    access.check_view(by, account)
    if not access.can_manage_account(by, account):
        raise Forbidden(
            "Only the account's owner, a leader or an administrator can hand this account over."
        )
    if new_owner is None:
        raise ValidationError({"new_owner": "Choose who takes the account over."})
    if new_owner.pk == account.owner_id:
        raise ValidationError({"new_owner": f"{new_owner} already owns {account.name}."})
    if not access.can_own_accounts(new_owner):
        role = new_owner.get_role_display().lower()
        state = f"are a {role}" if new_owner.is_active else "are deactivated"
        raise ValidationError(
            {
                "new_owner": f"{new_owner} cannot own accounts: they {state}. An account "
                "belongs to a key account manager, a leader or an administrator."
            }
        )


@transaction.atomic
def hand_over(
    account: Account,
    new_owner: User | None,
    *,
    by: Actor,
    version: int | str | None,
    move: Collection[str] = ("actions",),
    keep_previous: bool = True,
    note: str = "",
    changes: Mapping[str, Any] | None = None,
) -> Handoff:
    """Give `account` (read at `version`) to `new_owner`; see the module's docstring.
    `move` names what of the previous owner's moves with it (MOVABLE's keys);
    `changes` are other fields of the account changed in the same save."""
    current = services.lock(Account, account.pk)
    check(current, new_owner, by=by)
    assert new_owner is not None  # check() refuses a handoff to nobody
    services.check_version(current, version)
    unknown = sorted(set(move) - MOVABLE.keys())
    if unknown:
        raise ValidationError({"move": f"Nothing called {', '.join(unknown)} can be moved."})
    previous = current.owner
    held = []
    if previous is not None:
        held = list(
            Stakeholder.objects.filter(account=current, relationship_owner=previous)
            .filter(status=StakeholderStatus.ACTIVE)
            .order_by("priority", "name")
            .values_list("pk", flat=True)
        )
    moved = {}
    for kind, records in movable(current, previous).items():
        if kind not in move or not records:
            continue
        field_name = MOVABLE[kind][1]
        for record in records:
            services.update(record, by=by, version=record.version, **{field_name: new_owner})
        moved[kind] = [record.pk for record in records]
    handoff = services.create(
        Handoff,
        by=by,
        account=current,
        previous_owner=previous,
        new_owner=new_owner,
        handed_over_by=by,
        note=note.strip(),
        held=held,
        moved=moved,
    )
    membership = AccountMember.objects.filter(account=current, user=new_owner).first()
    if membership is not None:  # the owner is on the team as its owner, not as a member
        services.delete(membership, by=by, version=membership.version)
    current = services.update(
        current, by=by, version=current.version, owner=new_owner, **(changes or {})
    )
    if keep_previous and previous is not None and previous.is_active:
        _stay_on_team(current, previous, new_owner, by)
    return handoff


def _stay_on_team(account: Account, previous: User, new_owner: User, by: Actor) -> None:
    """The previous owner stays on the team as a member. Written here rather than through
    services.create: the handoff was authorised above, and a previous owner handing
    over their own account may no longer manage its team once the owner has changed."""
    member = AccountMember(
        account=account,
        user=previous,
        role=TeamRole.MEMBER,
        note=f"Owner until {format_date(clock.today())}; handed over to {new_owner}",
    )
    member.full_clean()
    member._history_user = author(by)
    with acting_as(by):
        member.save()
