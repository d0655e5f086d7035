"""The key of a live plan's state in the cache every app process shares
(CACHES["plans"]: the database's cache table by default, Redis when KEYPLAN_REDIS_URL
is set). What is kept under it (the plan's rows, its JSON document) holds more than
the plan's own records, so the key moves with each part:
- the plan's records: the account's `plan_version` and `last_changed`, which the
  services advance on every change (the time tells apart two states that share a
  version number, as after a restore or in a database made afresh);
- the date: current ARR, overdue actions and last touches depend on today;
- users, the product catalog and the scorecard's criteria: the directory token,
  renewed whenever one of those is saved or deleted (see below);
- the parent account's name: the parent's own plan version;
- keyplan's release, which may read or write a plan differently.

The key is read before the rows: a reader can only pair it with rows as new or newer,
so no reader stores an older plan under a newer key.
"""

import hashlib
import importlib.metadata
import pickle
import uuid
import zlib
from functools import partial

from django.core.cache import BaseCache, caches
from django.core.cache.backends.db import DatabaseCache
from django.core.management import call_command
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from keyplan.accounts.models import Account, SelectionCriterion
from keyplan.core import clock
from keyplan.growth.models import Product
from keyplan.team.models import User

CACHE = "plans"
DIRECTORY_KEY = "plan-directory"
KEPT_SECONDS = 2 * 24 * 3600  # the key holds the date: a day's entries are dead the next
RELEASE = importlib.metadata.version("keyplan")


def cache() -> BaseCache:
    return caches[CACHE]


def kept(key: str) -> object | None:
    """What `keep` stored under `key`, or None."""
    packed = cache().get(key)
    if not isinstance(packed, bytes):
        return None  # nothing, or what another keyplan kept: read afresh
    return pickle.loads(zlib.decompress(packed))


def keep(key: str, value: object) -> None:
    """Store `value` under `key`, compressed: a plan's rows or document shrink about
    tenfold, which matters in a database that may keep one of each per account."""
    packed = zlib.compress(pickle.dumps(value, pickle.HIGHEST_PROTOCOL), 1)
    cache().set(key, packed, KEPT_SECONDS)


def _directory() -> str:
    """The token of the users, products and criteria that plans name."""
    token = cache().get(DIRECTORY_KEY)
    if token is None:
        # Never seen or evicted: a fresh token, so no old entry can match it.
        cache().add(DIRECTORY_KEY, uuid.uuid4().hex, None)
        token = cache().get(DIRECTORY_KEY)
    return token


def renew_directory() -> None:
    """Retire every kept plan: a user or the catalog changed. Now, and again when the
    change commits, so that nothing built in between is kept."""
    cache().set(DIRECTORY_KEY, uuid.uuid4().hex, None)
    transaction.on_commit(partial(cache().set, DIRECTORY_KEY, uuid.uuid4().hex, None))


def key(account: Account) -> str:
    """The state of `account`'s live plan, as its row (just read) stands: 40 hex digits."""
    parent = ""
    if account.parent_id:
        parent = str(
            Account.objects.filter(pk=account.parent_id)
            .values_list("plan_version", flat=True)
            .first()
        )
    changed = account.last_changed.isoformat() if account.last_changed else ""
    parts = (
        account.pk,
        account.created_at.isoformat(),
        account.plan_version,
        changed,
        clock.today().isoformat(),
        _directory(),
        parent,
        RELEASE,
    )
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:40]


@receiver(post_save, sender=User)
def _user_saved(sender, instance, update_fields=None, **kwargs) -> None:
    # A sign-in saves last_login only: the plans stand.
    if update_fields is None or set(update_fields) - {"last_login"}:
        renew_directory()


@receiver(post_delete, sender=User)
@receiver(post_save, sender=Product)
@receiver(post_delete, sender=Product)
@receiver(post_save, sender=SelectionCriterion)
@receiver(post_delete, sender=SelectionCriterion)
def _directory_changed(sender, **kwargs) -> None:
    renew_directory()


def create_cache_table(using: str = "default", **kwargs) -> None:
    """After `keyplan migrate` (and a flush, which sends the same signal): the database
    cache's table, when CACHES names one, emptied, as the rows may have changed under it."""
    call_command("createcachetable", database=using, verbosity=0)
    if isinstance(cache(), DatabaseCache):  # (Redis's clear would empty its whole database)
        cache().clear()
