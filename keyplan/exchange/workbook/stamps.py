"""What an exported workbook showed: the moment it was made and the version of every
record on it, kept on a hidden, locked sheet.

Each stamp is signed with the server's secret key, as the account's id is (see
accounts.py): a stamp that was edited, forged or made by another keyplan counts as
none, and a workbook whose moment of export is not ours carries no stamps at all (as
the blank template and a workbook from elsewhere do). The import (since.py) reads
them to tell what keyplan created or changed after the workbook was made.
"""

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime

from django.core import signing
from django.db import models
from django.utils import timezone
from openpyxl.styles import Font

from keyplan.accounts.models import (
    Account,
    Contract,
    ContractLine,
    RevenueYear,
    SelectionScore,
)
from keyplan.cadence.models import PlanReview, Touchpoint, TriggerEvent
from keyplan.core import clock
from keyplan.core.models import Tracked, Versioned
from keyplan.growth.models import (
    Action,
    BusinessUnit,
    Objective,
    Play,
    ResourceRequest,
    WhitespaceCell,
)
from keyplan.relationships.models import Influence, Interaction, Stakeholder
from keyplan.risks.models import HealthSnapshot, Risk, SwotItem
from keyplan.team.models import AccountMember

STAMPS_SHEET = "Stamps"
EXPORTED = "Exported"

_SIGNER = signing.Signer(salt="keyplan.exchange.workbook.stamp")

# The records of a plan that the workbook's sheets show, each reached from its account
# by its `account_path`. Links (a play's stakeholders and cells, a touchpoint's
# attendees) move their owner's version, so the owner's stamp covers them.
PLAN_MODELS: tuple[type[Tracked], ...] = (
    Account,
    AccountMember,
    Contract,
    ContractLine,
    RevenueYear,
    BusinessUnit,
    Stakeholder,
    Influence,
    Interaction,
    WhitespaceCell,
    Objective,
    Play,
    Risk,
    Touchpoint,
    PlanReview,
    TriggerEvent,
    ResourceRequest,
    SwotItem,
    Action,
    HealthSnapshot,
    SelectionScore,
)

Key = tuple[str, int]  # a record's model ("relationships.stakeholder") and its pk


def key_of(record: models.Model) -> Key:
    return (record._meta.label_lower, record.pk)


def plan_records(account: Account, model: type[Tracked]) -> models.QuerySet:
    """The records of `model` in `account`'s plan."""
    path = model.account_path
    if not path:
        return model.objects.filter(pk=account.pk)
    return model.objects.filter(**{path: account})


@dataclass(frozen=True)
class Stamps:
    """The stamps a workbook carries: none (`moment` None) or the moment it was made
    and the version each record it showed had then (None for records without one)."""

    moment: datetime | None = None
    versions: dict[Key, int | None] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return self.moment is not None


def take(account: Account) -> Stamps:
    """The stamps of a workbook of `account`'s plan made now. Taken before the plan is
    read for the sheets: a change made in between shows as one made after the export
    (the safe side)."""
    moment = clock.now()
    versions: dict[Key, int | None] = {}
    for model in PLAN_MODELS:
        label = model._meta.label_lower
        if issubclass(model, Versioned):
            for pk, version in plan_records(account, model).values_list("pk", "version"):
                versions[(label, pk)] = version
        else:
            for pk in plan_records(account, model).values_list("pk", flat=True):
                versions[(label, pk)] = None
    return Stamps(moment, versions)


def write(sheet, stamps: Stamps) -> None:
    """Fill the hidden Stamps sheet and lock it (no password: it guards against slips;
    the signatures guard against the rest)."""
    sheet["A1"], sheet["B1"], sheet["C1"] = "Record", "Version", "Stamp (do not edit)"
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    if stamps.moment is None:
        return
    moment = stamps.moment.isoformat()
    sheet.append([EXPORTED, timezone.localtime(stamps.moment).strftime("%Y-%m-%d %H:%M"),
                  _SIGNER.sign(moment)])  # fmt: skip
    for (label, pk), version in stamps.versions.items():
        payload = f"{label}:{pk}:{'' if version is None else version}"
        sheet.append([f"{label} {pk}", version, _SIGNER.sign(payload)])
    sheet.column_dimensions["A"].width = 30
    sheet.column_dimensions["C"].width = 60
    sheet.sheet_state = "hidden"
    sheet.protection.sheet = True


def _unsigned(value) -> str | None:
    try:
        return _SIGNER.unsign(str(value)) if value else None
    except signing.BadSignature:
        return None


def read_stamps(rows: list[tuple]) -> Stamps:
    """The stamps in the rows of a Stamps sheet; none unless its moment is ours."""
    moment, versions = None, {}
    for row in _stamp_rows(rows):
        what, stamp = row[0], _unsigned(row[2])
        if stamp is None:
            continue
        if what == EXPORTED:
            moment = _moment(stamp)
            continue
        parsed = _parse(stamp)
        if parsed is not None:
            versions[parsed[0]] = parsed[1]
    return Stamps(moment, versions) if moment is not None else Stamps()


def _stamp_rows(rows: list[tuple]) -> Iterator[tuple]:
    for row in rows[1:]:
        if row and len(row) >= 3:  # what it was, its version, the signed stamp
            yield row


def _moment(text: str) -> datetime | None:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment if timezone.is_aware(moment) else None


def _parse(stamp: str) -> tuple[Key, int | None] | None:
    try:
        label, pk, version = stamp.split(":")
        return (label, int(pk)), int(version) if version else None
    except ValueError:
        return None
