"""The rule a live pull and a push apply to every synced field before it is written
to keyplan or sent to Salesforce (seen.py says the rule; conflicts.py keeps what both
sides changed)."""

from decimal import Decimal
from typing import Any

from django.db import models

from keyplan.exchange.crm.salesforce.live.conflicts import (
    author,
    found,
    listed,
    open_fields,
    settle,
)
from keyplan.exchange.crm.salesforce.live.seen import (
    MAY_BE_BLANK,
    held,
    keep_seen,
    kind_of,
    mark_from_salesforce,
    seen_values,
    synced,
    text_of,
)
from keyplan.exchange.crm.salesforce.terms import STAGES
from keyplan.exchange.models import SyncConflict
from keyplan.growth.models import Play


class Guard:
    """What a live pull gives the export's writer (crm/steps.py): before a record's
    values are written, `sift` keeps those the rule above lets through and notes the
    conflicts; after, `saw` remembers what Salesforce holds."""

    def __init__(self, authors: dict[str, str] | None = None):
        self.authors = authors or {}  # Salesforce record id -> who last changed it there
        self.conflicts: list[dict] = []  # as the reports list them (conflicts.listed)
        self._pending: dict[tuple[str, int], dict[str, str]] = {}

    def sift(self, record: models.Model, values: dict[str, Any]) -> dict[str, Any]:
        """The `values` to write to `record`; the others stay as keyplan holds them."""
        from_salesforce = {k: v for k, v in values.items() if synced(record, k)}
        if not from_salesforce:
            return values
        seen = seen_values([record])
        kind, crm_id = kind_of(record), getattr(record, "crm_id", "") or ""
        wanted = dict(values)
        keep = {
            name: ""
            for name in MAY_BE_BLANK.get(type(record), ())
            if name not in values and (kind, record.pk, name) not in seen
        }
        for name, value in from_salesforce.items():
            theirs, ours = text_of(record, name, value), held(record, name)
            last = seen.get((kind, record.pk, name))
            if last is not None and theirs == ours != last:
                settle(record, name)  # both sides came to the same value
            if last is None or theirs == ours or ours == last:
                keep[name] = theirs  # taken (or already held)
                continue
            del wanted[name]
            if theirs == last:
                continue  # changed in keyplan only: it stays, and is pushed
            self._conflict(record, crm_id, name, ours, theirs)
        self._pending[(kind, record.pk)] = keep
        return wanted

    def saw(self, record: models.Model, changed: list[str]) -> None:
        keep = self._pending.pop((kind_of(record), record.pk), {})
        if keep:
            keep_seen(record, getattr(record, "crm_id", "") or "", keep)
        if changed:
            mark_from_salesforce(record)

    def created(self, record: models.Model, names: list[str]) -> None:
        """A record the pull made of Salesforce's values for the fields `names`."""
        keep = {n: held(record, n) for n in names if synced(record, n)}
        keep |= {n: "" for n in MAY_BE_BLANK.get(type(record), ()) if n not in names}
        if keep:
            keep_seen(record, getattr(record, "crm_id", "") or "", keep)

    def _conflict(self, record, crm_id: str, name: str, ours: str, theirs: str) -> None:
        conflict = found(
            record, crm_id, name, keyplan=ours, salesforce=theirs,
            salesforce_by=self.authors.get(crm_id, ""),
        )  # fmt: skip
        self.conflicts.append(listed(conflict))


# The Opportunity fields a push writes that a user may change on either side, and the
# play's field each holds.
PUSHED = {
    "Name": "name",
    "StageName": "stage",
    "CloseDate": "target_close_date",
    "Amount": "target_arr",
}


class PushGuard:
    """The same rule for a push: a field is sent only when Salesforce still holds the
    value last seen (or none was seen yet); one Salesforce changed is left for the
    pull to bring, and one both sides changed is a conflict, sent by neither."""

    def __init__(self, plays: list[Play], stage_map: dict[str, str]):
        self.seen = seen_values(list(plays))
        self.open = open_fields(kind_of(Play), [p.pk for p in plays])
        self.stages = {v: k for k, v in stage_map.items()}
        self.clashes: list[tuple[Play, str, str, str, str]] = []  # play, field, ours, theirs, by
        self.agreed: list[tuple[Play, str, str]] = []  # play, field, value held on both sides
        self.conflicts: list[dict] = []

    def sift(self, play: Play, changed: dict[str, Any], opportunity: dict) -> dict[str, Any]:
        """The `changed` Opportunity fields that may be sent for `play`."""
        kind = kind_of(play)
        for sf_name, name in PUSHED.items():
            if sf_name not in changed and sf_name in opportunity:
                theirs = self._theirs(play, name, opportunity.get(sf_name))
                if self.seen.get((kind, play.pk, name)) != theirs == held(play, name):
                    self.agreed.append((play, name, theirs))
        sent: dict[str, Any] = {}
        for sf_name, value in changed.items():
            field_name = PUSHED.get(sf_name)
            if field_name is None:
                sent[sf_name] = value
                continue
            if (play.pk, field_name) in self.open:
                continue  # waits for a user to keep one side
            last = self.seen.get((kind, play.pk, field_name))
            theirs = self._theirs(play, field_name, opportunity.get(sf_name))
            ours = held(play, field_name)
            if last is None or theirs == last:
                sent[sf_name] = value
            elif ours not in (last, theirs):
                by = str(opportunity.get("LastModifiedById") or "")
                self.clashes.append((play, field_name, ours, theirs, by))
            # else Salesforce alone changed it: the next pull brings it
        return sent

    def _theirs(self, play: Play, name: str, value: object) -> str:
        """Salesforce's value of the play's field `name`, as keyplan keeps it."""
        if value in (None, ""):
            return ""
        if name == "stage":
            stage = STAGES.get(str(value).strip().lower())
            return str(stage or self.stages.get(str(value), str(value)))
        if name == "target_arr":
            return text_of(play, name, Decimal(str(value)))
        if name == "target_close_date":
            return str(value)[:10]
        return str(value)

    def keep(self, names: dict[str, str], sent: list[tuple[Play, list[str]]]) -> None:
        """After the push: remember what Salesforce holds now (the plays `sent`, with
        the Opportunity fields written) and note the conflicts, naming who changed
        them in Salesforce by `names` (user id -> name)."""
        for play, sf_names in sent:
            fields = [PUSHED[n] for n in sf_names if n in PUSHED]
            keep_seen(play, play.crm_id, {n: held(play, n) for n in fields})
        for play, name, theirs in self.agreed:
            keep_seen(play, play.crm_id, {name: theirs})
            settle(play, name)
        for play, name, ours, theirs, by in self.clashes:
            conflict = found(
                play, play.crm_id, name, keyplan=ours, salesforce=theirs,
                salesforce_by=names.get(by, ""),
            )  # fmt: skip
            self.conflicts.append(listed(conflict))

    def preview(self, names: dict[str, str]) -> list[dict]:
        """The conflicts a push found, as `keep` would list them, noting none (a dry run)."""
        return [
            listed(
                SyncConflict(
                    account_id=play.account_id, kind=kind_of(play), record_id=play.pk,
                    crm_id=play.crm_id, record_name=play.name, field=name, keyplan_value=ours,
                    keyplan_by=author(play, name), salesforce_value=theirs,
                    salesforce_by=names.get(by, ""),
                )
            )
            for play, name, ours, theirs, by in self.clashes
        ]  # fmt: skip
