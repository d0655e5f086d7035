"""Accounts: the list a user may see, one account's own fields, its whole plan."""

import datetime
from typing import Literal

from django.db import transaction
from django.db.models import Q
from django.http import HttpResponse
from django.utils import timezone
from django.utils.http import parse_etags
from ninja import Query, Router, Schema
from pydantic import Field

from keyplan.accounts import services as account_services
from keyplan.accounts.forms import ACCOUNT_GROUPS, account_form
from keyplan.accounts.models import Account, Relationship, Tier
from keyplan.api import concurrency, schemas
from keyplan.api.common import responses, visible_account
from keyplan.api.pagination import PageQuery, page_of
from keyplan.api.problems import Problem
from keyplan.audit import kinds
from keyplan.audit.trail import record
from keyplan.core import access, sanity, services
from keyplan.core.errors import ConflictError
from keyplan.exchange.documents import cached, document

router = Router(tags=["Accounts"])

# Every field the plan page edits on the account, in one form for the API.
EDITABLE = list(dict.fromkeys(f for form in ACCOUNT_GROUPS.values() for f in form._meta.fields))
AccountForm = account_form("api", EDITABLE)
SHOWN = [*EDITABLE, "source", "crm_id", "last_changed"]

AccountOut = schemas.output_schema(Account, SHOWN, "Account")
AccountUpdate = schemas.input_schema(AccountForm, "AccountUpdate", partial=True)
AccountPage = schemas.page_schema(AccountOut, "AccountPage")
AccountWritten = schemas.written_schema(AccountOut, "AccountWritten")
ORDERINGS = ("name", "tier", "updated_at", "last_changed")


class AccountFilters(PageQuery):
    tier: Literal[tuple(Tier.values)] | None = Field(None, description="Only this tier.")
    relationship: Literal[tuple(Relationship.values)] | None = None
    owner: str | None = Field(None, description="The owner's username.", max_length=150)
    search: str | None = Field(None, description="Part of the name (any case).", max_length=200)
    ordering: Literal[tuple(o for name in ORDERINGS for o in (name, f"-{name}"))] = "name"


def _serialize(account: Account) -> dict:
    return schemas.serialize(account, SHOWN)


@router.get(
    "",
    response=responses({200: AccountPage}),
    operation_id="list_accounts",
    summary="The accounts whose plans you may read",
)
def list_accounts(request, filters: Query[AccountFilters]):
    accounts = Account.objects.visible_to(request.auth)
    if filters.tier is not None:
        accounts = accounts.filter(tier=filters.tier)
    if filters.relationship:
        accounts = accounts.filter(relationship=filters.relationship)
    if filters.owner:
        accounts = accounts.filter(owner__username=filters.owner)
    if filters.search:
        accounts = accounts.filter(Q(name__icontains=filters.search))
    tiebreak = "-pk" if filters.ordering.startswith("-") else "pk"
    accounts = accounts.order_by(filters.ordering, tiebreak)
    return page_of(request, accounts, filters, _serialize)


@router.get(
    "/{account_id}",
    response=responses({200: AccountOut}, 404),
    operation_id="get_account",
    summary="An account's own fields (its ETag is its version)",
)
def read_account(request, response: HttpResponse, account_id: int):
    account = visible_account(request, account_id)
    response["ETag"] = concurrency.etag(account)
    return _serialize(account)


def _stale(account_id: int):
    def problem(status: int) -> Problem:
        current = Account.objects.get(pk=account_id)
        return Problem(
            status,
            f"This account was changed since you read it (it is now at version "
            f"{current.version}). Nothing was saved: apply your change to `current`.",
            headers={"ETag": concurrency.etag(current)},
            current=_serialize(current),
        )

    return problem


