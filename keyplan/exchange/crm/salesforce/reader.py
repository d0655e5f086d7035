"""Salesforce's Data Export (a folder or zip of one CSV file per object) read into a
CRM export for crm/apply.py: Account, Contact and Opportunity, and where present
OpportunityContactRole, Product2, OpportunityLineItem, User, Task and Event.

Accounts become plan profiles (billing address as headquarters, ParentId as the
parent or the subsidiaries), contacts stakeholders (ReportsToId as the reporting
line), open opportunities growth plays (stage mapped, probability kept), won ones
contracts and revenue by year, contact roles the plays' stakeholders with their
role hints, products the catalog, tasks and events interactions. Ids are accepted
in their 15- and 18-character forms and kept as 18. Only the rows of the chosen
key accounts are read past their ids; custom `__c` columns are ignored unless
mapped (--map).
"""

import json
from collections import Counter
from decimal import Decimal

from keyplan.accounts.models import Account, Relationship, Source
from keyplan.exchange.crm.files import (
    CsvTable,
    Email,
    Limited,
    Moment,
    Percent,
    Place,
    Website,
    base_name,
    kind_for,
    parse,
    read_table,
    refuse,
)
from keyplan.exchange.crm.reader import YES, VendorReader, deal_status, fill_from
from keyplan.exchange.crm.records import (
    WON,
    AccountChoice,
    Activity,
    Contact,
    Deal,
    DealRole,
    Export,
    Line,
    Owner,
    Product,
    SupportCase,
)
from keyplan.exchange.crm.records import Account as CrmAccount
from keyplan.exchange.crm.salesforce.terms import (
    ACCOUNT_PREFIX,
    ACTIVITY_KINDS,
    CONTACT_PREFIX,
    LEAD_PREFIX,
    OPPORTUNITY_PREFIX,
    OWNERSHIP,
    ROLES,
    normal_id,
    stage_of,
)
from keyplan.exchange.values import Integer, Money, Number, Text, YesNo
from keyplan.growth.models import Play
from keyplan.growth.models import Product as CatalogProduct
from keyplan.relationships.models import InteractionKind, Stakeholder

LABEL = "Salesforce"
OBJECTS = (
    "Account",
    "Contact",
    "Opportunity",
    "OpportunityContactRole",
    "Product2",
    "OpportunityLineItem",
    "PricebookEntry",
    "User",
    "Task",
    "Event",
    "Case",
)
REQUIRED = {
    "Account": ("Id", "Name"),
    "Contact": ("Id", "AccountId", ("LastName", "Name")),
    "Opportunity": ("Id", "AccountId", "Name", "StageName"),
    "OpportunityContactRole": ("OpportunityId", "ContactId"),
    "Product2": ("Id", "Name"),
    "OpportunityLineItem": ("OpportunityId", ("Product2Id", "PricebookEntryId")),
    "PricebookEntry": ("Id", "Product2Id"),
    "User": ("Id", ("Email", "Username")),
    "Task": ("Id",),
    "Event": ("Id",),
    "Case": ("Id", "AccountId"),
}


