"""Recording an audit event: `record(kind, actor=..., target=..., **details)`.

Who acted and from which address come from the request being answered when the caller
does not say: simple-history's HistoryRequestMiddleware already keeps it for the
thread, so services deep below the views need not pass it down. A command has no
request: its events name nobody unless the caller gives the actor.
"""

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


def _acting(request: HttpRequest | None):
    """The user a request acts as: the API's token or session user, or the page's."""
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
    actor=None,
    request: HttpRequest | None = None,
    target: Target = None,
    login: str | None = None,
    **details: Any,
) -> AuditEvent:
    """Store one event. `login` names someone who is not a user (a failed sign-in's
    name); `details` must be JSON: counts, formats, the fields that changed."""
    request = request or current_request()
    actor = actor if getattr(actor, "is_authenticated", False) else _acting(request)
    return AuditEvent.objects.create(
        kind=kind,
        actor=actor,
        login=(login if login is not None else getattr(actor, "username", ""))[:150],
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
                record(kind, actor=kwargs.get("by"), **summary(report))
            return report

        return recorded

    return decorate
