"""A large synthetic portfolio for benchmarks: `keyplan generate --accounts N`.

Every account gets a full, realistic plan (see synthetic_plans): about 30
stakeholders in an org chart with influence links, 10-13 business units against
the product catalog (about 100 whitespace cells), plays, risks, a year of
interactions, contracts and revenue, objectives, actions, monthly health,
touchpoints, plan reviews, the odd trigger event, a SWOT, resource requests and
scorecard scores. Owners come from a pool of KAM users (kam0001..., one per 25
accounts) who cannot sign in.

Why this bypasses the services: they save one record at a time, check access and
versions, and let django-simple-history write a history row per save. That is right
for people and far too slow for 10,000 plans (millions of rows), so plans are drawn
in memory and inserted in bulk, with their history (demo.bulk).

One `random.Random(seed)` drives every choice (the scorecard has its own stream) and
nothing depends on primary keys, so a seed gives the same portfolio in any fresh
database (dates are relative to `clock.today()`). Running again appends accounts;
names that are taken get a number.
"""

import math
from collections import Counter
from collections.abc import Callable
from datetime import datetime, timedelta
from random import Random

from django.db import transaction
from django.template.defaultfilters import pluralize

from keyplan.accounts.models import (
    Account,
    SelectionCriterion,
    Source,
)
from keyplan.core import clock
from keyplan.core.bulk import BATCH, refresh_statistics
from keyplan.demo import vocabulary as vocab
from keyplan.demo.bulk import insert
from keyplan.demo.synthetic_plans import PRICES, Chunk
from keyplan.growth.models import Product
from keyplan.insights.stored import upkeep as stored_figures
from keyplan.team.models import Role, User

CHUNK = 250  # accounts per transaction: bounded memory, and a failure loses one chunk
ACCOUNTS_PER_KAM = 25


class GenerateError(Exception):
    """The request was refused before anything was written."""


def generate(
    accounts: int,
    *,
    seed: int = 1,
    force: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, int]:
    """Add `accounts` synthetic account plans; return the rows written per model label.

    Refuses (GenerateError, nothing written) when N is not a positive integer or when
    the database holds accounts that are not synthetic, unless `force`. `progress`
    is called with (accounts done, accounts asked) after each chunk.
    """
    if isinstance(accounts, bool) or not isinstance(accounts, int) or accounts < 1:
        raise GenerateError(f"The number of accounts must be a positive integer, not {accounts!r}.")
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise GenerateError(f"The seed must be an integer, not {seed!r}.")
    others = Account.objects.exclude(source=Source.SYNTHETIC)
    if not force and others.exists():
        examples = ", ".join(f"“{name}”" for name in others.values_list("name", flat=True)[:3])
        count = others.count()
        raise GenerateError(
            f"The database holds {count} account{pluralize(count)} that are not synthetic "
            f"({examples}); synthetic plans would mix into their rollups. "
            "Nothing was written. Use --force (force=True) to generate anyway."
        )
    rng = Random(seed)
    # Scores draw from their own stream: the criteria are editable, and their number
    # must not shift every later choice.
    scores = Random(f"scores-{seed}")
    counts: Counter[str] = Counter()
    now, today = clock.now(), clock.today()
    with transaction.atomic():
        existing = Account.objects.filter(source=Source.SYNTHETIC).count()
        kams = _kam_pool(max(3, math.ceil((existing + accounts) / ACCOUNTS_PER_KAM)), counts)
        products = _catalog(now - timedelta(days=1600), counts)
        criteria = list(SelectionCriterion.objects.order_by("position", "key"))
    taken = {name.lower() for name in Account.objects.values_list("name", flat=True)}
    names = _Names(rng, taken)
    for start in range(0, accounts, CHUNK):
        with transaction.atomic():
            chunk = Chunk(rng, now, today, kams, products, (criteria, scores))
            for _ in range(min(CHUNK, accounts - start)):
                chunk.account(names())
            chunk.save(counts)
        if progress:
            progress(min(start + CHUNK, accounts), accounts)
    # Written without the services: the stored figures are computed here, in batches.
    stored_figures.refresh(clock.today())
    refresh_statistics()
    return dict(counts)


def _kam_pool(size: int, counts: Counter) -> list[User]:
    """Users kam0001.. up to `size`, created when missing (they never sign in)."""
    usernames = [f"kam{i:04d}" for i in range(1, size + 1)]
    found = {user.username: user for user in User.objects.filter(username__in=usernames)}
    missing = []
    for i, username in enumerate(usernames):
        if username not in found:
            first = vocab.FIRST_NAMES[i % len(vocab.FIRST_NAMES)]
            last = vocab.LAST_NAMES[(i * 7) % len(vocab.LAST_NAMES)]
            user = User(username=username, first_name=first, last_name=last, role=Role.KAM)
            user.email, user.title = f"{username}@keyplan.example", "Key account manager"
            user.set_unusable_password()
            missing.append(user)
    User.objects.bulk_create(missing, batch_size=BATCH)
    counts[User._meta.label] += len(missing)
    found |= {user.username: user for user in missing}
    return [found[username] for username in usernames]


def _catalog(stamp: datetime, counts: Counter) -> list[Product]:
    """The catalog's products, reused by name or created, dated before any account."""
    found = {p.name: p for p in Product.objects.filter(name__in=PRICES)}
    missing = [
        Product(name=name, family=family, list_price=price, description=text, position=position)
        for position, (name, family, price, text) in enumerate(vocab.CATALOG)
        if name not in found
    ]
    for product in missing:
        product.created_at = product.updated_at = stamp
    insert(Product, missing, counts)
    found |= {p.name: p for p in missing}
    return [found[name] for name, *_ in vocab.CATALOG]


class _Names:
    """Unique account names: stem + suffix, numbered when the pair is taken."""

    def __init__(self, rng: Random, taken: set[str]):
        self.rng, self.taken, self.next = rng, taken, {}

    def __call__(self) -> str:
        base = f"{self.rng.choice(vocab.COMPANY_STEMS)} {self.rng.choice(vocab.COMPANY_SUFFIXES)}"
        name, number = base, self.next.get(base, 2)
        while name.lower() in self.taken:
            name, number = f"{base} {number}", number + 1
        self.next[base] = number
        self.taken.add(name.lower())
        return name
