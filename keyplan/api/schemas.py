"""Request and response schemas, derived from the pages' forms and the models.

The forms decide which fields a client may set (the same ones the plan page
edits) and validate them; these schemas describe those fields in OpenAPI with
their types and choices, and refuse unknown fields and wrong types before a form
sees them. Records are written with ids for references (a stakeholder's
`reports_to`) and amounts as JSON numbers.
"""

import datetime
import enum
from decimal import Decimal
from typing import Annotated, Any, Literal

from django import forms
from django.db import models
from django.utils import timezone
from ninja import Schema
from pydantic import ConfigDict, Field, create_model

from keyplan.core.forms import PlanForm
from keyplan.core.ids import MAX_ID
from keyplan.core.models import Checked, Versioned


class Input(Schema):
    """A request body: unknown fields are refused, not ignored."""

    model_config = ConfigDict(extra="forbid")


def _choices(choices) -> list:
    plain = (value.value if isinstance(value, enum.Enum) else value for value, _ in choices)
    return [value for value in plain if value not in ("", None)]


def _literal(values: list):
    return Literal[tuple(values)]


# A record's id as a client sends it (see core.ids).
RecordId = Annotated[int, Field(ge=1, le=MAX_ID)]


def _input_type(field: forms.Field) -> Any:
    """The JSON type a form field accepts."""
    if isinstance(field, forms.ModelMultipleChoiceField):
        return list[RecordId]
    if isinstance(field, forms.ModelChoiceField):
        return RecordId
    if isinstance(field, forms.ChoiceField):
        values = _choices(field.choices)
        if values and not field.required:
            values.append("")  # none chosen, as a read shows it
        return _literal(values) if values else str
    if isinstance(field, forms.BooleanField):
        return bool
    if isinstance(field, forms.IntegerField):
        return Annotated[int, Field(ge=field.min_value, le=field.max_value)]
    if isinstance(field, forms.DecimalField):
        return Decimal
    if isinstance(field, forms.DateTimeField):
        return datetime.datetime
    if isinstance(field, forms.DateField):
        return datetime.date
    if isinstance(field, forms.CharField) and field.max_length:
        return Annotated[str, Field(max_length=field.max_length)]
    return str


def _empty(value) -> bool:
    return value in (None, "", [], ())


def input_schema(
    form_class: type[PlanForm], name: str, *, partial: bool, read_only: dict[str, Any] | None = None
) -> type[Input]:
    """The body that creates (or, `partial`, changes) a record through `form_class`.

    Creating requires what the form requires and the model has no default for;
    a change takes any subset of the fields plus the `version` it was based on, and
    the `read_only` fields (name -> type) a read returned, so a record read can be
    sent back as it was (they are checked, not written: see read_only_problem).
    """
    blank = form_class(account=None)
    fields: dict[str, Any] = {}
    for field_name, field in blank.fields.items():
        if field_name == "version":
            continue
        kind = _input_type(field)
        description = str(field.help_text or field.label or "")
        required = not partial and field.required and _empty(blank[field_name].value())
        if required:
            fields[field_name] = (kind, Field(description=description))
        else:
            fields[field_name] = (kind | None, Field(None, description=description))
    for field_name, kind in (read_only or {}).items():
        description = "Read-only: accepted when it is the record's, refused otherwise."
        fields[field_name] = (kind | None, Field(None, description=description))
    if partial:
        fields["warnings"] = (
            list[dict[str, Any]] | None,
            Field(None, description="Ignored: the `warnings` a write returned, sent back."),
        )
        fields["version"] = (
            int | None,
            Field(
                None,
                description="The version this change is based on "
                "(or send the record's ETag as If-Match).",
            ),
        )
    return create_model(name, __base__=Input, **fields)


def _output_type(field: models.Field) -> Any:
    if field.is_relation:
        kind = int
    elif field.choices:
        values = _choices(field.choices)
        if isinstance(field, models.CharField) and field.blank:
            values.append("")
        kind = _literal(values)
    elif isinstance(field, models.BooleanField):
        kind = bool
    elif isinstance(field, models.IntegerField):
        kind = int
    elif isinstance(field, models.DecimalField):
        kind = float
    elif isinstance(field, models.JSONField):  # value_checks: field name -> reason
        kind = dict[str, str]
    elif isinstance(field, models.DateTimeField):
        kind = datetime.datetime
    elif isinstance(field, models.DateField):
        kind = datetime.date
    else:
        kind = str
    return kind | None if field.null else kind


def output_fields(model: type[models.Model], names) -> list[str]:
    """What a record shows: its id, version and timestamps (and the values to check,
    core.sanity, where it has them), then `names`."""
    system = ["id", "version", "created_at", "updated_at"]
    if not issubclass(model, Versioned):
        system.remove("version")
    if any(f.name == "account" for f in model._meta.concrete_fields):
        system.append("account")
    if issubclass(model, Checked):
        system.append("value_checks")
    return system + [name for name in names if name not in system]


def output_schema(model: type[models.Model], names, name: str, *, links=()) -> type[Schema]:
    fields: dict[str, Any] = {}
    for field_name in output_fields(model, names):
        if field_name in links:
            fields[field_name] = (list[int], ...)
            continue
        field = model._meta.get_field(field_name)
        description = str(getattr(field, "help_text", "") or field.verbose_name)
        fields[field_name] = (_output_type(field), Field(description=description))
    return create_model(name, __base__=Schema, **fields)


