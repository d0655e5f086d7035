"""CRM exports for the import tests: the shared Salesforce sample, a small export
with every object written here, and CSV editing the way a person (or a script)
would edit an export before importing it."""

import csv
import io
import os
import re
import shutil
import tempfile
from datetime import datetime
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction

from keyplan.exchange.crm.apply import apply_export
from keyplan.exchange.crm.salesforce.terms import normal_id
from keyplan.exchange.problems import ImportRefused
from tests.exchange.conftest import snapshot

SAMPLE = Path(
    os.environ.get("KEYPLAN_SALESFORCE_SAMPLE") or "/work/shared/samples/salesforce-export"
)


def sample_copy(tmp_path: Path) -> Path:
    """A copy of the shared Salesforce sample to edit (the original is read-only)."""
    if not (SAMPLE / "Account.csv").exists():
        pytest.skip(f"the Salesforce sample export is not at {SAMPLE}")
    target = tmp_path / "salesforce-export"
    shutil.copytree(SAMPLE, target)
    for path in target.iterdir():
        path.chmod(0o644)
    return target


def sf_id(prefix: str, number: int) -> str:
    """An 18-character Salesforce id with the object's key prefix."""
    return normal_id(f"{prefix}Ec{number:010d}")


def write_csv(
    path: Path, header: list[str], rows: list[dict], *, bom=False, newline="\r\n",
    quoting=csv.QUOTE_MINIMAL, delimiter=",",
):  # fmt: skip
    out = StringIO()
    writer = csv.DictWriter(
        out, header, lineterminator=newline, extrasaction="raise", quoting=quoting,
        delimiter=delimiter,
    )  # fmt: skip
    writer.writeheader()
    for row in rows:
        writer.writerow({k: row.get(k, "") for k in header})
    path.write_text(("\ufeff" if bom else "") + out.getvalue(), encoding="utf-8", newline="")
    return path


def read_csv(path: Path) -> tuple[list[str], list[dict]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames), list(reader)


def edit_csv(path: Path, where: dict, **changes) -> int:
    """Set `changes` on the rows matching `where`; returns the (spreadsheet) row of the
    first one changed."""
    header, rows = read_csv(path)
    first = None
    for number, row in enumerate(rows, start=2):
        if all(row[k] == v for k, v in where.items()):
            row.update(changes)
            first = first or number
    assert first is not None, f"no row of {path.name} matches {where}"
    write_csv(path, header, rows, newline="\n")
    return first


def run_import(vendor: str, *args, login: str = "ada") -> str:
    out = StringIO()
    call_command("import", vendor, *map(str, args), "--as", login, stdout=out)
    return out.getvalue()


def refused(vendor: str, *args, login: str = "ada") -> str:
    """The refusal of an import that must change nothing, checked against a snapshot."""
    before = snapshot()
    with pytest.raises(CommandError) as error:
        run_import(vendor, *args, login=login)
    assert snapshot() == before, "a refused import changed the database"
    message = str(error.value)
    assert message.startswith("Nothing was imported.")
    return message


# ---- fuzzing


def import_or_refuse(read, contents: dict[str, bytes], user, **choice) -> None:
    """Import the files (`read` is a vendor's read_export) and roll back; a refusal must
    leave the database as it was, and nothing but a refusal may be raised."""
    with tempfile.TemporaryDirectory() as folder:
        for name, data in contents.items():
            Path(folder, name).write_bytes(data)
        before = snapshot()
        try:
            with transaction.atomic():
                export = read(folder, **choice)
                apply_export(export, by=user)
                transaction.set_rollback(True)  # the next example starts from scratch
        except ImportRefused as refusal:
            assert refusal.problems, "a refusal names its problems"
            assert all(str(p).split(",")[0].split(":")[0] for p in refusal.problems)
            assert snapshot() == before


