"""The whole plan of one account, loaded at once: live, or as it stood at a moment.

Every record of the plan is read with one query per model, and relations resolve
through the loaded rows (by id), so reading a plan costs the same number of
queries however large it is, and an as-of plan (read from django-simple-history)
resolves its relations to the records as they were then, not as they are now.
The plan page, the plan document and the exports read plans through this class.
"""

import copy
from collections import defaultdict
from datetime import date, datetime
from decimal import Decimal
from functools import cached_property

from django.db.models import Model, QuerySet

from keyplan.accounts.models import (
    Account,
    Contract,
    ContractLine,
    ContractStatus,
    RevenueYear,
    SelectionCriterion,
    SelectionScore,
)
from keyplan.cadence.models import (
    PlanReview,
    Touchpoint,
    TouchpointAttendee,
    TouchpointHost,
    TriggerEvent,
)
from keyplan.core import clock, money
from keyplan.growth.models import (
    Action,
    BusinessUnit,
    CellStatus,
    Objective,
    Play,
    PlayCell,
    PlayStakeholder,
    Product,
    ResourceRequest,
    WhitespaceCell,
)
from keyplan.plan import stamp
from keyplan.relationships.models import (
    Influence,
    Interaction,
    InteractionStakeholder,
    Stakeholder,
    StakeholderStatus,
)
from keyplan.risks.models import HealthSnapshot, Risk, SwotItem
from keyplan.team.models import AccountMember, TeamRole, User


