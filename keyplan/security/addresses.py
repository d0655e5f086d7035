"""The address a request comes from, as lockout and throttling count it."""

from django.conf import settings
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str | None:
    """The client's IP address. Behind a TLS proxy (KEYPLAN_BEHIND_PROXY) every request
    comes from the proxy, so the address is the last one the proxy appended to
    X-Forwarded-For: earlier entries are the client's to invent."""
    if settings.KEYPLAN_BEHIND_PROXY:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if hops:
            return hops[-1]
    return request.META.get("REMOTE_ADDR") or None  # none: a request made in code
