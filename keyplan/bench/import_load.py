"""The import figure of `keyplan bench`: a Salesforce import of N contacts against
the floor of a raw bulk insert of the same rows.

`write_export` generates a Data Export in Salesforce's format (the standard columns
of Account.csv and Contact.csv, in Salesforce's order, a thousand contacts per
account in an org chart eight wide). The import reads and imports it as
`keyplan import salesforce --all` does. The floor reads the same Contact.csv with
the csv module and inserts the same accounts and stakeholders, and their history
rows, with one executemany per table: what the database has to do anyway. Both run
in a transaction that is rolled back, so the database is left as it was; the rows
each wrote are compared before the rollback.
"""

import csv
import math
import statistics
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from random import Random

from django.db import connection, transaction

from keyplan.accounts.models import Account, Source
from keyplan.core import clock
from keyplan.core.bulk import execute, reserve_ids, statement
from keyplan.demo import vocabulary as vocab
from keyplan.exchange.crm.apply import apply_export
from keyplan.exchange.crm.salesforce.reader import SalesforceReader
from keyplan.exchange.crm.salesforce.terms import normal_id
from keyplan.relationships.models import Stakeholder
from keyplan.team import services as team_services
from keyplan.team.models import Role, User

CONTACTS_PER_ACCOUNT = 1000
REPORTS = 8  # an org chart: everyone but the first reports to someone with 8 reports


def _columns(header: str) -> list[str]:
    return header.split(",")


ACCOUNT_COLUMNS = _columns(
    "Id,IsDeleted,MasterRecordId,Name,Type,ParentId,BillingStreet,BillingCity,BillingState,"
    "BillingPostalCode,BillingCountry,BillingLatitude,BillingLongitude,BillingGeocodeAccuracy,"
    "BillingAddress,ShippingStreet,ShippingCity,ShippingState,ShippingPostalCode,"
    "ShippingCountry,ShippingLatitude,ShippingLongitude,ShippingGeocodeAccuracy,"
    "ShippingAddress,Phone,Fax,Website,PhotoUrl,Industry,AnnualRevenue,NumberOfEmployees,"
    "Description,OwnerId,CreatedDate,CreatedById,LastModifiedDate,LastModifiedById,"
    "SystemModstamp,LastActivityDate,LastViewedDate,LastReferencedDate,Jigsaw,"
    "JigsawCompanyId,AccountSource,SicDesc"
)
CONTACT_COLUMNS = _columns(
    "Id,IsDeleted,MasterRecordId,AccountId,LastName,FirstName,Salutation,Name,OtherStreet,"
    "OtherCity,OtherState,OtherPostalCode,OtherCountry,OtherLatitude,OtherLongitude,"
    "OtherGeocodeAccuracy,OtherAddress,MailingStreet,MailingCity,MailingState,"
    "MailingPostalCode,MailingCountry,MailingLatitude,MailingLongitude,MailingGeocodeAccuracy,"
    "MailingAddress,Phone,Fax,MobilePhone,HomePhone,OtherPhone,AssistantPhone,ReportsToId,"
    "Email,Title,Department,AssistantName,LeadSource,Birthdate,Description,OwnerId,"
    "HasOptedOutOfEmail,HasOptedOutOfFax,DoNotCall,CreatedDate,CreatedById,LastModifiedDate,"
    "LastModifiedById,SystemModstamp,LastActivityDate,LastViewedDate,LastReferencedDate,"
    "EmailBouncedReason,EmailBouncedDate,IsEmailBounced,PhotoUrl,Jigsaw,JigsawContactId,"
    "IndividualId"
)
OWNER = normal_id("005Ec000004oBPN")
TITLES = [*vocab.EXECUTIVE_TITLES, *vocab.VP_TITLES, *vocab.MANAGER_TITLES]
STAMP = "2024-07-11T21:22:07.000+0000"


def _id(prefix: str, number: int) -> str:
    return normal_id(f"{prefix}Bn{number:010d}")


