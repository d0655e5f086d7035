"""Saving the connection an administrator sets on the Integrations page, and what a
sync keeps: the last pull, the stage map, and the Opportunity of a pushed play."""

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import transaction

from keyplan.core import access, clock, services
from keyplan.core.errors import Forbidden
from keyplan.core.history import author
from keyplan.exchange.crm.salesforce.live.config import SECRETS
from keyplan.exchange.crm.salesforce.live.sealed import seal
from keyplan.exchange.models import (
    AccountSync,
    DeletedRecord,
    PushedRecord,
    SalesforceConnection,
)
from keyplan.growth.models import Play
from keyplan.relationships.models import Stakeholder

PLAIN = ("login_url", "client_id", "username", "api_version", "play_id_field")


class Stale(Exception):
    """The connection was saved by someone else since the form was opened."""


@contextmanager
def _changing(by, version: int) -> Iterator[SalesforceConnection]:
    """The connection, locked, for an administrator's change based on `version`; saved
    with the next version when the change is done."""
    if not access.is_administrator(by):
        raise Forbidden("Only administrators set the Salesforce connection.")
    with transaction.atomic():
        connection, _ = SalesforceConnection.objects.select_for_update().get_or_create(pk=1)
        if connection.version != version:
            raise Stale(
                "Someone saved the Salesforce connection since you opened this page (you had "
                f"version {version}, it is now at version {connection.version}). Nothing "
                "was saved: look at their change and save yours again."
            )
        yield connection
        connection.version += 1
        connection.updated_at = clock.now()
        connection.updated_by = by
        connection.save()


def save_connection(
    values: dict[str, str],
    *,
    by,
    version: int,
    secrets: dict[str, str] | None = None,
    clear: tuple[str, ...] = (),
) -> SalesforceConnection:
    """Set the page's values. A secret given in `secrets` replaces the stored one
    (sealed); one named in `clear` is removed; any other stays as it was, unseen."""
    with _changing(by, version) as connection:
        org = (connection.login_url, connection.client_id)
        for name in PLAIN:
            if name in values:
                setattr(connection, name, values[name].strip())
        if (connection.login_url, connection.client_id) != org:
            connection.last_pull_at = None  # another org, or app: the next pull reads all
        for name in SECRETS:
            given = (secrets or {}).get(name, "").strip()
            if given:
                setattr(connection, name, seal(given))
            elif name in clear:
                setattr(connection, name, "")
    return connection


def pulled(started, usage: tuple[int, int] | None) -> None:
    """Record a pull: when it began, if it reached every linked account (else None,
    which leaves the last complete one), and the org's API use it was told."""
    with transaction.atomic():
        connection, _ = SalesforceConnection.objects.select_for_update().get_or_create(pk=1)
        if started is not None:
            connection.last_pull_at = started
        if usage is not None:
            connection.api_used, connection.api_allowed = usage
        connection.save(update_fields=["last_pull_at", "api_used", "api_allowed"])


def save_stage_map(stage_map: dict[str, str], *, by, version: int) -> SalesforceConnection:
    """Set which Opportunity stage a push writes for each stage of a play; a stage
    left blank is not pushed."""
    with _changing(by, version) as connection:
        connection.stage_map = {k: v.strip() for k, v in stage_map.items() if v.strip()}
    return connection


def save_contacts_switch(on: bool, *, by, version: int) -> SalesforceConnection:
    """Set whether a push creates the new stakeholders of its plays as Contacts."""
    with _changing(by, version) as connection:
        connection.create_contacts = bool(on)
    return connection


def contact_of(stakeholder: Stakeholder, crm_id: str, *, by) -> Stakeholder:
    """Tie a stakeholder to the Contact a push created for them (with history)."""
    return services.update(stakeholder, by=by, version=stakeholder.version, crm_id=crm_id)


def keep_stage_map(stage_map: dict[str, str]) -> None:
    """Keep the stage map the first push worked out, for the administrator to see."""
    with transaction.atomic():
        connection, _ = SalesforceConnection.objects.select_for_update().get_or_create(pk=1)
        if not connection.stage_map:
            connection.stage_map = stage_map
            connection.save(update_fields=["stage_map"])


def opportunity_of(play: Play, crm_id: str, *, by) -> Play:
    """Tie a pushed play to the Opportunity Salesforce keeps it as."""
    return services.update(play, by=by, version=play.version, crm_id=crm_id)


