"""The test org's query resource: the little SOQL a sync sends (SELECT fields FROM
object, WHERE conditions joined by AND: `field > value`, `field = value`,
`field IN ('a', 'b')`, ORDER BY one field), answered in batches as Salesforce does.

https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_query.htm
and dome_query.htm: {"totalSize", "done", "nextRecordsUrl", "records"}, each record
with its "attributes" (type and url); the rest by GET on nextRecordsUrl. queryAll
(resources_queryall.htm) also returns deleted records. A query the org cannot run is
a 400 with errorCode MALFORMED_QUERY or INVALID_FIELD.
"""

import re
import secrets
from datetime import datetime

from keyplan.bench.salesforce import catalog
from keyplan.bench.salesforce.org import Org

_QUERY = re.compile(
    r"^\s*SELECT\s+(?P<fields>.+?)\s+FROM\s+(?P<object>\w+)"
    r"(?:\s+WHERE\s+(?P<where>.+?))?(?:\s+ORDER\s+BY\s+(?P<order>\w+)(?:\s+(?:ASC|DESC))?)?\s*$",
    re.IGNORECASE | re.DOTALL,
)
_CONDITION = re.compile(
    r"^\s*(?P<field>\w+)\s*(?:(?P<op>>=|<=|!=|=|>|<)\s*(?P<value>'(?:[^'\\]|\\.)*'|[\w:.+-]+)"
    r"|\s+IN\s*\((?P<list>[^)]*)\))\s*$",
    re.IGNORECASE,
)


def _error(code: str, message: str) -> tuple[int, list[dict]]:
    return 400, [{"message": message, "errorCode": code}]


def _literal(text: str) -> str:
    text = text.strip()
    if text.startswith("'") and text.endswith("'"):
        return text[1:-1].replace("\\'", "'")
    return text


def _moment(text: str) -> datetime | None:
    """A datetime as Salesforce writes it (2024-01-22T14:49:34.000+0000) or as SOQL
    takes it (2024-01-22T14:49:34Z)."""
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00").replace("+0000", "+00:00"))
    except ValueError:
        return None


def _matches(record: dict, field: str, op: str, value: str) -> bool:
    have = record.get(field)
    if isinstance(have, bool):  # SOQL's boolean literals are true and false, any case
        have = "true" if have else "false"
        value = value.lower()
    if have is None:
        return op == "!=" and value.lower() != "null"
    left, right = _moment(str(have)), _moment(value)
    if left is not None and right is not None and "T" in value:
        return _compare(left, op, right)
    return _compare(str(have), op, value)


def _compare(have, op: str, value) -> bool:
    return {
        "=": have == value, "!=": have != value, ">": have > value, "<": have < value,
        ">=": have >= value, "<=": have <= value,
    }[op]  # fmt: skip


def run_query(
    org: Org, version: str, path: list[str], params: dict[str, list[str]], batch: int
) -> tuple[int, object]:
    resource = path[0]
    if len(path) == 2:  # the next batch of an earlier query
        cursor, _, start = path[1].rpartition("-")
        if cursor not in org.cursors or not start.isdigit():
            return 400, [{"message": "invalid query locator", "errorCode": "INVALID_QUERY_LOCATOR"}]
        rows, size = org.cursors[cursor]
        return 200, _page(version, resource, cursor, rows, int(start), size)
    soql = (params.get("q") or [""])[0]
    match = _QUERY.match(soql)
    if not match:
        return _error("MALFORMED_QUERY", f"unexpected token in: {soql[:80]}")
    object_name = match["object"]
    if not org.has(object_name):
        return _error("INVALID_TYPE", f"sObject type '{object_name}' is not supported.")
    known = {name for name, _ in catalog.fields_of(object_name)} - org.hidden.get(
        object_name, set()
    )
    if object_name == "Opportunity" and org.play_id_field:
        known.add(org.play_id_field)
    fields = [f.strip() for f in match["fields"].split(",")]
    conditions = []
    where = match["where"]
    for part in _conditions(where) if where else []:
        condition = _CONDITION.match(part)
        if not condition:
            return _error("MALFORMED_QUERY", f"unexpected condition: {part[:80]}")
        conditions.append(condition)
    for name in [*fields, *(c["field"] for c in conditions), *filter(None, [match["order"]])]:
        if name not in known:
            return _error(
                "INVALID_FIELD",
                f"No such column '{name}' on entity '{object_name}'. If you are attempting to "
                "use a custom field, be sure to append the '__c' after the custom field name.",
            )
    rows = []
    for record in org.records.get(object_name, ()):
        if record.get("IsDeleted") and resource != "queryAll":
            continue
        if all(_holds(record, c) for c in conditions):
            rows.append(record)
    if match["order"]:
        rows.sort(key=lambda r: str(r.get(match["order"]) or ""))
    selected = [
        {
            "attributes": {
                "type": object_name,
                "url": f"/services/data/{version}/sobjects/{object_name}/{row['Id']}",
            },
            **{name: row.get(name) for name in fields},
        }
        for row in rows
    ]
    cursor = f"01gTEST{secrets.token_hex(6).upper()}"
    org.cursors[cursor] = (selected, batch)
    return 200, _page(version, resource, cursor, selected, 0, batch)


def _conditions(where: str) -> list[str]:
    """The conditions joined by AND, an AND inside a quoted value ('Moody and Sons')
    being part of the value."""
    parts: list[str] = []
    start = 0
    for found in re.finditer(r"'(?:[^'\\]|\\.)*'|\s+AND\s+", where, flags=re.IGNORECASE):
        if not found.group().startswith("'"):
            parts.append(where[start : found.start()])
            start = found.end()
    parts.append(where[start:])
    return parts


def _holds(record: dict, condition: re.Match) -> bool:
    if condition["list"] is not None:
        values = {_literal(v) for v in condition["list"].split(",") if v.strip()}
        return str(record.get(condition["field"])) in values
    return _matches(record, condition["field"], condition["op"], _literal(condition["value"]))


def _page(version: str, resource: str, cursor: str, rows: list, start: int, size: int) -> dict:
    end = start + size
    page: dict = {"totalSize": len(rows), "done": end >= len(rows), "records": rows[start:end]}
    if end < len(rows):
        page["nextRecordsUrl"] = f"/services/data/{version}/{resource}/{cursor}-{end}"
    return page
