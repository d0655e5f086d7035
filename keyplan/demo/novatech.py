"""NovaTech: the field's sample account plan, reproduced exactly.

Mid-market SaaS, 400 employees, $85M revenue. Sarah Lin (VP Ops) is the champion,
James Park (CFO) the economic buyer, Priya Desai (IT Director) the technical buyer
and evaluator. The growth thesis: the Engineering team (120 people) does not use
the analytics module, $45K of whitespace; the objective is to close that deal by
Q3 2026, and the next action is Sarah's introduction to the Engineering lead.
Around those facts the plan is filled out as a KAM would have over the past year.
"""

from datetime import date, timedelta
from decimal import Decimal

from keyplan.accounts import services as account_services
from keyplan.core import clock, services
from keyplan.demo.builder import PlanBuilder, add_months, on
from keyplan.team import services as team_services

NAME = "NovaTech"
OBJECTIVE = "Close analytics module deal with Engineering by Q3 2026, adding $45K ARR"
NEXT_ACTION = "Sarah introduces us to Engineering lead by June 15"

# name, title, reports to, role, secondary role, power, interest, strength, priority
PEOPLE = [
    ("Daniel Cohen", "Chief Executive Officer", None, "executive_sponsor", "", 3, 2, 2, 1),
    ("James Park", "CFO", "Daniel Cohen", "economic_buyer", "", 3, 2, 2, 1),
    ("Sarah Lin", "VP Ops", "Daniel Cohen", "champion", "", 3, 3, 4, 1),
    ("Victor Hughes", "Chief Technology Officer", "Daniel Cohen", "influencer", "", 3, 2, 2, 2),
    ("Priya Desai", "IT Director", "Victor Hughes", "technical_buyer", "evaluator", 2, 3, 3, 1),
    ("Marcus Weber", "VP Engineering", "Victor Hughes", "influencer", "", 3, 1, 1, 1),
    (
        "Leila Haddad",
        "Engineering Manager, Data Platform",
        "Marcus Weber",
        "evaluator",
        "",
        2,
        3,
        2,
        2,
    ),
    ("Nina Kowalski", "Procurement Manager", "James Park", "blocker", "", 2, 2, 2, 2),
    ("Tom Murphy", "Finance Manager", "James Park", "user", "", 1, 2, 2, 3),
    ("Julia Rossi", "Director of Finance Systems", "James Park", "user", "champion", 2, 3, 3, 2),
    ("Grace Okafor", "Operations Manager", "Sarah Lin", "user", "", 1, 3, 3, 2),
    ("Kenji Tanaka", "Operations Analyst", "Grace Okafor", "user", "", 1, 3, 4, 3),
    ("Oliver Schmidt", "Head of Customer Support", "Sarah Lin", "influencer", "", 2, 2, 3, 2),
]

UNITS = [
    ("Operations", 85),
    ("Engineering", 120),
    ("Finance", 30),
    ("Customer Support", 60),
    ("Sales", 70),
    ("IT", 25),
]

SOLD, EVAL, OPEN, NA = "sold", "evaluating", "open", "n_a"
# unit -> product -> (status, open value); Engineering x Analytics is the sample's $45K.
GRID = {
    "Operations": [SOLD, SOLD, EVAL, (OPEN, 24000), NA, (OPEN, 18000), SOLD, SOLD],
    "Engineering": [SOLD, (OPEN, 45000), (OPEN, 30000), EVAL, NA, NA, SOLD, (OPEN, 15000)],
    "Finance": [SOLD, (OPEN, 20000), (OPEN, 25000), (OPEN, 12000), NA, NA, SOLD, NA],
    "Customer Support": [SOLD, (OPEN, 18000), EVAL, SOLD, NA, (OPEN, 9000), SOLD, NA],
    "Sales": [(OPEN, 40000), (OPEN, 22000), NA, (OPEN, 15000), NA, (OPEN, 12000), NA, NA],
    "IT": [SOLD, NA, (OPEN, 10000), EVAL, (OPEN, 36000), NA, SOLD, NA],
}