def dropped_opportunities(ids: list[str]) -> dict[str, DeletedRecord]:
    """Of these Opportunity ids, those whose play was deleted in keyplan."""
    gone = DeletedRecord.objects.filter(
        side=DeletedRecord.KEYPLAN, object_name="Opportunity", crm_id__in=ids
    )
    return {record.crm_id: record for record in gone}


def play_deleted(play: Play) -> None:
    """Keep the Opportunity id of a play deleted in keyplan: its Opportunity stays in
    Salesforce, the next push says the link was dropped, and a pull does not bring the
    play back."""
    if not play.crm_id:
        return
    DeletedRecord.objects.update_or_create(
        side=DeletedRecord.KEYPLAN,
        object_name="Opportunity",
        crm_id=play.crm_id,
        defaults={
            "account_crm_id": play.account.crm_id,
            "name": play.name,
            "deleted_at": clock.now(),
            "reported_at": None,
        },
    )


def dropped_links(*, accounts, dry_run: bool) -> list[DeletedRecord]:
    """The plays deleted in keyplan that no push has reported yet (marked reported
    unless a dry run)."""
    records = list(
        DeletedRecord.objects.filter(
            side=DeletedRecord.KEYPLAN, object_name="Opportunity", reported_at__isnull=True
        )
        .filter(account_crm_id__in=[a.crm_id for a in accounts])
        .order_by("deleted_at", "pk")
    )
    if records and not dry_run:
        DeletedRecord.objects.filter(pk__in=[r.pk for r in records]).update(reported_at=clock.now())
    return records


def flag_deleted(record: Play | Stakeholder, deleted_at, *, by) -> None:
    """Flag a play or stakeholder whose Opportunity or Contact was deleted in
    Salesforce; nothing is deleted in keyplan. The flag is keyplan's to set (not a
    field people edit), so it is saved here, with history, as the sync's user."""
    with transaction.atomic():
        current = services.lock(type(record), record.pk)
        access.check_edit(by, current)
        if current.crm_deleted_at is None:
            current.crm_deleted_at = deleted_at
            current._history_user = author(by)
            current.save()


def role_deleted(
    crm_id: str, *, opportunity_id: str, contact_id: str, account_crm_id: str, deleted_at
) -> None:
    """Keep a contact role deleted in Salesforce, so a push does not add it again."""
    DeletedRecord.objects.update_or_create(
        side=DeletedRecord.SALESFORCE,
        object_name="OpportunityContactRole",
        crm_id=crm_id,
        defaults={
            "opportunity_id": opportunity_id,
            "contact_id": contact_id,
            "account_crm_id": account_crm_id,
            "deleted_at": deleted_at,
        },
    )


def deleted_roles(opportunity_ids: list[str]) -> set[tuple[str, str]]:
    """The (Opportunity, Contact) pairs whose contact role was deleted in Salesforce."""
    return set(
        DeletedRecord.objects.filter(
            side=DeletedRecord.SALESFORCE,
            object_name="OpportunityContactRole",
            opportunity_id__in=opportunity_ids,
        ).values_list("opportunity_id", "contact_id")
    )


def synced(account_ids: list[int], at) -> None:
    """Record when these accounts' plans were last synced."""
    with transaction.atomic():
        for account_id in account_ids:
            AccountSync.objects.update_or_create(account_id=account_id, defaults={"synced_at": at})


def pushed_records(object_name: str, account_crm_ids: list[str]) -> dict[int, PushedRecord]:
    """The records of these accounts a push wrote to `object_name`, by keyplan's pk."""
    rows = PushedRecord.objects.filter(object_name=object_name, account_crm_id__in=account_crm_ids)
    return {row.record_id: row for row in rows}


def keep_pushed(object_name: str, record_id: int, crm_id: str, *, account_crm_id: str, name: str):
    """Keep the Salesforce id a push wrote a record to, for the next push to update."""
    PushedRecord.objects.update_or_create(
        object_name=object_name,
        record_id=record_id,
        defaults={
            "crm_id": crm_id,
            "account_crm_id": account_crm_id,
            "name": name[:255],
            "pushed_at": clock.now(),
        },
    )


def forget_pushed(rows: list[PushedRecord]) -> None:
    """Forget records whose keyplan side was deleted, once the report said so."""
    PushedRecord.objects.filter(pk__in=[row.pk for row in rows]).delete()
