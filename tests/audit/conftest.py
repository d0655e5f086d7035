"""What the audit tests share: the events of one kind, oldest first."""

from django.test import Client

from keyplan.audit.models import AuditEvent

PASSWORD = "a-long-test-password"  # every persona's (tests/conftest.py)
HERE = "203.0.113.7"


def events(kind: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(kind=kind).order_by("when", "id"))


def only(kind: str) -> AuditEvent:
    found = events(kind)
    assert len(found) == 1, [str(e) for e in found]
    return found[0]


def signed_in_client(user, address: str = HERE) -> Client:
    client = Client(REMOTE_ADDR=address)
    client.force_login(user)
    return client
