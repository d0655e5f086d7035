"""The handoff brief: what the new owner of an account reads first. The plan's current
state, its open actions and who owns them now, the relationships the previous owner
held, open plays and risks, alerts and recent changes; before a handoff, a preview of
what would move (keyplan.accounts.handoff hands the account over).
"""

from dataclasses import dataclass, field
from datetime import timedelta

from keyplan.accounts.handoff import movable
from keyplan.accounts.models import Account, Handoff
from keyplan.core import clock
from keyplan.growth.models import OPEN_STAGES, Action, Play
from keyplan.insights import alerts as alert_rules
from keyplan.insights import numbers as headline
from keyplan.insights.plans import with_completeness
from keyplan.plan import timeline
from keyplan.plan.loader import Plan
from keyplan.relationships.models import Stakeholder, StakeholderStatus
from keyplan.risks.models import OPEN_RISK_STATUSES, Risk
from keyplan.team.models import User

RECENT_DAYS = 30
RECENT_CHANGES = 15


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
        "numbers": headline.of_account(plan.account, plan.today),  # as on every surface
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