def build(users: dict, products: list) -> None:
    """Write NovaTech's plan, starting eleven months ago."""
    kam, today = users["kam"], clock.today()
    start = today - timedelta(days=335)
    catalog = {p.name: p for p in products}

    with clock.travel(on(start)):
        account = account_services.create_account(
            by=kam,
            name=NAME,
            tier=1,
            relationship="customer",
            owner=kam,
            source="demo",
            industry="Software",
            annual_revenue=Decimal("85000000"),
            employees=400,
            headquarters="Austin, TX",
            key_offices="Austin (HQ), Toronto (engineering), Dublin (support)",
            ownership="pe_backed",
            website="https://novatech.example",
            business_model="Mid-market SaaS: subscription revenue from order-management software "
            "sold to distributors; growth driven by seat expansion and payments add-ons.",
            org_structure="Functional: Operations, Engineering, Finance, Sales and Support report "
            "to the CEO; IT sits under the CTO.",
            buying_centralisation="hybrid",
            current_stack="Salesforce CRM, NetSuite, Snowflake, Jira; spreadsheets for analytics "
            "in Engineering.",
            vendor_stance="flexible",
            budget_cycle="Calendar fiscal year; budgets set in October, reforecast in April.",
            procurement_rules="Above $50K: CFO sign-off, security review by IT, procurement "
            "compares at least two vendors.",
            wallet_estimate=Decimal("420000"),
            business_priorities="Reach $120M revenue in 24 months; cut order-to-cash time; "
            "ship usage-based pricing.",
            earnings_commentary="Private (PE-backed): the board pushes for efficient growth and a "
            "40%+ rule-of-40 score.",
            leadership_changes="New CTO (Victor Hughes) this year; reorganising Engineering.",
            industry_pressures="Distributors consolidating; pricing pressure from ERP vendors.",
            desired_outcomes="Fewer manual handoffs between Operations and Engineering; one view "
            "of order health.",
            off_the_record="Sarah says Engineering builds its own dashboards in spreadsheets and "
            "nobody trusts the numbers.",
            board_priority_link="Operational efficiency is a board KPI; our platform already cut "
            "order processing time by 38%.",
            relationship_origin="Sarah Lin, then Director of Operations, trialled Core Platform to "
            "replace spreadsheets in order operations.",
            first_sale_year=2022,
            original_use_case="Order-operations workflow for the Operations team.",
            growth_thesis="Grow from $180K to $260K ARR within 18 months: take Analytics to "
            "Engineering (120 people, $45K) and Automation to Finance, on the back of Sarah "
            "Lin's success in Operations, and renew the platform for three years.",
            target_arr=Decimal("260000"),
            target_date=date(today.year + 1, 12, 31),
            value_realised=Decimal("380000"),
            value_unrealised=Decimal("250000"),
        )
        plan = PlanBuilder(account, kam)
        team_services.add_member(account, users["contributor"], by=kam)
        team_services.add_member(account, users["viewer"], by=kam)
        for name, title, manager, role, secondary, power, interest, strength, priority in PEOPLE:
            plan.stakeholder(
                name,
                title,
                reports_to=manager,
                role=role,
                secondary_role=secondary,
                power=power,
                interest=interest,
                strength=strength if name != "James Park" else 3,
                priority=priority,
                relationship_owner=kam,
                email=f"{name.split()[0].lower()}.{name.split()[1].lower()}@novatech.example",
            )
        team_services.add_member(
            account,
            users["leader"],
            by=kam,
            role="sponsor",
            paired_stakeholder=plan.stakeholders["James Park"],
        )
        for source, target in [
            ("Sarah Lin", "Marcus Weber"),
            ("Sarah Lin", "James Park"),
            ("Priya Desai", "Marcus Weber"),
            ("Victor Hughes", "Marcus Weber"),
            ("James Park", "Nina Kowalski"),
        ]:
            plan.influence(source, target, strength=3 if source == "Sarah Lin" else 2)
        for unit, headcount in UNITS:
            plan.unit(unit, headcount=headcount)
        for unit, statuses in GRID.items():
            for product, status in zip(products, statuses, strict=True):
                value = None
                if isinstance(status, tuple):
                    status, value = status
                plan.cell(
                    unit,
                    product,
                    status,
                    estimated_value=Decimal(value) if value else None,
                    fit=3 if value and value >= 30000 else (2 if value else None),
                    champion=plan.stakeholders["Sarah Lin"]
                    if (unit, product.name) == ("Engineering", "Analytics")
                    else None,
                    notes="The Engineering team (120 people) is not using the analytics module."
                    if (unit, product.name) == ("Engineering", "Analytics")
                    else "",
                )
        # Signed 22 months ago for two years: the renewal is about two months out.
        contract_start = add_months(today.replace(day=1), -22)
        contract_end = add_months(contract_start, 24) - timedelta(days=1)
        plan.master = plan.contract(
            "Platform Agreement",
            status="active",
            arr=Decimal("162000"),
            start_date=contract_start,
            end_date=contract_end,
            auto_renew=False,
            notice_days=60,
            renewal_terms="Two-year term; price uplift capped at 5%.",
            termination_clauses="Either party for material breach with 30 days to cure.",
            # One line per product the grid shows sold (Mobile comes with its own order).
            lines=[
                {"product": catalog["Core Platform"], "quantity": 150, "arr": Decimal("96000")},
                {"product": catalog["Analytics"], "quantity": 40, "arr": Decimal("24000")},
                {"product": catalog["Integrations Hub"], "quantity": 1, "arr": Decimal("12000")},
                {"product": catalog["Premium Support"], "quantity": 1, "arr": Decimal("20000")},
                {
                    "product": catalog["Professional Services"],
                    "quantity": 10,
                    "arr": Decimal("10000"),
                },
            ],
        )
        for offset, amount in [(4, 40000), (3, 95000), (2, 140000), (1, 172000)]:
            plan.revenue(today.year - offset, Decimal(amount))
        plan.objective(
            OBJECTIVE,
            metric="New ARR from Engineering (Analytics)",
            baseline=Decimal(0),
            target=Decimal(45000),
            unit="USD",
            due_date=date(2026, 9, 30),
        )
        plan.objective(
            "Renew the Platform Agreement for three years before it ends",
            metric="Contract term",
            baseline=Decimal(2),
            target=Decimal(3),
            unit="years",
            due_date=contract_end,
        )
        plan.objective(
            "Lift Operations adoption to 90% of licensed seats",
            metric="Active seats / licensed seats",
            baseline=Decimal(75),
            target=Decimal(90),
            unit="%",
            due_date=today + timedelta(days=120),
        )
        for kind, texts in {
            "strength": ["Sarah Lin is a vocal champion", "Operations runs on our platform daily"],
            "weakness": ["No relationship with Engineering leadership", "Most ties go through Ops"],
            "opportunity": [
                "Engineering (120 people) has no analytics tooling",
                "Fresh funding widens budgets",
            ],
            "threat": [
                "Procurement pushes vendor consolidation",
                "A competitor courts Engineering",
            ],
        }.items():
            plan.swot(kind, *texts)
        plan.review("annual", start, notes="Plan rewritten for the year.")
        plan.health(
            start,
            licensed_seats=150,
            active_seats=112,
            nps=32,
            csat=84,
            open_tickets=9,
            escalations=1,
        )

    _grow(plan, users, products, catalog, start, today)


