"""List, read, create, update and delete for every plan record, one generic set
of operations registered for each kind in api.kinds.

Input is checked twice, each for what it knows: the schema refuses unknown
fields and wrong types (422), the page's form turns the values into field values
with the page's own messages (422), and the services check access, versions and
the whole record in one transaction (403, 409/412, 422).
"""

from django.db import transaction
from django.http import HttpResponse
from ninja import Query, Router, Status

from keyplan.api import concurrency, schemas
from keyplan.api.common import responses, visible_account
from keyplan.api.kinds import API_KINDS, ApiKind
from keyplan.api.pagination import page_of
from keyplan.api.problems import Problem
from keyplan.core import access, sanity, services
from keyplan.core.errors import ConflictError

router = Router()


def _queryset(kind: ApiKind, account):
    return kind.model.objects.filter(account=account).prefetch_related(*kind.links)


def _record(kind: ApiKind, account, record_id: int):
    record = _queryset(kind, account).filter(pk=record_id).first()
    if record is None:
        raise Problem(404, f"This account's plan has no {kind.label} {record_id}.")
    return record


def _form_values(kind: ApiKind, account, record, payload: dict) -> tuple[dict, dict]:
    """Validate `payload` through the page's form; return (field values, link values).

    Fields the payload leaves out keep their stored (or, new, default) values, and
    only the fields it names are written."""
    form_class = kind.create_form if record is None and kind.create_form else kind.form
    unbound = form_class(instance=record, account=account)
    data = {name: unbound[name].value() for name in unbound.fields if name != "version"}
    data.update(payload)
    form = form_class(data, instance=record, account=account)
    if not form.is_valid():
        errors = {
            field: [error["message"] for error in messages]
            for field, messages in form.errors.get_json_data().items()
        }
        raise Problem(422, f"The {kind.label} has invalid values; see errors.", errors=errors)
    values, links = form.values(), form.link_values()
    if record is not None:
        values = {name: value for name, value in values.items() if name in payload}
        links = {name: value for name, value in links.items() if name in payload}
    return values, links


def _stale(kind: ApiKind, record):
    def problem(status: int) -> Problem:
        current = _record(kind, record.plan_account, record.pk)
        return Problem(
            status,
            f"This {kind.label} was changed since you read it (it is now at version "
            f"{current.version}). Nothing was saved: apply your change to the current "
            "version, which is in `current`.",
            headers={"ETag": concurrency.etag(current)},
            current=kind.serialize(current),
        )

    return problem


def _check_edit(user, record, **kwargs) -> None:
    """Refuse (403/404) before looking at the input, so a viewer learns nothing from it."""
    access.check_edit(user, record, **kwargs)


