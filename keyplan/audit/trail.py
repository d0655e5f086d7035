"""Recording an audit event: `record(kind, actor=..., target=..., **details)`.

Who acted and from which address come from the request being answered when the caller
does not say: simple-history's HistoryRequestMiddleware already keeps it for the
thread, so services deep below the views need not pass it down. A command has no
request: its events name nobody unless the caller gives the actor.
"""

import contextvars
import functools
from collections.abc import Callable
from typing import Any, TypeVar

from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.http import HttpRequest
from simple_history.models import HistoricalRecords

from keyplan.audit.models import AuditEvent
from keyplan.security.addresses import client_address

Target = models.Model | tuple[str, object, str] | None
Report = TypeVar("Report")


def current_request() -> HttpRequest | None:
    return getattr(HistoricalRecords.context, "request", None)


FROM_REQUEST: Any = object()  # `record`'s actor when the caller names none
# Users being deleted: an event written meanwhile (their account teams going with them,
# or their own deletion of themselves) keeps their login but cannot point at them.
_leaving: contextvars.ContextVar[frozenset[int]] = contextvars.ContextVar(
    "keyplan_audit_leaving", default=frozenset()
)


def leaving(pk: int, going: bool) -> None:
    now = _leaving.get()
    _leaving.set(now | {pk} if going else now - {pk})


def acting(request: HttpRequest | None = None):
    """The user a request (by default the one being answered) acts as: the API's token
    or session user, or the page's; None for a visitor or a command."""
    request = request or current_request()
    if request is None:
        return None
    user = getattr(request, "auth", None) or getattr(request, "user", None)
    return user if getattr(user, "is_authenticated", False) else None


def _target(target: Target) -> dict[str, str]:
    if target is None:
        return {}
    if isinstance(target, models.Model):
        kind, key = target._meta.model_name, target.pk
        try:
            label = str(target)
        except ObjectDoesNotExist:  # a record deleted in a cascade may name one gone first
            label = ""
    else:
        kind, key, label = target
    return {
        "target_kind": str(kind)[:40],
        "target_id": "" if key is None else str(key)[:64],
        "target_label": str(label)[:200],
    }


def record(
    kind: str,
    *,
    actor=FROM_REQUEST,
    request: HttpRequest | None = None,
    target: Target = None,
    login: str | None = None,
    **details: Any,
) -> AuditEvent:
    """Store one event. The actor is who the request acts as unless given (None:
    nobody); `login` names someone who is not a user (a failed sign-in's name);
    `details` must be JSON: counts, formats, the fields that changed."""
    request = request or current_request()
    if actor is FROM_REQUEST:
        actor = acting(request)
    elif not getattr(actor, "is_authenticated", False):
        actor = None  # an anonymous visitor
    name = getattr(actor, "username", "")
    if actor is not None and actor.pk in _leaving.get():
        actor = None
    return AuditEvent.objects.create(
        kind=kind,
        actor=actor,
        login=(login if login is not None else name)[:150],
        address=(client_address(request) or "")[:45] if request is not None else "",
        details=details,
        **_target(target),
    )


def run(kind: str, summary: Callable[[Any], dict[str, Any]]):
    """Decorate a run (a sync) that takes `by` and `dry_run` and returns a report: each
    real run, however it ends, records one event with `summary(report)`."""

    def decorate(function: Callable[..., Report]) -> Callable[..., Report]:
        @functools.wraps(function)
        def recorded(*args: Any, **kwargs: Any) -> Report:
            report = function(*args, **kwargs)
            if not kwargs.get("dry_run"):
                record(kind, actor=kwargs.get("by", FROM_REQUEST), **summary(report))
            return report

        return recorded

    return decorate