def read_only_fields(model: type[models.Model], names, writable, *, links=()) -> dict[str, Any]:
    """The fields a read shows that a change does not write (id, timestamps, the
    account, what a record is made of), by their JSON type."""
    found: dict[str, Any] = {}
    for field_name in output_fields(model, names):
        if field_name in writable or field_name == "version":
            continue
        if field_name in links:
            found[field_name] = list[int]
        else:
            found[field_name] = _output_type(model._meta.get_field(field_name))
    return found


def read_only_problems(given: dict, current: dict) -> dict[str, list[str]]:
    """A message for each read-only value in `given` that is not the record's own (a
    moment as precise as a read shows it: milliseconds)."""
    return {
        name: [f"{name} cannot be changed: it is {current[name]}, not {value}."]
        for name, value in given.items()
        if _as_read(value) != _as_read(current[name])
    }


def _as_read(value):
    if isinstance(value, datetime.datetime):
        return value.replace(microsecond=value.microsecond // 1000 * 1000)
    return value


def serialize(record: models.Model, names, *, links=()) -> dict:
    """`record` as the plain values of its output schema (one query per link field,
    none when they are prefetched)."""
    data = {}
    for name in output_fields(type(record), names):
        if name in links:
            data[name] = [target.pk for target in getattr(record, name).all()]
            continue
        field = record._meta.get_field(name)
        value = getattr(record, field.attname)
        if isinstance(value, Decimal):
            value = int(value) if value == value.to_integral_value() else float(value)
        data[name] = value
    return data


class SanityWarning(Schema):
    """A value saved as given that looks wrong: the record stays flagged ("check this
    value") until the value is changed or the flag is cleared on the plan page."""

    kind: str = Field(description="The kind of record (risk, play, account).")
    id: int | None = Field(description="The record's id.")
    record: str = Field(description="The record's name.")
    field: str = Field(description="The field whose value to check.")
    message: str = Field(description="Why the value looks wrong.")


def written_schema(item: type[Schema], name: str) -> type[Schema]:
    """A record as a write returns it: as a read shows it, with the sanity `warnings`
    its new values set off (core.sanity), empty when none did."""
    return create_model(
        name,
        __base__=item,
        warnings=(
            list[SanityWarning],
            Field(description="Values saved as given that look wrong: check them."),
        ),
    )


def written(record: dict, heard) -> dict:
    """`record`'s read, with the warnings `heard` while writing it."""
    return {**record, "warnings": [suspect.as_json() for suspect in heard]}


def page_schema(item: type[Schema], name: str) -> type[Schema]:
    return create_model(
        name,
        __base__=Schema,
        count=(int, Field(description="Records matching the filters.")),
        page=(int, ...),
        page_size=(int, ...),
        next=(str | None, Field(description="The next page's URL, if any.")),
        previous=(str | None, Field(description="The previous page's URL, if any.")),
        results=(list[item], ...),
    )


def list_query(model: type[models.Model], names, name: str, base: type[Schema]) -> type[Schema]:
    """The query of a record list: `base` (paging) plus `ordering` by the record's
    dates, names and id, `updated_since` (for clients that sync), and an exact
    filter on each field with choices (a play's stage, an action's status)."""
    concrete = {f.name: f for f in model._meta.concrete_fields}
    shown = [concrete[n] for n in output_fields(model, names) if n in concrete]
    sortable = [
        f.name
        for f in shown
        if f.name == "id"
        or isinstance(f, models.DateField | models.DecimalField)
        or (isinstance(f, models.CharField) and f.name in ("name", "title"))
    ]
    orderings = tuple(o for n in sortable for o in (n, f"-{n}"))
    fields: dict[str, Any] = {
        "ordering": (_literal(list(orderings)), Field("id", description="Sort by; - for desc.")),
        "updated_since": (
            datetime.datetime | None,
            Field(None, description="Only records changed at or after this moment."),
        ),
    }
    for field in shown:
        if field.choices and not field.is_relation:
            values = _choices(field.choices)
            described = f"Only records with this {field.verbose_name}"
            if all(isinstance(value, int) for value in values):
                # Numbers in a query string arrive as text, which a Literal of ints refuses.
                kind = Annotated[int, Field(ge=min(values), le=max(values))]
                described += f" ({', '.join(map(str, values))})"
            else:
                kind = _literal(values)
            fields[field.name] = (kind | None, Field(None, description=described + "."))
    return create_model(name, __base__=base, **fields)


def _utc(moment: datetime.datetime) -> datetime.datetime:
    """A client's moment in UTC: PostgreSQL refuses offsets it does not know (-20:53),
    and one without an offset is in the server's time zone."""
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    try:
        return moment.astimezone(datetime.UTC)
    except OverflowError:  # an offset that pushes year 1 or 9999 off the calendar
        edge = datetime.datetime.min if moment.year == 1 else datetime.datetime.max
        return edge.replace(tzinfo=datetime.UTC)


def filtered(queryset: models.QuerySet, query: Schema) -> models.QuerySet:
    """`queryset` narrowed and sorted by a `list_query` query."""
    values = query.model_dump(exclude_none=True)
    values.pop("page", None), values.pop("page_size", None)
    ordering = values.pop("ordering", "id")
    since = values.pop("updated_since", None)
    if since is not None:
        queryset = queryset.filter(updated_at__gte=_utc(since))
    tiebreak = "-pk" if ordering.startswith("-") else "pk"
    return queryset.filter(**values).order_by(ordering, tiebreak)
