"""The live plan document as JSON bytes, built once per state of the plan and kept
in the shared plans cache until the plan moves (see keyplan.plan.stamp for what moves
the key)."""

from keyplan.accounts.models import Account
from keyplan.exchange.documents import document
from keyplan.plan import stamp


def key(account: Account) -> str:
    """The cache key of `account`'s live document, as its row (just read) stands."""
    return f"document:{stamp.key(account)}"


def etag(cache_key: str) -> str:
    """A strong ETag: the same key, the same bytes."""
    return f'"{cache_key.removeprefix("document:")}"'


def plan_bytes(account: Account, cache_key: str | None = None) -> bytes:
    """The live plan of `account` as compact JSON (document.to_bytes), from the cache
    when this state of the plan was built before."""
    cache_key = cache_key or key(account)
    data = stamp.kept(cache_key)
    if not isinstance(data, bytes):
        data = document.to_bytes(document.build(account))
        stamp.keep(cache_key, data)
    return data