def rows_of(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def csv_bytes(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue().encode("utf-8")


# ---- a small Salesforce export holding every object the import reads

GLOBEX, EUROPE, INITECH = sf_id("001", 1), sf_id("001", 2), sf_id("001", 3)
HANK, PAT, LEFTY, STRAY, OTHER = (sf_id("003", n) for n in range(1, 6))
EXPANSION, RENEWAL, LOST_DEAL, INITECH_DEAL = (sf_id("006", n) for n in range(1, 5))
ANALYTICS, SUPPORT, UNUSED = (sf_id("01t", n) for n in range(1, 4))
KAM_USER = sf_id("005", 1)
NULL_ID = "000000000000000AAA"  # how Data Export writes an empty reference

ACCOUNT_HEADER = [
    "Id", "IsDeleted", "Name", "Type", "ParentId", "BillingStreet", "BillingCity",
    "BillingState", "BillingPostalCode", "BillingCountry", "BillingAddress", "Industry",
    "AnnualRevenue", "NumberOfEmployees", "Ownership", "Website", "OwnerId", "CreatedDate",
    "Tier__c",
]  # fmt: skip
CONTACT_HEADER = [
    "Id", "IsDeleted", "AccountId", "LastName", "FirstName", "Name", "Title", "Department",
    "Email", "Phone", "MobilePhone", "ReportsToId", "OwnerId", "CreatedDate", "LastModifiedDate",
]  # fmt: skip
OPPORTUNITY_HEADER = [
    "Id", "IsDeleted", "AccountId", "Name", "Description", "StageName", "Amount",
    "Probability", "CloseDate", "Type", "IsClosed", "IsWon", "ForecastCategoryName", "OwnerId",
]  # fmt: skip


def salesforce_export(folder: Path) -> Path:
    """Globex (a customer with a subsidiary, people, a play, a won contract with product
    lines, a call and a meeting) and Initech, which is not chosen in most tests."""
    folder.mkdir(parents=True, exist_ok=True)
    address = (
        '{"city":"Springfield","country":"United States","geocodeAccuracy":null,'
        '"latitude":null,"longitude":null,"postalCode":"49007","state":"OR",'
        '"street":"1 Globex Way"}'
    )
    stamp = "2024-01-22T14:49:34.000+0000"
    write_csv(folder / "Account.csv", ACCOUNT_HEADER, [
        {"Id": GLOBEX, "Name": "Globex Corp", "Type": "Customer - Direct",
         "BillingAddress": address, "Industry": "Manufacturing", "AnnualRevenue": "125000000",
         "NumberOfEmployees": "4200", "Ownership": "Public", "Website": "www.globex.example",
         "OwnerId": KAM_USER, "CreatedDate": stamp, "Tier__c": "Tier 1"},
        {"Id": EUROPE, "Name": "Globex Europe", "ParentId": GLOBEX, "BillingCity": "Lyon",
         "BillingCountry": "France", "CreatedDate": stamp},
        {"Id": INITECH, "Name": "Initech, Inc.", "Industry": "Software", "CreatedDate": stamp},
    ], bom=True)  # fmt: skip
    write_csv(folder / "Contact.csv", CONTACT_HEADER, [
        {"Id": HANK, "AccountId": GLOBEX, "FirstName": "Hank", "LastName": "Scorpio",
         "Name": "Hank Scorpio", "Title": "CEO", "Email": "hank@globex.example",
         "Phone": "+1 555 0100", "CreatedDate": stamp, "LastModifiedDate": stamp},
        {"Id": PAT, "AccountId": GLOBEX, "FirstName": "Pat", "LastName": "Lee",
         "Name": "Pat Lee", "Title": "VP Engineering", "Department": "Engineering",
         "MobilePhone": "+1 555 0101", "ReportsToId": HANK, "LastModifiedDate": stamp},
        {"Id": LEFTY, "FirstName": "Lefty", "LastName": "Nobody", "Name": "Lefty Nobody"},
        {"Id": STRAY, "AccountId": INITECH, "FirstName": "Bill", "LastName": "Lumbergh",
         "Name": "Bill Lumbergh"},
        {"Id": OTHER, "AccountId": EUROPE, "FirstName": "Amélie", "LastName": "Durand",
         "Name": "Amélie Durand", "Title": "Directrice, achats"},
    ])  # fmt: skip
    write_csv(folder / "Opportunity.csv", OPPORTUNITY_HEADER, [
        {"Id": EXPANSION, "AccountId": GLOBEX, "Name": "Globex - Analytics, phase 2",
         "Description": "Roll out to the plants,\nthen the offices", "StageName":
         "Value Proposition", "Amount": "250000", "Probability": "40", "CloseDate":
         "2026-09-30", "Type": "Existing Customer - Upgrade", "OwnerId": KAM_USER},
        {"Id": RENEWAL, "AccountId": GLOBEX, "Name": "Globex - 2025 subscription",
         "StageName": "Closed Won", "Amount": "180000", "Probability": "100",
         "CloseDate": "2025-03-01", "IsClosed": "1", "IsWon": "1"},
        {"Id": LOST_DEAL, "AccountId": GLOBEX, "Name": "Globex - Lost pilot",
         "StageName": "Closed Lost", "Amount": "5000", "Probability": "0",
         "CloseDate": "2024-05-01", "IsClosed": "1", "IsWon": "0"},
        {"Id": INITECH_DEAL, "AccountId": INITECH, "Name": "Initech - TPS reports",
         "StageName": "Prospecting", "Amount": "1000", "CloseDate": "2026-01-01"},
    ])  # fmt: skip
    write_csv(folder / "OpportunityContactRole.csv",
              ["Id", "OpportunityId", "ContactId", "Role", "IsPrimary"], [
        {"Id": sf_id("00K", 1), "OpportunityId": EXPANSION, "ContactId": HANK,
         "Role": "Economic Buyer", "IsPrimary": "1"},
        {"Id": sf_id("00K", 2), "OpportunityId": EXPANSION, "ContactId": PAT,
         "Role": "Technical Buyer", "IsPrimary": "0"},
        {"Id": sf_id("00K", 3), "OpportunityId": INITECH_DEAL, "ContactId": STRAY,
         "Role": "Decision Maker"},
    ])  # fmt: skip
    write_csv(folder / "Product2.csv", ["Id", "Name", "ProductCode", "Family", "IsActive"], [
        {"Id": ANALYTICS, "Name": "Analytics Suite", "Family": "Software", "IsActive": "1"},
        {"Id": SUPPORT, "Name": "Premium Support", "Family": "Services", "IsActive": "1"},
        {"Id": UNUSED, "Name": "Legacy Fax Gateway", "IsActive": "0"},
    ])  # fmt: skip
    write_csv(folder / "OpportunityLineItem.csv",
              ["Id", "OpportunityId", "Product2Id", "Quantity", "UnitPrice", "TotalPrice"], [
        {"Id": sf_id("00k", 1), "OpportunityId": RENEWAL, "Product2Id": ANALYTICS,
         "Quantity": "100", "UnitPrice": "1500", "TotalPrice": "150000"},
        {"Id": sf_id("00k", 2), "OpportunityId": RENEWAL, "Product2Id": SUPPORT,
         "Quantity": "1", "UnitPrice": "30000", "TotalPrice": "30000"},
        {"Id": sf_id("00k", 3), "OpportunityId": EXPANSION, "Product2Id": ANALYTICS,
         "Quantity": "50", "TotalPrice": "75000"},
    ])  # fmt: skip
    write_csv(folder / "User.csv", ["Id", "Username", "Email", "FirstName", "LastName"], [
        {"Id": KAM_USER, "Username": "kim@globex-vendor.example.sf", "Email":
         "kim@keyplan.example", "FirstName": "Kim", "LastName": "Kam"},
    ])  # fmt: skip
    write_csv(folder / "Task.csv", [
        "Id", "WhoId", "WhatId", "AccountId", "Subject", "ActivityDate", "Status",
        "TaskSubtype", "IsClosed", "Description", "OwnerId"], [
        {"Id": sf_id("00T", 1), "WhoId": HANK, "AccountId": GLOBEX, "Subject":
         "Budget call", "ActivityDate": "2026-05-04", "Status": "Completed", "TaskSubtype":
         "Call", "IsClosed": "1", "Description": "Agreed the phase 2 budget", "OwnerId":
         KAM_USER},
        {"Id": sf_id("00T", 2), "WhoId": sf_id("00Q", 1), "Subject": "Lead follow-up",
         "ActivityDate": "2026-05-05", "TaskSubtype": "Email"},
    ])  # fmt: skip
    write_csv(folder / "Event.csv", [
        "Id", "WhoId", "WhatId", "AccountId", "Subject", "StartDateTime", "EventSubtype",
        "Description"], [
        {"Id": sf_id("00U", 1), "WhoId": PAT, "WhatId": EXPANSION, "Subject": "Plant visit",
         "StartDateTime": "2026-05-12T21:30:00.000+0000", "EventSubtype": "Event"},
    ])  # fmt: skip
    return folder


# ---- HubSpot's exports, with the column names HubSpot writes

ACME, UMBRELLA, TYRELL = "9001", "9002", "9003"
COMPANY_HEADER = [
    "Record ID", "Company name", "Company Domain Name", "Website URL", "Industry",
    "Annual Revenue", "Number of Employees", "Phone Number", "Street Address", "City",
    "State/Region", "Postal Code", "Country/Region", "Type", "Lifecycle Stage",
    "Company owner", "Create Date", "Tier",
]  # fmt: skip
HUBSPOT_CONTACT_HEADER = [
    "Record ID", "First Name", "Last Name", "Email", "Phone Number", "Mobile Phone Number",
    "Job Title", "Contact owner", "Lifecycle Stage", "Associated Company",
    "Associated Company IDs (Primary)", "Associated Company IDs", "Create Date",
]  # fmt: skip
DEAL_HEADER = [
    "Record ID", "Deal Name", "Deal Stage", "Pipeline", "Amount", "Close Date", "Deal owner",
    "Deal Type", "Deal probability", "Create Date", "Associated Company IDs (Primary)",
    "Associated Company IDs", "Associated Contact IDs", "Associated Company",
]  # fmt: skip


def hubspot_export(folder: Path) -> dict[str, Path]:
    """Acme (a customer with people, two open deals, one won and one lost) and Umbrella
    and Tyrell, which most tests do not choose. File names as HubSpot gives them, and
    written as HubSpot writes them: every value quoted, dates as 2026-08-31 00:00."""
    folder.mkdir(parents=True, exist_ok=True)
    companies = _quoted(folder / "hubspot-crm-exports-all-companies-2026-05-01.csv",
                          COMPANY_HEADER, [
        {"Record ID": ACME, "Company name": "Acme Anvils", "Company Domain Name":
         "acme.example", "Industry": "Machinery", "Annual Revenue": "48000000",
         "Number of Employees": "610", "Street Address": "1 Desert Road", "City": "Tucson",
         "State/Region": "AZ", "Postal Code": "85701", "Country/Region": "United States",
         "Lifecycle Stage": "Customer", "Company owner": "kim@keyplan.example",
         "Create Date": "2023-02-01 09:30", "Tier": "Tier 1"},
        {"Record ID": UMBRELLA, "Company name": "Umbrella Corporation", "Type": "PROSPECT",
         "Company owner": "Sam Sales"},
        {"Record ID": TYRELL, "Company name": "Tyrell, Inc.", "Lifecycle Stage": "Lead"},
    ], bom=True)  # fmt: skip
    contacts = _quoted(folder / "hubspot-crm-exports-all-contacts-2026-05-01.csv",
                         HUBSPOT_CONTACT_HEADER, [
        {"Record ID": "5001", "First Name": "Wile", "Last Name": "Coyote", "Email":
         "wile@acme.example", "Job Title": "Head of Procurement", "Phone Number": "555-0100",
         "Associated Company": "Acme Anvils", "Associated Company IDs (Primary)": ACME,
         "Associated Company IDs": ACME, "Create Date": "2023-03-15 16:05"},
        {"Record ID": "5002", "First Name": "Road", "Last Name": "Runner", "Email":
         "road@acme.example", "Job Title": "CTO", "Mobile Phone Number": "555-0101",
         "Associated Company": "Acme Anvils"},
        {"Record ID": "5003", "First Name": "Alice", "Last Name": "Abernathy",
         "Associated Company IDs": f"{UMBRELLA};{TYRELL}"},
        {"Record ID": "5004", "First Name": "No", "Last Name": "Company", "Email":
         "nobody@example.com"},
    ])  # fmt: skip
    deals = _quoted(folder / "hubspot-crm-exports-all-deals-2026-05-01.csv", DEAL_HEADER, [
        {"Record ID": "7001", "Deal Name": "Acme - Rocket skates", "Deal Stage":
         "Contract sent", "Pipeline": "Sales Pipeline", "Amount": "90000", "Close Date":
         "2026-08-31 00:00", "Deal owner": "kim@keyplan.example", "Deal Type":
         "Existing Business", "Deal probability": "0.9", "Associated Company IDs (Primary)":
         ACME, "Associated Contact IDs": "5001;5002"},
        {"Record ID": "7002", "Deal Name": "Acme - Giant magnet", "Deal Stage":
         "appointmentscheduled", "Amount": "12000", "Close Date": "2026-11-30",
         "Deal Type": "newbusiness", "Associated Company IDs": ACME},
        {"Record ID": "7003", "Deal Name": "Acme - 2025 anvils", "Deal Stage": "Closed won",
         "Amount": "60000", "Close Date": "2025-04-15", "Associated Company IDs": ACME},
        {"Record ID": "7004", "Deal Name": "Acme - Lost catapult", "Deal Stage":
         "Closed lost", "Amount": "8000", "Close Date": "2025-01-10", "Associated Company IDs":
         ACME},
        {"Record ID": "7005", "Deal Name": "Umbrella - T-virus cleanup", "Deal Stage":
         "Qualified to buy", "Amount": "1000000", "Associated Company IDs": UMBRELLA},
    ])  # fmt: skip
    return {"companies": companies, "contacts": contacts, "deals": deals}


def with_parent(files: dict[str, Path], child: str, parent: str) -> None:
    """Add HubSpot's "Parent Company ID" column, giving `child` the `parent` id."""
    header, rows = read_csv(files["companies"])
    for row in rows:
        row["Parent Company ID"] = parent if row["Record ID"] == child else ""
    write_csv(files["companies"], [*header, "Parent Company ID"], rows)


def _quoted(path: Path, header: list[str], rows: list[dict], **options) -> Path:
    return write_csv(path, header, rows, quoting=csv.QUOTE_ALL, **options)


# ---- a HubSpot export opened in Excel and saved again


def excel_value(text: str, *, day_first: bool = False) -> str:
    """A value as Excel writes it back to a CSV after reading it in a General column:
    dates in its short form (month first in the United States), numbers without their
    leading zeros, and numbers of more than 11 digits in scientific notation rounded
    to six digits (as a standard-width column shows them)."""
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}( \d{2}:\d{2})?", text):
        moment = datetime.fromisoformat(text)
        day, month = moment.day, moment.month
        shown = f"{day}/{month}" if day_first else f"{month}/{day}"
        shown += f"/{moment.year}"
        return shown + (f" {moment.hour}:{moment.minute:02d}" if " " in text else "")
    if re.fullmatch(r"\d+", text):
        if len(text.lstrip("0")) > 11:
            mantissa, exponent = f"{int(text):.5E}".split("E")
            return f"{mantissa.rstrip('0').rstrip('.')}E{exponent}"
        return str(int(text))
    return text


def excel_resave(path: Path, target: Path | None = None, *, day_first=False, delimiter=","):
    """`path` opened in Excel and saved as "CSV UTF-8": a byte-order mark, CRLF line
    ends, values quoted only where they must be, and each value as excel_value writes
    it (a semicolon `delimiter` as Excel saves a CSV in many European languages)."""
    header, rows = read_csv(path)
    rows = [{k: excel_value(v, day_first=day_first) for k, v in row.items()} for row in rows]
    return write_csv(target or path, header, rows, bom=True, delimiter=delimiter)
