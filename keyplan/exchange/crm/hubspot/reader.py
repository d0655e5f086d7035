"""HubSpot's CRM exports (companies, contacts and deals, one CSV file each, with the
column names HubSpot writes) read into a CRM export for crm/apply.py, by the same rules
as Salesforce's: companies become plan profiles, contacts stakeholders, open deals
growth plays (stage mapped, probability kept), won deals contracts and revenue by
year, a deal's associated contacts its play's stakeholders.

Which file is which is read from its header (a deals export has "Deal Name"), so
the files may be named anything and given as files, a folder or a zip. Records are
keyed by HubSpot's Record ID; a contact belongs to the company in "Associated
Company IDs (Primary)" (or the first of "Associated Company IDs"), else to the
company whose name is in "Associated Company". Other columns, HubSpot's many
properties and custom ones alike, are ignored unless mapped (--map).
"""

import re

from keyplan.accounts.models import Account, Relationship, Source
from keyplan.exchange.crm.files import (
    CsvTable,
    Email,
    Moment,
    Percent,
    Website,
    kind_for,
    parse,
    read_table,
    refuse,
)
from keyplan.exchange.crm.reader import VendorReader, deal_status, fill_from, stage_by_probability
from keyplan.exchange.crm.records import Account as CrmAccount
from keyplan.exchange.crm.records import Contact, Deal, Export, Owner
from keyplan.exchange.values import Integer, Money
from keyplan.growth.models import Play, Stage
from keyplan.relationships.models import Stakeholder

LABEL = "HubSpot"
NAMES = {"account": "Company", "contact": "Contact", "deal": "Deal"}
OBJECTS = ("Company", "Contact", "Deal")
RECORD_ID = "Record ID"
COMPANY_IDS = (
    "Associated Company IDs (Primary)",
    "Associated Company ID (Primary)",
    "Associated Company IDs",
    "Associated Company ID",
    "Company ID",
)
COMPANY_NAMES = ("Associated Company", "Associated Company (Primary)")
REQUIRED = {
    "Company": (RECORD_ID, ("Company name", "Name")),
    "Contact": (RECORD_ID, ("First Name", "Last Name", "Email")),
    "Deal": (RECORD_ID, "Deal Name", "Deal Stage"),
}

# HubSpot's default sales pipeline, by label or internal name.
STAGES = {
    "appointmentscheduled": Stage.CONVERSATION,
    "qualifiedtobuy": Stage.OPPORTUNITY,
    "presentationscheduled": Stage.OPPORTUNITY,
    "decisionmakerboughtin": Stage.CLOSING,
    "contractsent": Stage.CLOSING,
    "closedwon": Stage.WON,
    "closedlost": Stage.LOST,
}
LIFECYCLE = {
    "customer": Relationship.CUSTOMER,
    "evangelist": Relationship.CUSTOMER,
    "subscriber": Relationship.PROSPECT,
    "lead": Relationship.PROSPECT,
    "marketingqualifiedlead": Relationship.PROSPECT,
    "salesqualifiedlead": Relationship.PROSPECT,
    "opportunity": Relationship.PROSPECT,
}


