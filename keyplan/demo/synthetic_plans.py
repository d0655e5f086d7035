"""The synthetic plans themselves: each chunk of accounts is drawn in memory as an
object graph by `Chunk`, then inserted model by model with its history by
`demo.bulk` (parents first, so children pick up their ids; a manager is drawn
before the people reporting to them).

The drawing upholds every rule the services and the models' clean() would check:
same-account references, end dates after start dates, done actions with a
completion date, handled triggers with a handling date, unique names per account.
Time is written as it would have been lived: structural records are stamped when
the account was taken on (13 months to 4 years ago), dated records (interactions,
health snapshots, reviews) on their date. Some records carry a second history row:
stakeholders whose strength changed or who left, cells won from open, plays won or
lost, actions done, touchpoints held, triggers handled.
"""

import re
from collections import Counter, defaultdict
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock_time
from decimal import Decimal
from itertools import accumulate
from random import Random

from keyplan.accounts.models import (
    Account,
    Contract,
    ContractLine,
    ContractStatus,
    Ownership,
    RevenueYear,
    SelectionScore,
    Source,
)
from keyplan.cadence.models import (
    PlanReview,
    Touchpoint,
    TouchpointAttendee,
    TouchpointHost,
    TouchpointStatus,
    TriggerEvent,
    TriggerKind,
    TriggerStatus,
)
from keyplan.demo import vocabulary as vocab
from keyplan.demo.bulk import insert
from keyplan.growth.models import (
    Action,
    ActionStatus,
    BusinessUnit,
    CellStatus,
    Objective,
    Play,
    PlayCell,
    PlayStakeholder,
    ResourceKind,
    ResourceRequest,
    ResourceStatus,
    Stage,
    UnitKind,
    WhitespaceCell,
)
from keyplan.relationships.models import (
    BuyingRole,
    Influence,
    Interaction,
    InteractionKind,
    InteractionStakeholder,
    Stakeholder,
    StakeholderStatus,
)
from keyplan.risks.models import HealthSnapshot, RiskCategory, RiskStatus, SwotItem
from keyplan.risks.models import Risk as RiskModel

# Insert order: every model after the ones it points at.
MODELS = [
    Account, SelectionScore, BusinessUnit, Stakeholder, Influence, WhitespaceCell, Objective, Play,
    PlayStakeholder, PlayCell, Action, RiskModel, Interaction, InteractionStakeholder,
    Contract, ContractLine, RevenueYear, HealthSnapshot, Touchpoint, TouchpointHost,
    TouchpointAttendee, PlanReview, TriggerEvent, SwotItem, ResourceRequest,
]  # fmt: skip

PRICES = {name: price for name, _family, price, _description in vocab.CATALOG}
INDUSTRY_NAMES = sorted(vocab.INDUSTRIES)
NAME_POOL = [(first, last) for last in vocab.LAST_NAMES for first in vocab.FIRST_NAMES]
ALL_ROLES = list(BuyingRole.values)


def _weighted(pairs):
    options, weights = zip(*pairs, strict=True)
    return list(options), list(accumulate(weights))


# Precomputed cumulative weights: random.choices recomputes them on every call otherwise.
TIERS = _weighted([(1, 10), (2, 30), (3, 60)])
STRENGTHS = _weighted([(1, 20), (2, 38), (3, 30), (4, 12)])
INTEREST = _weighted([(1, 25), (2, 45), (3, 30)])
CUSTOMER_CELLS = _weighted(
    [(CellStatus.SOLD, 22), (CellStatus.EVALUATING, 9), (CellStatus.OPEN, 44), ("n_a", 25)]
)
PROSPECT_CELLS = _weighted([(CellStatus.EVALUATING, 12), (CellStatus.OPEN, 63), ("n_a", 25)])
STAGES = _weighted(
    [("idea", 20), ("conversation", 20), ("opportunity", 20), ("closing", 12), ("won", 14),
     ("lost", 14)]
)  # fmt: skip
ACTION_STATUSES = _weighted([("open", 40), ("in_progress", 25), ("done", 30), ("cancelled", 5)])
OBJECTIVE_STATUSES = _weighted(
    [("on_track", 50), ("at_risk", 25), ("off_track", 10), ("achieved", 10), ("dropped", 5)]
)
RISK_STATUSES = _weighted([("open", 45), ("mitigating", 30), ("closed", 15), ("realised", 10)])
INTERACTION_KINDS = _weighted([("meeting", 35), ("call", 30), ("email", 25), ("event", 7)])
REVIEW_KINDS = _weighted([("weekly", 50), ("monthly", 30), ("quarterly", 15), ("annual", 5)])


