"""The brief of an executive touchpoint (QBR, EBR, sponsor meeting), prepared from the plan.

What the people going into the meeting need on one page: the value realised and still
unrealised, the proof points and asks, the open plays and risks, who attends from the
customer's side and where each relationship stands (strength, heat-map colour, last
meaningful interaction, our relationship owner), and after the meeting the follow-up
commitments that became actions.

`build()` reads the plan through `plan.loader.Plan` and the touchpoint's own links:
17 queries (5 of them the headline numbers of insights) however many stakeholders,
plays, risks or follow-ups the plan holds.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from keyplan.cadence.models import Touchpoint, TouchpointAction, TouchpointAttendee, TouchpointHost
from keyplan.growth.models import OPEN_STAGES, Action, Objective, ObjectiveStatus, Play
from keyplan.insights import numbers as headline
from keyplan.plan.loader import Plan
from keyplan.relationships import heatmap
from keyplan.relationships.models import BuyingRole, Stakeholder, StakeholderStatus, Strength
from keyplan.risks.models import OPEN_RISK_STATUSES, Risk
from keyplan.team.models import User

CLOSED_OBJECTIVES = (ObjectiveStatus.ACHIEVED, ObjectiveStatus.DROPPED)


@dataclass(frozen=True)
class Attendee:
    """A stakeholder at the meeting and the state of our relationship with them."""

    stakeholder: Stakeholder
    roles: str  # "economic buyer, champion"
    strength: str  # "Warm"
    colour: str  # heat-map colour: green, yellow or red
    last_touch: date | None  # last meaningful interaction
    days_since: int | None
    relationship_owner: User | None
    left: bool  # no longer at the company


@dataclass(frozen=True)
class PlayLine:
    play: Play
    owner: User | None
    chance: int  # percent
    close_date_passed: bool  # left out of the pipeline until re-dated or closed


@dataclass(frozen=True)
class RiskLine:
    risk: Risk
    owner: User | None


@dataclass(frozen=True)
class FollowUp:
    action: Action
    owner: User | None
    ties_to: str  # the objective or play it serves, "" for none


@dataclass(frozen=True)
class Brief:
    touchpoint: Touchpoint
    plan: Plan
    hosts: list[User]
    attendees: list[Attendee]
    plays: list[PlayLine]
    risks: list[RiskLine]
    follow_ups: list[FollowUp]
    # Lines of the touchpoint's "follow-up commitments" not yet turned into actions.
    pending: list[str]
    people: list[User]  # who can own a follow-up: the account team and our attendees
    objectives: list[Objective]
    open_plays: list[Play]
    numbers: headline.Numbers  # from insights, as on every surface

    @property
    def account(self):
        return self.plan.account

    @property
    def value_realised(self) -> Decimal | None:
        return self.account.value_realised

    @property
    def value_unrealised(self) -> Decimal | None:
        return self.account.value_unrealised

    @property
    def current_arr(self) -> Decimal:
        return self.plan.current_arr

    @property
    def renewal(self) -> date | None:
        return self.plan.renewal_date

    @property
    def proof_points(self) -> list[str]:
        return lines(self.touchpoint.proof_points)

    @property
    def asks(self) -> list[str]:
        return lines(self.touchpoint.asks)


def lines(text: str) -> list[str]:
    """One item per line, list markers ("-", "*", "1.") dropped."""
    items = []
    for line in (text or "").splitlines():
        item = line.strip().lstrip("-*•").strip()
        head, dot, rest = item.partition(".")
        if dot and head.isdigit():
            item = rest.strip()
        if item:
            items.append(item)
    return items


def _roles(s: Stakeholder) -> str:
    return ", ".join(BuyingRole(r).label.lower() for r in (s.role, s.secondary_role) if r)


def build(touchpoint: Touchpoint) -> Brief:
    plan = Plan(touchpoint.account)
    today = plan.today
    host_ids = list(
        TouchpointHost.objects.filter(touchpoint=touchpoint).values_list("user_id", flat=True)
    )
    attendee_ids = list(
        TouchpointAttendee.objects.filter(touchpoint=touchpoint).values_list(
            "stakeholder_id", flat=True
        )
    )
    links = list(
        TouchpointAction.objects.filter(touchpoint=touchpoint)
        .select_related("action")
        .order_by("action__due_date", "action__title", "pk")
    )
    plays = [p for p in plan.plays if p.stage in OPEN_STAGES]
    risks = [r for r in plan.risks if r.status in OPEN_RISK_STATUSES]
    attending = [plan.stakeholders_by_id[i] for i in attendee_ids if i in plan.stakeholders_by_id]
    attending.sort(key=lambda s: (s.status != StakeholderStatus.ACTIVE, s.priority, s.name))

    team_ids = {plan.account.owner_id, *(m.user_id for m in plan.members)}
    user_ids = team_ids | set(host_ids)
    user_ids |= {s.relationship_owner_id for s in attending}
    user_ids |= {p.owner_id for p in plays} | {r.owner_id for r in risks}
    user_ids |= {link.action.owner_id for link in links}
    user_ids.discard(None)
    users = {u.pk: u for u in User.objects.filter(pk__in=user_ids)} if user_ids else {}

    attendees = []
    for s in attending:
        touched = plan.last_touch.get(s.pk)
        attendees.append(
            Attendee(
                stakeholder=s,
                roles=_roles(s),
                strength=Strength(s.strength).label,
                colour=heatmap.colour(s.power, s.strength, (s.role, s.secondary_role)),
                last_touch=touched,
                days_since=(today - touched).days if touched else None,
                relationship_owner=users.get(s.relationship_owner_id),
                left=s.status == StakeholderStatus.LEFT,
            )
        )

    follow_ups = []
    for link in links:
        action = link.action
        tied = plan.objectives_by_id.get(action.objective_id) or plan.plays_by_id.get(
            action.play_id
        )
        follow_ups.append(FollowUp(action, users.get(action.owner_id), str(tied or "")))
    done = {f.action.title.strip().casefold() for f in follow_ups}
    pending = [c for c in lines(touchpoint.commitments) if c.casefold() not in done]

    people = [users[i] for i in user_ids & (team_ids | set(host_ids)) if i in users]
    people.sort(key=lambda u: (u.get_full_name() or u.username).casefold())
    return Brief(
        touchpoint=touchpoint,
        plan=plan,
        hosts=[users[i] for i in host_ids if i in users],
        attendees=attendees,
        plays=[
            PlayLine(
                p,
                users.get(p.owner_id),
                round(p.win_probability * 100),
                p.close_date_passed(today),
            )
            for p in plays
        ],
        risks=[RiskLine(r, users.get(r.owner_id)) for r in risks],
        follow_ups=follow_ups,
        pending=pending,
        people=people,
        objectives=[o for o in plan.objectives if o.status not in CLOSED_OBJECTIVES],
        open_plays=plays,
        numbers=headline.of_account(plan.account, today),
    )
