"""What happened at a Salesforce export's accounts: tasks and events as
interactions, open cases as the accounts' open tickets and escalations."""

from keyplan.exchange.crm.files import CsvTable, Limited, Moment, Place, parse
from keyplan.exchange.crm.reader import YES
from keyplan.exchange.crm.records import Activity, SupportCase
from keyplan.exchange.crm.salesforce.base import SalesforceBase
from keyplan.exchange.crm.salesforce.terms import (
    ACCOUNT_PREFIX,
    ACTIVITY_KINDS,
    CONTACT_PREFIX,
    LEAD_PREFIX,
    OPPORTUNITY_PREFIX,
)
from keyplan.exchange.values import Text
from keyplan.relationships.models import InteractionKind


class ActivitiesReading(SalesforceBase):
    """Reads Task, Event and Case."""

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
            for number, values in self.live_rows(table):
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
