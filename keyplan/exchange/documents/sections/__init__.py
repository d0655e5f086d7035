"""The whole plan as headed sections (see `outline`), in the order of DESIGN.md §2;
each part of the plan builds its sections in its own module.

Everything comes from the plan document (`document.from_plan`) and the loaded `Plan`
it was built from, plus the headline numbers of `headline` (from insights), so
building the sections runs no query.
"""

from dataclasses import dataclass

from keyplan.accounts.models import Account
from keyplan.exchange.documents import document, headline
from keyplan.exchange.documents.headline import Number
from keyplan.exchange.documents.outline import Section
from keyplan.exchange.documents.sections import cadence, growth, people, profile, risks
from keyplan.plan.loader import Plan


@dataclass(frozen=True)
class Loaded:
    """One account's plan, read once for an export."""

    plan: Plan
    doc: dict
    numbers: list[Number]

    @property
    def sections(self) -> list[Section]:
        return build(self.plan, self.doc, self.numbers)


def load(account: Account) -> Loaded:
    """The live plan of `account`: every record (a fixed number of queries), its document and
    its headline numbers."""
    plan = Plan(account).load()
    numbers = headline.numbers(account, renewal=plan.renewal_date, today=plan.today)
    return Loaded(plan, document.from_plan(plan), numbers)


def build(plan: Plan, doc: dict, numbers: list[Number]) -> list[Section]:
    """Every section of the plan; `numbers` are its headline numbers (see `headline`)."""
    by_key = {n.key: n for n in numbers}
    return [
        profile.summary(doc, numbers),
        profile.profile(doc),
        profile.history(doc, by_key),
        people.stakeholders(plan, doc, by_key),
        people.interactions(doc),
        people.heat_map(plan, doc),
        growth.whitespace(plan, doc, by_key),
        growth.growth(doc, by_key),
        risks.risks(doc, by_key),
        cadence.cadence(doc),
        growth.resources(doc),
        risks.swot(doc),
        growth.objectives(doc),
        growth.actions(doc),
        risks.health(doc, by_key),
        profile.selection(plan, doc),
    ]
