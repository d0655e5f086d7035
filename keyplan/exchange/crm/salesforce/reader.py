"""Salesforce's Data Export (a folder or zip of one CSV file per object) read into a
CRM export for crm/apply.py: Account, Contact and Opportunity, and where present
OpportunityContactRole, Product2, OpportunityLineItem (with PricebookEntry in older
orgs), User, Task, Event and Case.

Accounts become plan profiles (billing address as headquarters, ParentId as the
parent or the subsidiaries), contacts stakeholders (ReportsToId as the reporting
line), open opportunities growth plays (stage mapped, probability kept), won ones
contracts and revenue by year, contact roles the plays' stakeholders with their
role hints, products the catalog, tasks and events interactions, open cases the
accounts' open tickets and escalations. Ids are accepted in their 15- and
18-character forms and kept as 18. Only the rows of the chosen key accounts are
read past their ids; custom `__c` columns are ignored unless mapped (--map).
"""

import json

from keyplan.accounts.models import Account, Relationship
from keyplan.exchange.crm.files import CsvTable, Email, Moment, Place, Website, kind_for, parse
from keyplan.exchange.crm.reader import fill_from
from keyplan.exchange.crm.records import Account as CrmAccount
from keyplan.exchange.crm.records import Contact, Export
from keyplan.exchange.crm.salesforce.activities import ActivitiesReading
from keyplan.exchange.crm.salesforce.base import OBJECTS
from keyplan.exchange.crm.salesforce.deals import DealsReading
from keyplan.exchange.crm.salesforce.terms import OWNERSHIP
from keyplan.exchange.values import Integer, Money
from keyplan.relationships.models import Stakeholder


class SalesforceReader(DealsReading, ActivitiesReading):
    """Reads a Data Export into an Export: the accounts and their people here, the
    deals (deals.py), activities and cases (activities.py)."""

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
                    city=self._city(table, values),
                )
            )

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
            ("CreatedDate", "on_map_since", Moment()),
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