class Plan:
    """One account's plan. Lists are in reading order; `*_by_id` map ids to records.

    Each list is read on first use (one query), so a page pays only for what it shows.
    """

    def __init__(self, account: Account, *, as_of: datetime | None = None):
        self.as_of = as_of
        self.today: date = clock.today() if as_of is None else as_of.date()
        self.account = Account.history.as_of(as_of).get(pk=account.pk) if as_of else account

    LISTS = (
        "members", "products", "units", "stakeholders", "influences", "interactions",
        "participants", "contracts", "lines", "revenue", "cells", "objectives", "plays",
        "play_people", "play_cells", "actions", "risks", "swot", "health", "touchpoints",
        "hosts", "attendees", "reviews", "triggers", "resources", "scores", "criteria",
        "users_by_id", "currency", "stakeholders_month_ago",
    )  # fmt: skip

    def load(self) -> "Plan":
        """Read every list now (for callers that then must not query, such as a PDF)."""
        for name in self.LISTS:
            getattr(self, name)
        return self

    # The lists kept in the shared cache: what the plan page shows (the selection scores
    # are not on it; the currency is an organisation setting, read on each request; the
    # stakeholders of a month ago move with the clock, not with the plan).
    KEPT = tuple(
        name
        for name in LISTS
        if name not in ("scores", "criteria", "currency", "stakeholders_month_ago")
    )

    @classmethod
    def live(cls, account: Account) -> "Plan":
        """The live plan with every list read, from the shared plans cache when this
        state of the plan was read before (keyplan.plan.stamp says what moves the key)."""
        plan = cls(account)
        key = f"rows:{stamp.key(account)}"
        rows = stamp.kept(key)
        if not isinstance(rows, dict):
            stamp.keep(key, plan._kept())
            return plan
        for rows_of_a_kind in rows.values():
            for row in rows_of_a_kind if isinstance(rows_of_a_kind, list) else ():
                if getattr(row, "account_id", None) == account.pk:
                    row.account = account  # this request's account, not the one kept
        plan.__dict__.update(rows)  # where cached_property keeps what it read
        return plan

    def _kept(self) -> dict:
        kept = {name: getattr(self, name) for name in self.KEPT}
        # Users are kept without their password hashes, which no plan shows.
        kept["users_by_id"] = {pk: copy.copy(user) for pk, user in self.users_by_id.items()}
        for user in kept["users_by_id"].values():
            user.password = ""
        return kept

    @cached_property
    def members(self) -> list:
        return self._of_account(AccountMember, "role", "user_id")

    @cached_property
    def products(self) -> list:
        return self._rows(Product, "position", "name")

    @cached_property
    def units(self) -> list:
        return self._of_account(BusinessUnit, "position", "name")

    @cached_property
    def stakeholders(self) -> list:
        return self._of_account(Stakeholder, "priority", "name")

    @cached_property
    def influences(self) -> list:
        return self._rows(Influence, "id", source_id__in=[s.pk for s in self.stakeholders])

    @cached_property
    def interactions(self) -> list:
        return self._of_account(Interaction, "-date", "subject")

    @cached_property
    def participants(self) -> list:
        return self._rows(
            InteractionStakeholder, "id", interaction_id__in=[i.pk for i in self.interactions]
        )

    @cached_property
    def contracts(self) -> list:
        return self._of_account(Contract, "-start_date", "name")

    @cached_property
    def lines(self) -> list:
        return self._rows(ContractLine, "id", contract_id__in=[c.pk for c in self.contracts])

    @cached_property
    def revenue(self) -> list:
        return self._of_account(RevenueYear, "year")

    @cached_property
    def cells(self) -> list:
        return self._of_account(WhitespaceCell, "business_unit_id", "product_id")

    @cached_property
    def objectives(self) -> list:
        return self._of_account(Objective, "due_date", "title")

    @cached_property
    def plays(self) -> list:
        return self._of_account(Play, "target_close_date", "name")

    @cached_property
    def play_people(self) -> list:
        return self._rows(PlayStakeholder, "id", play_id__in=[p.pk for p in self.plays])

    @cached_property
    def play_cells(self) -> list:
        return self._rows(PlayCell, "id", play_id__in=[p.pk for p in self.plays])

    @cached_property
    def actions(self) -> list:
        return self._of_account(Action, "due_date", "title")

    @cached_property
    def risks(self) -> list:
        return self._of_account(Risk, "-impact", "-probability", "title")

    @cached_property
    def swot(self) -> list:
        return self._of_account(SwotItem, "kind", "position", "id")

    @cached_property
    def health(self) -> list:
        return self._of_account(HealthSnapshot, "-date")

    @cached_property
    def touchpoints(self) -> list:
        return self._of_account(Touchpoint, "date", "id")

    @cached_property
    def hosts(self) -> list:
        return self._rows(TouchpointHost, "id", touchpoint_id__in=[t.pk for t in self.touchpoints])

    @cached_property
    def attendees(self) -> list:
        return self._rows(
            TouchpointAttendee, "id", touchpoint_id__in=[t.pk for t in self.touchpoints]
        )

    @cached_property
    def reviews(self) -> list:
        return self._of_account(PlanReview, "-date", "kind")

    @cached_property
    def triggers(self) -> list:
        return self._of_account(TriggerEvent, "-date", "kind")

    @cached_property
    def resources(self) -> list:
        return self._of_account(ResourceRequest, "year", "quarter", "kind", "title")

    @cached_property
    def scores(self) -> list:
        return self._of_account(SelectionScore, "criterion_id")

    @cached_property
    def criteria(self) -> dict:
        return {c.pk: c for c in SelectionCriterion.objects.all()}

    def _rows(self, model: type[Model], *order, **filters) -> list:
        if any(isinstance(v, list) and not v for v in filters.values()):
            return []  # nothing to look for: no query
        manager: QuerySet = model.history.as_of(self.as_of) if self.as_of else model.objects.all()
        return list(manager.filter(**filters).order_by(*order))

    def _of_account(self, model: type[Model], *order) -> list:
        rows = self._rows(model, *order, account_id=self.account.pk)
        for row in rows:
            row.account = self.account  # so `str(row)` and access checks cost no query
        return rows

    @cached_property
    def currency(self) -> str:
        """The organisation's currency, in which the plan's amounts are kept."""
        return money.organisation_currency()

    # Lookups by id
    @cached_property
    def users_by_id(self) -> dict[int, User]:
        ids = {self.account.owner_id, *(m.user_id for m in self.members)}
        ids.add(getattr(self.account, "last_handoff_from_id", None))  # with_last_handoff()
        for records, fields in (
            (self.stakeholders, ("relationship_owner_id",)),
            (self.interactions, ("logged_by_id",)),
            (self.objectives, ("owner_id",)),
            (self.plays, ("owner_id",)),
            (self.actions, ("owner_id",)),
            (self.risks, ("owner_id",)),
            (self.reviews, ("reviewer_id",)),
            (self.triggers, ("handled_by_id",)),
            (self.resources, ("owner_id",)),
            (self.hosts, ("user_id",)),
        ):
            ids.update(getattr(record, field) for record in records for field in fields)
        ids.discard(None)
        return {user.pk: user for user in User.objects.filter(pk__in=ids)} if ids else {}

    @cached_property
    def stakeholders_month_ago(self) -> dict[int, Stakeholder]:
        """Each stakeholder as they stood one calendar month before the plan's moment,
        from history (the heat map's trajectories); people added since are not in it."""
        moment = clock.month_before(self.as_of or clock.now())
        past = Stakeholder.history.as_of(moment).filter(account_id=self.account.pk)
        return {s.pk: s for s in past}

    @cached_property
    def stakeholders_by_id(self) -> dict[int, Stakeholder]:
        return {s.pk: s for s in self.stakeholders}

    @cached_property
    def units_by_id(self) -> dict[int, BusinessUnit]:
        return {u.pk: u for u in self.units}

    @cached_property
    def products_by_id(self) -> dict[int, Product]:
        return {p.pk: p for p in self.products}

    @cached_property
    def cells_by_id(self) -> dict[int, WhitespaceCell]:
        return {c.pk: c for c in self.cells}

    @cached_property
    def objectives_by_id(self) -> dict[int, Objective]:
        return {o.pk: o for o in self.objectives}

    @cached_property
    def plays_by_id(self) -> dict[int, Play]:
        return {p.pk: p for p in self.plays}

    def username(self, user_id: int | None) -> str | None:
        user = self.users_by_id.get(user_id)
        return user.username if user else None

    def user_name(self, user_id: int | None) -> str | None:
        """The user's full name, or their login when no name is set."""
        user = self.users_by_id.get(user_id)
        return str(user) if user else None

    def person(self, stakeholder_id: int | None) -> str | None:
        stakeholder = self.stakeholders_by_id.get(stakeholder_id)
        return stakeholder.name if stakeholder else None

    # What the sections need
    @cached_property
    def parent_name(self) -> str | None:
        if not self.account.parent_id:
            return None
        return (
            Account.objects.filter(pk=self.account.parent_id).values_list("name", flat=True).first()
        )

    @property
    def team(self) -> list[tuple[int | None, str, AccountMember | None]]:
        """(user id, role, membership) for the account team, the owner first."""
        owner = (
            [(self.account.owner_id, TeamRole.OWNER.value, None)] if self.account.owner_id else []
        )
        return owner + [(m.user_id, m.role, m) for m in self.members]

    @property
    def sponsors(self) -> list[AccountMember]:
        return [m for m in self.members if m.role == TeamRole.SPONSOR]

    @cached_property
    def live_contracts(self) -> list[Contract]:
        return [
            c
            for c in self.contracts
            if c.status == ContractStatus.ACTIVE
            and (c.end_date is None or c.end_date >= self.today)
        ]

    @cached_property
    def current_arr(self) -> Decimal:
        return sum((c.arr for c in self.live_contracts), Decimal(0))

    @cached_property
    def renewal_date(self) -> date | None:
        """The nearest end of a live contract."""
        ends = [c.end_date for c in self.live_contracts if c.end_date]
        return min(ends) if ends else None

    @cached_property
    def open_whitespace(self) -> Decimal:
        return sum(
            (c.estimated_value or Decimal(0) for c in self.cells if c.status == CellStatus.OPEN),
            Decimal(0),
        )

    @cached_property
    def lines_by_contract(self) -> dict[int, list[ContractLine]]:
        lines = defaultdict(list)
        for line in self.lines:
            lines[line.contract_id].append(line)
        return lines

    @cached_property
    def last_touch(self) -> dict[int, date]:
        """Each stakeholder's last meaningful interaction (not after today)."""
        dated = {i.pk: i.date for i in self.interactions if i.meaningful and i.date <= self.today}
        last: dict[int, date] = {}
        for link in self.participants:
            when = dated.get(link.interaction_id)
            if when and when > last.get(link.stakeholder_id, date.min):
                last[link.stakeholder_id] = when
        return last

    @cached_property
    def participants_by_interaction(self) -> dict[int, list[int]]:
        people = defaultdict(list)
        for link in self.participants:
            people[link.interaction_id].append(link.stakeholder_id)
        return people

    @cached_property
    def influences_by_source(self) -> dict[int, list[Influence]]:
        links = defaultdict(list)
        for link in self.influences:
            links[link.source_id].append(link)
        return links

    @cached_property
    def people_by_play(self) -> dict[int, list[PlayStakeholder]]:
        links = defaultdict(list)
        for link in self.play_people:
            links[link.play_id].append(link)
        return links

    @cached_property
    def cells_by_play(self) -> dict[int, list[int]]:
        links = defaultdict(list)
        for link in self.play_cells:
            links[link.play_id].append(link.cell_id)
        return links

    @cached_property
    def hosts_by_touchpoint(self) -> dict[int, list[int]]:
        links = defaultdict(list)
        for link in self.hosts:
            links[link.touchpoint_id].append(link.user_id)
        return links

    @cached_property
    def attendees_by_touchpoint(self) -> dict[int, list[int]]:
        links = defaultdict(list)
        for link in self.attendees:
            links[link.touchpoint_id].append(link.stakeholder_id)
        return links

    @property
    def active_stakeholders(self) -> list[Stakeholder]:
        return [s for s in self.stakeholders if s.status == StakeholderStatus.ACTIVE]

    @property
    def last_review(self) -> PlanReview | None:
        return self.reviews[0] if self.reviews else None
