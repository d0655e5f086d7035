"""Helpers for the operating rhythm's tests: plans created in the past (with
clock.travel), so that "never reviewed" counts from a known day."""

from datetime import date, datetime, timedelta

import pytest
from django.utils import timezone

from keyplan.accounts import services as account_services
from keyplan.accounts.models import Account
from keyplan.core import clock


def moment(days_ago: int) -> datetime:
    return timezone.now() - timedelta(days=days_ago)


def ago(days: int) -> date:
    return timezone.localdate() - timedelta(days=days)


@pytest.fixture
def old_plan(owner, private_plans):
    """old_plan(name, tier, days) -> an account of `owner` created `days` ago."""

    def create(name: str, tier: int, days: int) -> Account:
        with clock.travel(moment(days)):
            return account_services.create_account(by=owner, name=name, tier=tier)

    return create
