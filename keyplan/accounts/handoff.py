"""Handing an account over to a new owner, and the brief that goes with it.

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

`brief()` is what the new owner reads first: the plan's current state, its open
actions and who owns them now, the relationships the previous owner held, open plays
and risks, alerts and recent changes. Before a handoff it previews what would move.
"""

from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q

from keyplan.accounts import timeline
from keyplan.accounts.models import Account, Handoff
from keyplan.accounts.plan import Plan
from keyplan.core import access, clock, services
from keyplan.core.errors import Forbidden
from keyplan.core.history import acting_as
from keyplan.growth.models import OPEN_STAGES, Action, ActionStatus, Play
from keyplan.insights import alerts as alert_rules
from keyplan.insights.plans import with_completeness
from keyplan.relationships.models import Stakeholder, StakeholderStatus
from keyplan.risks.models import OPEN_RISK_STATUSES, Risk
from keyplan.team.models import AccountMember, TeamRole, User

# What can move to the new owner: (model, owner field, which records, label).
MOVABLE = {
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
RECENT_DAYS = 30
RECENT_CHANGES = 15


def candidates(account: Account):
    """Who the account can be handed to: active users who can own accounts."""
    users = User.objects.filter(is_active=True).exclude(pk=account.owner_id)
    return [user for user in users.order_by("first_name", "last_name", "username")
            if access.can_own_accounts(user)]  # fmt: skip


def movable(account: Account, previous: User | None) -> dict[str, list]:
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


def check(account: Account, new_owner: User | None, *, by) -> None:
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
    by,
    version,
    move=("actions",),
    keep_previous: bool = True,
    note: str = "",
) -> Handoff:
    """Give `account` (read at `version`) to `new_owner`; see the module's docstring.
    `move` names what of the previous owner's moves with it (MOVABLE's keys)."""
    current = services.lock(Account, account.pk)
    check(current, new_owner, by=by)
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
    current = services.update(current, by=by, version=current.version, owner=new_owner)
    if keep_previous and previous is not None and previous.is_active:
        _stay_on_team(current, previous, new_owner, by)
    return handoff


def _stay_on_team(account: Account, previous: User, new_owner: User, by) -> None:
    """The previous owner stays on the team as a member. Written here rather than through
    services.create: the handoff was authorised above, and a previous owner handing
    over their own account may no longer manage its team once the owner has changed."""
    member = AccountMember(
        account=account,
        user=previous,
        role=TeamRole.MEMBER,
        note=f"Owner until {clock.today():%d %b %Y}; handed over to {new_owner}",
    )
    member.full_clean()
    member._history_user = by
    with acting_as(by):
        member.save()


@dataclass(frozen=True)
class ActionLine:
    action: Action
    owner: User | None
    from_previous: bool  # the previous owner's (moved, or still theirs)
    overdue: bool


@dataclass(frozen=True)
class RelationshipLine:
    stakeholder: Stakeholder
    owner: User | None  # the relationship owner now
    last_touch: object  # date of the last meaningful interaction, or None


@dataclass
class HandoffBrief:
    account: Account
    previous_owner: User | None
    new_owner: User | None
    handoff: Handoff | None  # None: a preview
    summary: dict
    actions: list[ActionLine]
    relationships: list[RelationshipLine]
    plays: list[Play]
    risks: list[Risk]
    alerts: list
    changes: list
    moving: dict[str, int] = field(default_factory=dict)  # preview: what would move, by kind
    users: dict[int, User] = field(default_factory=dict)

    def owner_of(self, record, field_name="owner_id"):
        return self.users.get(getattr(record, field_name))


def brief(account: Account, *, new_owner: User | None = None, handoff: Handoff | None = None):
    """The handoff brief: of a recorded `handoff`, or a preview of handing `account`
    from its owner to `new_owner`."""
    plan = Plan(account)
    if handoff is not None:
        previous, new_owner = handoff.previous_owner, handoff.new_owner
        held = set(handoff.held)
        since = handoff.created_at - timedelta(days=RECENT_DAYS)
    else:
        previous = account.owner
        held = {s.pk for s in plan.stakeholders
                if previous is not None and s.relationship_owner_id == previous.pk
                and s.status == StakeholderStatus.ACTIVE}  # fmt: skip
        since = clock.now() - timedelta(days=RECENT_DAYS)
    users = plan.users_by_id
    previous_id = previous.pk if previous else None
    moved_actions = set(handoff.moved.get("actions", [])) if handoff else set()
    actions = [
        ActionLine(
            a,
            users.get(a.owner_id),
            a.owner_id == previous_id or a.pk in moved_actions,
            a.due_date < plan.today,
        )
        for a in plan.actions
        if a.is_open
    ]
    relationships = [
        RelationshipLine(s, users.get(s.relationship_owner_id), plan.last_touch.get(s.pk))
        for s in plan.stakeholders
        if s.pk in held
    ]
    completeness = (
        with_completeness(Account.objects.filter(pk=account.pk), plan.today)
        .values_list("plan_completeness", flat=True)
        .first()
    )
    open_plays = [p for p in plan.plays if p.stage in OPEN_STAGES]
    open_risks = [r for r in plan.risks if r.status in OPEN_RISK_STATUSES]
    summary = {
        "arr": plan.current_arr,
        "target_arr": plan.account.target_arr,
        "target_date": plan.account.target_date,
        "renewal": plan.renewal_date,
        "open_whitespace": plan.open_whitespace,
        "pipeline": sum((p.target_arr for p in open_plays), Decimal(0)),
        "weighted": sum((p.target_arr * p.win_probability for p in open_plays), Decimal(0)),
        "exposure": sum((r.arr_at_risk or Decimal(0) for r in open_risks), Decimal(0)),
        "completeness": completeness,
        "last_review": plan.last_review,
        "stakeholders": len(plan.active_stakeholders),
        "team": [(users.get(user_id), role) for user_id, role, _ in plan.team],
    }
    moving = {}
    if handoff is None:
        moving = {kind: len(records) for kind, records in movable(account, previous).items()}
    return HandoffBrief(
        account=plan.account,
        previous_owner=previous,
        new_owner=new_owner,
        handoff=handoff,
        summary=summary,
        actions=actions,
        relationships=relationships,
        plays=open_plays,
        risks=open_risks,
        alerts=alert_rules.alerts(account, today=plan.today),
        changes=timeline.changes(account, since=since, limit=RECENT_CHANGES),
        moving=moving,
        users=users,
    )