def _grow(plan: PlanBuilder, users, products, catalog, start: date, today: date) -> None:
    """The months since: interactions, health, plays moving, the plan kept up."""
    kam, leader = users["kam"], users["leader"]
    month = timedelta(days=30)

    with clock.travel(on(start + timedelta(days=3))):
        plan.play(
            "Operations mobile rollout",
            kind="expansion",
            stage="opportunity",
            target_arr=Decimal(18000),
            customer_owner=plan.stakeholders["Sarah Lin"],
            target_close_date=start + timedelta(days=150),
            stakeholders=[("Sarah Lin", "Champion"), ("Grace Okafor", "User lead")],
            cells=[("Operations", "Mobile")],
        )
        plan.play(
            "Sales team platform seats",
            kind="expansion",
            stage="conversation",
            target_arr=Decimal(40000),
            target_close_date=start + timedelta(days=200),
            cells=[("Sales", "Core Platform")],
        )

    executive_change = None
    for number in range(1, 11):
        moment = start + number * month
        with clock.travel(on(moment)):
            plan.interaction(
                moment - timedelta(days=12),
                "Monthly operations sync",
                ["Sarah Lin"],
                kind="meeting",
                summary="Reviewed adoption and open requests.",
            )
            if number % 2 == 0:
                plan.interaction(
                    moment - timedelta(days=5),
                    "Roadmap call",
                    ["Priya Desai", "Leila Haddad"] if number > 6 else ["Priya Desai"],
                    kind="call",
                )
            if number % 3 == 0:
                plan.interaction(
                    moment - timedelta(days=8), "Budget check-in", ["James Park"], kind="meeting"
                )
            plan.interaction(
                moment - timedelta(days=2),
                "Support escalation follow-up",
                ["Oliver Schmidt", "Grace Okafor"],
                kind="email",
                meaningful=number % 2 == 1,
            )
            plan.health(
                moment,
                licensed_seats=150,
                active_seats=112 + 2 * number,
                nps=32 + number,
                csat=84 + number % 3,
                open_tickets=max(2, 9 - number),
                escalations=1 if number in (2, 7) else 0,
            )
            plan.review("monthly", moment)
            if number % 3 == 0:
                qbr = plan.touchpoint(
                    moment - timedelta(days=10),
                    kind="qbr",
                    status="held",
                    title=f"QBR {number // 3}",
                    hosts=[kam, leader],
                    attendees=["Sarah Lin", "James Park", "Priya Desai"],
                    agenda="Adoption, value delivered, roadmap.",
                    proof_points="Order processing time down 38%.",
                    asks="Introduction to Engineering leadership.",
                    commitments="Share Analytics ROI case study.",
                )
                plan.review("quarterly", moment)
            if number == 2:
                plan.play(
                    "Platform renewal",
                    kind="renewal",
                    stage="idea",
                    target_arr=Decimal(180000),
                    customer_owner=plan.stakeholders["James Park"],
                    target_close_date=plan.objectives[
                        "Renew the Platform Agreement for three years before it ends"
                    ].due_date,
                    objective="Renew the Platform Agreement for three years before it ends",
                    stakeholders=[
                        ("James Park", "Economic Buyer"),
                        ("Nina Kowalski", "Procurement"),
                    ],
                )
                plan.risk(
                    "Champion overload: Sarah Lin carries too many projects",
                    "champion_departure",
                    probability=2,
                    impact=3,
                    arr_at_risk=Decimal(120000),
                    mitigation="Multithread: build ties with Marcus Weber and Oliver Schmidt.",
                    next_action="Sponsor lunch with James Park",
                    next_action_date=moment + timedelta(days=30),
                )
            if number == 3:
                plan.play(
                    "Analytics for Engineering",
                    kind="cross_sell",
                    stage="idea",
                    target_arr=Decimal(45000),
                    customer_owner=plan.stakeholders["Marcus Weber"],
                    target_close_date=date(2026, 9, 30),
                    objective=OBJECTIVE,
                    blocker="No access to the Engineering lead yet.",
                    dependencies="Row-level permissions in Analytics (roadmap).",
                    stakeholders=[
                        ("Sarah Lin", "Champion"),
                        ("Marcus Weber", "Decision maker"),
                        ("Priya Desai", "Technical evaluator"),
                    ],
                    cells=[("Engineering", "Analytics")],
                )
                plan.action(
                    NEXT_ACTION,
                    date(2026, 6, 15),
                    objective=OBJECTIVE,
                    play="Analytics for Engineering",
                    notes="Sarah agreed at the QBR to make the introduction.",
                )
                plan.follow_up(
                    qbr,
                    "Send Analytics ROI case study to Priya",
                    moment + timedelta(days=7),
                    play="Analytics for Engineering",
                )
                plan.risk(
                    "Procurement standardising on one vendor suite",
                    "procurement",
                    probability=2,
                    impact=2,
                    arr_at_risk=Decimal(60000),
                    mitigation="Show consolidated value; involve Nina Kowalski early.",
                )
            if number == 4:
                plan.complete("Send Analytics ROI case study to Priya", moment - timedelta(days=20))
                plan.move_play("Analytics for Engineering", "conversation")
                plan.move_play("Operations mobile rollout", "closing")
                executive_change = plan.trigger(
                    "executive_change",
                    moment - timedelta(days=6),
                    "Victor Hughes joined as CTO; Engineering reports to him.",
                )
            if number == 5:
                plan.handle(
                    executive_change, "Added Victor Hughes to the map; asked Priya for an intro."
                )
                plan.move_play("Operations mobile rollout", "won")
                plan.cell("Operations", catalog["Mobile"], "sold")
                plan.contract(
                    "Operations mobile order",
                    status="active",
                    arr=Decimal("18000"),
                    start_date=moment,
                    end_date=plan.master.end_date,
                    lines=[{"product": catalog["Mobile"], "quantity": 40, "arr": Decimal(18000)}],
                )
                plan.move_play("Platform renewal", "conversation")
            if number == 6:
                plan.change_stakeholder(
                    "Julia Rossi", status="left", notes="Left for a competitor's customer."
                )
                plan.action(
                    "Update org chart after Julia Rossi's departure", moment + timedelta(days=10)
                )
                plan.change_stakeholder("James Park", strength=2)
                plan.follow_up(qbr, "Send the adoption report to Sarah", moment + timedelta(days=5))
                plan.complete("Send the adoption report to Sarah", moment + timedelta(days=3))
            if number == 7:
                plan.complete("Update org chart after Julia Rossi's departure", moment)
                plan.move_play("Sales team platform seats", "lost")
                plan.play(
                    "Automation for Finance",
                    kind="cross_sell",
                    stage="idea",
                    target_arr=Decimal(25000),
                    customer_owner=plan.stakeholders["James Park"],
                    target_close_date=today + timedelta(days=200),
                    cells=[("Finance", "Automation")],
                )
                plan.cell("Engineering", catalog["Integrations Hub"], "evaluating")
            if number == 8:
                plan.move_play("Platform renewal", "opportunity")
                plan.play(
                    "Security & Compliance for IT",
                    kind="cross_sell",
                    stage="opportunity",
                    target_arr=Decimal(36000),
                    customer_owner=plan.stakeholders["Priya Desai"],
                    target_close_date=today + timedelta(days=40),
                    stakeholders=[("Priya Desai", "Technical buyer")],
                    cells=[("IT", "Security & Compliance")],
                )
                plan.risk(
                    "A competitor pitching Engineering directly",
                    "competitor",
                    probability=2,
                    impact=2,
                    arr_at_risk=Decimal(45000),
                    mitigation="Get the Engineering introduction; offer a scoped pilot.",
                )
            if number == 9:
                plan.follow_up(
                    qbr,
                    "Draft the renewal options for James Park",
                    today + timedelta(days=10),
                    play="Platform renewal",
                )
                plan.move_play("Security & Compliance for IT", "closing")
                plan.change_objective(OBJECTIVE, status="at_risk")
                plan.change_risk(
                    "Champion overload: Sarah Lin carries too many projects", status="mitigating"
                )
            if number == 10:
                plan.update_account(value_realised=Decimal("420000"))

    _now(plan, users, today)


