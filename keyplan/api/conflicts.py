"""Salesforce sync conflicts over the API: the fields of an account's plan changed in
keyplan and in Salesforce since the last sync, with both values and who changed
each, and the choice of which to keep (exchange/crm/salesforce/live/conflicts.py).
"""

import datetime
from typing import Literal

from django.http import HttpResponse
from ninja import Query, Router, Schema
from pydantic import Field

from keyplan.api import concurrency, schemas
from keyplan.api.common import responses, visible_account
from keyplan.api.pagination import PageQuery, page_of
from keyplan.api.problems import Problem
from keyplan.core.errors import ConflictError
from keyplan.exchange.crm.salesforce.live import conflicts as sync_conflicts
from keyplan.exchange.models import SyncConflict

router = Router(tags=["Salesforce conflicts"])


class ConflictOut(Schema):
    id: int
    version: int
    record_kind: str = Field(description="The kind of record: account, stakeholder or play.")
    record_id: int
    record: str = Field(description="The record's name.")
    field: str = Field(description="The field's name, as the API's records name it.")
    field_label: str
    keyplan: str = Field(description="keyplan's value, as the plan page shows it.")
    keyplan_by: str = Field(description="Who last changed it in keyplan.")
    salesforce: str = Field(description="Salesforce's value, as the plan page would show it.")
    salesforce_by: str = Field(description="Who last changed it in Salesforce.")
    found_at: datetime.datetime
    resolved_at: datetime.datetime | None
    resolved_by: str | None = Field(description="The username of who resolved it.")
    kept: Literal["keyplan", "salesforce", ""] = Field(description="The side kept, once resolved.")


class ConflictQuery(PageQuery):
    include_resolved: bool = Field(False, description="Also the conflicts already resolved.")


class Resolution(schemas.Input):
    keep: Literal["keyplan", "salesforce"] = Field(
        description="keyplan: the next push sends keyplan's value; salesforce: keyplan "
        "takes Salesforce's value now."
    )
    version: int | None = Field(None, ge=1, description="The conflict's version, or If-Match.")


ConflictPage = schemas.page_schema(ConflictOut, "ConflictPage")


def _serialize(conflict: SyncConflict) -> dict:
    return {
        "id": conflict.pk,
        "version": conflict.version,
        "record_kind": conflict.kind.rpartition(".")[2],
        "record_id": conflict.record_id,
        "record": conflict.record_name,
        "field": conflict.field,
        "field_label": sync_conflicts.label(conflict),
        "keyplan": sync_conflicts.shown_value(conflict, conflict.keyplan_value),
        "keyplan_by": conflict.keyplan_by,
        "salesforce": sync_conflicts.shown_value(conflict, conflict.salesforce_value),
        "salesforce_by": conflict.salesforce_by,
        "found_at": conflict.found_at,
        "resolved_at": conflict.resolved_at,
        "resolved_by": conflict.resolved_by.username if conflict.resolved_by else None,
        "kept": conflict.kept,
    }


@router.get(
    "/{account_id}/conflicts",
    response=responses({200: ConflictPage}, 404),
    operation_id="list_conflicts",
    summary="The fields changed in keyplan and in Salesforce since the last sync",
)
def list_conflicts(request, account_id: int, query: Query[ConflictQuery]):
    account = visible_account(request, account_id)
    found = SyncConflict.objects.filter(account=account).select_related("resolved_by")
    if not query.include_resolved:
        found = found.filter(resolved_at__isnull=True)
    return page_of(request, found.order_by("found_at", "pk"), query, _serialize)


@router.post(
    "/{account_id}/conflicts/{conflict_id}/resolve",
    response=responses({200: ConflictOut}, 400, 403, 404, 409, 412, 413, 428),
    operation_id="resolve_conflict",
    summary="Keep keyplan's or Salesforce's value (send If-Match or the version)",
)
def resolve_conflict(
    request, response: HttpResponse, account_id: int, conflict_id: int, payload: Resolution
):
    conflict = sync_conflicts.conflict_of(account_id, conflict_id, by=request.auth)

    def stale(status: int) -> Problem:
        current = SyncConflict.objects.get(pk=conflict.pk)
        return Problem(
            status,
            "This conflict changed since you read it (a sync found new values; it is now at "
            f"version {current.version}). Nothing was changed: look at the values again.",
            headers={"ETag": concurrency.etag(current)},
            current=_serialize(current),
        )

    expected = concurrency.precondition(request, conflict, payload.version, stale=stale)
    try:
        resolved = sync_conflicts.resolve(
            conflict, payload.keep, by=request.auth, version=expected.version
        )
    except sync_conflicts.AlreadyResolved as error:
        raise Problem(409, str(error)) from error
    except ConflictError as error:
        raise stale(expected.stale_status) from error
    response["ETag"] = concurrency.etag(resolved)
    return _serialize(SyncConflict.objects.select_related("resolved_by").get(pk=resolved.pk))
