"""Accounts are matched by CRM id, never by name: a CRM's same-named accounts import
as accounts of their own, and names, parents and messages look only at the
accounts the importing user may see, so an outsider learns nothing of the rest."""

import pytest

from keyplan.accounts.models import Account
from keyplan.team.models import Role
from tests.conftest import make_user
from tests.exchange.conftest import snapshot
from tests.exchange.crm import helpers as sf
from tests.exchange.crm.helpers import read_csv, run_import, write_csv

SECOND_GLOBEX = sf.sf_id("001", 7)


@pytest.fixture
def export(tmp_path, admin_user):
    return sf.salesforce_export(tmp_path / "export")


@pytest.fixture
def kay(db):
    return make_user("kay", Role.KAM)


def with_a_second_globex(export) -> None:
    """A second "Globex Corp" in another region, with a contact of its own."""
    header, accounts = read_csv(export / "Account.csv")
    accounts.append({**dict.fromkeys(header, ""), "Id": SECOND_GLOBEX, "Name": "Globex Corp",
                     "BillingCity": "Rotterdam", "BillingCountry": "Netherlands"})  # fmt: skip
    write_csv(export / "Account.csv", header, accounts)
    header, contacts = read_csv(export / "Contact.csv")
    contacts.append({**dict.fromkeys(header, ""), "Id": sf.sf_id("003", 70), "AccountId":
                     SECOND_GLOBEX, "FirstName": "Hank", "LastName": "Scorpio"})  # fmt: skip
    write_csv(export / "Contact.csv", header, contacts)


def test_same_named_accounts_import_as_two_and_again_change_nothing(export):
    with_a_second_globex(export)

    first = run_import("salesforce", export, "--accounts", "Globex Corp")
    before = snapshot()
    again = run_import("salesforce", export, "--accounts", "Globex Corp")

    both = Account.objects.filter(name="Globex Corp").order_by("crm_id")
    assert [(a.crm_id, a.headquarters.split(", ")[-2]) for a in both] == [
        (sf.GLOBEX, "OR 49007"), (SECOND_GLOBEX, "Rotterdam")
    ]  # fmt: skip
    # Each has its own Hank Scorpio.
    assert [a.stakeholders.filter(name="Hank Scorpio").count() for a in both] == [1, 1]
    assert f"Created the account Globex Corp (Salesforce {SECOND_GLOBEX})" in first
    assert snapshot() == before
    assert "Account: 4 rows; 2 imported (2 unchanged)" in again


def test_an_unlinked_account_of_that_name_is_tied_only_when_it_is_the_only_one(export, admin_user):
    mine = Account.objects.create(name="Globex Corp", owner=admin_user, tier=1)

    text = run_import("salesforce", export, "--accounts", "Globex Corp", "--dry-run")

    assert f"Would tie the account Globex Corp to Salesforce {sf.GLOBEX}" in text
    Account.objects.create(name="GLOBEX CORP", owner=admin_user, tier=2)
    text = run_import("salesforce", export, "--accounts", "Globex Corp")
    assert f"Created the account Globex Corp (Salesforce {sf.GLOBEX})" in text
    mine.refresh_from_db()
    assert mine.crm_id == ""


def test_an_outsider_importing_a_private_accounts_name_gets_an_account_of_their_own(
    export, admin_user, kay
):
    private = Account.objects.create(name="Globex Corp", owner=admin_user, tier=1)
    (export / "Product2.csv").unlink()  # a KAM may not add to the catalog

    text = run_import("salesforce", export, "--accounts", "Globex Corp", login="kay")

    assert f"Created the account Globex Corp (Salesforce {sf.GLOBEX})" in text
    assert "Would tie" not in text and "Tied" not in text and "another team" not in text
    private.refresh_from_db()
    assert private.crm_id == "" and private.stakeholders.count() == 0
    theirs = Account.objects.get(crm_id=sf.GLOBEX)
    assert theirs.owner == kay and theirs.name == "Globex Corp"


def test_an_outsider_cannot_link_a_private_account_as_the_parent(export, admin_user, kay):
    run_import("salesforce", export, "--accounts", "Globex Corp")  # the administrator's
    private = Account.objects.get(crm_id=sf.GLOBEX)
    assert private.owner == admin_user

    text = run_import("salesforce", export, "--accounts", "Globex Europe", login="kay")

    europe = Account.objects.get(crm_id=sf.EUROPE)
    assert europe.parent is None and europe.owner == kay
    assert "Globex Corp" not in text.replace("Globex Corp,", "")  # named nowhere
    # The administrator, who sees both, links them on their next import.
    run_import("salesforce", export, "--accounts", "Globex Europe")
    europe.refresh_from_db()
    assert europe.parent == private