class SalesforceReader(VendorReader):
    label = LABEL
    vendor = Source.SALESFORCE
    mapped_objects = {"Account": Account, "Contact": Stakeholder, "Opportunity": Play}
    normal_id = staticmethod(normal_id)
    # Data Export writes an empty reference as the null id, not as an empty cell.
    empty_ids = frozenset({"000000000000000AAA", "000000000000000"})

    def read(self) -> Export:
        self._load(OBJECTS)
        export = self.export
        # A price book only leads line items to their products: it is not reported.
        export.objects = [o for o in OBJECTS if o in self.tables and o != "PricebookEntry"]
        export.missing = [f"{o}.csv" for o in ("Contact", "Opportunity") if o not in self.tables]
        self._users()
        self._accounts()
        self._contacts()
        self._opportunities()
        self._roles()
        self._lines_and_products()
        self._activities()
        self._cases()
        self.problems.check()
        export.warnings = self.problems.warnings
        return export

    def _load(self, objects: tuple[str, ...]) -> None:
        """Read and check the files of `objects` that the export has; refuses the
        import on a structural problem."""
        by_name = {base_name(f).lower(): f for f in self.files}
        if "account" not in by_name:
            refuse(
                self.name,
                "there is no Account.csv here; is this a Salesforce Data Export "
                "(the folder or .zip of CSV files it sends)?",
            )
        self.tables: dict[str, CsvTable] = {}
        for object_name in objects:
            file = by_name.get(object_name.lower())
            if file is None:
                continue
            table = read_table(file, object_name)
            if table.require(self.problems, *REQUIRED[object_name]):
                self.tables[object_name] = table
            self.export.read[object_name] = len(table.rows)
        self.problems.check()

    def choices(self) -> list[AccountChoice]:
        """The export's accounts as the web import offers them to choose: where each
        is, who owns it, how many contacts and open and won opportunities it has."""
        self._load(("Account", "Contact", "Opportunity", "User"))
        self._users()
        table = self.tables["Account"]
        rows = dict(table.rows)
        contacts: Counter[str] = Counter()
        if "Contact" in self.tables:
            people = self.tables["Contact"]
            live = dict(people.rows)
            for number, account in self.ids(people, "AccountId").items():
                contacts[account] += not self._deleted(people, live[number])
        open_deals: Counter[str] = Counter()
        won_deals: Counter[str] = Counter()
        if "Opportunity" in self.tables:
            deals = self.tables["Opportunity"]
            live = dict(deals.rows)
            for number, account in self.ids(deals, "AccountId").items():
                values = live[number]
                if self._deleted(deals, values):
                    continue
                won_deals[account] += self._yes(deals, values, "IsWon")
                open_deals[account] += not self._yes(deals, values, "IsClosed")
        found = []
        for number, crm_id in self.ids(table, "Id", unique=True).items():
            values = rows[number]
            name = table.value(values, "Name")
            if not name or self._deleted(table, values):
                continue
            owner = self.export.owners.get(self._owner(table, values))
            found.append(
                AccountChoice(
                    crm_id,
                    name,
                    city=self._city(table, values),
                    owner=(owner.name or owner.email) if owner else "",
                    contacts=contacts[crm_id],
                    open_deals=open_deals[crm_id],
                    won_deals=won_deals[crm_id],
                )
            )
        return sorted(found, key=lambda c: (c.name.lower(), c.city.lower(), c.crm_id))

    def _yes(self, table: CsvTable, values, header: str) -> bool:
        try:
            return bool(YES.parse(table.value(values, header)))
        except ValueError:
            return False

    def _city(self, table: CsvTable, values) -> str:
        city = table.value(values, "BillingCity")
        if not city and table.value(values, "BillingAddress"):
            try:
                address = json.loads(table.value(values, "BillingAddress"))
                city = str(address.get("city") or "") if isinstance(address, dict) else ""
            except ValueError:
                city = ""
        return city

    def _deleted(self, table: CsvTable, values) -> bool:
        column = table.first("IsDeleted")
        try:
            return bool(column and YES.parse(table.value(values, column)))
        except ValueError:
            return False

    # ---- objects

    def _users(self) -> None:
        table = self.tables.get("User")
        if table is None:
            return
        rows = dict(table.rows)
        for number, crm_id in self.ids(table, "Id", unique=True).items():
            values = rows[number]
            name = " ".join(
                filter(None, (table.value(values, "FirstName"), table.value(values, "LastName")))
            ) or table.value(values, "Name")
            self.export.owners[crm_id] = Owner(
                email=table.value(values, "Email"),
                login=table.value(values, "Username"),
                name=name,
            )

    def _accounts(self) -> None:
        table = self.tables["Account"]
        export = self.export
        ids = self.ids(table, "Id", unique=True)
        parents = self.ids(table, "ParentId")
        rows = dict(table.rows)
        names, live = {}, {}
        for number in sorted(rows.keys() - ids.keys()):
            if not table.value(rows[number], "Id"):
                self.skip_row(table, number, "Id is required", "Id")
        for number, crm_id in ids.items():
            values = rows[number]
            if self._deleted(table, values):
                export.skip("Account", "deleted in Salesforce")
                continue
            name = table.value(values, "Name")
            if not name:
                self.skip_row(table, number, "Name is required", "Name")
                continue
            names[crm_id], live[crm_id] = name, number
        chosen = self.chosen_accounts(table, names, live, parents, "accounts")
        self.account_ids = set(ids.values())
        self.chosen_ids = chosen
        columns = [
            ("Industry", "industry", kind_for(Account, "industry")),
            ("AnnualRevenue", "annual_revenue", Money()),
            ("NumberOfEmployees", "employees", Integer(low=0)),
            ("Website", "website", Website()),
            *self.mapped(table, "Account"),
        ]
        for crm_id, number in live.items():
            if crm_id not in chosen:
                continue
            values = rows[number]
            read, place = parse(table, self.problems, number, values, columns)
            place.cells.setdefault("name", table.cell("Name"))
            read["name"] = names[crm_id]
            headquarters = self._address(table, values, place)
            if headquarters:
                read["headquarters"] = headquarters[:200]
                place.cells["headquarters"] = table.cell(
                    table.first("BillingCity", "BillingAddress", "BillingStreet") or table.header[0]
                )
            ownership = OWNERSHIP.get(table.value(values, "Ownership").lower())
            if ownership and "ownership" not in read:
                read["ownership"] = ownership
            account_type = table.value(values, "Type").lower()
            relationship = (
                Relationship.CUSTOMER
                if account_type.startswith("customer")
                else Relationship.PROSPECT
                if account_type.startswith("prospect")
                else ""
            )
            parent = parents.get(number, "")
            if table.has("ParentId"):
                place.cells["parent"] = table.cell("ParentId")
            if parent and parent not in self.account_ids:
                self.nowhere(table, number, "ParentId", parent, "account in Account.csv")
                parent = ""
            export.accounts.append(
                CrmAccount(
                    crm_id,
                    place,
                    read,
                    name=names[crm_id],
                    parent_id=parent,
                    owner_id=self._owner(table, values),
                    relationship=read.pop("relationship", relationship),
                )
            )

    def _owner(self, table: CsvTable, values) -> str:
        raw = table.value(values, "OwnerId")
        if raw in self.empty_ids:
            return ""
        try:
            return normal_id(raw) if raw else ""
        except ValueError:
            return ""

    def _address(self, table: CsvTable, values, place: Place) -> str:
        parts = {
            key: table.value(values, f"Billing{key}")
            for key in ("Street", "City", "State", "PostalCode", "Country")
        }
        if not any(parts.values()):
            compound = table.value(values, "BillingAddress")
            if not compound:
                return ""
            try:
                address = json.loads(compound)
                if not isinstance(address, dict):
                    raise ValueError
            except ValueError:
                place.cells["headquarters"] = table.cell("BillingAddress")
                message = (
                    "BillingAddress is not a compound address (a JSON object); it is left out, "
                    "and kept in the CRM notes."
                )
                place.leave_out(self.problems, message, "headquarters", compound)
                return ""
            keys = {"Street": "street", "City": "city", "State": "state"}
            keys |= {"PostalCode": "postalCode", "Country": "country"}
            parts = {k: str(address.get(v) or "").strip() for k, v in keys.items()}
        region = " ".join(filter(None, (parts["State"], parts["PostalCode"])))
        lines = (parts["Street"].replace("\n", ", "), parts["City"], region, parts["Country"])
        return ", ".join(filter(None, lines))

    def _placed(self, object_name: str, table: CsvTable, account_ids: dict[int, str]):
        """The rows of `table` on a chosen account, skipping (and counting) the rest."""
        export = self.export
        for number, values in table.rows:
            if self._deleted(table, values):
                export.skip(object_name, "deleted in Salesforce")
                continue
            account = account_ids.get(number)
            if not account:
                export.skip(object_name, "without an account")
            elif account in self.chosen_ids:
                yield number, values, account
            elif account not in self.account_ids and self.everything:
                self.nowhere(
                    table, number, "AccountId", account, "account in Account.csv", skipped=True
                )
            else:
                export.skip(object_name, "of accounts not chosen")

    def _contacts(self) -> None:
        table = self.tables.get("Contact")
        self.contact_accounts: dict[str, str] = {}
        if table is None:
            return
        export = self.export
        export.contacts = []
        ids = self.ids(table, "Id", unique=True)
        accounts = self.ids(table, "AccountId")
        managers = self.ids(table, "ReportsToId")
        self.contact_accounts = {ids[n]: accounts.get(n, "") for n in ids}
        columns = [
            ("Title", "title", kind_for(Stakeholder, "title")),
            ("Department", "department", kind_for(Stakeholder, "department")),
            ("Email", "email", Email()),
            ("Phone", "phone", kind_for(Stakeholder, "phone")),
            ("MobilePhone", "mobile", kind_for(Stakeholder, "phone")),
            *self.mapped(table, "Contact"),
        ]
        name_column = table.one_of("Name", "LastName")
        for number, values, account in self._placed("Contact", table, accounts):
            if self.without_id(table, number, values, ids, "Id"):
                continue
            read, place = parse(table, self.problems, number, values, columns)
            fill_from(read, place, "phone", "mobile")
            name = " ".join(
                filter(None, (table.value(values, "FirstName"), table.value(values, "LastName")))
            ) or table.value(values, "Name")
            place.cells["name"] = table.cell(name_column)
            if not name:
                self.skip_row(table, number, "the contact has no name", name_column)
                continue
            manager = managers.get(number, "")
            if manager and manager not in self.contact_accounts:
                self.nowhere(table, number, "ReportsToId", manager, "contact in Contact.csv")
                manager = ""
            place.cells.setdefault("reports_to", table.cell(table.first("ReportsToId") or "Id"))
            export.contacts.append(
                Contact(
                    ids[number],
                    place,
                    read,
                    account_id=account,
                    name=name[:120],
                    email=read.get("email", ""),
                    reports_to_id=manager,
                    owner_id=self._owner(table, values),
                )
            )

    def _opportunities(self) -> None:
        table = self.tables.get("Opportunity")
        self.deal_accounts: dict[str, str] = {}
        self.chosen_deals: dict[str, Deal] = {}
        if table is None:
            return
        export = self.export
        deals: list[Deal] = []
        export.deals = deals
        ids = self.ids(table, "Id", unique=True)
        accounts = self.ids(table, "AccountId")
        self.deal_accounts = {ids[n]: accounts.get(n, "") for n in ids}
        columns = [
            ("Amount", "target_arr", Money()),
            ("Probability", "probability", Percent()),
            ("CloseDate", "target_close_date", Moment()),
            ("Description", "description", kind_for(Play, "description")),
            *self.mapped(table, "Opportunity"),
        ]
        for number, values, account in self._placed("Opportunity", table, accounts):
            if self.without_id(table, number, values, ids, "Id"):
                continue
            read, place = parse(table, self.problems, number, values, columns)
            found = self.deal_name_and_flags(
                table, values, place, name="Name", stage="StageName", won="IsWon",
                closed="IsClosed", flags="IsClosed or IsWon",
            )  # fmt: skip
            if found is None:
                continue
            name, won, closed = found
            stage = stage_of(
                table.value(values, "StageName"),
                table.value(values, "ForecastCategoryName")
                or table.value(values, "ForecastCategory"),
                read.get("probability"),
            )
            status, read["stage"] = deal_status(stage, won, closed)
            self.deal_kind(table, values, read, place, "Type")
            deal = Deal(
                ids[number],
                place,
                read,
                account_id=account,
                name=name[:200],
                status=status,
                amount=read.get("target_arr"),
                close_date=read.get("target_close_date"),
                owner_id=self._owner(table, values),
            )
            if self.add_deal(deals, deal, place, "a won opportunity needs its CloseDate."):
                self.chosen_deals[deal.crm_id] = deal

    def _roles(self) -> None:
        table = self.tables.get("OpportunityContactRole")
        if table is None:
            return
        deals = self.ids(table, "OpportunityId")
        contacts = self.ids(table, "ContactId")
        for number, values in table.rows:
            if self._deleted(table, values):
                self.export.skip("OpportunityContactRole", "deleted in Salesforce")
                continue
            deal, contact = deals.get(number), contacts.get(number)
            if deal not in self.chosen_deals:
                if deal and deal not in self.deal_accounts and self.everything:
                    self.nowhere(table, number, "OpportunityId", deal, "opportunity", skipped=True)
                else:
                    self.export.skip("OpportunityContactRole", "of opportunities not imported")
                continue
            if not contact or contact not in self.contact_accounts:
                if contact and self.contact_accounts:
                    self.nowhere(
                        table, number, "ContactId", contact, "contact in Contact.csv", skipped=True
                    )
                else:
                    self.export.skip("OpportunityContactRole", "without a contact")
                continue
            if self.contact_accounts[contact] != self.chosen_deals[deal].account_id:
                self.export.skip("OpportunityContactRole", "with a contact of another account")
                continue
            place = Place(table.file, table.object, number)
            if table.has("Role"):
                place.cells["role_hint"] = table.cell("Role")
            role = table.value(values, "Role")
            self.export.roles.append(
                DealRole(deal, contact, role, place, ROLES.get(role.lower(), ""))
            )

    def _lines_and_products(self) -> None:
        items, catalog = self.tables.get("OpportunityLineItem"), self.tables.get("Product2")
        export = self.export
        product_rows: dict[str, int] = {}
        if catalog is not None:
            product_rows = {v: k for k, v in self.ids(catalog, "Id", unique=True).items()}
        wanted: set[str] = set()
        if items is not None:
            deals = self.ids(items, "OpportunityId")
            product_of = self._line_products(items)
            for number, values in items.rows:
                deal = self.chosen_deals.get(deals.get(number, ""))
                if self._deleted(items, values):
                    export.skip("OpportunityLineItem", "deleted in Salesforce")
                elif deal is None or deal.status != WON:
                    export.skip("OpportunityLineItem", "of opportunities not won or not imported")
                elif catalog is None:
                    export.skip("OpportunityLineItem", "with no Product2.csv to name the product")
                elif (product := product_of(number)) is None:
                    continue  # skipped, with a warning
                elif product not in product_rows:
                    column = items.first("Product2Id") or "PricebookEntryId"
                    target = "product in Product2.csv"
                    self.nowhere(items, number, column, product, target, skipped=True)
                else:
                    columns = [
                        ("Quantity", "quantity", Number()),
                        ("TotalPrice", "arr", Money()),
                    ]
                    read, place = parse(items, self.problems, number, values, columns)
                    quantity = read.get("quantity")
                    quantity = 1 if quantity is None else max(int(quantity.to_integral_value()), 1)
                    arr = read.get("arr") or Decimal(0)
                    export.lines.append(Line(deal.crm_id, product, quantity, arr, place))
                    wanted.add(product)
        if catalog is None:
            return
        rows = dict(catalog.rows)
        columns = [
            ("Family", "family", kind_for(CatalogProduct, "family")),
            ("Description", "description", kind_for(CatalogProduct, "description")),
            ("IsActive", "active", YesNo()),
        ]
        for crm_id, number in product_rows.items():
            if crm_id not in wanted:
                export.skip("Product2", "not on a won opportunity of a chosen account")
                continue
            values = rows[number]
            read, place = parse(catalog, self.problems, number, values, columns)
            name = catalog.value(values, "Name")
            place.cells["name"] = catalog.cell("Name")
            if not name:
                self.skip_row(catalog, number, "Name is required", "Name")
                continue
            read["name"] = name[:120]
            export.products.append(Product(crm_id, place, read, name=name[:120]))

    def _line_products(self, items: CsvTable):
        """How to find a line item's product: its Product2Id, or in older orgs'
        exports (which lack that column) its PricebookEntryId looked up in
        PricebookEntry.csv. The finder returns None, having warned, when neither
        leads to a product id."""
        products = self.ids(items, "Product2Id")
        entries = self.ids(items, "PricebookEntryId")
        book = self.tables.get("PricebookEntry")
        entry_products: dict[str, str] = {}
        if book is not None:
            book_products = self.ids(book, "Product2Id")
            for number, entry in self.ids(book, "Id", unique=True).items():
                if number in book_products:
                    entry_products[entry] = book_products[number]

        def product_of(number: int) -> str | None:
            if number in products:
                return products[number]
            entry = entries.get(number)
            if entry is None:
                self.skip_row(items, number, "Product2Id is required", items.first("Product2Id"))
            elif book is None:
                self.skip_row(
                    items, number, "there is no Product2Id, and no PricebookEntry.csv to find "
                    "the product of its PricebookEntryId", "PricebookEntryId",
                )  # fmt: skip
            elif entry not in entry_products:
                target = "price book entry in PricebookEntry.csv"
                self.nowhere(items, number, "PricebookEntryId", entry, target, skipped=True)
            else:
                return entry_products[entry]
            return None

        return product_of

    def _activities(self) -> None:
        export = self.export
        for object_name in ("Task", "Event"):
            table = self.tables.get(object_name)
            if table is None:
                continue
            if export.activities is None:
                export.activities = []
            ids = self.ids(table, "Id", unique=True)
            whos = self.ids(table, "WhoId")
            whats = self.ids(table, "WhatId")
            direct = self.ids(table, "AccountId")
            date_columns = ("ActivityDate", "ActivityDateTime", "StartDateTime", "CreatedDate")
            when = next((c for c in date_columns if table.has(c)), None)
            columns = [
                (when, "date", Moment()),
                ("Subject", "subject", Limited(200)),
                ("Description", "summary", Text()),
            ]
            for number, values in table.rows:
                if self._deleted(table, values):
                    export.skip(object_name, "deleted in Salesforce")
                    continue
                who, what = whos.get(number, ""), whats.get(number, "")
                account = direct.get(number, "")
                if not account and what.startswith(ACCOUNT_PREFIX):
                    account = what
                if not account and what.startswith(OPPORTUNITY_PREFIX):
                    account = self.deal_accounts.get(what, "")
                if who.startswith(CONTACT_PREFIX) and self.contact_accounts:
                    if who not in self.contact_accounts:
                        contact = "contact in Contact.csv"
                        if account in self.chosen_ids:  # imported, without them
                            self.nowhere(table, number, "WhoId", who, contact)
                        elif self.everything:
                            self.nowhere(table, number, "WhoId", who, contact, skipped=True)
                            continue
                        else:
                            reason = "of accounts not chosen" if account else None
                            export.skip(object_name, reason or "with a contact not in Contact.csv")
                            continue
                    account = account or self.contact_accounts.get(who, "")
                if not account:
                    reason = "not tied to an account"
                    if who.startswith(LEAD_PREFIX):
                        reason = "about a lead, not a contact"
                    elif who in self.contact_accounts:
                        reason = "about a contact without an account"
                    export.skip(object_name, reason)
                    continue
                if account not in self.chosen_ids:
                    export.skip(object_name, "of accounts not chosen")
                    continue
                if self.without_id(table, number, values, ids, "Id"):
                    continue
                read, place = parse(table, self.problems, number, values, columns)
                if "date" not in read:
                    export.skip(object_name, "without a date")
                    continue
                kind = self._activity_kind(table, values, object_name)
                read["kind"] = kind
                read.setdefault("subject", InteractionKind(kind).label)
                done = object_name == "Event" or self._done(table, values)
                read["meaningful"] = done and kind in (
                    InteractionKind.CALL,
                    InteractionKind.MEETING,
                )
                contacts = [who] if who in self.contact_accounts else []
                export.activities.append(
                    Activity(
                        ids[number],
                        place,
                        read,
                        account_id=account,
                        contact_ids=[c for c in contacts if self.contact_accounts[c] == account],
                        owner_id=self._owner(table, values),
                    )
                )

    def _cases(self) -> None:
        """Open cases, which become the accounts' open tickets and escalations."""
        table = self.tables.get("Case")
        if table is None:
            return
        export = self.export
        export.cases = []
        ids = self.ids(table, "Id", unique=True)
        accounts = self.ids(table, "AccountId")
        for number, values, account in self._placed("Case", table, accounts):
            if self.without_id(table, number, values, ids, "Id"):
                continue
            place = Place(table.file, table.object, number)
            closed = self._flag(table, values, place, "IsClosed")
            if closed is None:  # no such column: the status says
                closed = table.value(values, "Status").lower().startswith("closed")
            if closed:
                export.skip("Case", "closed")
                continue
            export.cases.append(
                SupportCase(
                    ids[number],
                    place,
                    account_id=account,
                    number=table.value(values, "CaseNumber"),
                    subject=table.value(values, "Subject"),
                    escalated=bool(self._flag(table, values, place, "IsEscalated")),
                )
            )

    def _flag(self, table: CsvTable, values, place: Place, header: str) -> bool | None:
        """A yes/no column's value; None when the file has no such column or, with a
        warning, when the value is neither."""
        if not table.has(header):
            return None
        try:
            return YES.parse(table.value(values, header))
        except ValueError as exc:
            message = f"{header} {exc}; it is left out."
            self.warn(table.problem(place.row, message, header), table.value(values, header))
            return None

    def _activity_kind(self, table: CsvTable, values, object_name: str) -> str:
        for column in ("TaskSubtype", "EventSubtype", "Type"):
            kind = ACTIVITY_KINDS.get(table.value(values, column).lower())
            if kind and not (column.endswith("Subtype") and kind == InteractionKind.MEETING):
                return kind
        return InteractionKind.MEETING if object_name == "Event" else InteractionKind.OTHER

    def _done(self, table: CsvTable, values) -> bool:
        if table.value(values, "Status").lower() == "completed":
            return True
        try:
            return bool(YES.parse(table.value(values, "IsClosed")))
        except ValueError:
            return False
