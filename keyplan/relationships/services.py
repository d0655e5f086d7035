"""Stakeholders, influence and the interaction log."""

from collections.abc import Iterable
from typing import Any

from django.db import transaction

from keyplan.core import services
from keyplan.core.protocols import Actor, PlanAccount
from keyplan.relationships.models import Influence, Interaction, Stakeholder


@transaction.atomic
def log_interaction(
    account: PlanAccount, *, by: Actor, stakeholders: Iterable[Stakeholder] = (), **values: Any
) -> Interaction:
    """Record a meeting, call, email or event with the stakeholders who took part."""
    values.setdefault("logged_by", by)
    interaction = services.create(Interaction, by=by, account=account, **values)
    stakeholders = list(stakeholders)
    if stakeholders:
        interaction = services.set_links(
            interaction, "stakeholders", stakeholders, by=by, version=interaction.version
        )
    return interaction


def add_influence(
    source: Stakeholder, target: Stakeholder, *, by: Actor, **values: Any
) -> Influence:
    """`source` sways `target`."""
    return services.create(Influence, by=by, source=source, target=target, **values)