def register(kind: ApiKind) -> None:
    base = f"/{{account_id}}/{kind.path}"
    item = f"{base}/{{record_id}}"
    tags = [str(kind.model._meta.verbose_name_plural).capitalize()]
    snake = kind.path.replace("-", "_")
    create_schema, update_schema, out_schema, written_schema = (
        kind.create_schema,
        kind.update_schema,
        kind.out_schema,
        kind.written_schema,
    )

    @router.get(
        base,
        response=responses({200: kind.page_schema}, 404),
        operation_id=f"list_{snake}",
        summary=f"List the {kind.path.replace('-', ' ')} of an account (filter, sort, page)",
        tags=tags,
    )
    def list_records(request, account_id: int, query: Query[kind.list_query]):
        account = visible_account(request, account_id)
        records = schemas.filtered(_queryset(kind, account), query)
        return page_of(request, records, query, kind.serialize)

    @router.get(
        item,
        response=responses({200: out_schema}, 404),
        operation_id=f"get_{snake}",
        summary=f"Read a {kind.label} (its ETag is its version)",
        tags=tags,
    )
    def read_record(request, response: HttpResponse, account_id: int, record_id: int):
        record = _record(kind, visible_account(request, account_id), record_id)
        response["ETag"] = concurrency.etag(record)
        return kind.serialize(record)

    @router.post(
        base,
        response=responses({201: written_schema}, 400, 403, 404, 413),
        operation_id=f"create_{snake}",
        summary=f"Add a {kind.label} to an account's plan",
        tags=tags,
    )
    def create_record(request, response: HttpResponse, account_id: int, payload: create_schema):
        account = visible_account(request, account_id)
        _check_edit(request.auth, kind.model(account=account))
        values, links = _form_values(kind, account, None, payload.model_dump(exclude_unset=True))
        with transaction.atomic(), sanity.collecting() as heard:
            record = services.create(kind.model, by=request.auth, account=account, **values)
            for name, targets in links.items():
                record = services.set_links(
                    record, name, targets, by=request.auth, version=record.version
                )
        record = _record(kind, account, record.pk)
        response["ETag"] = concurrency.etag(record)
        response["Location"] = request.build_absolute_uri(f"{request.path}/{record.pk}")
        return Status(201, schemas.written(kind.serialize(record), heard))

    @router.patch(
        item,
        response=responses({200: written_schema}, 400, 403, 404, 409, 412, 413, 428),
        operation_id=f"update_{snake}",
        summary=f"Change a {kind.label} (send If-Match or version)",
        tags=tags,
    )
    def update_record(
        request, response: HttpResponse, account_id: int, record_id: int, payload: update_schema
    ):
        account = visible_account(request, account_id)
        record = _record(kind, account, record_id)
        _check_edit(request.auth, record)
        body = payload.model_dump(exclude_unset=True)
        body.pop("warnings", None)  # what a write returned, sent back: ignored
        stale = _stale(kind, record)
        expected = concurrency.precondition(request, record, body.pop("version", None), stale=stale)
        given = {name: body.pop(name) for name in kind.read_only if name in body}
        errors = schemas.read_only_problems(given, kind.serialize(record))
        if errors:
            raise Problem(422, f"The {kind.label} has read-only values; see errors.", errors=errors)
        values, links = _form_values(kind, account, record, body)
        try:
            with transaction.atomic(), sanity.collecting() as heard:
                record = services.update(
                    record, by=request.auth, version=expected.version, **values
                )
                for name, targets in links.items():
                    record = services.set_links(
                        record, name, targets, by=request.auth, version=record.version
                    )
        except ConflictError as error:
            raise stale(expected.stale_status) from error
        record = _record(kind, account, record.pk)
        response["ETag"] = concurrency.etag(record)
        return schemas.written(kind.serialize(record), heard)

    @router.delete(
        item,
        response=responses({204: None}, 400, 403, 404, 409, 412, 428),
        operation_id=f"delete_{snake}",
        summary=f"Delete a {kind.label} (send If-Match or ?version=)",
        tags=tags,
    )
    def delete_record(request, account_id: int, record_id: int, version: int | None = None):
        account = visible_account(request, account_id)
        record = _record(kind, account, record_id)
        _check_edit(request.auth, record, deleting=True)
        stale = _stale(kind, record)
        expected = concurrency.precondition(request, record, version, stale=stale)
        try:
            services.delete(record, by=request.auth, version=expected.version)
        except ConflictError as error:
            raise stale(expected.stale_status) from error
        return Status(204, None)

    if any(field.name == "value_checks" for field in kind.model._meta.get_fields()):

        @router.delete(
            f"{item}/checks/{{field}}",
            response=responses({200: out_schema}, 400, 403, 404, 409, 412, 428),
            operation_id=f"clear_{snake}_check",
            summary=f"Clear a {kind.label}'s “check this value” flag: the value stands",
            tags=tags,
        )
        def clear_check(
            request,
            response: HttpResponse,
            account_id: int,
            record_id: int,
            field: str,
            version: int | None = None,
        ):
            account = visible_account(request, account_id)
            record = _record(kind, account, record_id)
            _check_edit(request.auth, record)
            stale = _stale(kind, record)
            expected = concurrency.precondition(request, record, version, stale=stale)
            try:
                services.clear_check(record, field, by=request.auth, version=expected.version)
            except ConflictError as error:
                raise stale(expected.stale_status) from error
            record = _record(kind, account, record.pk)
            response["ETag"] = concurrency.etag(record)
            return kind.serialize(record)


for _kind in API_KINDS:
    register(_kind)
