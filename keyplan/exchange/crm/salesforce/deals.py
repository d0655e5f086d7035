"""The deals of a Salesforce export: opportunities, their contact roles, their
line items (through the price book in older orgs) and the products they name."""

from decimal import Decimal

from keyplan.exchange.crm.files import CsvTable, Moment, Percent, Place, kind_for, parse
from keyplan.exchange.crm.reader import deal_status
from keyplan.exchange.crm.records import WON, Deal, DealRole, Line, Product
from keyplan.exchange.crm.salesforce.base import SalesforceBase
from keyplan.exchange.crm.salesforce.terms import ROLES, stage_of
from keyplan.exchange.values import Money, Number, YesNo
from keyplan.growth.models import Play
from keyplan.growth.models import Product as CatalogProduct


class DealsReading(SalesforceBase):
    """Reads Opportunity, OpportunityContactRole, OpportunityLineItem, PricebookEntry and
    Product2."""

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
        for number, values in self.live_rows(table):
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
            for number, values in self.live_rows(items):
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
        # A line item of a product skipped above has nothing to be a line of.
        named = {product.crm_id for product in export.products}
        kept = [line for line in export.lines if line.product_id in named]
        export.skip("OpportunityLineItem", "of products skipped", len(export.lines) - len(kept))
        export.lines[:] = kept

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
