"""Finding events (the page and the command filter alike) and pruning old ones."""

from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone

from keyplan.audit.models import AuditEvent
from keyplan.core import clock

PRUNE_BATCH = 1000


def _start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def events(
    *,
    kind: str = "",
    login: str = "",
    address: str = "",
    since: date | None = None,
    until: date | None = None,
    text: str = "",
) -> QuerySet[AuditEvent]:
    """The events that match every filter given, newest first. `kind` matches a kind
    and its sub-kinds ("token" finds token.created, token.used, ...); `until` is a day
    included whole; `text` is looked for in the target and the details."""
    found = AuditEvent.objects.all()
    if kind:
        found = found.filter(Q(kind=kind) | Q(kind__startswith=f"{kind}."))
    if login:
        found = found.filter(login=login)  # as stored, so the index serves it
    if address:
        found = found.filter(address=address)
    if since:
        found = found.filter(when__gte=_start(since))
    if until:
        found = found.filter(when__lt=_start(until + timedelta(days=1)))
    if text:
        # The JSON as text: the same on SQLite and PostgreSQL, no database-specific lookup.
        found = found.filter(
            Q(target_label__icontains=text) | Q(details__icontains=text) | Q(login__icontains=text)
        )
    return found


def prune(days: int | None = None) -> int:
    """Delete the events older than `days` (KEYPLAN_AUDIT_DAYS), a batch at a time so
    a first run over years of events holds no long lock. How many went."""
    keep = settings.KEYPLAN_AUDIT_DAYS if days is None else days
    cutoff = clock.now() - timedelta(days=keep)
    gone = 0
    while True:
        batch = list(
            AuditEvent.objects.filter(when__lt=cutoff).values_list("pk", flat=True)[:PRUNE_BATCH]
        )
        if not batch:
            return gone
        gone += AuditEvent.objects.filter(pk__in=batch).delete()[0]
