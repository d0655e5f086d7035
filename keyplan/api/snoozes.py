"""Snoozed alerts over the API: list an account's snoozes, set an alert aside with a
reason (as the weekly review does), and wake it again.

A snooze names a firing alert by its rule and record (`rule` and `record_id` of
GET /alerts); cadence.services decides what may be snoozed and for how long.
"""

import datetime
from typing import Literal

from django.http import HttpResponse
from ninja import Query, Router, Schema, Status
from pydantic import Field

from keyplan.api import concurrency, schemas
from keyplan.api.common import responses, visible_account
from keyplan.api.pagination import PageQuery, page_of
from keyplan.api.problems import Problem
from keyplan.cadence.models import AlertSnooze
from keyplan.core import access, clock
from keyplan.core.errors import ConflictError
from keyplan.insights import alerts as alert_rules
from keyplan.rhythm.snoozes import SNOOZE_DAYS, snooze_alert, wake_alert

router = Router(tags=["Snoozed alerts"])

RULE_KEYS = tuple(rule.key for rule in alert_rules.RULES)


class SnoozeOut(Schema):
    id: int
    version: int
    rule: str
    record_id: int = Field(description="The record the alert is raised on.")
    until: datetime.date = Field(description="The alert stays quiet up to and including this day.")
    reason: str
    snoozed_by: str | None = Field(description="The username of who snoozed it.")
    created_at: datetime.datetime


class SnoozeCreate(schemas.Input):
    rule: Literal[RULE_KEYS] = Field(description="The alert's rule, as GET /alerts gives it.")
    record_id: schemas.RecordId = Field(description="The alert's record_id, from GET /alerts.")
    reason: str = Field(min_length=1, max_length=2000, description="Why the alert can wait.")
    days: int = Field(SNOOZE_DAYS, ge=1, le=AlertSnooze.MAX_DAYS, description="How long.")


class SnoozeQuery(PageQuery):
    include_ended: bool = Field(False, description="Also the snoozes whose day has passed.")


SnoozePage = schemas.page_schema(SnoozeOut, "SnoozePage")


def _serialize(snooze: AlertSnooze) -> dict:
    return {
        "id": snooze.pk,
        "version": snooze.version,
        "rule": snooze.rule,
        "record_id": snooze.record_id,
        "until": snooze.until,
        "reason": snooze.reason,
        "snoozed_by": snooze.snoozed_by.username if snooze.snoozed_by else None,
        "created_at": snooze.created_at,
    }


def _snoozes(account):
    return AlertSnooze.objects.filter(account=account).select_related("snoozed_by")


@router.get(
    "/{account_id}/snoozes",
    response=responses({200: SnoozePage}, 404),
    operation_id="list_snoozes",
    summary="The alerts set aside on an account, latest day first",
)
def list_snoozes(request, account_id: int, query: Query[SnoozeQuery]):
    snoozes = _snoozes(visible_account(request, account_id))
    if not query.include_ended:
        snoozes = snoozes.filter(until__gte=clock.today())
    return page_of(request, snoozes.order_by("-until", "-pk"), query, _serialize)


@router.post(
    "/{account_id}/snoozes",
    response=responses({201: SnoozeOut}, 400, 403, 404, 413),
    operation_id="create_snooze",
    summary="Snooze a firing alert of an account, with the reason",
)
def create_snooze(request, response: HttpResponse, account_id: int, payload: SnoozeCreate):
    account = visible_account(request, account_id)
    access.check_edit(request.auth, AlertSnooze(account=account))
    snooze = snooze_alert(
        account,
        payload.rule,
        payload.record_id,
        payload.reason,
        by=request.auth,
        days=payload.days,
    )
    snooze = _snoozes(account).get(pk=snooze.pk)
    response["ETag"] = concurrency.etag(snooze)
    response["Location"] = request.build_absolute_uri(f"{request.path}/{snooze.pk}")
    return Status(201, _serialize(snooze))


@router.delete(
    "/{account_id}/snoozes/{snooze_id}",
    response=responses({204: None}, 400, 403, 404, 409, 412, 428),
    operation_id="delete_snooze",
    summary="Wake a snoozed alert now (send If-Match or ?version=)",
)
def delete_snooze(request, account_id: int, snooze_id: int, version: int | None = None):
    account = visible_account(request, account_id)
    snooze = _snoozes(account).filter(pk=snooze_id).first()
    if snooze is None:
        raise Problem(404, f"This account has no snoozed alert {snooze_id}.")
    access.check_edit(request.auth, snooze, deleting=True)

    def stale(status: int) -> Problem:
        current = _snoozes(account).get(pk=snooze.pk)
        return Problem(
            status,
            f"This snooze was changed since you read it (it is now at version "
            f"{current.version}). Nothing was changed.",
            headers={"ETag": concurrency.etag(current)},
            current=_serialize(current),
        )

    expected = concurrency.precondition(request, snooze, version, stale=stale)
    try:
        wake_alert(snooze, by=request.auth, version=expected.version)
    except ConflictError as error:
        raise stale(expected.stale_status) from error
    return Status(204, None)