@router.patch(
    "/{account_id}",
    response=responses({200: AccountWritten}, 400, 403, 404, 409, 412, 413, 428),
    operation_id="update_account",
    summary="Change an account's own fields (send If-Match or version)",
)
def update_account(request, response: HttpResponse, account_id: int, payload: AccountUpdate):
    account = visible_account(request, account_id)
    access.check_edit(request.auth, account)
    body = payload.model_dump(exclude_unset=True)
    body.pop("warnings", None)  # what a write returned, sent back: ignored
    stale = _stale(account_id)
    expected = concurrency.precondition(request, account, body.pop("version", None), stale=stale)
    unbound = AccountForm(instance=account, account=account)
    data = {name: unbound[name].value() for name in unbound.fields if name != "version"}
    form = AccountForm({**data, **body}, instance=account, account=account)
    if not form.is_valid():
        errors = {f: [e["message"] for e in m] for f, m in form.errors.get_json_data().items()}
        raise Problem(422, "The account has invalid values; see errors.", errors=errors)
    values = {name: value for name, value in form.values().items() if name in body}
    try:
        with transaction.atomic(), sanity.collecting() as heard:
            account = account_services.update_account(
                account, by=request.auth, version=expected.version, **values
            )
    except ConflictError as error:
        raise stale(expected.stale_status) from error
    response["ETag"] = concurrency.etag(account)
    return schemas.written(_serialize(account), heard)


@router.delete(
    "/{account_id}/checks/{field}",
    response=responses({200: AccountOut}, 400, 403, 404, 409, 412, 428),
    operation_id="clear_account_check",
    summary="Clear an account's “check this value” flag: the value stands",
)
def clear_account_check(
    request, response: HttpResponse, account_id: int, field: str, version: int | None = None
):
    account = visible_account(request, account_id)
    access.check_edit(request.auth, account)
    stale = _stale(account_id)
    expected = concurrency.precondition(request, account, version, stale=stale)
    try:
        account = services.clear_check(account, field, by=request.auth, version=expected.version)
    except ConflictError as error:
        raise stale(expected.stale_status) from error
    response["ETag"] = concurrency.etag(account)
    return _serialize(account)


class PlanQuery(Schema):
    as_of: datetime.date | None = Field(
        None, description="The plan as it stood at the end of this day."
    )


@router.get(
    "/{account_id}/plan",
    response=responses({200: dict}, 404),
    operation_id="get_plan",
    summary="The whole plan, as `keyplan plan show --format json` prints it",
)
def read_plan(request, account_id: int, query: Query[PlanQuery]):
    """The live plan comes from the shared cache with an ETag; a client that sends it
    back in If-None-Match gets 304 until the plan (or a name it shows) changes."""
    account = visible_account(request, account_id)  # first: a 404 even with a valid ETag
    if query.as_of is None:
        key = cached.key(account)
        tag = cached.etag(key)
        headers = {"ETag": tag, "Cache-Control": "private, no-cache"}
        if _matches(request.headers.get("If-None-Match"), tag):
            return HttpResponse(status=304, headers=headers)
        record(kinds.EXPORT, target=account, format="json", via="api", as_of="")
        return HttpResponse(
            cached.plan_bytes(account, key), content_type="application/json", headers=headers
        )
    moment = timezone.make_aware(datetime.datetime.combine(query.as_of, datetime.time.max))
    if not Account.history.filter(id=account.pk, history_date__lte=moment).exists():
        raise Problem(404, f"{account.name} did not exist yet on {query.as_of}.")
    record(kinds.EXPORT, target=account, format="json", via="api", as_of=str(query.as_of))
    return HttpResponse(
        document.to_bytes(document.build(account, as_of=moment)), content_type="application/json"
    )


def _matches(if_none_match: str | None, tag: str) -> bool:
    """Whether If-None-Match names `tag` (or is "*"); weak tags compare weakly (RFC 9110)."""
    if not if_none_match:
        return False
    tags = parse_etags(if_none_match)
    return "*" in tags or tag in (t.removeprefix("W/") for t in tags)
