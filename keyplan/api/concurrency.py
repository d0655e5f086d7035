"""No lost updates over HTTP: ETags from versions, If-Match or a body `version`.

A single-record read answers with `ETag: "<version>"`. A write must say which
version it was based on, either as that ETag in If-Match (a stale one: 412) or
as `version` in the body (a stale one: 409); with neither it is refused (428),
so no client overwrites a record it has not read. `If-Match: *` names no version
and counts as neither.
"""

from dataclasses import dataclass

from keyplan.api.problems import Problem


def etag(record) -> str:
    return f'"{record.version}"'


@dataclass(frozen=True)
class Precondition:
    version: int
    from_header: bool  # a stale If-Match is a 412, a stale body version a 409

    @property
    def stale_status(self) -> int:
        return 412 if self.from_header else 409


def _tags(header: str) -> list[int | None]:
    """The versions an If-Match header names (None for a tag that names none)."""
    versions: list[int | None] = []
    for tag in header.split(","):
        tag = tag.strip()
        if tag.startswith("W/"):  # weak tags never match in If-Match (RFC 9110)
            versions.append(None)
            continue
        value = tag.strip('"')
        versions.append(int(value) if value.isdigit() and tag.startswith('"') else None)
    return versions


def precondition(request, record, body_version: int | None, *, stale) -> Precondition:
    """The version a write is based on. `stale(status)` builds the refusal for a
    version that is no longer the stored one (it carries the current record)."""
    header = request.headers.get("If-Match", "").strip()
    if header and header != "*":
        versions = _tags(header)
        if body_version is not None and body_version not in versions:
            raise Problem(
                400,
                "If-Match and the body's version disagree; send one of them.",
                errors={"version": ["Does not match the If-Match header."]},
            )
        if record.version not in versions:
            raise stale(412)
        return Precondition(record.version, from_header=True)
    if body_version is not None:
        return Precondition(body_version, from_header=False)
    raise Problem(
        428,
        "Say which version of the record this change is based on: send its ETag "
        'as If-Match (e.g. If-Match: "3") or its "version" in the body.',
    )