def _next_quarter_end(today: date) -> date:
    quarter_start = date(today.year, (today.month - 1) // 3 * 3 + 1, 1)
    return add_months(quarter_start, 6) - timedelta(days=1)


def _now(plan: PlanBuilder, users, today: date) -> None:
    """The last few days: this week's upkeep and what is coming."""
    kam, leader, contributor = users["kam"], users["leader"], users["contributor"]
    with clock.travel(on(today - timedelta(days=3))):
        plan.trigger(
            "funding_round",
            today - timedelta(days=12),
            "NovaTech raised a $40M growth round led by its PE sponsor.",
        )
        plan.risk(
            "Renewal inside a quarter with no agreed pricing",
            "renewal_gap",
            probability=3,
            impact=3,
            arr_at_risk=Decimal(180000),
            mitigation="Send the 3-year proposal; line up James Park with our sponsor.",
            next_action="Send renewal proposal",
            next_action_date=today + timedelta(days=14),
        )
        # The Engineering deal slipped past Q3: re-dated to the end of next quarter.
        play = plan.plays["Analytics for Engineering"]
        plan.plays[play.name] = services.update(
            play, by=kam, version=play.version, target_close_date=_next_quarter_end(today)
        )
        plan.action(
            "Prepare the 3-year renewal proposal",
            today + timedelta(days=20),
            play="Platform renewal",
        )
        plan.action("Agree the QBR agenda with Sarah", today + timedelta(days=5))
        plan.action(
            "Complete the IT security questionnaire",
            today - timedelta(days=3),
            owner=contributor,
            play="Security & Compliance for IT",
        )
        plan.touchpoint(
            today + timedelta(days=21),
            kind="qbr",
            title="Q4 QBR: renewal and Engineering expansion",
            hosts=[kam, leader, contributor],
            attendees=["Sarah Lin", "James Park", "Priya Desai"],
            agenda="Value delivered this year; renewal; Analytics for Engineering.",
            proof_points="Order processing time down 38%; 131 of 150 seats active.",
            asks="Introduction to Marcus Weber; a 3-year renewal commitment.",
        )
        plan.touchpoint(
            today + timedelta(days=45),
            kind="sponsor",
            title="Sponsor dinner",
            hosts=[leader],
            attendees=["James Park"],
        )
        plan.resource(
            "Analytics pilot for Engineering",
            "se_hours",
            year=today.year,
            quarter=(today.month - 1) // 3 + 1,
            requested=40,
            committed=24,
            status="committed",
            owner=contributor,
        )
        plan.resource(
            "Adoption programme for Operations",
            "cs_hours",
            year=today.year,
            quarter=(today.month - 1) // 3 + 1,
            requested=30,
            committed=30,
            delivered=18,
            status="committed",
        )
        plan.resource(
            "Executive sponsor time",
            "exec_hours",
            year=today.year + 1,
            quarter=1,
            requested=6,
            owner=leader,
        )
        plan.resource(
            "Case study with NovaTech Operations",
            "marketing",
            year=today.year + 1,
            quarter=1,
            requested=5000,
        )
        plan.resource(
            "Row-level permissions in Analytics",
            "roadmap",
            year=today.year + 1,
            quarter=2,
            notes="Engineering will not adopt Analytics without it.",
        )
        plan.change_stakeholder(
            "Sarah Lin",
            next_interaction_date=today + timedelta(days=2),
            next_interaction_plan="Ask again for the Engineering introduction.",
        )
        plan.review("weekly", today - timedelta(days=3))