def _word(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


def normal_id(text: str) -> str:
    text = text.strip()
    if not text.isdigit() or len(text) > 20:
        raise ValueError(f"“{text}” is not a HubSpot record id (a whole number)")
    return str(int(text))


def stage_of(stage: str, probability: int | None) -> str:
    word = _word(stage)
    if word in STAGES:
        return STAGES[word]
    if "closedwon" in word or word == "won":
        return Stage.WON
    if "closedlost" in word or word == "lost":
        return Stage.LOST
    return stage_by_probability(probability)


def object_of(table: CsvTable, file_name: str) -> str | None:
    """Which HubSpot export a file is, from its header (then its name)."""
    if not table.has(RECORD_ID):
        return None
    if table.has("Deal Name"):
        return "Deal"
    if table.first("First Name", "Last Name", "Email"):
        return "Contact"
    if table.first("Company name", "Company Domain Name"):
        return "Company"
    lower = file_name.lower()
    return next((o for o in OBJECTS if o.lower() in lower), None)


class HubSpotReader(VendorReader):
    label = LABEL
    vendor = Source.HUBSPOT
    mapped_objects = {"Company": Account, "Contact": Stakeholder, "Deal": Play}
    normal_id = staticmethod(normal_id)

    def read(self) -> Export:
        export = self.export
        export.names = dict(NAMES)
        self.tables: dict[str, CsvTable] = {}
        for file in self.files:
            table = read_table(file, "HubSpot export")
            object_name = object_of(table, file.name)
            if object_name is None:
                refuse(
                    file.name,
                    "this is not a HubSpot companies, contacts or deals export (its header "
                    f"has no “{RECORD_ID}” with “Company name”, “First Name” or “Deal Name”).",
                )
            if object_name in self.tables:
                refuse(
                    file.name,
                    f"this is a second {object_name.lower()} export (the first is "
                    f"{self.tables[object_name].file}); import one of each.",
                )
            table.object = object_name
            if table.require(self.problems, *REQUIRED[object_name]):
                self.tables[object_name] = table
            export.read[object_name] = len(table.rows)
        if not self.files:
            refuse(self.name, "there are no CSV files here.")
        self.problems.check()
        if "Company" not in self.tables:
            refuse(
                self.name,
                "there is no companies export here; export Companies from HubSpot "
                "(with the Record ID) and import it with the contacts and deals.",
            )
        export.objects = [o for o in OBJECTS if o in self.tables]
        export.missing = [
            f"{o.lower()}s export" for o in ("Contact", "Deal") if o not in self.tables
        ]
        self._companies()
        self._contacts()
        self._deals()
        self.problems.check()
        return export

    # ---- helpers

    def _owner(self, table: CsvTable, values, header: str) -> str:
        text = table.value(values, header)
        if not text:
            return ""
        self.export.owners.setdefault(
            text, Owner(email=text if "@" in text else "", login="", name=text)
        )
        return text

    def _associated(self, table: CsvTable, number: int, values, headers) -> tuple[str, list[str]]:
        """The primary company (or contacts) a row is associated with, and all of them:
        from the first of `headers` that holds a value in this row."""
        column = next((h for h in headers if table.value(values, h)), None)
        raw = table.value(values, column)
        found = []
        for part in re.split(r"[;,]", raw):
            if not part.strip():
                continue
            try:
                found.append(normal_id(part))
            except ValueError as exc:
                self.problems.add(table.problem(number, f"{column} {exc}.", column))
        return (found[0] if found else ""), found

    def _placed(self, table: CsvTable, number: int, values, object_name: str):
        company, _ = self._associated(table, number, values, COMPANY_IDS)
        if not company:
            name = table.value(values, table.first(*COMPANY_NAMES))
            company = self.by_name.get(name.lower(), "") if name else ""
        if not company:
            self.export.skip(object_name, "without a company")
        elif company in self.chosen_ids:
            return company
        elif company not in self.names and self.everything:
            column = next((h for h in COMPANY_IDS if table.value(values, h)), None)
            self.nowhere(table, number, column, company, "company in the companies export")
        else:
            self.export.skip(object_name, "of companies not chosen")
        return None

    def _placed_rows(self, table: CsvTable, ids: dict[int, str], object_name: str):
        """The rows of `table` with a record id, on a chosen company: (row, values,
        company id)."""
        for number, values in table.rows:
            if number not in ids:
                self.problems.add(table.problem(number, f"{RECORD_ID} is required.", RECORD_ID))
                continue
            company = self._placed(table, number, values, object_name)
            if company is not None:
                yield number, values, company

    # ---- objects

    def _companies(self) -> None:
        table = self.tables["Company"]
        export = self.export
        ids = self.ids(table, RECORD_ID, unique=True)
        name_column = table.one_of("Company name", "Name")
        parent_column = table.first("Parent Company ID", "Parent Company Record ID")
        parents = self.ids(table, parent_column) if parent_column else {}
        rows = dict(table.rows)
        self.names, live = {}, {}
        for number, values in table.rows:
            if number not in ids:
                self.problems.add(table.problem(number, f"{RECORD_ID} is required.", RECORD_ID))
                continue
            name = table.value(values, name_column)
            if not name:
                self.problems.add(table.problem(number, "the company has no name.", name_column))
                continue
            self.names[ids[number]], live[ids[number]] = name, number
        self.by_name: dict[str, str] = {}  # lower-cased name -> id
        for crm_id, name in self.names.items():
            self.by_name.setdefault(name.lower(), crm_id)
        self.chosen_ids = self.chosen_accounts(table, self.names, live, parents, "companies")
        columns = [
            ("Industry", "industry", kind_for(Account, "industry")),
            ("Annual Revenue", "annual_revenue", Money()),
            ("Number of Employees", "employees", Integer(low=0)),
            ("Website URL", "website", Website()),
            ("Company Domain Name", "domain", Website()),
            *self.mapped(table, "Company"),
        ]
        for crm_id, number in live.items():
            if crm_id not in self.chosen_ids:
                continue
            values = rows[number]
            read, place = parse(table, self.problems, number, values, columns)
            place.cells["name"] = table.cell(name_column)
            read["name"] = self.names[crm_id]
            fill_from(read, place, "website", "domain")
            street = ", ".join(
                filter(None, (table.value(values, "Street Address"),
                              table.value(values, "Street Address 2")))
            )  # fmt: skip
            region = " ".join(
                filter(None, (table.value(values, "State/Region"),
                              table.value(values, "Postal Code")))
            )  # fmt: skip
            address = ", ".join(
                filter(None, (street, table.value(values, "City"), region,
                              table.value(values, "Country/Region")))
            )  # fmt: skip
            if address:
                read["headquarters"] = address[:200]
                # A column the address came from, the city's when there is one.
                source = table.one_of(
                    "City", "Street Address", "Country/Region", "Street Address 2",
                    "State/Region", "Postal Code",
                )  # fmt: skip
                place.cells["headquarters"] = table.cell(source)
            relationship = LIFECYCLE.get(_word(table.value(values, "Lifecycle Stage")), "")
            if not relationship and _word(table.value(values, "Type")) == "prospect":
                relationship = Relationship.PROSPECT
            parent = parents.get(number, "")
            if parent_column:
                place.cells["parent"] = table.cell(parent_column)
            if parent and parent not in self.names:
                self.nowhere(table, number, parent_column, parent, "company in the export")
            export.accounts.append(
                CrmAccount(
                    crm_id,
                    place,
                    read,
                    name=self.names[crm_id],
                    parent_id=parent,
                    owner_id=self._owner(table, values, "Company owner"),
                    relationship=read.pop("relationship", relationship),
                )
            )

    def _contacts(self) -> None:
        table = self.tables.get("Contact")
        self.contact_companies: dict[str, str] = {}
        if table is None:
            return
        export = self.export
        export.contacts = []
        ids = self.ids(table, RECORD_ID, unique=True)
        columns = [
            ("Job Title", "title", kind_for(Stakeholder, "title")),
            ("Department", "department", kind_for(Stakeholder, "department")),
            ("Email", "email", Email()),
            ("Phone Number", "phone", kind_for(Stakeholder, "phone")),
            ("Mobile Phone Number", "mobile", kind_for(Stakeholder, "phone")),
            ("LinkedIn URL", "linkedin", Website()),
            *self.mapped(table, "Contact"),
        ]
        for number, values, company in self._placed_rows(table, ids, "Contact"):
            read, place = parse(table, self.problems, number, values, columns)
            fill_from(read, place, "phone", "mobile")
            first, last = table.value(values, "First Name"), table.value(values, "Last Name")
            name = " ".join(filter(None, (first, last))) or read.get("email", "")
            place.cells["name"] = table.cell(table.one_of("First Name", "Last Name", "Email"))
            if not name:
                self.problems.add(place.problem("the contact has no name nor email.", "name"))
                continue
            self.contact_companies[ids[number]] = company
            export.contacts.append(
                Contact(
                    ids[number],
                    place,
                    read,
                    account_id=company,
                    name=name[:120],
                    email=read.get("email", ""),
                )
            )

    def _deals(self) -> None:
        table = self.tables.get("Deal")
        if table is None:
            return
        export = self.export
        deals: list[Deal] = []
        export.deals = deals
        ids = self.ids(table, RECORD_ID, unique=True)
        columns = [
            ("Amount", "target_arr", Money()),
            (table.first("Deal probability", "Deal Stage Probability"), "probability",
             Percent(fractions=True)),
            ("Close Date", "target_close_date", Moment()),
            ("Deal Description", "description", kind_for(Play, "description")),
            *self.mapped(table, "Deal"),
        ]  # fmt: skip
        contacts_column = ("Associated Contact IDs", "Associated Contact ID")
        for number, values, company in self._placed_rows(table, ids, "Deal"):
            read, place = parse(table, self.problems, number, values, columns)
            found = self.deal_name_and_flags(
                table, values, place, name="Deal Name", stage="Deal Stage", won="Is Closed Won",
                closed="Is Deal Closed?", flags="Is Closed Won or Is Deal Closed?",
            )  # fmt: skip
            if found is None:
                continue
            name, won, closed = found
            stage = stage_of(table.value(values, "Deal Stage"), read.get("probability"))
            status, read["stage"] = deal_status(stage, won, closed)
            self.deal_kind(table, values, read, place, "Deal Type")
            _, people = self._associated(table, number, values, contacts_column)
            deal = Deal(
                ids[number],
                place,
                read,
                account_id=company,
                name=name[:200],
                status=status,
                amount=read.get("target_arr"),
                close_date=read.get("target_close_date"),
                owner_id=self._owner(table, values, "Deal owner"),
                contact_ids=[c for c in people if self.contact_companies.get(c) == company],
            )
            self.add_deal(deals, deal, place, "a won deal needs its Close Date.")
