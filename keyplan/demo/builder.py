"""Writes one account's plan through the services, at chosen moments in the past.

The demo portfolio is built the way people would have built it: records created
and changed by their owners over months. Every write goes through the services
(validation, access, history) with the clock moved to when it happened, so the
demo's history and trajectories are real history.
"""

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from decimal import Decimal

from keyplan.accounts import services as account_services
from keyplan.accounts.models import Contract, RevenueYear
from keyplan.cadence import services as cadence_services
from keyplan.core import services
from keyplan.growth import services as growth_services
from keyplan.growth.models import (
    Action,
    BusinessUnit,
    Objective,
    Play,
    ResourceRequest,
    WhitespaceCell,
)
from keyplan.relationships import services as relationship_services
from keyplan.relationships.models import Stakeholder
from keyplan.risks import services as risk_services
from keyplan.risks.models import Risk, SwotItem


def on(day: date, hour: int = 10) -> datetime:
    """A moment on `day` during working hours, in the current time zone."""
    from django.utils import timezone

    return timezone.make_aware(datetime.combine(day, datetime.min.time()) + timedelta(hours=hour))


def add_months(day: date, months: int) -> date:
    """The same day of the month `months` later (or earlier); day 1 stays day 1."""
    index = day.year * 12 + day.month - 1 + months
    return day.replace(year=index // 12, month=index % 12 + 1)


class PlanBuilder:
    """Adds records to one account's plan, acting as `by` (the account's owner)."""

    def __init__(self, account, by):
        self.account = account
        self.by = by
        self.stakeholders: dict[str, Stakeholder] = {}
        self.units: dict[str, BusinessUnit] = {}
        self.cells: dict[tuple[str, str], WhitespaceCell] = {}
        self.plays: dict[str, Play] = {}
        self.objectives: dict[str, Objective] = {}
        self.actions: dict[str, Action] = {}
        self.risks: dict[str, Risk] = {}
        self.arr = Decimal(0)  # of the active contracts added
        self.master: Contract | None = None  # the main agreement, which orders end with

    # Sections 1-2
    def update_account(self, **values):
        self.account = services.update(
            self.account, by=self.by, version=self.account.version, **values
        )
        return self.account

    def contract(self, name, *, lines=(), **values):
        contract = account_services.add_contract(
            self.account, by=self.by, name=name, lines=lines, **values
        )
        if contract.status == "active":
            self.arr += contract.arr
        return contract

    def revenue(self, year: int, amount: Decimal, note: str = ""):
        return services.create(
            RevenueYear, by=self.by, account=self.account, year=year, revenue=amount, note=note
        )

    # Sections 3-4
    def stakeholder(self, name: str, title: str, *, reports_to: str | None = None, **values):
        record = services.create(
            Stakeholder,
            by=self.by,
            account=self.account,
            name=name,
            title=title,
            reports_to=self.stakeholders[reports_to] if reports_to else None,
            **values,
        )
        self.stakeholders[name] = record
        return record

    def change_stakeholder(self, name: str, **values):
        record = services.update(
            self.stakeholders[name], by=self.by, version=self.stakeholders[name].version, **values
        )
        self.stakeholders[name] = record
        return record

    def influence(self, source: str, target: str, **values):
        return relationship_services.add_influence(
            self.stakeholders[source], self.stakeholders[target], by=self.by, **values
        )

    def interaction(self, day: date, subject: str, people: Iterable[str], **values):
        return relationship_services.log_interaction(
            self.account,
            by=self.by,
            date=day,
            subject=subject,
            stakeholders=[self.stakeholders[name] for name in people],
            **values,
        )

    # Sections 5-6
    def unit(self, name: str, **values):
        record = services.create(
            BusinessUnit,
            by=self.by,
            account=self.account,
            name=name,
            position=len(self.units),
            **values,
        )
        self.units[name] = record
        return record

    def cell(self, unit: str, product, status: str, **values):
        key = (unit, product.name)
        current = self.cells.get(key)
        record = growth_services.set_cell(
            self.units[unit],
            product,
            by=self.by,
            version=current.version if current else None,
            status=status,
            **values,
        )
        self.cells[key] = record
        return record

    def objective(self, title: str, **values):
        record = services.create(
            Objective, by=self.by, account=self.account, title=title, owner=self.by, **values
        )
        self.objectives[title] = record
        return record

    def change_objective(self, title: str, **values):
        objective = self.objectives[title]
        self.objectives[title] = services.update(
            objective, by=self.by, version=objective.version, **values
        )

    def play(self, name: str, *, stakeholders=(), cells=(), objective=None, **values):
        record = services.create(
            Play,
            by=self.by,
            account=self.account,
            name=name,
            owner=values.pop("owner", self.by),
            objective=self.objectives[objective] if objective else None,
            **values,
        )
        if stakeholders:
            record = services.set_links(
                record,
                "stakeholders",
                [self.stakeholders[name] for name, _ in stakeholders],
                by=self.by,
                version=record.version,
                extra={
                    self.stakeholders[name].pk: {"role_hint": hint} for name, hint in stakeholders
                },
            )
        if cells:
            record = services.set_links(
                record,
                "cells",
                [self.cells[key] for key in cells],
                by=self.by,
                version=record.version,
            )
        self.plays[name] = record
        return record

    def move_play(self, name: str, stage: str):
        play = self.plays[name]
        self.plays[name] = growth_services.move_play(play, stage, by=self.by, version=play.version)
        return self.plays[name]

    def action(self, title: str, due: date, *, owner=None, objective=None, play=None, **values):
        record = services.create(
            Action,
            by=self.by,
            account=self.account,
            title=title,
            due_date=due,
            owner=owner or self.by,
            objective=self.objectives[objective] if objective else None,
            play=self.plays[play] if play else None,
            **values,
        )
        self.actions[title] = record
        return record

    def complete(self, title: str, on_day: date):
        action = self.actions[title]
        self.actions[title] = growth_services.complete_action(
            action, by=self.by, version=action.version, on=on_day
        )

    def resource(self, title: str, kind: str, **values):
        return services.create(
            ResourceRequest, by=self.by, account=self.account, title=title, kind=kind, **values
        )

    # Section 7, SWOT, health
    def risk(self, title: str, category: str, **values):
        record = services.create(
            Risk,
            by=self.by,
            account=self.account,
            title=title,
            category=category,
            owner=values.pop("owner", self.by),
            **values,
        )
        self.risks[title] = record
        return record

    def change_risk(self, title: str, **values):
        risk = self.risks[title]
        self.risks[title] = services.update(risk, by=self.by, version=risk.version, **values)

    def swot(self, kind: str, *texts: str):
        for position, text in enumerate(texts):
            services.create(
                SwotItem, by=self.by, account=self.account, kind=kind, text=text, position=position
            )

    def health(self, day: date, **signals):
        return risk_services.record_health(self.account, day, by=self.by, **signals)

    # Section 8 and cadence
    def touchpoint(self, day: date, *, hosts=(), attendees=(), **values):
        return cadence_services.plan_touchpoint(
            self.account,
            by=self.by,
            date=day,
            hosts=hosts,
            attendees=[self.stakeholders[name] for name in attendees],
            **values,
        )

    def follow_up(self, touchpoint, title: str, due: date, *, play=None, owner=None):
        """A commitment made at `touchpoint`, turned into an action of the plan."""
        commitment = cadence_services.Commitment(
            title, owner or self.by, due, play=self.plays[play] if play else None
        )
        (action,) = cadence_services.commit_follow_ups(touchpoint, [commitment], by=self.by)
        self.actions[title] = action
        return action

    def review(self, kind: str, day: date, notes: str = ""):
        return cadence_services.record_review(self.account, kind, by=self.by, date=day, notes=notes)

    def trigger(self, kind: str, day: date, description: str):
        return cadence_services.log_trigger(self.account, kind, description, by=self.by, date=day)

    def handle(self, trigger, note: str):
        """Mark `trigger` handled today (by the clock)."""
        return cadence_services.handle_trigger(trigger, note, by=self.by, version=trigger.version)
