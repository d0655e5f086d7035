"""Fill the test org with the records of a Salesforce Data Export (a folder of CSV
files, one per object), typed as the REST API returns them: booleans, numbers, null
for an empty cell. Columns that are not fields of the catalog (custom ones) are left
out, as an org without them would."""

import csv
from pathlib import Path

from keyplan.bench.salesforce import catalog
from keyplan.bench.salesforce.org import Org

NUMBERS = {"currency": float, "double": float, "percent": float, "int": int}


def _typed(kind: str, text: str) -> object:
    if kind == "boolean":
        return text.strip().lower() in {"1", "true"}
    if text == "":
        return None
    if kind in NUMBERS:
        try:
            return NUMBERS[kind](float(text)) if kind == "int" else float(text)
        except ValueError:
            return text  # an org would not hold it; the reader's warning path reads it
    return text


def load_export(org: Org, folder: Path) -> None:
    for path in sorted(folder.glob("*.csv")):
        object_name = path.stem
        if object_name not in catalog.OBJECTS:
            continue
        kinds = dict(catalog.fields_of(object_name))
        with path.open(encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.DictReader(handle))
        org.records[object_name] = [
            {name: _typed(kinds[name], value or "") for name, value in row.items() if name in kinds}
            for row in rows
        ]
    _activity_accounts(org)


def _activity_accounts(org: Org) -> None:
    """Fill an activity's AccountId as Salesforce does (Object Reference, Task and
    Event, AccountId): the account of what it is about (an account, or an
    opportunity's), else its contact's account; and an event's ActivityDateTime and
    ActivityDate from its start, as Salesforce does."""
    accounts = {r["Id"] for r in org.records.get("Account", ())}
    deals = {r["Id"]: r.get("AccountId") for r in org.records.get("Opportunity", ())}
    contacts = {r["Id"]: r.get("AccountId") for r in org.records.get("Contact", ())}
    for object_name in ("Task", "Event"):
        for record in org.records.get(object_name, ()):
            what, who = record.get("WhatId"), record.get("WhoId")
            record["AccountId"] = (
                what if what in accounts else deals.get(what) or contacts.get(who)
            ) or record.get("AccountId")
            start = record.get("StartDateTime")
            if object_name == "Event" and start:  # Salesforce keeps these with the start
                record["ActivityDateTime"] = record.get("ActivityDateTime") or start
                record["ActivityDate"] = record.get("ActivityDate") or str(start)[:10]
