"""The 24 accounts of the demo portfolio drawn from the vocabulary: each built through
the services with a seeded random generator, month by month over the past year, with
portfolio-wide variety (every play stage and every risk category appears) and
numbers that agree (targets above ARR, close dates that fit the stage, a contract
line for every sold cell)."""

import random
from datetime import date, timedelta
from decimal import Decimal

from keyplan.accounts import services as account_services
from keyplan.accounts.models import Source
from keyplan.core import clock, services
from keyplan.demo.builder import PlanBuilder, add_months, on
from keyplan.demo.vocabulary import (
    ACTIONS,
    CITIES,
    EXECUTIVE_TITLES,
    FIRST_NAMES,
    INDUSTRIES,
    LAST_NAMES,
    MANAGER_TITLES,
    REGIONS,
    RISK_TITLES,
    VP_TITLES,
)
from keyplan.demo.vocabulary import TRIGGERS as TRIGGER_TEXTS
from keyplan.growth.models import Product
from keyplan.team import services as team_services
from keyplan.team.models import User

STAGES = ["idea", "conversation", "opportunity", "closing", "won", "lost"]
RISKS = sorted(RISK_TITLES.items())  # taken in turn: every category appears
TRIGGERS = sorted(TRIGGER_TEXTS.items())


class PortfolioBuilder:
    """Builds the procedurally drawn accounts, keeping portfolio-wide variety (every
    play stage and every risk category appears)."""

    def __init__(self, rng: random.Random, users: dict[str, User], products: list[Product]):
        self.rng = rng
        self.users = users
        self.products = products
        self.stage_turn = 0
        self.risk_turn = 0
        self.used_names: set[str] = set()
        self.today = clock.today()

    def person(self) -> str:
        while True:
            name = f"{self.rng.choice(FIRST_NAMES)} {self.rng.choice(LAST_NAMES)}"
            if name not in self.used_names:
                self.used_names.add(name)
                return name

    def account(self, name, industry, tier, relationship, owner_name):
        rng, today = self.rng, self.today
        owner = self.users[owner_name]
        self.used_names = set()
        start = today - timedelta(days=rng.randint(335, 350))
        employees = rng.choice([800, 1500, 3000, 6000, 12000, 25000]) // tier
        with clock.travel(on(start)):
            account = account_services.create_account(
                by=owner,
                name=name,
                tier=tier,
                relationship=relationship,
                owner=owner,
                source=Source.DEMO,
                industry=industry,
                annual_revenue=Decimal(employees * rng.randint(150, 400) * 1000),
                employees=employees,
                headquarters=rng.choice(CITIES),
                ownership=rng.choice(["public", "pe_backed", "private", "bootstrapped"]),
                business_model=f"{industry} business with recurring and project revenue.",
                buying_centralisation=rng.choice(["centralised", "hybrid", "decentralised"]),
                vendor_stance=rng.choice(["entrenched", "mixed", "flexible"]),
                business_priorities="Grow margin, modernise operations, consolidate vendors.",
                desired_outcomes="Faster cycle times and one source of operational truth.",
                wallet_estimate=Decimal(rng.randint(3, 30) * 50000 // tier),
                first_sale_year=today.year - rng.randint(3, 8)
                if relationship == "customer"
                else None,
            )
            plan = PlanBuilder(account, owner)
            self._team(plan, tier)
            self._people(plan, tier, relationship)
            self._grid(plan, industry, tier, relationship)
            if relationship == "customer":
                self._contracts(plan, tier)
            self._objectives(plan)
            plan.swot(
                "strength", "Trusted by the operations team", "Platform embedded in daily work"
            )
            plan.swot("weakness", "Thin executive coverage")
            plan.swot("opportunity", "Open whitespace in adjacent units")
            plan.swot("threat", "Vendor consolidation pressure")
            plan.review("annual", start)
            if relationship == "customer":
                self._health(plan, start, tier)
        self._year(plan, start, tier, relationship)

    def _team(self, plan: PlanBuilder, tier: int) -> None:
        if tier == 1:
            team_services.add_member(plan.account, self.users["sam"], by=plan.by)
        if tier <= 2:
            team_services.add_member(plan.account, self.users["leader"], by=plan.by, role="sponsor")

    def _people(self, plan: PlanBuilder, tier: int, relationship: str) -> None:
        rng = self.rng
        # A prospect hangs on one relationship: at most its first executive is warm.
        warmest = 4 if relationship == "customer" else 2
        count = {1: rng.randint(20, 40), 2: rng.randint(10, 20), 3: rng.randint(6, 12)}[tier]
        executives = rng.sample(EXECUTIVE_TITLES, k=min(len(EXECUTIVE_TITLES), 2 + (tier == 1) * 2))
        names: list[str] = []
        chief = None
        for title, power, role in executives:
            name = self.person()
            plan.stakeholder(
                name,
                title,
                reports_to=chief,
                role=role,
                power=power,
                interest=rng.randint(1, 3),
                strength=rng.choice([1, 2, 2, 3, 4])
                if chief is None
                else min(warmest, rng.choice([1, 2, 2, 3, 4])),
                priority=1,
                relationship_owner=plan.by,
            )
            chief = chief or name
            names.append(name)
        vps = []
        while len(names) < count:
            if len(vps) < max(2, count // 5):
                title, power, role = rng.choice(VP_TITLES)
                manager = rng.choice(names[: len(executives)])
                vps.append(self.person())
                name = vps[-1]
            else:
                title, power, role = rng.choice(MANAGER_TITLES)
                manager = rng.choice(vps)
                name = self.person()
            plan.stakeholder(
                name,
                title,
                reports_to=manager,
                role=role,
                power=power,
                interest=rng.randint(1, 3),
                strength=min(warmest, rng.choice([1, 2, 2, 3, 3, 4])),
                priority=2 if power >= 2 else 3,
                status="left" if rng.random() < 0.05 else "active",
            )
            names.append(name)
        sponsor = next((m for m in plan.account.members.all() if m.role == "sponsor"), None)
        if sponsor:
            services.update(
                sponsor,
                by=plan.by,
                version=sponsor.version,
                paired_stakeholder=plan.stakeholders[names[0]],
            )
        pairs = {tuple(rng.sample(names, k=2)) for _ in range(max(2, count // 6))}
        for source, target in sorted(pairs):
            plan.influence(source, target, strength=rng.randint(1, 3))

    def _grid(self, plan: PlanBuilder, industry: str, tier: int, relationship: str) -> None:
        rng = self.rng
        wanted = {1: rng.randint(6, 10), 2: rng.randint(4, 7), 3: rng.randint(3, 5)}[tier]
        units = list(INDUSTRIES[industry])[:wanted]
        for region in REGIONS:
            if len(units) >= wanted:
                break
            units.append(region)
        for unit in units:
            plan.unit(
                unit,
                kind="geography" if unit in REGIONS else "business_unit",
                headcount=rng.randint(20, 600) // tier,
            )
        sold, evaluating, open_ = (0.35, 0.1, 0.35) if relationship == "customer" else (0, 0.1, 0.6)
        for unit in units:
            for product in self.products:
                roll = rng.random()
                core = product.name == "Core Platform" and relationship == "customer"
                if (core and roll < 0.7) or roll < sold:
                    status = "sold"
                elif roll < sold + evaluating:
                    status = "evaluating"
                elif roll < sold + evaluating + open_:
                    status = "open"
                else:
                    status = "n_a"
                value = None
                if status == "open":
                    value = Decimal(
                        int(product.list_price * Decimal(rng.uniform(0.3, 1.2)) / 1000) * 1000
                    )
                plan.cell(
                    unit,
                    product,
                    status,
                    estimated_value=value,
                    fit=rng.randint(1, 3) if status == "open" else None,
                )

    def _contracts(self, plan: PlanBuilder, tier: int) -> None:
        rng, today = self.rng, self.today
        sold = {}
        for (_, product_name), cell in plan.cells.items():
            if cell.status == "sold":
                sold[product_name] = sold.get(product_name, 0) + 1
        products = {p.name: p for p in self.products}
        lines = [
            {
                "product": products[name],
                "quantity": units * rng.randint(10, 60),
                "arr": Decimal(
                    int(products[name].list_price * units * Decimal("0.6") / 1000) * 1000
                ),
            }
            for name, units in sorted(sold.items())
        ]
        if not lines:  # a customer runs at least the platform somewhere
            unit = next(iter(plan.units))
            plan.cell(unit, products["Core Platform"], "sold")
            lines = [{"product": products["Core Platform"], "quantity": 25, "arr": Decimal(30000)}]
        arr = sum((line["arr"] for line in lines), Decimal(0))
        months_ago = rng.randint(3, 30)
        start = add_months(today.replace(day=1), -months_ago)
        term = rng.choice([t for t in (12, 24, 36) if t > months_ago])  # it runs today
        plan.master = plan.contract(
            f"{plan.account.name} master agreement",
            status="active",
            arr=arr,
            start_date=start,
            end_date=add_months(start, term) - timedelta(days=1),
            auto_renew=rng.random() < 0.4,
            notice_days=rng.choice([30, 60, 90]),
            renewal_terms="Renews at list price less the agreed discount.",
            lines=lines,
        )
        if plan.account.first_sale_year and plan.account.first_sale_year < today.year - 2:
            plan.contract(
                "Original pilot",
                status="expired",
                arr=Decimal(int(arr / 4 / 1000) * 1000),
                start_date=date(plan.account.first_sale_year, 3, 1),
                end_date=date(plan.account.first_sale_year + 1, 2, 28),
            )
        revenue = arr * Decimal("0.6")
        for offset in range(4, 0, -1):
            if today.year - offset >= (plan.account.first_sale_year or today.year):
                plan.revenue(today.year - offset, revenue.quantize(Decimal(1)))
            revenue *= Decimal(str(rng.uniform(1.0, 1.3)))

    def _objectives(self, plan: PlanBuilder) -> None:
        rng, today = self.rng, self.today
        open_value = sum(c.estimated_value or 0 for c in plan.cells.values() if c.status == "open")
        plan.objective(
            "Convert a third of the open whitespace this year",
            metric="New ARR from whitespace",
            baseline=Decimal(0),
            target=Decimal(int(open_value / 3 / 1000) * 1000),
            unit="USD",
            due_date=today + timedelta(days=rng.randint(60, 240)),
        )
        plan.objective(
            "Reach warm relationships with every high-power stakeholder",
            metric="High-power stakeholders at warm or champion",
            baseline=Decimal(rng.randint(0, 2)),
            target=Decimal(rng.randint(3, 5)),
            unit="people",
            due_date=today + timedelta(days=rng.randint(30, 180)),
        )
        # The target: today's ARR grown by a share of the open whitespace.
        share = Decimal(str(rng.uniform(0.25, 0.5)))
        plan.update_account(
            growth_thesis=f"Land the open whitespace in {', '.join(list(plan.units)[:2])} "
            "and secure the renewal.",
            target_arr=Decimal(int((plan.arr + open_value * share + 20000) / 1000) * 1000),
            target_date=today + timedelta(days=rng.randint(300, 540)),
        )

    def _year(self, plan: PlanBuilder, start: date, tier: int, relationship: str) -> None:
        """Eleven months of upkeep, then this month's open work."""
        rng, today = self.rng, self.today
        people = [name for name, s in plan.stakeholders.items() if s.status == "active"]
        open_cells = [key for key, cell in plan.cells.items() if cell.status == "open"]
        touches = {1: 4, 2: 2, 3: 1}[tier]
        play_names = []
        for month in range(1, 12):
            moment = start + timedelta(days=30 * month)
            if moment >= today:
                break
            with clock.travel(on(moment)):
                for _ in range(rng.randint(1, touches)):
                    plan.interaction(
                        moment - timedelta(days=rng.randint(1, 28)),
                        rng.choice(["Status call", "Working session", "Lunch", "Steering meeting"]),
                        rng.sample(people, k=min(len(people), rng.randint(1, 3))),
                        kind=rng.choice(["meeting", "call", "email", "event"]),
                        meaningful=rng.random() > 0.15,
                    )
                if relationship == "customer":
                    self._health(plan, moment, tier)
                if month % 3 == 0:  # the quarter's review, with the QBR
                    plan.review("quarterly", moment)
                elif tier <= 2:
                    plan.review("monthly", moment)
                if month in (2, 5) and len(play_names) < 8:
                    for _ in range(rng.randint(2, 4)):
                        play_names.append(self._play(plan, open_cells, moment))
                if month in (3, 6, 9) and tier <= 2:
                    self._qbr(plan, month, moment, people, play_names)
                if month in (4, 7, 10) and play_names:
                    name = rng.choice(play_names)
                    stage = plan.plays[name].stage
                    if stage in STAGES[:3]:
                        plan.move_play(name, STAGES[STAGES.index(stage) + 1])
                if people and rng.random() < 0.6:
                    # Relationships warm and cool over the year: the heat map's trajectory.
                    name = rng.choice(people)
                    strength = plan.stakeholders[name].strength + rng.choice([-1, 1])
                    if 1 <= strength <= (4 if relationship == "customer" else 2):
                        plan.change_stakeholder(name, strength=strength)
                if month in (3, 8):
                    self._risk(plan, moment)
                if month == 8 and open_cells:
                    self._convert(plan, open_cells, relationship, moment)
        self._now(plan, tier, relationship, people, play_names)

    def _qbr(self, plan: PlanBuilder, month: int, moment: date, people, play_names) -> None:
        """A held QBR and its follow-ups: the earlier quarters' done within weeks, the
        latest one's first done and the second still open, due ahead."""
        rng, today = self.rng, self.today
        held = moment - timedelta(days=5)
        qbr = plan.touchpoint(
            held,
            kind="qbr",
            status="held",
            title=f"QBR {month // 3}",
            hosts=[plan.by],
            attendees=people[:3],
            agenda="Value review and roadmap.",
            commitments="Send the adoption report\nBook the roadmap session",
        )
        play = rng.choice(play_names) if play_names else None
        report = plan.follow_up(
            qbr, f"Send the QBR {month // 3} adoption report", held + timedelta(days=7)
        )
        plan.complete(report.title, held + timedelta(days=rng.randint(2, 6)))
        session = f"Book the QBR {month // 3} roadmap session"
        if month < 9:
            plan.follow_up(qbr, session, held + timedelta(days=21), play=play)
            plan.complete(session, held + timedelta(days=rng.randint(10, 20)))
        else:
            plan.follow_up(qbr, session, today + timedelta(days=rng.randint(5, 25)), play=play)

    def _convert(self, plan: PlanBuilder, open_cells, relationship: str, moment: date) -> None:
        """An open cell moves on: a customer buys it, on an order co-terminous with its
        master agreement (so every sold cell has a contract line); a prospect evaluates."""
        rng = self.rng
        unit, name = open_cells.pop(rng.randrange(len(open_cells)))
        product = next(p for p in self.products if p.name == name)
        if relationship != "customer" or rng.random() < 0.5:
            plan.cell(unit, product, "evaluating")
            return
        value = plan.cells[(unit, name)].estimated_value or product.list_price
        plan.cell(unit, product, "sold")
        arr = Decimal(int(value * Decimal("0.8") / 1000) * 1000)
        plan.contract(
            f"{name} for {unit}",
            status="active",
            arr=arr,
            start_date=moment,
            end_date=plan.master.end_date,
            lines=[{"product": product, "quantity": rng.randint(10, 60), "arr": arr}],
        )

    def _health(self, plan: PlanBuilder, day: date, tier: int) -> None:
        rng = self.rng
        seats = 600 // tier
        plan.health(
            day,
            licensed_seats=seats,
            active_seats=int(seats * rng.uniform(0.4, 0.95)),
            nps=rng.randint(-10, 60),
            csat=rng.randint(60, 95),
            open_tickets=rng.randint(0, 15),
            escalations=rng.choice([0, 0, 0, 1, 2]),
        )

    def _play(self, plan: PlanBuilder, open_cells, moment: date) -> str:
        rng = self.rng
        stage = STAGES[self.stage_turn % len(STAGES)]
        self.stage_turn += 1
        if open_cells and rng.random() < 0.7:
            unit, product = open_cells.pop(rng.randrange(len(open_cells)))
            name, kind, cells = f"{product} for {unit}", "cross_sell", [(unit, product)]
            value = plan.cells[(unit, product)].estimated_value or Decimal(20000)
        else:
            name = f"Seat expansion {len(plan.plays) + 1}"
            kind, cells, value = "expansion", [], Decimal(rng.randint(10, 80) * 1000)
        people = list(plan.stakeholders)
        plan.play(
            name,
            kind=kind,
            stage=stage,
            target_arr=value,
            customer_owner=plan.stakeholders[rng.choice(people)],
            target_close_date=self._close_date(stage, moment),
            objective=next(iter(plan.objectives)) if rng.random() < 0.6 else None,
            stakeholders=[(n, "") for n in rng.sample(people, k=min(2, len(people)))],
            cells=cells,
        )
        return name

    def _close_date(self, stage: str, moment: date) -> date:
        """Won and lost plays closed soon after they were written down; open ones close
        ahead of today, bar one in twelve whose date slipped by (the "close date passed"
        alert has something to show)."""
        rng, today = self.rng, self.today
        if stage in ("won", "lost"):
            return min(moment + timedelta(days=rng.randint(5, 60)), today - timedelta(days=1))
        if rng.random() < 1 / 12:
            return today - timedelta(days=rng.randint(3, 40))
        return today + timedelta(days=rng.randint(20, 270))

    def _risk(self, plan: PlanBuilder, moment: date) -> None:
        rng = self.rng
        category, title = RISKS[self.risk_turn % len(RISKS)]
        self.risk_turn += 1
        if title in plan.risks:
            return
        plan.risk(
            title,
            category,
            probability=rng.randint(1, 3),
            impact=rng.randint(1, 3),
            arr_at_risk=Decimal(int(plan.arr * Decimal(str(rng.uniform(0.03, 0.2))) / 1000) * 1000),
            mitigation=rng.choice(["", "Executive alignment meeting", "Reference call"]),
            next_action="Review with sponsor" if rng.random() < 0.6 else "",
            next_action_date=moment + timedelta(days=rng.randint(10, 60)),
            status=rng.choice(["open", "open", "mitigating"]),
        )

    def _now(self, plan, tier, relationship, people, play_names) -> None:
        rng, today = self.rng, self.today
        lately = today - timedelta(days=rng.randint(1, 20))
        for title in rng.sample(ACTIONS, rng.randint(3, 7)):
            play = rng.choice(play_names) if play_names and rng.random() < 0.6 else None
            objective = next(iter(plan.objectives)) if play is None and rng.random() < 0.5 else None
            due = today + timedelta(days=rng.randint(-14, 45))
            # Written down before it fell due: an overdue action was once on time.
            with clock.travel(on(min(lately, due - timedelta(days=rng.randint(5, 20))))):
                plan.action(title, due, play=play, objective=objective)
        with clock.travel(on(lately)):
            if rng.random() < 0.4:
                kind, text = rng.choice(TRIGGERS)
                plan.trigger(kind, today - timedelta(days=rng.randint(3, 40)), text)
            if tier <= 2 and rng.random() < 0.8:
                plan.touchpoint(
                    today + timedelta(days=rng.randint(10, 80)),
                    kind=rng.choice(["qbr", "ebr", "sponsor"]),
                    title="Next executive touchpoint",
                    hosts=[plan.by],
                    attendees=people[:2],
                )
            plan.resource(
                "Solution engineering support",
                "se_hours",
                year=today.year,
                quarter=(today.month - 1) // 3 + 1,
                requested=rng.randint(10, 60),
                committed=rng.choice([None, 10, 20]),
            )
            if tier == 1:
                plan.resource(
                    "Exec sponsor time",
                    "exec_hours",
                    year=today.year + 1,
                    quarter=1,
                    requested=rng.randint(4, 12),
                )
            if relationship == "customer" and tier <= 2:
                plan.review("weekly", today - timedelta(days=rng.randint(1, 12)))
