"""The demo portfolio: 25 key accounts over three tiers, their people and a year
of plan upkeep, deterministic for a given seed.

NovaTech (novatech.py) is the field's sample plan; the other 24 accounts are drawn
from the vocabulary with a seeded random generator and built the same way,
through the services, month by month over the past year.
"""

import random
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction

from keyplan.accounts import handoff
from keyplan.accounts import services as account_services
from keyplan.accounts.models import Account, SelectionCriterion
from keyplan.core import clock, services
from keyplan.demo import novatech
from keyplan.demo.builder import on
from keyplan.demo.drawn import PortfolioBuilder
from keyplan.demo.vocabulary import (
    CATALOG,
)
from keyplan.growth.models import Product
from keyplan.insights.stored import keep as stored_figures
from keyplan.team import services as team_services
from keyplan.team.models import Organisation, PlanVisibility, Role, Team, User

PASSWORD = "keyplan-demo"

# username, role, first name, last name, job title; the first six are the personas.
USERS = [
    ("admin", Role.ADMIN, "Ada", "Reyes", "RevOps administrator"),
    ("leader", Role.LEADER, "Lena", "Hartmann", "VP Sales"),
    ("kam", Role.KAM, "Alex", "Morgan", "Account executive"),
    ("contributor", Role.CONTRIBUTOR, "Casey", "Nguyen", "Solution engineer"),
    ("viewer", Role.VIEWER, "Val", "Brennan", "Finance partner"),
    ("outsider", Role.KAM, "Omar", "Fontaine", "Account executive, public sector"),
    ("maria", Role.KAM, "Maria", "Santos", "Key account manager"),
    ("dev", Role.KAM, "Dev", "Raman", "Key account manager"),
    ("jonas", Role.KAM, "Jonas", "Berg", "Key account manager"),
    ("sam", Role.CONTRIBUTOR, "Sam", "Okoro", "Customer success manager"),
]
PERSONAS = ("admin", "leader", "kam", "contributor", "viewer", "outsider")
PERSONA_NOTES = {
    "admin": "administrator: users, catalog, settings",
    "leader": "sales leader: every account",
    "kam": "key account manager: owns NovaTech",
    "contributor": "on NovaTech's account team",
    "viewer": "read-only on NovaTech",
    "outsider": "on no account team: sees no private plan",
}

# name, industry, tier, relationship, owner
ACCOUNTS = [
    ("Meridian Health Systems", "Healthcare", 1, "customer", "maria"),
    ("Cobalt Freight", "Logistics", 1, "customer", "dev"),
    ("Northwind Bank", "Financial Services", 1, "customer", "jonas"),
    ("Helix Pharma", "Pharmaceuticals", 1, "customer", "maria"),
    ("Granite Manufacturing", "Manufacturing", 1, "customer", "kam"),
    ("Orion Telecom", "Telecommunications", 2, "customer", "dev"),
    ("Evergreen Retail Group", "Retail", 2, "customer", "jonas"),
    ("Tidal Energy", "Energy", 2, "customer", "maria"),
    ("Summit Insurance", "Insurance", 2, "customer", "dev"),
    ("Lumen Media", "Media", 2, "customer", "kam"),
    ("Redwood Software", "Software", 2, "customer", "jonas"),
    ("Kestrel Aerospace Components", "Manufacturing", 2, "customer", "maria"),
    ("Borealis Utilities", "Energy", 2, "customer", "dev"),
    ("Pinnacle Credit Union", "Financial Services", 3, "customer", "jonas"),
    ("Juniper Clinics", "Healthcare", 3, "customer", "maria"),
    ("Quanta Robotics", "Manufacturing", 3, "customer", "kam"),
    ("Willow Grocers", "Retail", 3, "customer", "dev"),
    ("Vertex Cloud", "Software", 3, "customer", "jonas"),
    ("Apex Shipping", "Logistics", 3, "customer", "maria"),
    ("Fulcrum Reinsurance", "Insurance", 3, "customer", "dev"),
    ("Zephyr Mobile", "Telecommunications", 3, "customer", "kam"),
    ("City of Eastbrook", "Public Sector", 3, "prospect", "jonas"),
    ("Yarrow Biotech", "Pharmaceuticals", 3, "prospect", "maria"),
    ("Delta Publishing", "Media", 3, "prospect", "dev"),
]


@dataclass
class Summary:
    accounts: int
    users: list[tuple[str, str]]


def build_novatech() -> dict[str, User]:
    """Only NovaTech (with the users and the catalog): a small plan for page tests."""
    users = create_users()
    novatech.build(users, create_catalog(users["admin"]))
    return users


@transaction.atomic
def build(seed: int = 2026) -> Summary:
    """Write the demo portfolio into an empty database."""
    if Account.objects.exists():
        raise ValueError("The database already holds accounts; the demo needs an empty one.")
    rng = random.Random(seed)
    users = create_users()
    organisation = Organisation.current()
    services.update(
        organisation,
        by=users["admin"],
        version=organisation.version,
        name="Acme Cloud",
        plan_visibility=PlanVisibility.ACCOUNT_TEAM,
    )
    # Each plan's stored figures computed once, when it is written whole.
    with stored_figures.batched():
        products = create_catalog(users["admin"])
        novatech.build(users, products)
        portfolio = PortfolioBuilder(rng, users, products)
        for spec in ACCOUNTS:
            portfolio.account(*spec)
        _score(rng, users["leader"])
        _hand_over(users)
    return Summary(
        accounts=Account.objects.count(),
        users=[(name, PERSONA_NOTES[name]) for name in PERSONAS],
    )


def _hand_over(users: dict[str, User]) -> None:
    """One recent handoff, so the demo shows a brief: Jonas's credit union goes to Dev."""
    account = Account.objects.get(name="Pinnacle Credit Union")
    with clock.travel(on(clock.today() - timedelta(days=12))):
        handoff.hand_over(
            account,
            users["dev"],
            by=users["leader"],
            version=account.version,
            move=["actions", "relationships"],
            note="Jonas moves to the public sector team; the renewal talks are yours now.",
        )


def create_users() -> dict[str, User]:
    """The demo's users (the personas and the other KAMs) and their sales teams."""
    users = {}
    for username, role, first, last, title in USERS:
        users[username] = team_services.create_user(
            by=None,
            username=username,
            password=PASSWORD,
            role=role,
            first_name=first,
            last_name=last,
            title=title,
            email=f"{username}@acme-cloud.example",
            check_password=False,
        )
    strategic = Team.objects.create(
        name="Strategic Accounts", leader=users["leader"], description="Tier 1 and 2 accounts."
    )
    strategic.members.set([users["kam"], users["maria"], users["contributor"], users["sam"]])
    growth = Team.objects.create(name="Growth Accounts", leader=users["leader"])
    growth.members.set([users["dev"], users["jonas"]])
    return users


def create_catalog(admin: User) -> list[Product]:
    """The product catalog, dated before any plan."""
    with clock.travel(on(clock.today() - timedelta(days=400))):
        return [
            services.create(
                Product,
                by=admin,
                name=name,
                family=family,
                list_price=price,
                description=description,
                position=position,
            )
            for position, (name, family, price, description) in enumerate(CATALOG)
        ]


def _score(rng: random.Random, leader: User) -> None:
    criteria = list(SelectionCriterion.objects.all())
    for account in Account.objects.all():
        base = {1: 4, 2: 3, 3: 2}[account.tier]
        for criterion in criteria:
            value = max(1, min(5, base + rng.choice([-1, 0, 0, 1])))
            account_services.score(account, criterion, value, by=leader)
