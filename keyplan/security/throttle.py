"""Failures counted per address in the cache, for refusals that have no user to lock
(an API token that is not valid): past the limit within the window the address is
refused until the window ends. The cache is each process's own unless CACHES names a
shared one, so with several app processes each counts its own share."""

import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

from keyplan.security.addresses import client_address


class AddressThrottle:
    def __init__(self, name: str, *, limit: int, window: int):
        self.name, self.limit, self.window = name, limit, window

    def _keys(self, request: HttpRequest) -> tuple[str, str]:
        base = f"keyplan:{self.name}:{client_address(request) or 'unknown'}"
        return f"{base}:count", f"{base}:since"

    def wait(self, request: HttpRequest) -> int:
        """Seconds until `request`'s address may try again; 0 when it may now."""
        count_key, since_key = self._keys(request)
        if (cache.get(count_key) or 0) < self.limit:
            return 0
        since = cache.get(since_key) or time.time()
        return max(1, int(since + self.window - time.time()))

    def failed(self, request: HttpRequest) -> None:
        """Count one failure of `request`'s address (the window starts at the first)."""
        count_key, since_key = self._keys(request)
        cache.add(since_key, time.time(), self.window)
        cache.add(count_key, 0, self.window)
        try:
            cache.incr(count_key)
        except ValueError:  # expired between add and incr
            cache.set(count_key, 1, self.window)


# API requests with a token that is unknown, revoked or expired.
api_tokens = AddressThrottle(
    "api-token-failures",
    limit=settings.KEYPLAN_SIGNIN_ADDRESS_LIMIT,
    window=int(settings.AXES_COOLOFF_TIME.total_seconds()),
)
