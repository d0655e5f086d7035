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

As for Salesforce, a structural problem (a file that is not a HubSpot export, a
required column missing, ids a spreadsheet rounded) refuses the import whole; a bad
value is left out, a row without a Record ID or a name is skipped and a link to a
company not in the export is left out, each with a warning, and the rest imports.
Contacts and deals of no company are counted and skipped: a plan is a company's.

A file opened and saved again in Excel reads as HubSpot wrote it: line ends, quotes
and a byte-order mark do not matter, and dates like 4/8/2025 17:19 are read month
first (as Excel writes them in the United States) unless `day_first`. Excel also
damages what it takes for numbers: ids past 11 digits become 1.2E+10 (refused: the
id is lost) and a phone's leading zero is dropped (kept as given, with a warning).
"""

import re
from dataclasses import replace
from datetime import datetime

from keyplan.accounts.models import Account, Relationship, Source
from keyplan.exchange.crm.files import (
    CsvTable,
    Email,
    Moment,
    Percent,
    Place,
    Website,
    kind_for,
    parse,
    read_table,
    refuse,
)
from keyplan.exchange.crm.reader import VendorReader, deal_status, fill_from, stage_by_probability
from keyplan.exchange.crm.records import Account as CrmAccount
from keyplan.exchange.crm.records import Contact, Deal, Export, Owner
from keyplan.exchange.values import Integer, Kind, Money
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
PARENT_IDS = ("Parent Company ID", "Parent Company Record ID")
CONTACT_IDS = ("Associated Contact IDs", "Associated Contact ID")
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


# A number Excel wrote in scientific notation (1.2E+10, 1.23457E+11, or 1,2E+10 where
# the decimal mark is a comma): what it does to a number of more than 11 digits, such
# as a HubSpot Record ID, rounding away all but its first six digits.
SCIENTIFIC = re.compile(r"[+-]?\d+(?:[.,]\d+)?E[+-]?\d+", re.IGNORECASE)

# A date as a spreadsheet writes it: 4/8/2025, 4/8/2025 17:19, 4/8/25 5:19 PM.
SLASHED = re.compile(
    r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4}|\d{2})"
    r"(?:[ T]+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([AP]M)?)?",
    re.IGNORECASE,
)


def _word(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


def normal_id(text: str) -> str:
    text = text.strip()
    if not text.isdigit() or len(text) > 20:
        raise ValueError(f"“{text}” is not a HubSpot record id (a whole number)")
    return str(int(text))


def lost_leading_zero(phone: str) -> bool:
    """Whether a phone number looks like one a spreadsheet took for a number and
    dropped its leading zero from (0612345678 saved as 612345678).

    The rule is kept simple: nine digits and nothing else. Where national numbers
    begin with a trunk 0 they mostly have ten digits with it (France, the Netherlands,
    Belgium's mobiles, Australia, ...), so nine bare digits is what one becomes, and
    nine digits is too few for a number of the United States or Canada (ten, with no
    0 to lose). A number written with a +, spaces, dashes or brackets stayed text in
    Excel and lost nothing; other lengths are ambiguous (a ten-digit number may be
    American or a British one that lost its 0), so they are not flagged."""
    return re.fullmatch(r"[0-9]{9}", phone) is not None


class SpreadsheetMoment(Moment):
    """HubSpot's dates as it writes them (2025-04-08 17:19, 2025-04-08) or as a
    spreadsheet saved them again (4/8/2025 17:19, 4/8/25): those are read month first,
    as Excel writes them in the United States, or day first when `day_first`."""

    def __init__(self, *, day_first: bool = False):
        super().__init__()
        self.day_first = day_first

    def read(self, raw):
        text = str(raw).strip()
        match = SLASHED.fullmatch(text)
        if match is None:
            return super().read(text)
        first, second, year = (int(part) for part in match.group(1, 2, 3))
        month, day = (second, first) if self.day_first else (first, second)
        if len(match.group(3)) == 2:  # as Excel reads a two-digit year
            year += 2000 if year < 30 else 1900
        hour, minute, seconds = (int(part or 0) for part in match.group(4, 5, 6))
        try:
            if match.group(7):  # a 12-hour clock: 12:05 AM is 00:05
                if not 1 <= hour <= 12:
                    raise ValueError
                hour = hour % 12 + (12 if match.group(7).upper() == "PM" else 0)
            return datetime(year, month, day, hour, minute, seconds).date()
        except ValueError:
            order = (
                "day first (--day-first)"
                if self.day_first
                else "month first, as Excel writes it in the US; give --day-first for "
                "dates written day first"
            )
            raise ValueError(f"“{text}” is not a date read {order}") from None


def _comma_separated(file_name: str, data: bytes) -> None:
    """Refuse a file whose header is HubSpot's with its columns separated by
    semicolons, as Excel saves a CSV where the decimal mark is a comma."""
    header = data[:4096].split(b"\n", 1)[0].decode("utf-8-sig", errors="replace")
    if RECORD_ID.lower() in header.lower() and header.count(";") > header.count(","):
        refuse(
            file_name,
            "the columns of this file are separated by semicolons, as Excel saves a CSV in "
            "some languages; import the file as HubSpot exported it, or save it in Excel as "
            "“CSV UTF-8 (Comma delimited)” with commas as the list separator.",
        )


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

    day_first = False  # how to read a date a spreadsheet wrote like 4/8/2025

    def __init__(self, paths, **options):
        super().__init__(paths, **options)
        self.moment = SpreadsheetMoment(day_first=self.day_first)

    def read(self) -> Export:
        export = self.export
        export.names = dict(NAMES)
        self.tables: dict[str, CsvTable] = {}
        for file in self.files:
            data = file.read()
            _comma_separated(file.name, data)
            table = read_table(file, "HubSpot export", data=data)
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
        self._rounded_ids()
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
        export.warnings = self.problems.warnings
        return export

    # ---- helpers

    def _rounded_ids(self) -> None:
        """Refuse ids a spreadsheet wrote in scientific notation (1.2E+10): the id is
        rounded, so the record is lost and no link to it can be made. A problem of
        the whole file (it was saved by Excel), so every such cell is named."""
        for table in self.tables.values():
            headers = [
                header
                for header in dict.fromkeys(
                    table.first(h) for h in (RECORD_ID, *PARENT_IDS, *COMPANY_IDS, *CONTACT_IDS)
                )
                if header is not None
            ]
            for number, values in table.rows:
                for header in headers:
                    raw = table.value(values, header)
                    parts = [raw, *re.split(r"[;,]", raw)]
                    if not any(SCIENTIFIC.fullmatch(part.strip()) for part in parts):
                        continue
                    problem = table.problem(
                        number,
                        f"{header} “{raw}” is in scientific notation: a spreadsheet (Excel) "
                        "rounded the id, and the record it names is lost. Import the export "
                        "as HubSpot wrote it, not saved again in Excel (or format the id "
                        "columns as Text before saving).",
                        header,
                    )
                    self.problems.add(replace(problem, value=raw))

    def _moments(self, columns: list[tuple[str, str, Kind]]) -> list[tuple[str, str, Kind]]:
        """Mapped columns with the dates a spreadsheet may have written (see SpreadsheetMoment)."""
        return [
            (header, name, self.moment if isinstance(kind, Moment) else kind)
            for header, name, kind in columns
        ]

    def _phone(self, read: dict, place: Place) -> None:
        """Warn of a phone that looks like it lost its leading zero (kept as given)."""
        phone = read.get("phone", "")
        if lost_leading_zero(phone):
            header = place.cells["phone"][1]
            message = (
                f"{header} “{phone}” may have lost its leading zero (a spreadsheet saves "
                "0612345678 as 612345678); it is kept as given."
            )
            self.warn(place.problem(message, "phone", value=phone))

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
                message = f"{column} {exc}; the link is left out."
                self.warn(table.problem(number, message, column), part.strip())
        return (found[0] if found else ""), found

    def _placed(self, table: CsvTable, number: int, values, object_name: str):
        """The chosen company a contact or deal belongs to, or None: the row is skipped
        (counted as of no company, of companies not chosen, or with a warning when
        every company is imported and its company is not in the export)."""
        company, _ = self._associated(table, number, values, COMPANY_IDS)
        name_column = table.first(*COMPANY_NAMES)
        name = "" if company else table.value(values, name_column)
        if name:
            company = self.by_name.get(name.lower(), "")
            if not company and self.everything:
                message = f"no company in the companies export is named “{name}”"
                self.skip_row(table, number, message, name_column)
                return None
            if not company:
                self.export.skip(object_name, "of companies not chosen")
                return None
        if not company:
            self.export.skip(object_name, "without a company")
        elif company in self.chosen_ids:
            return company
        elif company not in self.names and self.everything:
            column = next((h for h in COMPANY_IDS if table.value(values, h)), None)
            target = "company in the companies export"
            self.nowhere(table, number, column, company, target, skipped=True)
        else:
            self.export.skip(object_name, "of companies not chosen")
        return None

    def _placed_rows(self, table: CsvTable, ids: dict[int, str], object_name: str):
        """The rows of `table` with a record id, on a chosen company: (row, values,
        company id). A row without a usable Record ID is skipped with a warning."""
        for number, values in table.rows:
            if self.without_id(table, number, values, ids, RECORD_ID):
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
        parent_column = table.first(*PARENT_IDS)
        parents = self.ids(table, parent_column) if parent_column else {}
        rows = dict(table.rows)
        self.names, live = {}, {}
        for number, values in table.rows:
            if self.without_id(table, number, values, ids, RECORD_ID):
                continue
            name = table.value(values, name_column)
            if not name:
                self.skip_row(table, number, f"{name_column} is required", name_column)
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
            *self._moments(self.mapped(table, "Company")),
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
                parent = ""
            export.accounts.append(
                CrmAccount(
                    crm_id,
                    place,
                    read,
                    name=self.names[crm_id],
                    parent_id=parent,
                    owner_id=self._owner(table, values, "Company owner"),
                    relationship=read.pop("relationship", relationship),
                    city=table.value(values, "City"),
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
            ("Create Date", "on_map_since", self.moment),
            *self._moments(self.mapped(table, "Contact")),
        ]
        name_column = table.one_of("First Name", "Last Name", "Email")
        for number, values, company in self._placed_rows(table, ids, "Contact"):
            read, place = parse(table, self.problems, number, values, columns)
            fill_from(read, place, "phone", "mobile")
            self._phone(read, place)
            first, last = table.value(values, "First Name"), table.value(values, "Last Name")
            name = " ".join(filter(None, (first, last))) or read.get("email", "")
            place.cells["name"] = table.cell(name_column)
            if not name:
                self.skip_row(table, number, "the contact has no name nor email", name_column)
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
            ("Close Date", "target_close_date", self.moment),
            ("Deal Description", "description", kind_for(Play, "description")),
            *self._moments(self.mapped(table, "Deal")),
        ]  # fmt: skip
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
            _, people = self._associated(table, number, values, CONTACT_IDS)
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


class DayFirstHubSpotReader(HubSpotReader):
    """A HubSpot export saved again by a spreadsheet that writes dates day first
    (8/4/2025 for 8 April): `keyplan import hubspot --day-first`."""

    day_first = True
