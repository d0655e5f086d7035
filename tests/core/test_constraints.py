"""The database itself holds the domain's rules, for writes that bypass the services."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from keyplan.accounts.models import Account, Contract, SelectionCriterion, SelectionScore
from keyplan.growth.models import WhitespaceCell
from keyplan.relationships.models import Stakeholder


def refused(queryset, **values) -> bool:
    try:
        with transaction.atomic():
            queryset.update(**values)
    except IntegrityError:
        return True
    return False


def test_money_is_never_negative(account):
    assert refused(Account.objects.filter(pk=account.pk), target_arr=Decimal("-1"))
    assert not refused(Account.objects.filter(pk=account.pk), target_arr=Decimal("0"))


def test_relationship_strength_is_1_to_4(champion):
    stakeholders = Stakeholder.objects.filter(pk=champion.pk)
    assert refused(stakeholders, strength=5)
    assert refused(stakeholders, strength=0)
    assert not refused(stakeholders, strength=1)


def test_scores_are_1_to_5(account):
    criterion = SelectionCriterion.objects.get(key="expansion_potential")
    score = SelectionScore.objects.create(account=account, criterion=criterion, score=3)
    assert refused(SelectionScore.objects.filter(pk=score.pk), score=6)
    assert refused(SelectionScore.objects.filter(pk=score.pk), score=0)


def test_a_contract_does_not_end_before_it_starts(account):
    contract = Contract.objects.create(account=account, name="MSA", start_date=date(2026, 5, 1))
    assert refused(Contract.objects.filter(pk=contract.pk), end_date=date(2026, 4, 30))
    assert not refused(Contract.objects.filter(pk=contract.pk), end_date=date(2026, 5, 1))


def test_one_cell_per_business_unit_and_product(account, unit, product):
    WhitespaceCell.objects.create(account=account, business_unit=unit, product=product)
    with pytest.raises(IntegrityError), transaction.atomic():
        WhitespaceCell.objects.create(account=account, business_unit=unit, product=product)


def test_a_stakeholder_does_not_report_to_themselves(champion):
    assert refused(Stakeholder.objects.filter(pk=champion.pk), reports_to=champion.pk)