def write_export(folder: Path, contacts: int, *, seed: int = 1) -> int:
    """Write Account.csv and Contact.csv of `contacts` contacts; returns the accounts."""
    rng = Random(seed)
    accounts = max(1, math.ceil(contacts / CONTACTS_PER_ACCOUNT))
    with (folder / "Account.csv").open("w", encoding="utf-8-sig", newline="") as handle:
        out = csv.DictWriter(handle, ACCOUNT_COLUMNS, lineterminator="\n")
        out.writeheader()
        for n in range(accounts):
            city = rng.choice(vocab.CITIES)
            out.writerow({
                "Id": _id("001", n), "IsDeleted": "0", "Name": f"Bench Account {n + 1:05d}",
                "Type": "Customer - Direct", "BillingStreet": f"{n + 1} Market Street",
                "BillingCity": city, "BillingCountry": "United States",
                "Industry": rng.choice(("Manufacturing", "Finance", "Healthcare", "Retail")),
                "AnnualRevenue": str(rng.randrange(10, 5000) * 100_000),
                "NumberOfEmployees": str(rng.randrange(50, 50_000)), "OwnerId": OWNER,
                "CreatedDate": STAMP, "LastModifiedDate": STAMP, "SystemModstamp": STAMP,
            })  # fmt: skip
    with (folder / "Contact.csv").open("w", encoding="utf-8-sig", newline="") as handle:
        out = csv.DictWriter(handle, CONTACT_COLUMNS, lineterminator="\n")
        out.writeheader()
        for n in range(contacts):
            index = n % CONTACTS_PER_ACCOUNT
            first = rng.choice(vocab.FIRST_NAMES)
            last = rng.choice(vocab.LAST_NAMES)
            manager = _id("003", n - index + (index - 1) // REPORTS) if index else ""
            out.writerow({
                "Id": _id("003", n), "IsDeleted": "0",
                "AccountId": _id("001", n // CONTACTS_PER_ACCOUNT),
                "FirstName": first, "LastName": f"{last} {n:06d}",
                "Name": f"{first} {last} {n:06d}",
                "Phone": f"+1 555 {n % 10_000:04d}", "ReportsToId": manager,
                "Email": f"{first}.{last}.{n}@bench.example".lower(),
                "Title": rng.choice(TITLES),
                "Department": rng.choice(("Finance", "IT", "Operations", "Sales", "Legal")),
                "OwnerId": OWNER, "CreatedDate": STAMP, "LastModifiedDate": STAMP,
                "SystemModstamp": STAMP, "HasOptedOutOfEmail": "0", "DoNotCall": "0",
            })  # fmt: skip
    return accounts


def read_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


@contextmanager
def rolled_back():
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def importer():
    """The administrator the import runs as (created in the rolled-back transaction)."""
    existing = User.objects.filter(username="bench-importer", role=Role.ADMIN).first()
    return existing or team_services.create_user(
        by=None, username="bench-importer", password="bench-importer-password",
        role=Role.ADMIN, check_password=False,
    )  # fmt: skip


def written() -> set[tuple]:
    """The stakeholders as a person would compare them: account, name, title, email,
    phone, department, manager, CRM id."""
    managers = dict(Stakeholder.objects.values_list("pk", "crm_id"))
    return {
        (account, name, title, email, phone, department, managers.get(boss), crm_id)
        for account, name, title, email, phone, department, boss, crm_id in (
            Stakeholder.objects.values_list(
                "account__crm_id", "name", "title", "email", "phone", "department",
                "reports_to_id", "crm_id",
            )
        )
    }  # fmt: skip


def import_once(folder: Path, limit: int) -> tuple[float, set[tuple]]:
    with rolled_back():
        by = importer()
        started = time.perf_counter()
        export = SalesforceReader.read_export(folder, everything=True, max_bytes=limit)
        apply_export(export, by=by)
        elapsed = (time.perf_counter() - started) * 1000
        return elapsed, written()


# ---- the floor


class _Table:
    """An INSERT of every column of a model's table (or its history table), with the
    model's defaults prepared once for the columns a row leaves out."""

    def __init__(self, model, *, history: bool):
        meta = (model.history.model if history else model)._meta
        self.sql, columns = statement(meta, with_pk=not history)
        self.names = [attname for attname, _ in columns]
        fields = {f.attname: f for f in meta.concrete_fields}
        now = clock.now()
        self.defaults = {}
        for f in (fields[name] for name in self.names):
            value = f.get_default()
            if f.attname in ("created_at", "updated_at", "history_date"):
                value = now
            self.defaults[f.attname] = f.get_db_prep_save(value, connection)

    def insert(self, rows: list[dict]) -> None:
        names = self.names
        execute(self.sql, [[row.get(n, self.defaults[n]) for n in names] for row in rows])


def floor_once(folder: Path) -> tuple[float, set[tuple]]:
    with rolled_back():
        by = importer()
        started = time.perf_counter()
        accounts = read_rows(folder / "Account.csv")
        contacts = read_rows(folder / "Contact.csv")
        account_ids = dict(
            zip((a["Id"] for a in accounts), reserve_ids(Account, len(accounts)), strict=True)
        )
        people_ids = dict(
            zip((c["Id"] for c in contacts), reserve_ids(Stakeholder, len(contacts)), strict=True)
        )
        account_rows = [
            {"id": account_ids[a["Id"]], "name": a["Name"], "crm_id": a["Id"], "owner_id": by.pk,
             "source": Source.SALESFORCE, "industry": a["Industry"],
             "annual_revenue": a["AnnualRevenue"], "employees": int(a["NumberOfEmployees"])}
            for a in accounts
        ]  # fmt: skip
        people_rows = [
            {"id": people_ids[c["Id"]], "account_id": account_ids[c["AccountId"]],
             "name": f"{c['FirstName']} {c['LastName']}", "title": c["Title"],
             "department": c["Department"], "email": c["Email"], "phone": c["Phone"],
             "reports_to_id": people_ids.get(c["ReportsToId"]), "crm_id": c["Id"]}
            for c in contacts
        ]  # fmt: skip
        for model, rows in ((Account, account_rows), (Stakeholder, people_rows)):
            _Table(model, history=False).insert(rows)
            history = [{**row, "history_type": "+", "history_user_id": by.pk} for row in rows]
            _Table(model, history=True).insert(history)
        elapsed = (time.perf_counter() - started) * 1000
        return elapsed, written()


def run(rows: int, *, runs: int = 1, seed: int = 1) -> dict:
    """Generate the export, then measure the import and the floor `runs` times each."""
    with tempfile.TemporaryDirectory(prefix="keyplan-bench-") as folder:
        folder = Path(folder)
        accounts = write_export(folder, rows, seed=seed)
        limit = max(f.stat().st_size for f in folder.iterdir()) + 1
        imports, floors, agrees = [], [], True
        for _ in range(runs):
            elapsed, imported = import_once(folder, limit)
            imports.append(elapsed)
            elapsed, floored = floor_once(folder)
            floors.append(elapsed)
            agrees = agrees and imported == floored and len(imported) == rows
    import_ms = round(statistics.median(imports), 1)
    floor_ms = round(statistics.median(floors), 1)
    return {
        "import_rows": rows,
        "import_accounts": accounts,
        "import_ms": import_ms,
        "import_floor_ms": floor_ms,
        "import_vs_floor": round(import_ms / floor_ms, 2),
        "import_floor_agrees": agrees,
    }
