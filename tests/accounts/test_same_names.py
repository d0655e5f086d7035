"""Accounts may share a name, as in real CRMs (duplicates, same-named accounts in two
regions): keyplan stores them, a rename never answers "already exists", and the
command line refuses an ambiguous name by listing each account with its id."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from keyplan.accounts import services as account_services
from keyplan.accounts.models import Account


@pytest.fixture
def twins(owner, leader, private_plans):
    """Two accounts named Acme Corp: Olga's in Boston and the leader's in Lyon."""
    boston = account_services.create_account(
        by=owner, name="Acme Corp", headquarters="Boston", crm_id="001B"
    )
    lyon = account_services.create_account(by=leader, name="ACME CORP", headquarters="Lyon")
    return boston, lyon


def command(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_two_accounts_may_share_a_name(twins):
    assert Account.objects.filter(name__iexact="acme corp").count() == 2


def test_a_rename_to_a_name_another_account_holds_is_saved(twins, owner):
    other = account_services.create_account(by=owner, name="Globex")

    account_services.update_account(other, by=owner, version=other.version, name="Acme Corp")

    assert Account.objects.filter(name="Acme Corp").count() == 2


def test_plan_show_refuses_a_shared_name_listing_both_accounts_with_their_ids(twins):
    boston, lyon = twins

    with pytest.raises(CommandError) as error:
        command("plan", "show", "acme corp")

    message = str(error.value)
    assert "Several accounts are named “acme corp”; give the id" in message
    assert f"Acme Corp (Boston, CRM id 001B, owner Olga Owner, id {boston.pk})" in message
    assert f"ACME CORP (Lyon, owner lena, id {lyon.pk})" in message


def test_plan_show_and_export_take_an_id(twins, tmp_path):
    boston, lyon = twins

    plan = json.loads(command("plan", "show", str(lyon.pk), "--format", "json"))
    command("export", str(boston.pk), "--format", "json", "--out", str(tmp_path / "b.json"))

    assert plan["profile"]["headquarters"] == "Lyon"
    assert json.loads((tmp_path / "b.json").read_text())["profile"]["headquarters"] == "Boston"
    with pytest.raises(CommandError, match="give the id"):
        command("export", "Acme Corp", "--format", "json")


def test_plan_show_takes_several_accounts_by_ids_or_names_and_names_with_commas(twins, owner):
    boston, lyon = twins
    comma = account_services.create_account(by=owner, name="Smith, Jones & Co")

    by_list = json.loads(
        command("plan", "show", "--accounts", f"{boston.pk}, {lyon.pk}", "--format", "json")
    )
    options = ["--account", "Smith, Jones & Co", "--account", str(lyon.pk)]
    by_option = json.loads(command("plan", "show", *options, "--format", "json"))

    assert [p["profile"]["headquarters"] for p in by_list] == ["Boston", "Lyon"]
    assert [p["account"]["name"] for p in by_option] == [comma.name, "ACME CORP"]
    with pytest.raises(CommandError) as error:
        command("plan", "show", "--accounts", "Acme Corp,Nobody Inc", "--format", "json")
    assert "Several accounts are named “Acme Corp”" in str(error.value)
    assert "No account is named “Nobody Inc”" in str(error.value)
