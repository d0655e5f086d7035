"""Errors as RFC 9457 problem details (application/problem+json).

Every refusal of the API is one of these documents: `type` (a stable URI naming
the kind of problem), `title`, `status`, `detail` for people, and `errors` with
field-level messages ({"field": ["message", ...]}, "__all__" for the record as a
whole). A conflict also carries `current`, the record as stored now.
"""

import json
import logging
from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpResponse
from ninja import Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from keyplan.core.errors import Forbidden, NotFound

logger = logging.getLogger(__name__)

MEDIA_TYPE = "application/problem+json"
TYPE_BASE = "https://keyplan.dev/problems/"

TITLES = {
    400: "Bad request",
    401: "Authentication required",
    403: "Forbidden",
    404: "Not found",
    405: "Method not allowed",
    409: "Edit conflict",
    412: "Precondition failed",
    413: "Request body too large",
    415: "Unsupported media type",
    422: "Invalid input",
    428: "Precondition required",
    429: "Too many requests",
    500: "Server error",
}
SLUGS = {
    400: "bad-request",
    401: "unauthenticated",
    403: "forbidden",
    404: "not-found",
    405: "method-not-allowed",
    409: "edit-conflict",
    412: "stale-if-match",
    413: "too-large",
    415: "unsupported-media-type",
    422: "invalid",
    428: "version-required",
    429: "throttled",
    500: "server-error",
}


class ProblemSchema(Schema):
    """The body of every error response (RFC 9457)."""

    type: str
    title: str
    status: int
    detail: str
    errors: dict[str, list[str]] | None = None
    current: dict[str, Any] | None = None


class Problem(Exception):
    """Raise to answer with a problem document."""

    def __init__(
        self,
        status: int,
        detail: str,
        *,
        errors: dict[str, list[str]] | None = None,
        headers: dict[str, str] | None = None,
        **extra,
    ):
        super().__init__(detail)
        self.status, self.detail, self.errors = status, detail, errors
        self.headers, self.extra = headers or {}, extra


def response(
    status: int,
    detail: str,
    *,
    errors: dict[str, list[str]] | None = None,
    headers: dict[str, str] | None = None,
    **extra,
) -> HttpResponse:
    body = {
        "type": TYPE_BASE + SLUGS.get(status, str(status)),
        "title": TITLES.get(status, "Error"),
        "status": status,
        "detail": detail,
    }
    if errors:
        body["errors"] = errors
    body.update(extra)
    reply = HttpResponse(
        json.dumps(body, ensure_ascii=False, default=str), status=status, content_type=MEDIA_TYPE
    )
    for name, value in (headers or {}).items():
        reply[name] = value
    return reply


def field_errors(error: DjangoValidationError) -> dict[str, list[str]]:
    if hasattr(error, "error_dict"):
        return {field: list(messages) for field, messages in error.message_dict.items()}
    return {"__all__": list(error.messages)}


def _location(loc) -> str:
    """The field a pydantic error is about: body fields by name, others by path."""
    parts = [str(part) for part in loc]
    if parts and parts[0] == "body":
        parts = parts[2:]  # ("body", "payload", field); the body itself is "__all__"
    elif parts and parts[0] in ("query", "path"):
        parts = parts[1:]
    return ".".join(parts) or "__all__"


def _input_problem(exc: NinjaValidationError) -> HttpResponse:
    errors: dict[str, list[str]] = {}
    for error in exc.errors:
        if error.get("type") == "json_invalid" or "JSON" in str(error.get("msg", "")):
            return response(400, "The request body is not valid JSON.")
        message = error.get("msg", "Invalid value.")
        if error.get("type") == "extra_forbidden":
            message = "Unknown field."
        elif error.get("type") == "missing":
            message = "This field is required."
        errors.setdefault(_location(error.get("loc", ())), []).append(message)
    return response(422, "The request has invalid values; see errors.", errors=errors)


def install(api) -> None:
    """Answer every refusal of `api` with a problem document."""

    def handle(exc_class):
        return api.exception_handler(exc_class)

    @handle(Problem)
    def _problem(request, exc: Problem):
        return response(exc.status, exc.detail, errors=exc.errors, headers=exc.headers, **exc.extra)

    @handle(NotFound)
    @handle(Http404)
    def _not_found(request, exc):
        return response(404, str(exc) or "No such record.")

    @handle(Forbidden)
    def _forbidden(request, exc):
        return response(403, str(exc))

    @handle(DjangoValidationError)
    def _invalid(request, exc):
        return response(422, " ".join(exc.messages), errors=field_errors(exc))

    @handle(NinjaValidationError)
    def _input(request, exc):
        return _input_problem(exc)

    @handle(AuthenticationError)
    def _unauthenticated(request, exc):
        detail = str(exc) if str(exc) != "Unauthorized" else None
        return response(
            401,
            detail or "Sign in, or send a personal API token as 'Authorization: Bearer <token>'.",
            headers={"WWW-Authenticate": 'Bearer realm="keyplan"'},
        )

    @handle(HttpError)
    def _http(request, exc: HttpError):
        if exc.status_code == 400 and "parse request body" in str(exc):
            return response(400, "The request body is not valid JSON.")
        return response(exc.status_code, str(exc))

    @handle(RequestDataTooBig)
    def _too_big(request, exc):
        return response(413, "The request body is larger than keyplan accepts.")

    @handle(Exception)
    def _crash(request, exc):
        logger.exception("API request failed: %s %s", request.method, request.path)
        return response(500, "keyplan could not answer this request; the error is logged.")
