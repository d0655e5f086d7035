"""A CRM export as keyplan reads it, whatever the vendor: accounts, contacts, deals,
contact roles, products, line items and activities, each already checked, mapped to
keyplan's fields and cut down to the chosen key accounts.

Each vendor's reader (salesforce/, hubspot/) fills an `Export`; apply.py writes it. Every record
keeps its `place` (file, object, row, columns), so a rule broken while writing is
reported at the cell it came from. `values` hold only what the CRM says: a blank
in the CRM is left out, so it never erases what keyplan holds.
"""

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from keyplan.exchange.crm.files import Place
from keyplan.exchange.problems import Problem

OPEN, WON, LOST = "open", "won", "lost"
SALESFORCE_NAMES = {
    "account": "Account",
    "contact": "Contact",
    "deal": "Opportunity",
    "role": "OpportunityContactRole",
    "product": "Product2",
    "line": "OpportunityLineItem",
    "user": "User",
    "case": "Case",
}


@dataclass
class Record:
    crm_id: str
    place: Place
    values: dict = field(default_factory=dict)  # keyplan field -> value


@dataclass
class Account(Record):
    name: str = ""
    parent_id: str = ""
    owner_id: str = ""
    relationship: str = ""  # customer or prospect, when the CRM says
    city: str = ""  # to tell same-named accounts apart


@dataclass
class Contact(Record):
    account_id: str = ""
    name: str = ""
    email: str = ""
    reports_to_id: str = ""
    owner_id: str = ""  # the CRM user who holds the relationship


@dataclass
class Deal(Record):
    """An opportunity or deal; `values` hold the play's fields."""

    account_id: str = ""
    name: str = ""
    status: str = OPEN
    amount: Decimal | None = None
    close_date: date | None = None
    owner_id: str = ""
    contact_ids: list[str] = field(default_factory=list)  # associated without a role


@dataclass
class DealRole:
    deal_id: str
    contact_id: str
    role: str  # as the CRM words it: the play stakeholder's role hint
    place: Place
    buying_role: str = ""  # what it suggests for a new stakeholder (relationships.BuyingRole)


@dataclass
class Product(Record):
    name: str = ""


@dataclass
class Line:
    deal_id: str
    product_id: str
    quantity: int
    arr: Decimal
    place: Place


@dataclass
class Activity(Record):
    account_id: str = ""
    contact_ids: list[str] = field(default_factory=list)
    owner_id: str = ""


@dataclass
class SupportCase(Record):
    """An open support case: it counts in the account's health signals."""

    account_id: str = ""
    number: str = ""
    subject: str = ""
    escalated: bool = False


@dataclass
class Owner:
    """A CRM user, found in keyplan by email or login."""

    email: str = ""
    login: str = ""
    name: str = ""


@dataclass
class Export:
    vendor: str  # accounts.Source: salesforce, hubspot
    label: str  # Salesforce, HubSpot
    name: str  # the folder, zip or files
    files: list[str]
    normal: Callable[[str], str | None]  # a stored CRM id in the export's form, or None
    accounts: list[Account] = field(default_factory=list)  # the chosen ones
    contacts: list[Contact] | None = None  # None: the export has no such file
    deals: list[Deal] | None = None
    roles: list[DealRole] = field(default_factory=list)
    products: list[Product] = field(default_factory=list)
    lines: list[Line] = field(default_factory=list)
    activities: list[Activity] | None = None
    cases: list[SupportCase] | None = None  # the open ones
    children: dict[str, list[tuple[str, str]]] = field(default_factory=dict)  # id -> (id, name)
    owners: dict[str, Owner] = field(default_factory=dict)
    read: Counter = field(default_factory=Counter)  # rows per object
    skipped: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    objects: list[str] = field(default_factory=list)  # in the order they are reported
    # The vendor's name for each kind of record (Salesforce's Opportunity is a deal).
    names: dict[str, str] = field(default_factory=lambda: dict(SALESFORCE_NAMES))
    missing: list[str] = field(default_factory=list)  # what the export lacks, for the report
    warnings: list[Problem] = field(default_factory=list)  # values left out, rows skipped

    def skip(self, object_name: str, reason: str, count: int = 1) -> None:
        if count:
            self.skipped[object_name][reason] += count


@dataclass
class AccountChoice:
    """An account of an export as the web import offers it to choose."""

    crm_id: str
    name: str
    city: str = ""
    owner: str = ""  # the CRM user's name or email
    contacts: int = 0
    open_deals: int = 0
    won_deals: int = 0


def account_choices(export: Export) -> list[AccountChoice]:
    """The accounts of `export` (read with every account chosen) as the web import
    offers them: where each is, who owns it, its contacts and open and won deals."""
    contacts: Counter[str] = Counter(c.account_id for c in export.contacts or ())
    open_deals: Counter[str] = Counter()
    won_deals: Counter[str] = Counter()
    for deal in export.deals or ():
        if deal.status == OPEN:
            open_deals[deal.account_id] += 1
        elif deal.status == WON:
            won_deals[deal.account_id] += 1
    found = []
    for account in export.accounts:
        owner = export.owners.get(account.owner_id)
        found.append(
            AccountChoice(
                account.crm_id,
                account.name,
                city=account.city,
                owner=(owner.name or owner.email) if owner else "",  # Salesforce: User.csv
                contacts=contacts[account.crm_id],
                open_deals=open_deals[account.crm_id],
                won_deals=won_deals[account.crm_id],
            )
        )
    return sorted(found, key=lambda c: (c.name.lower(), c.city.lower(), c.crm_id))


def choose(
    names: str | None, accounts: dict[str, str], normal: Callable[[str], str | None],
    *, exact: Iterable[str] = (),
) -> tuple[list[str], list[str]]:  # fmt: skip
    """The ids of the accounts `names` picks ("A,B,..." by name, any case, or CRM id,
    which `normal` turns into the form `accounts` uses) out of `accounts` (id ->
    name), with those `exact` names whole; and the names that matched nothing. A
    name picks every account of that name.

    Names may hold commas ("Johnson, Avery and Smith"): the longest run of
    comma-separated parts that is an account's name wins."""
    by_name: dict[str, list[str]] = defaultdict(list)
    for crm_id, name in accounts.items():
        by_name[name.strip().lower()].append(crm_id)
    chosen: list[str] = []
    unknown: list[str] = []
    for text in exact:
        given = normal(text.strip())
        if text.strip().lower() in by_name:
            chosen += by_name[text.strip().lower()]
        elif given is not None and given in accounts:
            chosen.append(given)
        else:
            unknown.append(text.strip())
    parts = (names or "").split(",") if names else []
    start = 0
    while start < len(parts):
        for end in range(len(parts), start, -1):
            text = ",".join(parts[start:end]).strip()
            if text.lower() in by_name:
                chosen += by_name[text.lower()]
                start = end
                break
            if end == start + 1:
                given = normal(text)
                if given is not None and given in accounts:
                    chosen.append(given)
                elif text:
                    unknown.append(text)
                start = end
    return list(dict.fromkeys(chosen)), unknown
