"""The headline numbers of an account's plan, each from its one definition.

Open whitespace (insights.whitespace), weighted pipeline and path to target
(insights.pipeline), ARR at risk and risk exposure (insights.risk): every surface that
shows one of them for an account (the plan page, the QBR and handoff briefs, the PDF
and Markdown plans, the digest, the API) reads it here, so the same plan shows the same
value everywhere, with its label and its rule. Five aggregate queries, whatever the
plan holds.
"""

from dataclasses import dataclass
from datetime import date

from django.db.models import QuerySet

from keyplan.accounts.models import Account
from keyplan.core import clock
from keyplan.insights import pipeline, risk, whitespace
from keyplan.insights.figures import Figure


@dataclass(frozen=True)
class Numbers:
    open_whitespace: Figure
    weighted_pipeline: Figure
    path_to_target: pipeline.PathToTarget
    arr_at_risk: Figure
    risk_exposure: Figure

    @property
    def plays_past_close(self) -> int:
        """Open plays whose close date has passed: left out of the pipeline."""
        return self.weighted_pipeline.inputs["plays past their close date (left out)"]

    def figures(self) -> list[Figure]:
        """The headline figures in the order the surfaces show them."""
        path = self.path_to_target
        return [
            self.open_whitespace,
            self.weighted_pipeline,
            path.gap,
            path.attainment,
            self.arr_at_risk,
            self.risk_exposure,
        ]

    def risk_figures(self) -> list[Figure]:
        return [self.arr_at_risk, self.risk_exposure]

    def by_key(self) -> dict[str, Figure]:
        return {f.key: f for f in self.figures()}


def numbers(accounts: QuerySet, today: date | None = None) -> Numbers:
    today = today or clock.today()
    return Numbers(
        open_whitespace=whitespace.open_whitespace(accounts),
        weighted_pipeline=pipeline.weighted_pipeline(accounts, today),
        path_to_target=pipeline.path_to_target(accounts, today),
        arr_at_risk=risk.arr_at_risk(accounts, today),
        risk_exposure=risk.risk_exposure(accounts, today),
    )


def of_account(account: Account, today: date | None = None) -> Numbers:
    """The numbers of one account's live plan."""
    return numbers(Account.objects.filter(pk=account.pk), today)
