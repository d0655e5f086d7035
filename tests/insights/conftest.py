"""A small hand-made portfolio for the numbers of keyplan.insights, written through the
services (some of it in the past, with clock.travel), so every expected value in the
tests can be worked out by hand from what is written here.

- Acme (tier 1 customer, owned by olga): a complete plan.
- Beta (tier 2 customer, owned by otto): a thin plan, single-threaded.
- Gamma (tier 3 prospect, owned by lena): a name and nothing else.

Dates are relative to the day the fixture runs (`today`), revenue years to its year
(`this_year` - 3 to - 1) and resources are this year's, so the numbers do not depend on
the calendar.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from keyplan.accounts import services as account_services
from keyplan.accounts.models import Account, RevenueYear
from keyplan.cadence import services as cadence_services
from keyplan.core import clock, services
from keyplan.growth import services as growth_services
from keyplan.growth.models import Action, BusinessUnit, Objective, Play, Product, ResourceRequest
from keyplan.relationships import services as relationship_services
from keyplan.relationships.models import Stakeholder
from keyplan.risks import services as risk_services
from keyplan.risks.models import Risk, SwotItem


def moment(days_ago: int) -> datetime:
    return timezone.now() - timedelta(days=days_ago)


def ago(days: int) -> date:
    return clock.today() - timedelta(days=days)


def ahead(days: int) -> date:
    return clock.today() + timedelta(days=days)


@dataclass
class Portfolio:
    acme: Account
    beta: Account
    gamma: Account
    today: date
    this_year: int

    @property
    def accounts(self):
        return Account.objects.filter(pk__in=[self.acme.pk, self.beta.pk, self.gamma.pk])

    def only(self, *accounts):
        return Account.objects.filter(pk__in=[a.pk for a in accounts])


def person(account, by, name, **values) -> Stakeholder:
    return services.create(Stakeholder, by=by, account=account, name=name, **values)


def meet(account, by, days_ago, people, meaningful=True):
    relationship_services.log_interaction(
        account,
        by=by,
        stakeholders=people,
        date=ago(days_ago),
        subject=f"Talk {days_ago} days ago",
        meaningful=meaningful,
    )


def cell(unit, product, by, **values):
    return growth_services.set_cell(unit, product, by=by, **values)


def change(record, by, **values):
    return services.update(record, by=by, version=record.version, **values)


@pytest.fixture
def portfolio(account, owner, outsider, leader, admin_user, champion, product, unit):
    today, year = clock.today(), clock.today().year
    platform = services.create(Product, by=admin_user, name="Platform", list_price=90000)
    services.create(Product, by=admin_user, name="Legacy", active=False)  # not in the grid rule
    acme = change(
        account,
        owner,
        wallet_estimate=Decimal(1_000_000),
        target_arr=Decimal(600_000),
        growth_thesis="Analytics for Finance, then the platform.",
        business_priorities="Cut unplanned downtime by half.",
    )
    beta = account_services.create_account(
        by=outsider,
        name="Beta Retail",
        tier=2,
        industry="Retail",
        wallet_estimate=Decimal(500_000),
        target_arr=Decimal(200_000),
    )
    gamma = account_services.create_account(
        by=leader, name="Gamma Labs", tier=3, relationship="prospect"
    )

    # Contracts: ARR is Acme 300,000 (the expired and the ended ones do not count), Beta 100,000.
    contract = account_services.add_contract
    contract(acme, by=owner, name="Main", arr=300_000, start_date=ago(400), end_date=ahead(200))
    contract(acme, by=owner, name="Old", arr=50_000, start_date=ago(900), status="expired")
    contract(acme, by=owner, name="Pilot", arr=100_000, start_date=ago(300), end_date=ago(10))
    contract(beta, by=outsider, name="Stores", arr=100_000, start_date=ago(500))
    for who, by, revenue in (
        (acme, owner, {year - 3: 200_000, year - 2: 250_000, year - 1: 300_000}),
        (beta, outsider, {year - 2: 100_000, year - 1: 80_000}),
    ):
        for y, amount in revenue.items():
            services.create(RevenueYear, by=by, account=who, year=y, revenue=amount)

    # Stakeholders. A month ago the map had red dots Bob, Eve, Carl (Acme) and Ian (Beta).
    with clock.travel(moment(45)):
        bob = person(acme, owner, "Bob Buyer", role="economic_buyer", power=3, strength=1)
        carl = person(acme, owner, "Carl Tech", role="technical_buyer", power=3, strength=1)
        dana = person(acme, owner, "Dana User", role="user", power=1, strength=2, priority=3)
        person(acme, owner, "Eve Block", role="blocker", power=2, strength=2)
        finn = person(acme, owner, "Finn Gone", role="champion", power=3, strength=4, priority=1)
        gina = person(beta, outsider, "Gina Buyer", role="economic_buyer", power=3, strength=3)
        ian = person(beta, outsider, "Ian Old", role="blocker", power=3, strength=2)
    with clock.travel(moment(20)):
        services.delete(ian, by=outsider, version=ian.version)
    with clock.travel(moment(10)):
        carl = change(carl, owner, power=2, strength=3, priority=1)
        hal = person(beta, outsider, "Hal Sway", role="influencer", power=3, strength=1)
    with clock.travel(moment(5)):
        change(finn, owner, status="left")
    # Meaningful in the window: Sarah (10 days), Bob (90: the limit), Gina (30).
    meet(acme, owner, 10, [champion, dana])
    meet(acme, owner, 5, [bob], meaningful=False)
    meet(acme, owner, 120, [carl])
    meet(acme, owner, 90, [bob])
    meet(beta, outsider, 30, [gina])
    meet(beta, outsider, 100, [hal])

    # Whitespace. Acme: Engineering x Analytics went open -> evaluating -> sold 20 days ago.
    finance = services.create(BusinessUnit, by=owner, account=acme, name="Finance")
    with clock.travel(moment(60)):
        sold = cell(unit, product, owner, status="open", estimated_value=40_000)
    with clock.travel(moment(40)):
        sold = change(sold, owner, status="evaluating")
    with clock.travel(moment(20)):
        change(sold, owner, status="sold")
    cell(unit, platform, owner, status="open", estimated_value=80_000)
    cell(finance, product, owner, status="open", estimated_value=120_000)
    cell(finance, platform, owner, status="evaluating", estimated_value=50_000)
    # Beta: Online x Analytics sold 70 days ago; Online x Platform entered as sold.
    stores = services.create(BusinessUnit, by=outsider, account=beta, name="Stores")
    online = services.create(BusinessUnit, by=outsider, account=beta, name="Online")
    with clock.travel(moment(100)):
        early = cell(online, product, outsider, status="open", estimated_value=25_000)
    with clock.travel(moment(70)):
        change(early, outsider, status="sold")
    with clock.travel(moment(50)):
        cell(online, platform, outsider, status="sold", estimated_value=60_000)
    cell(stores, product, outsider, status="open", estimated_value=30_000)

    # Plays: weighted Acme 120,000 x 0.5 + 80,000 x 0.6 + 50,000 x 0.1; Beta 40,000 x 0.25
    # + 20,000 x 0.5.
    for who, by, name, stage, arr, probability in (
        (acme, owner, "Finance analytics", "opportunity", 120_000, None),
        (acme, owner, "Platform upsell", "closing", 80_000, 60),
        (acme, owner, "Renewal", "won", 300_000, None),
        (acme, owner, "Old idea", "lost", 10_000, None),
        (acme, owner, "Idea X", "idea", 50_000, None),
        (beta, outsider, "Loyalty", "conversation", 40_000, None),
        (beta, outsider, "Kiosks", "idea", 20_000, 50),
    ):
        services.create(
            Play,
            by=by,
            account=who,
            name=name,
            stage=stage,
            target_arr=arr,
            probability=probability,
        )

    # Risks: exposure Acme 100,000 x 0.8 + 60,000 x 0.5 (the closed one is out); Beta 20,000 x 0.2.
    for who, by, title, category, probability, arr, status, mitigation in (
        (
            acme,
            owner,
            "Sarah may leave",
            "champion_departure",
            3,
            100_000,
            "open",
            "Second champion",
        ),
        (acme, owner, "Budget cut", "budget_freeze", 2, 60_000, "mitigating", "Multi-year deal"),
        (acme, owner, "Rival pilot", "competitor", 1, 50_000, "closed", ""),
        (beta, outsider, "Tickets pile up", "support_escalation", 1, 20_000, "open", ""),
    ):
        services.create(
            Risk,
            by=by,
            account=who,
            title=title,
            category=category,
            probability=probability,
            arr_at_risk=arr,
            status=status,
            mitigation=mitigation,
        )

    # Health: the latest snapshot counts (Acme's of 10 days ago, not the one of 40).
    risk_services.record_health(acme, ago(40), by=owner, licensed_seats=100, active_seats=50)
    risk_services.record_health(
        acme,
        ago(10),
        by=owner,
        licensed_seats=200,
        active_seats=150,
        escalations=1,
        nps=40,
        csat=90,
    )
    risk_services.record_health(beta, ago(5), by=outsider, escalations=5, csat=81)

    # Cadence: Acme reviewed 3 days ago (tier 1: every 7), Beta 40 days ago (tier 2: every 30).
    cadence_services.record_review(acme, "weekly", by=owner, date=ago(20))
    cadence_services.record_review(acme, "monthly", by=owner, date=ago(3))
    cadence_services.record_review(beta, "weekly", by=outsider, date=ago(40))
    cadence_services.plan_touchpoint(acme, by=owner, kind="qbr", date=ahead(30))
    cadence_services.plan_touchpoint(beta, by=outsider, kind="qbr", date=ahead(100))

    # Resources this year: Acme 30 SE hours x 150 + 20 CS hours x 100 + 5,000 marketing; Beta
    # 10 CS hours x 100. Requested-only, declined, roadmap and last year's cost nothing.
    for who, by, kind, values in (
        (acme, owner, "se_hours", {"committed": 40, "delivered": 30}),
        (acme, owner, "cs_hours", {"committed": 20}),
        (acme, owner, "exec_hours", {"requested": 10}),
        (acme, owner, "marketing", {"committed": 5000, "status": "committed"}),
        (acme, owner, "exec_hours", {"committed": 8, "status": "declined"}),
        (acme, owner, "roadmap", {}),
        (acme, owner, "se_hours", {"delivered": 100, "year": year - 1}),
        (beta, outsider, "cs_hours", {"delivered": 10, "status": "delivered"}),
    ):
        services.create(
            ResourceRequest,
            by=by,
            account=who,
            kind=kind,
            title=f"{kind} for {who.name}",
            **{"year": year, **values},
        )

    # SWOT, objectives and actions: complete for Acme, not for Beta.
    for kind in ("strength", "weakness", "opportunity", "threat"):
        services.create(SwotItem, by=owner, account=acme, kind=kind, text=f"A {kind}")
    services.create(SwotItem, by=outsider, account=beta, kind="strength", text="Loyal buyers")
    goals = [
        services.create(
            Objective,
            by=by,
            account=who,
            title=title,
            metric="ARR",
            due_date=ahead(180),
            status=status,
        )
        for who, by, title, status in (
            (acme, owner, "Grow ARR", "on_track"),
            (acme, owner, "Adopt Finance", "at_risk"),
            (acme, owner, "Enter Asia", "dropped"),
            (beta, outsider, "Keep ARR", "on_track"),
        )
    ]
    services.create(
        Action,
        by=owner,
        account=acme,
        title="Map Finance",
        owner=owner,
        due_date=ahead(7),
        objective=goals[0],
    )
    services.create(
        Action, by=outsider, account=beta, title="Call Gina", owner=outsider, due_date=ahead(7)
    )
    return Portfolio(
        acme=Account.objects.get(pk=acme.pk),
        beta=Account.objects.get(pk=beta.pk),
        gamma=Account.objects.get(pk=gamma.pk),
        today=today,
        this_year=year,
    )


@pytest.fixture
def plain_accounts(leader, product, private_plans):
    """plain_accounts(n): n more accounts with a little of everything, for query counts."""
    made = []

    def make(n: int):
        for _ in range(n):
            number = len(made) + 1
            acct = account_services.create_account(
                by=leader, name=f"Plain {number}", wallet_estimate=1000, target_arr=2000
            )
            account_services.add_contract(acct, by=leader, name="C", arr=1000, start_date=ago(30))
            for years_ago, revenue in ((2, 900), (1, 1000)):
                year = clock.today().year - years_ago
                services.create(RevenueYear, by=leader, account=acct, year=year, revenue=revenue)
            who = person(acct, leader, "Pat", power=3, strength=3, priority=1)
            meet(acct, leader, 3, [who])
            bu = services.create(BusinessUnit, by=leader, account=acct, name="Unit")
            cell(bu, product, leader, status="open", estimated_value=500)
            services.create(Play, by=leader, account=acct, name="P", stage="idea", target_arr=100)
            services.create(
                Risk, by=leader, account=acct, title="R", category="other", arr_at_risk=100
            )
            risk_services.record_health(acct, ago(1), by=leader, licensed_seats=10, active_seats=5)
            cadence_services.record_review(acct, "weekly", by=leader, date=ago(1))
            services.create(
                ResourceRequest,
                by=leader,
                account=acct,
                kind="se_hours",
                title="SE",
                year=clock.today().year,
                delivered=2,
            )
            made.append(acct)
        return Account.objects.filter(pk__in=[a.pk for a in made])

    return make