def _money(amount: float) -> Decimal:
    return Decimal(int(amount) // 100 * 100)


class Chunk:
    """The object graph of a chunk of accounts, built in memory then inserted."""

    def __init__(self, rng: Random, now: datetime, today: date, kams, products, scorecard):
        self.rng, self.kams, self.products, self.today = rng, kams, products, today
        self.criteria, self.scores = scorecard
        self.cap = now - timedelta(hours=1)  # no record is stamped after generation started
        self.rows: dict[type, list] = defaultdict(list)

    def pick(self, weighted):
        return self.rng.choices(weighted[0], cum_weights=weighted[1])[0]

    def day(self, low: int, high: int) -> date:
        """A date `low` to `high` days from today (negative: in the past)."""
        return self.today + timedelta(days=self.rng.randint(low, high))

    def at(self, day: date) -> datetime:
        """The moment a record dated `day` was written, within the account's life."""
        moment = datetime.combine(day, clock_time(10), tzinfo=UTC)
        return min(max(moment, self.born), self.cap)

    def new(self, model, stamp: datetime, **fields):
        obj = model(created_at=stamp, updated_at=stamp, **fields)
        obj._by = self.owner.pk  # who wrote it, for its history rows
        self.rows[model].append(obj)
        self.latest = max(self.latest, stamp) if model is not Account else stamp
        return obj

    def changed(self, obj, day: date, **earlier) -> None:
        """`obj` held `earlier` values when created and reached its own on `day`."""
        moment = max(self.at(day), obj.created_at + timedelta(minutes=1))
        obj.updated_at = moment
        obj.version = 2
        obj._earlier = earlier
        self.latest = max(self.latest, moment)

    def account(self, name: str) -> None:
        rng = self.rng
        self.owner = rng.choice(self.kams)
        self.born = self.cap - timedelta(days=rng.randint(400, 1460), minutes=rng.randint(0, 1439))
        tier, customer = self.pick(TIERS), rng.random() < 0.8
        industry = rng.choice(INDUSTRY_NAMES)
        employees = int(rng.lognormvariate(8.5, 1.0)) + 50
        slug = re.sub(r"[^a-z0-9]+", "", name.lower())
        self.acct = acct = self.new(
            Account, self.born, name=name, tier=tier, owner=self.owner,
            relationship="customer" if customer else "prospect", source=Source.SYNTHETIC,
            industry=industry, employees=employees,
            annual_revenue=_money(employees * rng.randint(120_000, 400_000)),
            headquarters=rng.choice(vocab.CITIES), ownership=rng.choice(Ownership.values),
            website=f"https://www.{slug}.example",
            key_offices=", ".join(rng.sample(vocab.CITIES, 3)),
            buying_centralisation=rng.choice(["centralised", "hybrid", "decentralised"]),
            vendor_stance=rng.choice(["entrenched", "mixed", "flexible"]),
            budget_cycle=f"Fiscal year starts in {rng.choice(['January', 'April', 'July'])}.",
            business_priorities=f"{rng.choice(vocab.CARES)}; grow in {rng.choice(vocab.REGIONS)}.",
            first_sale_year=self.today.year - rng.randint(3, 12) if customer else None,
        )  # fmt: skip
        self.domain = f"{slug}.example"
        for criterion in self.criteria:
            # tier 1 accounts score higher: the scorecard should roughly agree with the tiers
            score = min(5, max(1, round(self.scores.gauss(4.4 - 0.8 * tier, 0.9))))
            self.new(SelectionScore, self.born, account=acct, criterion=criterion, score=score)
        self.scale = {1: 1.6, 2: 1.0, 3: 0.6}[tier]
        self.units = self.business_units(industry)
        self.people = self.stakeholders()
        self.cells = self.whitespace(customer)
        arr = self.contracts(customer)
        objectives = self.objectives()
        plays = self.plays(customer, arr, objectives)
        self.actions(objectives, plays)
        self.risks(arr)
        self.interactions()
        self.health(customer)
        self.cadence()
        self.extras()
        pipeline = sum((p.target_arr for p in plays if p.is_open), Decimal(0))
        acct.target_arr = _money(float(arr + pipeline / 2) or 50_000 * self.scale)
        acct.target_date = self.day(365, 730)
        acct.wallet_estimate = _money(float(acct.target_arr) * rng.uniform(1.5, 4))
        acct.growth_thesis = (
            f"Grow from {arr:,.0f} to {acct.target_arr:,.0f} ARR by {acct.target_date:%B %Y} "
            f"through {len(plays)} plays across {len(self.units)} business units."
        )
        if customer:
            acct.value_realised = _money(float(arr) * rng.uniform(1.2, 3))
            acct.value_unrealised = _money(float(pipeline) * rng.uniform(0.5, 1.5))
            acct.original_use_case = f"{self.products[0].name} for {self.units[0].name}"
        acct.last_changed = self.latest  # what the services would have noted

    def business_units(self, industry: str) -> list[BusinessUnit]:
        rng = self.rng
        rows = [(name, UnitKind.BUSINESS_UNIT) for name in vocab.INDUSTRIES[industry]]
        rows += [(name, UnitKind.GEOGRAPHY) for name in rng.sample(vocab.REGIONS, 7)]
        rows += [(name, UnitKind.USE_CASE) for name in vocab.USE_CASES]
        units = []
        for position, (name, kind) in enumerate(rows[: rng.randint(10, 13)]):
            units.append(
                self.new(
                    BusinessUnit, self.born, account=self.acct, name=name, kind=kind,
                    position=position, headcount=rng.randint(40, 4000),
                )
            )  # fmt: skip
        return units

    def stakeholders(self) -> list[Stakeholder]:
        """An org chart: the CEO, executives reporting to the CEO, VPs to executives,
        managers to VPs; each level is inserted before the next."""
        rng = self.rng
        total = rng.randint(20, 40)
        names = iter(rng.sample(NAME_POOL, total))
        execs = [
            vocab.EXECUTIVE_TITLES[0],
            *rng.sample(vocab.EXECUTIVE_TITLES[1:], rng.randint(2, 4)),
        ]
        vps = rng.sample(vocab.VP_TITLES, rng.randint(4, 7))
        managers = [rng.choice(vocab.MANAGER_TITLES) for _ in range(total - len(execs) - len(vps))]
        people, by_level = [], [execs[:1], execs[1:], vps, managers]
        for level, titles in enumerate(by_level):
            above = [p for p in people if p._level == level - 1]
            for title, power, role in titles:
                boss = rng.choice(above) if above else None
                unit = None
                if level >= 2:
                    same = boss.business_unit if level == 3 and rng.random() < 0.8 else None
                    unit = same or rng.choice(self.units)
                person = self.person(next(names), title, power, role, unit, boss)
                person._level = level
                people.append(person)
        # a set, because an influence link exists once per pair
        pairs = {tuple(rng.sample(range(len(people)), 2)) for _ in range(rng.randint(3, 10))}
        for source, target in sorted(pairs):
            self.new(
                Influence, self.born, source=people[source], target=people[target],
                strength=rng.randint(1, 3),
            )  # fmt: skip
        return people

    def person(self, name, title, power, role, unit, boss) -> Stakeholder:
        rng = self.rng
        first, last = name
        if rng.random() < 0.1:
            power = min(3, max(1, power + rng.choice((-1, 1))))
        if rng.random() < 0.08:
            role = rng.choice(ALL_ROLES)
        strength = self.pick(STRENGTHS)
        if role == BuyingRole.CHAMPION:
            strength = max(strength, 3)
        elif role == BuyingRole.BLOCKER:
            strength = min(strength, 2)
        secondary = rng.choice(ALL_ROLES) if rng.random() < 0.15 else ""
        person = self.new(
            Stakeholder, self.born, account=self.acct, name=f"{first} {last}", title=title,
            business_unit=unit, department=unit.name if unit else "Executive", reports_to=boss,
            role=role, secondary_role="" if secondary == role else secondary, power=power,
            interest=self.pick(INTEREST), strength=strength,
            priority=4 - power if rng.random() < 0.85 else rng.randint(1, 3),
            relationship_owner=self.owner if power == 3 else None,
            email=f"{first}.{last}@{self.domain}".lower(),
            cares_about_professionally=rng.choice(vocab.CARES),
            status=StakeholderStatus.LEFT if rng.random() < 0.05 else StakeholderStatus.ACTIVE,
        )  # fmt: skip
        if person.status == StakeholderStatus.ACTIVE and rng.random() < 0.35:
            person.next_interaction_date = self.day(1, 60)
            person.next_interaction_plan = "Catch-up call"
        if person.status == StakeholderStatus.LEFT:
            self.changed(person, self.day(-300, -1), status=StakeholderStatus.ACTIVE)
        elif rng.random() < 0.12:
            down = strength == 4 or (strength > 1 and rng.random() < 0.5)
            self.changed(
                person, self.day(-180, -1), strength=strength - 1 if down else strength + 1
            )
        return person

    def whitespace(self, customer: bool) -> list[WhitespaceCell]:
        rng, cells = self.rng, []
        by_unit = defaultdict(list)
        for person in self.people:
            if person.business_unit is not None and person.status == StakeholderStatus.ACTIVE:
                by_unit[person.business_unit.name].append(person)
        for u, unit in enumerate(self.units):
            for p, product in enumerate(self.products):
                status = self.pick(CUSTOMER_CELLS if customer else PROSPECT_CELLS)
                if customer and u == p == 0:
                    status = CellStatus.SOLD  # every customer has the platform somewhere
                value = _money(float(PRICES[product.name]) * rng.uniform(0.4, 1.6) * self.scale)
                live = status in (CellStatus.OPEN, CellStatus.EVALUATING)
                fans = by_unit.get(unit.name)
                cell = self.new(
                    WhitespaceCell, self.born, account=self.acct, business_unit=unit,
                    product=product, status=status, estimated_value=value if live else None,
                    fit=rng.randint(1, 3) if live else None,
                    champion=rng.choice(fans) if fans and status != "n_a" and rng.random() < 0.3
                    else None,
                )  # fmt: skip
                if status == CellStatus.SOLD and u + p and rng.random() < 0.25:
                    self.changed(cell, self.day(-360, -1), status="open", estimated_value=value)
                elif status == CellStatus.EVALUATING and rng.random() < 0.3:
                    self.changed(cell, self.day(-120, -1), status="open")
                cells.append(cell)
        return cells

    def contracts(self, customer: bool) -> Decimal:
        """Contracts with their lines and revenue years; returns the current ARR."""
        rng, acct = self.rng, self.acct
        sold = Counter(c.product for c in self.cells if c.status == CellStatus.SOLD)
        if not customer:
            trial = list(dict.fromkeys(c.product for c in self.cells if c.status != "n_a"))[:3]
            start = self.day(30, 120)
            self.contract("Proposal", ContractStatus.DRAFT, start, 1, dict.fromkeys(trial, 1))
            self.seats = 0
            return Decimal(0)
        start = self.day(-700, -30)
        years = max(rng.randint(1, 3), (self.today - start).days // 365 + 1)
        arr = self.contract("Master subscription", ContractStatus.ACTIVE, start, years, sold)
        self.seats = self.last_seats
        if rng.random() < 0.4:
            old_years = rng.randint(1, 2)
            old_start = start - timedelta(days=365 * old_years)
            first = dict(list(sold.items())[:2])
            self.contract(
                "Initial subscription", ContractStatus.EXPIRED, old_start, old_years, first
            )
        revenue = float(arr)
        for year in range(self.today.year - 1, self.today.year - 4, -1):
            self.new(RevenueYear, self.born, account=acct, year=year, revenue=_money(revenue))
            revenue *= rng.uniform(0.65, 0.95)
        return arr

    def contract(self, name, status, start: date, years: int, products: dict) -> Decimal:
        rng = self.rng
        contract = self.new(
            Contract, self.born, account=self.acct, name=f"{name} {start.year}", status=status,
            start_date=start, end_date=start + timedelta(days=365 * years - 1),
            auto_renew=rng.random() < 0.5, notice_days=rng.choice([30, 60, 90]),
            renewal_terms=f"Renews for {years} year(s) at list price less 5%.",
        )  # fmt: skip
        total, self.last_seats = Decimal(0), 0
        for product, units in products.items():
            arr = _money(float(PRICES[product.name]) * units * rng.uniform(0.6, 1.05) * self.scale)
            seats = rng.randint(25, 1500)
            self.new(
                ContractLine, self.born, contract=contract, product=product, quantity=seats, arr=arr
            )
            total += arr
            self.last_seats += seats
        contract.arr = total
        return total

    def objectives(self) -> list[Objective]:
        rng, objectives = self.rng, []
        for title, metric, unit, baseline, gain in rng.sample(vocab.OBJECTIVES, rng.randint(2, 3)):
            base = rng.randint(*baseline)
            objective = self.new(
                Objective, self.at(self.day(-365, -30)), account=self.acct, title=title,
                metric=metric, unit=unit, baseline=Decimal(base),
                target=Decimal(base + rng.randint(*gain)), due_date=self.day(60, 540),
                status=self.pick(OBJECTIVE_STATUSES), owner=self.owner,
            )  # fmt: skip
            objectives.append(objective)
        return objectives

    def plays(self, customer: bool, arr: Decimal, objectives: list[Objective]) -> list[Play]:
        rng, plays, names = self.rng, [], set()
        targets = [c for c in self.cells if c.status in (CellStatus.OPEN, CellStatus.EVALUATING)]
        active = [p for p in self.people if p.status == StakeholderStatus.ACTIVE]
        targets = targets or self.cells  # (never empty in practice)
        for _ in range(rng.randint(3, 8)):
            cell = rng.choice(targets)
            value = cell.estimated_value or PRICES[cell.product.name]
            renewal = customer and "renewal" not in names and rng.random() < 0.15
            name = "Renewal" if renewal else f"{cell.product.name} for {cell.business_unit.name}"
            if name.lower() in names:
                name = f"{name} (phase {len(plays) + 1})"
            names.add("renewal" if renewal else name.lower())
            stage = self.pick(STAGES)
            closed = stage in (Stage.WON, Stage.LOST)
            play = self.new(
                Play, self.at(self.day(-300, -20)), account=self.acct, name=name,
                kind="renewal" if renewal else rng.choice(["expansion", "cross_sell"]),
                stage=stage, target_arr=arr if renewal else value,
                owner=self.owner, customer_owner=cell.champion or rng.choice(active),
                target_close_date=self.day(-200, -1) if closed else self.day(14, 300),
                objective=rng.choice(objectives) if rng.random() < 0.5 else None,
                probability=rng.randint(5, 95) if not closed and rng.random() < 0.15 else None,
                blocker="Waiting on budget approval" if not closed and rng.random() < 0.2 else "",
            )  # fmt: skip
            if closed:
                self.changed(play, play.target_close_date, stage=Stage.CLOSING)
            for person in rng.sample(active, rng.randint(1, 3)):
                self.new(
                    PlayStakeholder, play.created_at, play=play, stakeholder=person,
                    role_hint=person.get_role_display(),
                )  # fmt: skip
            if not renewal:
                self.new(PlayCell, play.created_at, play=play, cell=cell)
            plays.append(play)
        return plays

    def actions(self, objectives: list[Objective], plays: list[Play]) -> None:
        rng = self.rng
        for title in rng.sample(vocab.ACTIONS, rng.randint(4, 8)):
            status = self.pick(ACTION_STATUSES)
            if status == ActionStatus.DONE:
                due = self.day(-150, -1)
                completed = min(self.today, due + timedelta(days=rng.randint(-10, 5)))
                created = completed - timedelta(days=rng.randint(5, 60))
            else:
                # about a third of open actions are overdue
                due = self.day(-45, -1) if rng.random() < 0.35 else self.day(1, 60)
                created, completed = min(due, self.today) - timedelta(days=rng.randint(5, 60)), None
            tie = rng.random()
            action = self.new(
                Action, self.at(created), account=self.acct, title=title, owner=self.owner,
                due_date=due, status=status, completed_on=completed,
                objective=rng.choice(objectives) if tie < 0.4 else None,
                play=rng.choice(plays) if 0.4 <= tie < 0.8 else None,
            )  # fmt: skip
            if completed:
                self.changed(action, completed, status=ActionStatus.OPEN, completed_on=None)

    def risks(self, arr: Decimal) -> None:
        rng = self.rng
        for category in rng.sample(RiskCategory.values, rng.randint(2, 6)):
            status = self.pick(RISK_STATUSES)
            live = status in (RiskStatus.OPEN, RiskStatus.MITIGATING)
            self.new(
                RiskModel, self.at(self.day(-365, -7)), account=self.acct,
                title=vocab.RISK_TITLES[category], category=category,
                probability=rng.randint(1, 3), impact=rng.randint(1, 3),
                arr_at_risk=_money(float(arr) * rng.uniform(0.05, 0.6)), owner=self.owner,
                status=status, mitigation="Multithread above the champion; build the case.",
                next_action="Review with the sponsor" if live else "",
                next_action_date=self.day(1, 45) if live else None,
            )  # fmt: skip

    def interactions(self) -> None:
        rng = self.rng
        active = [p for p in self.people if p.status == StakeholderStatus.ACTIVE]
        for _ in range(rng.randint(16, 24)):
            kind = self.pick(INTERACTION_KINDS)
            day = self.day(-364, 0)
            interaction = self.new(
                Interaction, self.at(day), account=self.acct, date=day, kind=kind,
                subject=rng.choice(vocab.SUBJECTS[kind]), logged_by=self.owner,
                meaningful=rng.random() < (0.5 if kind == InteractionKind.EMAIL else 0.9),
            )  # fmt: skip
            for person in rng.sample(active, rng.randint(1, 3)):
                self.new(
                    InteractionStakeholder, interaction.created_at,
                    interaction=interaction, stakeholder=person,
                )  # fmt: skip

    def health(self, customer: bool) -> None:
        rng = self.rng
        seats = self.seats
        adoption = rng.uniform(0.35, 0.95)
        for months_ago in range(11, -1, -1):
            index = self.today.year * 12 + self.today.month - 1 - months_ago
            day = date(index // 12, index % 12 + 1, 1)
            adoption = min(1.0, max(0.1, adoption + rng.uniform(-0.06, 0.06)))
            self.new(
                HealthSnapshot, self.at(day), account=self.acct, date=day,
                licensed_seats=seats if customer else None,
                active_seats=int(seats * adoption) if customer else None,
                open_tickets=rng.randint(0, 25),
                escalations=rng.choices((0, 1, 2, 3), (70, 20, 7, 3))[0],
                nps=rng.randint(-30, 70) if customer else None, csat=rng.randint(55, 99),
                effort_score=Decimal(rng.randint(15, 55)) / 10,
                negative_signals="Usage dropped in one unit" if adoption < 0.4 else "",
            )  # fmt: skip

    def cadence(self) -> None:
        """Touchpoints (one held, sometimes one planned), plan reviews, trigger events."""
        rng = self.rng
        senior = [p for p in self.levels_of(0, 1, 2) if p.status == StakeholderStatus.ACTIVE]
        planned = [self.day(7, 90)] if rng.random() < 0.6 else []
        for day in [self.day(-100, -10), *planned]:
            kind = rng.choice(["qbr", "ebr", "sponsor"])
            held = day < self.today
            touchpoint = self.new(
                Touchpoint, self.at(day - timedelta(days=30)), account=self.acct, kind=kind,
                date=day,
                status=TouchpointStatus.HELD if held else TouchpointStatus.PLANNED,
                title=f"{kind.upper() if kind != 'sponsor' else 'Sponsor meeting'} {day:%b %Y}",
                agenda="Value delivered, roadmap, next year's priorities.",
                asks="Introduction to the new CIO" if rng.random() < 0.5 else "",
                commitments="Send the adoption report" if held else "",
            )  # fmt: skip
            if held:
                self.changed(touchpoint, day, status=TouchpointStatus.PLANNED, commitments="")
            self.new(TouchpointHost, touchpoint.created_at, touchpoint=touchpoint, user=self.owner)
            for person in rng.sample(senior, min(len(senior), rng.randint(1, 3))):
                self.new(
                    TouchpointAttendee, touchpoint.created_at, touchpoint=touchpoint,
                    stakeholder=person,
                )  # fmt: skip
        for _ in range(rng.randint(1, 3)):
            day = self.day(-120, 0)
            self.new(
                PlanReview, self.at(day), account=self.acct, kind=self.pick(REVIEW_KINDS),
                date=day, reviewer=self.owner, notes="Reviewed actions, plays and risks.",
            )  # fmt: skip
        for _ in range(rng.choices((0, 1, 2), (65, 28, 7))[0]):
            kind, day = rng.choice(TriggerKind.values), self.day(-180, 0)
            trigger = self.new(
                TriggerEvent, self.at(day), account=self.acct, kind=kind, date=day,
                description=vocab.TRIGGERS[kind],
            )  # fmt: skip
            if rng.random() < 0.6:
                handled = min(self.today, day + timedelta(days=rng.randint(0, 20)))
                trigger.status, trigger.handled_on = TriggerStatus.HANDLED, handled
                trigger.handled_by, trigger.handled_note = self.owner, "Plan updated."
                self.changed(
                    trigger, handled, status=TriggerStatus.NEW, handled_on=None,
                    handled_by_id=None, handled_note="",
                )  # fmt: skip

    def levels_of(self, *levels: int) -> list[Stakeholder]:
        return [p for p in self.people if p._level in levels]

    def extras(self) -> None:
        """A SWOT and a few resource requests (section 9)."""
        rng = self.rng
        for kind, texts in vocab.SWOT.items():
            for position, text in enumerate(rng.sample(texts, rng.randint(1, 2))):
                self.new(
                    SwotItem, self.born, account=self.acct, kind=kind, text=text, position=position
                )
        quarter = (self.today.month - 1) // 3 + 1
        for _ in range(rng.randint(1, 3)):
            kind = rng.choice(ResourceKind.values)
            status = rng.choice(ResourceStatus.values)
            hours = None if kind == ResourceKind.ROADMAP else Decimal(rng.randint(10, 120))
            committed = (
                hours if hours is not None and status in ("committed", "delivered") else None
            )
            self.new(
                ResourceRequest, self.at(self.day(-60, 0)), account=self.acct, kind=kind,
                title="Analytics API" if kind == ResourceKind.ROADMAP else "Quarterly support",
                year=self.today.year, quarter=quarter, requested=hours, committed=committed,
                delivered=committed if status == "delivered" else None, status=status,
                owner=self.owner,
            )  # fmt: skip

    def save(self, counts: Counter) -> None:
        for model in MODELS:
            insert(model, self.rows[model], counts)
