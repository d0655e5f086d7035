"""The plan page: one account's plan, section by section, read or edited in place.

`PlanPage` is what every section template reads: the loaded `Plan` (a fixed number
of queries, live or as of a date), who may edit, and each section's rows with their
related records resolved. Sections render on their own too, so an edit can send
back just the sections it changed.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import cached_property

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date

from keyplan.accounts.models import Account
from keyplan.cadence.models import TouchpointStatus
from keyplan.core import access, clock
from keyplan.exchange.crm.salesforce.live.conflict_page import conflicts_block
from keyplan.growth import pictures as growth_pictures
from keyplan.growth.models import OPEN_STAGES, Stage
from keyplan.insights import numbers as headline
from keyplan.plan.loader import Plan
from keyplan.relationships import heatmap
from keyplan.relationships import pictures as people_pictures
from keyplan.relationships.models import BuyingRole, StakeholderStatus
from keyplan.risks.models import OPEN_RISK_STATUSES
from keyplan.web import picture_lists, plan_index

SECTIONS = [
    # name, heading (numbered like DESIGN.md §2)
    ("summary", ""),
    ("overview", ""),
    ("profile", "1. Profile and strategic context"),
    ("history", "2. History and contract structure"),
    ("stakeholders", "3. Stakeholder map"),
    ("interactions", "Interaction log"),
    ("heatmap", "4. Relationship heat map"),
    ("whitespace", "5. Whitespace"),
    ("growth", "6. Growth plan"),
    ("risks", "7. Risk register"),
    ("cadence", "8. QBR cadence and executive sponsorship"),
    ("resources", "9. Resources and dependencies"),
    ("swot", "SWOT"),
    ("objectives", "SMART objectives"),
    ("actions", "Action plan"),
]
HEADINGS = dict(SECTIONS)
SHOWN = 8  # items of a list shown before "show N more"


@dataclass
class Listed:
    """A record with what its template shows beside it, resolved from the plan."""

    record: object
    extra: dict = field(default_factory=dict)

    def __getattr__(self, name):
        try:
            return self.extra[name]
        except KeyError:
            raise AttributeError(name) from None


def split(rows: list, shown: int = SHOWN) -> tuple[list, list]:
    """The first rows to show, and the rest behind "show N more"."""
    return rows[:shown], rows[shown:]


class PlanPage:
    def __init__(
        self,
        user,
        account: Account,
        *,
        as_of: datetime | None = None,
        reading: bool = False,
        kept: bool = False,
    ):
        self.user = user
        self.account = account
        self.as_of = as_of
        self.kept = kept and as_of is None
        team = {member.user_id for member in self.plan.members}
        self.may_edit = as_of is None and access.can_edit_account(user, account, member_ids=team)
        # Read mode (`?read=1`): the same plan with no edit control, for presenting it.
        self.reading = reading
        self.can_edit = self.may_edit and not reading
        self.can_manage = self.can_edit and access.can_manage_account(user, account)

    @classmethod
    def for_viewing(
        cls,
        request,
        pk: int,
        as_of: datetime | None = None,
        *,
        reading: bool = False,
        kept: bool = False,
    ) -> "PlanPage":
        account = get_object_or_404(
            Account.objects.visible_to(request.user).with_last_handoff(), pk=pk
        )
        if as_of and not Account.history.filter(id=pk, history_date__lte=as_of).exists():
            raise Http404(f"{account.name} did not exist yet on {as_of:%Y-%m-%d}.")
        return cls(request.user, account, as_of=as_of, reading=reading, kept=kept)

    @classmethod
    def for_editing(cls, request, pk: int) -> "PlanPage":
        # Visibility decides 404; the services refuse writes the user may not make.
        return cls.for_viewing(request, pk)

    def reloaded(self) -> "PlanPage":
        account = Account.objects.with_last_handoff().get(pk=self.account.pk)
        return PlanPage(self.user, account, as_of=self.as_of)

    @cached_property
    def plan(self) -> Plan:
        # The whole page reads every list: from the shared cache while the plan stands.
        # A section redrawn after an edit reads only what it shows, from the database.
        if self.kept:
            return Plan.live(self.account)
        return Plan(self.account, as_of=self.as_of)

    @property
    def read_only(self) -> bool:
        return not self.can_edit

    def url(self, name: str, *args) -> str:
        return reverse(f"plan-{name}", args=[self.account.pk, *(a for a in args if a is not None)])

    def render_section(self, name: str, request, *, oob: bool = False) -> str:
        return render_to_string(
            f"web/sections/{name}.html",
            {"page": self, "heading": HEADINGS[name], "oob": oob, "section": name},
            request=request,
        )

    def initial(self, kind: str) -> dict:
        """Sensible values for a new record of `kind`."""
        today = clock.today()
        me = self.user.pk
        return {
            "actions": {"owner": me, "due_date": today + timedelta(days=7)},
            "interactions": {"date": today, "kind": "meeting", "meaningful": True},
            "reviews": {"date": today, "kind": "weekly"},
            "triggers": {"date": today},
            "plays": {"owner": me, "stage": Stage.IDEA},
            "risks": {"owner": me},
            "objectives": {"owner": me},
            "resources": {"year": today.year, "quarter": (today.month - 1) // 3 + 1},
            "touchpoints": {"hosts": [me]},
            "revenue": {"year": today.year - 1},
            "stakeholders": {"relationship_owner": me},
        }.get(kind, {})

    # The summary strip
    @cached_property
    def summary(self) -> dict:
        plan, account = self.plan, self.plan.account
        renewal = plan.renewal_date
        theirs = [
            s for s in plan.active_stakeholders if s.has_role(BuyingRole.EXECUTIVE_SPONSOR)
        ] + [
            plan.stakeholders_by_id[m.paired_stakeholder_id]
            for m in plan.sponsors
            if m.paired_stakeholder_id in plan.stakeholders_by_id
        ]
        return {
            "arr": plan.current_arr,
            "target_arr": account.target_arr,
            "target_date": account.target_date,
            "renewal": renewal,
            "renewal_days": (renewal - plan.today).days if renewal else None,
            "owner": plan.users_by_id.get(account.owner_id),
            "our_sponsors": [plan.users_by_id.get(m.user_id) for m in plan.sponsors],
            "their_sponsors": list(dict.fromkeys(theirs)),
            "last_review": plan.last_review,
            # Read on the live plan only (a plan as of a date comes from history).
            "handoff": _last_handoff(self.account, plan) if not self.as_of else None,
        }

    @cached_property
    def numbers(self) -> headline.Numbers | None:
        """The plan's headline numbers from insights (5 queries); None on a plan shown as
        of a date, since they are computed on the live records."""
        return None if self.as_of else headline.of_account(self.account, self.plan.today)

    def explain_url(self, key: str) -> str:
        """The explanation page of a figure, for this account alone."""
        return f"{reverse('insight', args=[key])}?account={self.account.pk}"

    @property
    def team(self) -> list[Listed]:
        return [
            Listed(member, {"user": self.plan.users_by_id.get(user_id), "role": role,
                         "paired": self.plan.stakeholders_by_id.get(
                             getattr(member, "paired_stakeholder_id", None))})
            for user_id, role, member in self.plan.team
        ]  # fmt: skip

    # 2. History and contracts
    @property
    def contract_rows(self) -> list[Listed]:
        products = self.plan.products_by_id
        return [
            Listed(c, {
                "lines": [Listed(line, {"product": products.get(line.product_id)})
                          for line in self.plan.lines_by_contract[c.pk]],
                "live": c in self.plan.live_contracts,
            })
            for c in self.plan.contracts
        ]  # fmt: skip

    # 3. Stakeholders
    @cached_property
    def stakeholder_rows(self) -> list[Listed]:
        plan = self.plan
        rows = []
        for s in plan.stakeholders:
            influences = [
                Listed(link, {"target": plan.stakeholders_by_id.get(link.target_id)})
                for link in plan.influences_by_source[s.pk]
            ]
            rows.append(
                Listed(s, {
                    "colour": heatmap.colour(s.power, s.strength, (s.role, s.secondary_role)),
                    "manager": plan.stakeholders_by_id.get(s.reports_to_id),
                    "unit": plan.units_by_id.get(s.business_unit_id),
                    "owner": plan.users_by_id.get(s.relationship_owner_id),
                    "last_touch": plan.last_touch.get(s.pk),
                    "left": s.status == StakeholderStatus.LEFT,
                    "influences": influences,
                })
            )  # fmt: skip
        return rows

    @property
    def stakeholders_split(self):
        return split(self.stakeholder_rows, 12)

    @property
    def interaction_rows(self) -> list[Listed]:
        plan = self.plan
        return [
            Listed(i, {
                "people": [plan.stakeholders_by_id[p]
                           for p in plan.participants_by_interaction[i.pk]
                           if p in plan.stakeholders_by_id],
                "logged_by": plan.users_by_id.get(i.logged_by_id),
            })
            for i in plan.interactions
        ]  # fmt: skip

    @property
    def interactions_split(self):
        return split(self.interaction_rows, 6)

    @property
    def heat_counts(self) -> dict[str, int]:
        counts = dict.fromkeys(heatmap.COLOURS, 0)
        for row in self.stakeholder_rows:
            if not row.left:
                counts[row.colour] += 1
        return counts

    # Pictures
    def _stakeholder_link(self, stakeholder):
        return f"#stakeholder-{stakeholder.pk}"

    def _cell_link(self, unit, product, cell=None):
        return self.url("cell", unit.pk, product.pk) if self.can_edit else None

    @cached_property
    def heat_map_svg(self):
        return people_pictures.heat_map_svg(self.plan, link=self._stakeholder_link)

    @cached_property
    def interest_grid_svg(self):
        return people_pictures.interest_grid_svg(self.plan, link=self._stakeholder_link)

    @cached_property
    def heat_map_places(self):
        return picture_lists.heat_map_places(self.plan)

    @cached_property
    def interest_places(self):
        return picture_lists.interest_places(self.plan)

    @cached_property
    def org_chart_svg(self):
        return people_pictures.org_chart_svg(self.plan, link=self._stakeholder_link)

    @cached_property
    def whitespace_labels_svg(self):
        return growth_pictures.whitespace_labels_svg(self.plan)

    @cached_property
    def whitespace_svg(self):
        return growth_pictures.whitespace_grid_svg(
            self.plan, link=self._cell_link if self.can_edit else None
        )

    # 6. Growth
    @property
    def play_rows(self) -> list[Listed]:
        plan = self.plan
        cells = plan.cells_by_id
        rows = []
        for p in plan.plays:
            converts = [cells[c] for c in plan.cells_by_play[p.pk] if c in cells]
            rows.append(
                Listed(p, {
                    "owner": plan.users_by_id.get(p.owner_id),
                    "customer_owner": plan.stakeholders_by_id.get(p.customer_owner_id),
                    "objective": plan.objectives_by_id.get(p.objective_id),
                    "people": [
                        Listed(link, {"person": plan.stakeholders_by_id.get(link.stakeholder_id)})
                        for link in plan.people_by_play[p.pk]
                    ],
                    "cells": [
                        f"{plan.units_by_id[c.business_unit_id].name} × "
                        f"{plan.products_by_id[c.product_id].name}"
                        for c in converts
                    ],
                    "open": p.stage in OPEN_STAGES,
                    "chance": round(p.win_probability * 100),
                    "close_date_passed": p.close_date_passed(plan.today),
                })
            )  # fmt: skip
        return rows

    @property
    def open_plays(self) -> list[Listed]:
        return [row for row in self.play_rows if row.open]

    @property
    def closed_plays(self) -> list[Listed]:
        return [row for row in self.play_rows if not row.open]

    @property
    def stages(self):
        return Stage.choices

    @property
    def pipeline(self) -> dict:
        rows = self.open_plays
        return {
            "count": len(rows),
            "passed": sum(1 for row in rows if row.close_date_passed),
        }

    # 7. Risks
    @property
    def risk_rows(self) -> list[Listed]:
        users = self.plan.users_by_id
        return [
            Listed(r, {"owner": users.get(r.owner_id), "open": r.status in OPEN_RISK_STATUSES})
            for r in self.plan.risks
        ]

    @property
    def latest_health(self):
        return self.plan.health[0] if self.plan.health else None

    # 8. Cadence
    @property
    def touchpoint_rows(self) -> list[Listed]:
        plan = self.plan
        rows = [
            Listed(t, {
                "hosts": [plan.users_by_id[u] for u in plan.hosts_by_touchpoint[t.pk]
                          if u in plan.users_by_id],
                "attendees": [plan.stakeholders_by_id[s]
                              for s in plan.attendees_by_touchpoint[t.pk]
                              if s in plan.stakeholders_by_id],
                "upcoming": t.date >= plan.today and t.status == TouchpointStatus.PLANNED,
            })
            for t in plan.touchpoints
        ]  # fmt: skip
        # Upcoming first (soonest first), then the past (latest first).
        upcoming = [r for r in rows if r.upcoming]
        past = sorted(
            (r for r in rows if not r.upcoming), key=lambda r: r.record.date, reverse=True
        )
        return upcoming + past

    @property
    def review_rows(self) -> list[Listed]:
        users = self.plan.users_by_id
        return [Listed(r, {"reviewer": users.get(r.reviewer_id)}) for r in self.plan.reviews]

    @property
    def trigger_rows(self) -> list[Listed]:
        users = self.plan.users_by_id
        return [Listed(t, {"handled_by": users.get(t.handled_by_id)}) for t in self.plan.triggers]

    @property
    def sponsor_rows(self) -> list[Listed]:
        plan = self.plan
        return [
            Listed(m, {"ours": plan.users_by_id.get(m.user_id),
                    "theirs": plan.stakeholders_by_id.get(m.paired_stakeholder_id)})
            for m in plan.sponsors
        ]  # fmt: skip

    # 9., SWOT, objectives, actions
    @property
    def resource_rows(self) -> list[Listed]:
        users = self.plan.users_by_id
        return [Listed(r, {"owner": users.get(r.owner_id)}) for r in self.plan.resources]

    @property
    def swot_quadrants(self) -> list[tuple[str, str, list]]:
        by_kind = {"strength": [], "weakness": [], "opportunity": [], "threat": []}
        for item in self.plan.swot:
            by_kind[item.kind].append(item)
        titles = {"strength": "Strengths", "weakness": "Weaknesses",
                  "opportunity": "Opportunities", "threat": "Threats"}  # fmt: skip
        return [(kind, titles[kind], items) for kind, items in by_kind.items()]

    @property
    def objective_rows(self) -> list[Listed]:
        users = self.plan.users_by_id
        return [Listed(o, {"owner": users.get(o.owner_id)}) for o in self.plan.objectives]

    @cached_property
    def action_rows(self) -> dict[str, list[Listed]]:
        """Open actions due in the next 30 days (overdue first), later ones, and done."""
        plan = self.plan
        soon = plan.today + timedelta(days=30)
        groups = {"soon": [], "later": [], "closed": []}
        for a in plan.actions:
            row = Listed(a, {
                "owner": plan.users_by_id.get(a.owner_id),
                "objective": plan.objectives_by_id.get(a.objective_id),
                "play": plan.plays_by_id.get(a.play_id),
                "overdue": a.is_open and a.due_date < plan.today,
            })  # fmt: skip
            if not a.is_open:
                groups["closed"].append(row)
            else:
                groups["soon" if a.due_date <= soon else "later"].append(row)
        groups["closed"].sort(
            key=lambda r: r.record.completed_on or r.record.due_date, reverse=True
        )
        return groups


def as_of_moment(value: str | None) -> datetime | None:
    """`?as_of=YYYY-MM-DD`: the plan at the end of that day. Raises ValueError for a
    date that is not one (2026-13-45)."""
    day = parse_date(value.strip()) if value and value.strip() else None
    if value and value.strip() and day is None:
        raise ValueError(value)
    if day is None:
        return None
    if day > date.today():
        return None
    return timezone.make_aware(datetime.combine(day, time.max))


@login_required
def plan_page(request, pk: int):
    try:
        moment = as_of_moment(request.GET.get("as_of"))
    except ValueError:
        page = PlanPage.for_viewing(request, pk)  # a plan they may not see stays a 404
        context = {"page": page, "value": request.GET.get("as_of")}
        return render(request, "web/bad_date.html", context, status=400)
    reading = request.GET.get("read") == "1"
    page = PlanPage.for_viewing(request, pk, as_of=moment, reading=reading, kept=True)
    sections = [
        page.render_section(name, request) for name, _ in SECTIONS if name not in ("summary",)
    ]
    # Fields changed in keyplan and in Salesforce, waiting for a choice (today's plan only).
    conflicts = "" if page.as_of else conflicts_block(request, page.account, can_edit=page.can_edit)
    return render(
        request,
        "web/plan.html",
        {
            "page": page,
            "summary": page.render_section("summary", request),
            "conflicts": conflicts,
            "sections": sections,
            "index": plan_index.entries(page, [name for name, _ in SECTIONS]),
        },
    )


def _last_handoff(account: Account, plan: Plan) -> dict | None:
    """The account's latest handoff, as annotated by with_last_handoff()."""
    pk = getattr(account, "last_handoff_id", None)
    if pk is None:
        return None
    previous = account.last_handoff_from_id
    return {
        "url": reverse("account-handoff-brief", args=[account.pk, pk]),
        "at": account.last_handoff_at,
        "previous": plan.users_by_id.get(previous) if previous else None,
    }
