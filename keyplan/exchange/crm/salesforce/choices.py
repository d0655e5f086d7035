"""The accounts of a Salesforce export, as the web import offers them to choose."""

import json
from collections import Counter

from keyplan.exchange.crm.files import CsvTable
from keyplan.exchange.crm.records import AccountChoice
from keyplan.exchange.crm.salesforce.base import SalesforceBase


class ChoicesReading(SalesforceBase):
    """Lists the accounts of an export without choosing any."""

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

    def _city(self, table: CsvTable, values) -> str:
        city = table.value(values, "BillingCity")
        if not city and table.value(values, "BillingAddress"):
            try:
                address = json.loads(table.value(values, "BillingAddress"))
                city = str(address.get("city") or "") if isinstance(address, dict) else ""
            except ValueError:
                city = ""
        return city
