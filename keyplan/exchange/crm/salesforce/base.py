"""What every part of the Salesforce reader shares: the objects it reads, the
columns each must have, and how rows are loaded, placed on their account and
skipped."""

import json

from keyplan.accounts.models import Account, Source
from keyplan.exchange.crm.files import CsvTable, base_name, read_table, refuse
from keyplan.exchange.crm.reader import YES, VendorReader
from keyplan.exchange.crm.records import Deal, Owner
from keyplan.exchange.crm.salesforce.terms import normal_id
from keyplan.growth.models import Play
from keyplan.relationships.models import Stakeholder

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


class SalesforceBase(VendorReader):
    label = LABEL
    vendor = Source.SALESFORCE
    mapped_objects = {"Account": Account, "Contact": Stakeholder, "Opportunity": Play}
    normal_id = staticmethod(normal_id)
    # Data Export writes an empty reference as the null id, not as an empty cell.
    empty_ids = frozenset({"000000000000000AAA", "000000000000000"})
    # Filled as the reader goes, object by object (see SalesforceReader.read).
    tables: dict[str, CsvTable]
    account_ids: set[str]  # every account of Account.csv
    chosen_ids: set[str]  # the key accounts chosen
    contact_accounts: dict[str, str]  # contact id -> account id
    deal_accounts: dict[str, str]  # opportunity id -> account id
    chosen_deals: dict[str, Deal]  # the opportunities of chosen accounts, by id

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

    def _city(self, table: CsvTable, values) -> str:
        """The billing city, from its column or the compound address."""
        city = table.value(values, "BillingCity")
        compound = table.value(values, "BillingAddress")
        if not city and compound:
            try:
                address = json.loads(compound)
            except ValueError:
                return ""
            city = str(address.get("city") or "") if isinstance(address, dict) else ""
        return city.strip()

    def _deleted(self, table: CsvTable, values) -> bool:
        column = table.first("IsDeleted")
        try:
            return bool(column and YES.parse(table.value(values, column)))
        except ValueError:
            return False

    # ---- objects

    def _yes(self, table: CsvTable, values, header: str) -> bool:
        try:
            return bool(YES.parse(table.value(values, header)))
        except ValueError:
            return False

    def _owner(self, table: CsvTable, values) -> str:
        raw = table.value(values, "OwnerId")
        if raw in self.empty_ids:
            return ""
        try:
            return normal_id(raw) if raw else ""
        except ValueError:
            return ""

    def _placed(self, object_name: str, table: CsvTable, account_ids: dict[int, str]):
        """The rows of `table` on a chosen account, skipping (and counting) the rest."""
        export = self.export
        for number, values in self.live_rows(table):
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
