"""A seeded batch of edits through the services, as people make them, so the bench
compares the dashboard with its floor after stored figures had to follow changes:
whitespace cells revalued, sold or reopened, actions made overdue, stakeholders
warmed or cooled, and one record deleted."""

from datetime import date, timedelta
from decimal import Decimal
from random import Random

from keyplan.core import services
from keyplan.growth.models import Action, CellStatus, WhitespaceCell
from keyplan.relationships.models import Stakeholder, Strength

EDITS = 12


def _pick(model, rng: Random, **filters):
    pks = list(model.objects.filter(**filters).order_by("pk").values_list("pk", flat=True)[:5000])
    return model.objects.select_related("account__owner").get(pk=rng.choice(pks)) if pks else None


def _update(record, **values) -> None:
    services.update(record, by=record.account.owner, version=record.version, **values)


def apply(today: date, *, seed: int) -> int:
    """Make `EDITS` edits chosen by `seed`; how many were made."""
    rng, made = Random(f"edits-{seed}"), 0
    for n in range(EDITS):
        kind = n % 4
        if kind == 0 and (cell := _pick(WhitespaceCell, rng)):
            _update(cell, estimated_value=Decimal(rng.randrange(5, 500) * 1000))
        elif kind == 1 and (cell := _pick(WhitespaceCell, rng)):
            _update(cell, status=rng.choice([CellStatus.OPEN, CellStatus.SOLD]))
        elif kind == 2 and (action := _pick(Action, rng, status="open")):
            _update(action, due_date=today - timedelta(days=rng.randrange(1, 30)))
        elif kind == 3 and (person := _pick(Stakeholder, rng)):
            if n == 3:  # one deletion among the edits
                services.delete(person, by=person.account.owner, version=person.version)
            else:
                _update(person, strength=rng.choice(list(Strength.values)))
        else:
            continue
        made += 1
    return made
