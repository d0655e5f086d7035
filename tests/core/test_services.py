"""Every write goes through core.services: validation that names the field, refusal
of stale versions, history with the author, all-or-nothing transactions."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from keyplan.accounts import services as account_services
from keyplan.accounts.models import Account, Contract, ContractLine
from keyplan.core import services
from keyplan.core.errors import ConflictError, NotFound
from keyplan.growth.models import Objective, Play, WhitespaceCell
from keyplan.relationships.models import Stakeholder


def test_update_with_the_current_version_saves_and_moves_the_version(account, owner):
    updated = services.update(account, by=owner, version=account.version, industry="Retail")

    assert updated.version == account.version + 1
    assert Account.objects.get(pk=account.pk).industry == "Retail"
    latest = account.history.first()
    assert (latest.industry, latest.history_user) == ("Retail", owner)


def test_update_based_on_a_stale_version_is_refused_and_writes_nothing(account, owner, member):
    opened_by_owner = Account.objects.get(pk=account.pk)
    services.update(account, by=member, version=account.version, industry="Retail")
    history_rows = account.history.count()

    with pytest.raises(ConflictError) as conflict:
        services.update(
            opened_by_owner, by=owner, version=opened_by_owner.version, industry="Energy"
        )

    stored = Account.objects.get(pk=account.pk)
    assert stored.industry == "Retail"
    assert account.history.count() == history_rows
    # The error carries the stored record so a page can show the other person's change.
    assert conflict.value.current.industry == "Retail"
    assert "changed by someone else" in str(conflict.value)


def test_an_update_must_say_which_version_it_is_based_on(account, owner):
    with pytest.raises(ValidationError) as error:
        services.update(account, by=owner, version=None, industry="Retail")
    assert "version" in error.value.message_dict


def test_an_update_that_changes_nothing_keeps_the_version(account, owner):
    same = services.update(account, by=owner, version=account.version, industry=account.industry)
    assert same.version == account.version


def test_invalid_values_are_refused_with_the_field_named(account, owner):
    with pytest.raises(ValidationError) as error:
        services.create(Stakeholder, by=owner, account=account, name="Kim Lee", strength=5, power=7)
    assert set(error.value.message_dict) >= {"strength", "power"}
    assert not Stakeholder.objects.filter(name="Kim Lee").exists()


def test_negative_money_is_refused_with_the_field_named(account, owner):
    with pytest.raises(ValidationError) as error:
        services.update(account, by=owner, version=account.version, target_arr=Decimal("-1"))
    assert "target_arr" in error.value.message_dict


def test_unknown_and_system_fields_are_refused(account, owner):
    with pytest.raises(ValidationError) as error:
        services.update(account, by=owner, version=account.version, colour="blue", version_=1)
    assert "colour" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.update(account, by=owner, version=account.version, created_at=None)
    assert "created_at" in error.value.message_dict


def test_a_record_cannot_move_to_another_plan(account, champion, owner):
    other = account_services.create_account(by=owner, name="Other Co")
    with pytest.raises(ValidationError) as error:
        services.update(champion, by=owner, version=champion.version, account=other)
    assert "account" in error.value.message_dict


def test_a_reporting_line_stays_in_the_account_and_never_loops(account, champion, owner):
    other = account_services.create_account(by=owner, name="Other Co")
    stranger = services.create(Stakeholder, by=owner, account=other, name="Stranger")
    with pytest.raises(ValidationError) as error:
        services.update(champion, by=owner, version=champion.version, reports_to=stranger)
    assert "reports_to" in error.value.message_dict

    report = services.create(
        Stakeholder, by=owner, account=account, name="Grace", reports_to=champion
    )
    with pytest.raises(ValidationError) as error:
        services.update(champion, by=owner, version=champion.version, reports_to=report)
    assert "circle" in error.value.message_dict["reports_to"][0]


def test_one_whitespace_cell_per_business_unit_and_product(account, unit, product, owner):
    services.create(WhitespaceCell, by=owner, account=account, business_unit=unit, product=product)
    with pytest.raises(ValidationError) as error:
        services.create(
            WhitespaceCell, by=owner, account=account, business_unit=unit, product=product
        )
    assert "already has a cell" in str(error.value)
    assert WhitespaceCell.objects.count() == 1


def test_a_contract_cannot_end_before_it_starts(account, owner):
    with pytest.raises(ValidationError) as error:
        account_services.add_contract(
            account, by=owner, name="MSA", start_date=date(2026, 5, 1), end_date=date(2026, 4, 1)
        )
    assert "end_date" in error.value.message_dict


def test_a_contract_with_a_bad_line_writes_nothing(account, owner, product):
    with pytest.raises(ValidationError) as error:
        account_services.add_contract(
            account,
            by=owner,
            name="MSA",
            start_date=date(2026, 1, 1),
            arr=Decimal(100),
            lines=[
                {"product": product, "quantity": 10, "arr": Decimal(50)},
                {"product": product, "quantity": 5, "arr": Decimal(-5)},
            ],
        )
    assert "lines[2].arr" in error.value.message_dict
    assert not Contract.objects.exists()
    assert not ContractLine.objects.exists()


def test_delete_refuses_a_stale_version(account, champion, owner):
    services.update(champion, by=owner, version=champion.version, title="COO")
    with pytest.raises(ConflictError):
        services.delete(champion, by=owner, version=champion.version)
    assert Stakeholder.objects.filter(pk=champion.pk).exists()


def test_deleting_a_record_clears_references_to_it_with_history(account, champion, owner):
    report = services.create(
        Stakeholder, by=owner, account=account, name="Grace", reports_to=champion
    )
    services.delete(champion, by=owner, version=champion.version)

    report.refresh_from_db()
    assert report.reports_to is None
    assert report.version == 2
    assert report.history.first().history_user == owner
    assert champion.history.filter(history_type="-").exists()


def test_deleting_a_missing_record_says_so(account, champion, owner):
    services.delete(champion, by=owner, version=champion.version)
    with pytest.raises(NotFound):
        services.update(champion, by=owner, version=champion.version, title="X")


def test_a_product_in_use_cannot_be_deleted(account, owner, product, admin_user):
    account_services.add_contract(
        account,
        by=owner,
        name="MSA",
        start_date=date(2026, 1, 1),
        lines=[{"product": product, "quantity": 1, "arr": Decimal(10)}],
    )
    with pytest.raises(ValidationError) as error:
        services.delete(product, by=admin_user, version=product.version)
    assert "contract lines" in str(error.value)


def test_links_change_as_a_set_with_history_and_move_the_owner_version(account, champion, owner):
    james = services.create(Stakeholder, by=owner, account=account, name="James Park")
    play = services.create(Play, by=owner, account=account, name="Analytics for Engineering")

    play = services.set_links(
        play,
        "stakeholders",
        [champion, james],
        by=owner,
        version=play.version,
        extra={james.pk: {"role_hint": "Economic Buyer"}},
    )
    assert play.version == 2
    assert set(play.stakeholders.values_list("name", flat=True)) == {"Sarah Lin", "James Park"}
    assert play.stakeholder_links.get(stakeholder=james).role_hint == "Economic Buyer"

    play = services.set_links(play, "stakeholders", [james], by=owner, version=play.version)
    assert list(play.stakeholders.values_list("name", flat=True)) == ["James Park"]
    removed = play.stakeholder_links.model.history.filter(history_type="-")
    assert [row.stakeholder_id for row in removed] == [champion.pk]

    with pytest.raises(ConflictError):
        services.set_links(play, "stakeholders", [], by=owner, version=1)
    assert play.stakeholders.count() == 1


def test_links_refuse_records_of_another_account(account, owner):
    other = account_services.create_account(by=owner, name="Other Co")
    stranger = services.create(Stakeholder, by=owner, account=other, name="Stranger")
    play = services.create(Play, by=owner, account=account, name="Play")
    with pytest.raises(ValidationError):
        services.set_links(play, "stakeholders", [stranger], by=owner, version=play.version)
    assert not play.stakeholders.exists()


def test_objective_of_another_account_is_refused(account, owner):
    other = account_services.create_account(by=owner, name="Other Co")
    objective = services.create(
        Objective, by=owner, account=other, title="Grow", metric="ARR", due_date=date(2026, 9, 30)
    )
    with pytest.raises(ValidationError) as error:
        services.create(Play, by=owner, account=account, name="Play", objective=objective)
    assert "objective" in error.value.message_dict


def test_an_account_cannot_become_its_own_grandparent(account, owner):
    child = account_services.create_account(by=owner, name="Acme Europe", parent=account)
    with pytest.raises(ValidationError) as error:
        services.update(account, by=owner, version=account.version, parent=child)
    assert "parent" in error.value.message_dict


def test_a_trigger_is_handled_with_a_date_or_not_at_all(account, owner, day):
    from keyplan.cadence import services as cadence_services
    from keyplan.cadence.models import TriggerEvent

    with pytest.raises(ValidationError) as error:
        services.create(
            TriggerEvent,
            by=owner,
            account=account,
            kind="funding_round",
            date=day,
            description="Series C",
            handled_on=day,
        )
    assert "handled_on" in error.value.message_dict
    trigger = cadence_services.log_trigger(account, "funding_round", "Series C", by=owner, date=day)
    handled = cadence_services.handle_trigger(
        trigger, "Plan updated", by=owner, version=trigger.version, on=day
    )
    assert (handled.status, handled.handled_by) == ("handled", owner)


def test_a_link_without_its_records_is_refused_not_crashed(account, owner):
    from keyplan.growth.models import PlayStakeholder

    with pytest.raises(ValidationError):
        services.create(PlayStakeholder, by=owner, role_hint="x")


def test_any_change_to_the_plan_marks_the_account_changed(account, champion, owner):
    from keyplan.core import clock

    Account.objects.filter(pk=account.pk).update(last_changed=None)
    moment = timezone.now() - timedelta(days=3)
    with clock.travel(moment):
        services.update(champion, by=owner, version=champion.version, title="COO")
    account.refresh_from_db()
    assert abs((account.last_changed - moment).total_seconds()) < 60
    services.delete(champion, by=owner, version=champion.version + 1)
    account.refresh_from_db()
    assert account.last_changed > moment + timedelta(days=2)


def test_every_change_to_a_plan_advances_its_version_and_says_which_plan(account, owner):
    from keyplan.core.signals import plan_changed

    heard = []

    def listen(account_ids, **kwargs):
        heard.append(account_ids)

    plan_changed.connect(listen)
    try:
        start = Account.objects.get(pk=account.pk).plan_version
        person = services.create(Stakeholder, by=owner, account=account, name="Ada Byron")
        services.update(person, by=owner, version=person.version, title="CFO")
        services.create_many(Stakeholder, [{"account": account, "name": "Ben"}], by=owner)
        services.delete(person, by=owner, version=person.version + 1)
    finally:
        plan_changed.disconnect(listen)
    assert Account.objects.get(pk=account.pk).plan_version == start + 4
    assert heard == [frozenset({account.pk})] * 4
