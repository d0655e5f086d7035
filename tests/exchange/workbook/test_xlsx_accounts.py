"""Accounts may share a name: keyplan's workbook says which account it is (its id, in a
hidden and locked row) and which its parent is, among the accounts the importing user
may see."""

import pytest
from openpyxl import load_workbook

from keyplan.accounts import services as account_services
from keyplan.accounts.models import Account
from keyplan.demo import novatech
from keyplan.exchange.workbook.export import export_template
from tests.exchange.workbook.helpers import export
from tests.exchange.workbook.test_xlsx_import import refused, run_import

PROFILE = "1 Profile"


def profile_row(book, label: str) -> int:
    sheet = book[PROFILE]
    return next(row for row in range(1, sheet.max_row + 1) if sheet[f"A{row}"].value == label)


def set_profile(path, label: str, value) -> None:
    book = load_workbook(path)
    book[PROFILE][f"B{profile_row(book, label)}"] = value
    book.save(path)


@pytest.fixture
def twin(novatech_users):
    """A second NovaTech, in Lyon, owned by the leader: the kam is not on its team."""
    return account_services.create_account(
        by=novatech_users["leader"], name="NovaTech", headquarters="Lyon"
    )


@pytest.fixture
def workbook(sample, tmp_path):
    return export(sample, tmp_path / "novatech.xlsx")


def test_the_exported_workbook_carries_the_account_id_in_a_hidden_locked_row(
    sample, workbook, tmp_path
):
    book = load_workbook(workbook)
    sheet, row = book[PROFILE], profile_row(book, "keyplan id")

    assert sheet.row_dimensions[row].hidden
    assert sheet.protection.sheet and sheet[f"B{row}"].protection.locked
    assert str(sample.pk) in sheet[f"B{row}"].value
    assert not sheet[f"B{profile_row(book, 'Account name')}"].protection.locked  # editable
    template = tmp_path / "template.xlsx"
    export_template(template)
    blank = load_workbook(template)
    assert blank[PROFILE][f"B{profile_row(blank, 'keyplan id')}"].value is None


def test_the_import_finds_its_account_by_id_after_the_name_cell_was_edited(sample, twin, workbook):
    set_profile(workbook, "Account name", "NovaTech Americas")

    output = run_import(workbook, login="kam")

    sample.refresh_from_db()
    twin.refresh_from_db()
    assert sample.name == "NovaTech Americas"
    assert twin.name == "NovaTech"
    assert Account.objects.count() == 2
    assert "Created the account" not in output


def test_an_unchanged_export_reimports_into_its_own_account_beside_a_twin(sample, twin, workbook):
    assert "Nothing to change" in run_import(workbook, login="admin")


def test_without_the_id_a_shared_name_is_refused_at_its_cell_listing_each_account(
    sample, twin, workbook
):
    set_profile(workbook, "keyplan id", None)

    message = refused(workbook, login="admin")

    assert "sheet “1 Profile”, row 2, column B (Account name)" in message
    assert "several accounts are named “NovaTech”" in message
    assert f"Austin, TX, owner Alex Morgan, id {sample.pk}" in message
    assert f"Lyon, owner Lena Hartmann, id {twin.pk}" in message


def test_an_id_from_another_keyplan_is_ignored_and_a_unique_name_still_finds_the_plan(
    sample, workbook
):
    set_profile(workbook, "keyplan id", f"{sample.pk + 1000}:forged-signature")
    set_profile(workbook, "Industry", "Aerospace")

    run_import(workbook, login="kam")

    sample.refresh_from_db()
    assert sample.industry == "Aerospace"
    assert Account.objects.count() == 1


def test_the_kam_sees_only_their_novatech_so_the_name_is_not_ambiguous_to_them(
    sample, twin, workbook
):
    set_profile(workbook, "keyplan id", None)
    set_profile(workbook, "Industry", "Aerospace")

    run_import(workbook, login="kam")

    sample.refresh_from_db()
    assert sample.industry == "Aerospace"


# ---- the parent account cell


@pytest.fixture
def private_parent(novatech_users):
    """Initech, a plan of the leader's that the outsider may not see."""
    return account_services.create_account(by=novatech_users["leader"], name="Initech")


def test_an_outsider_cannot_name_a_private_account_as_parent(private_parent, tmp_path):
    (tmp_path / "private").mkdir(), (tmp_path / "nowhere").mkdir()
    path, nowhere = tmp_path / "private" / "plan.xlsx", tmp_path / "nowhere" / "plan.xlsx"
    export_template(path)
    set_profile(path, "Account name", "Outsider Co")
    set_profile(path, "Parent account", "Initech")
    export_template(nowhere)
    set_profile(nowhere, "Account name", "Outsider Co")
    set_profile(nowhere, "Parent account", "Initrode")

    private = refused(path, login="outsider")
    missing = refused(nowhere, login="outsider")

    assert "(Parent account), field parent: no account is named “Initech”." in private
    assert private.replace("Initech", "X") == missing.replace("Initrode", "X")
    set_profile(path, "Parent account", f"Initech (id {private_parent.pk})")
    assert f"no account has the id {private_parent.pk}." in refused(path, login="outsider")


def test_a_parent_name_that_accounts_share_asks_for_the_id_which_then_works(sample, twin, workbook):
    parent = account_services.create_account(
        by=sample.owner, name="Umbrella", headquarters="Berlin"
    )
    other = account_services.create_account(by=sample.owner, name="Umbrella")
    set_profile(workbook, "Parent account", "Umbrella")

    message = refused(workbook, login="kam")

    assert "(Parent account), field parent: several accounts are named “Umbrella”" in message
    assert f"Berlin, owner Alex Morgan, id {parent.pk}" in message and f"id {other.pk}" in message
    set_profile(workbook, "Parent account", f"Umbrella (id {parent.pk})")
    run_import(workbook, login="kam")
    sample.refresh_from_db()
    assert sample.parent == parent


def test_the_export_writes_a_shared_parent_name_with_its_id_and_reimports_unchanged(
    sample, tmp_path
):
    parent = account_services.create_account(by=sample.owner, name="Umbrella")
    account_services.create_account(by=sample.owner, name="Umbrella")
    account_services.update_account(sample, by=sample.owner, version=sample.version, parent=parent)
    path = export(Account.objects.get(pk=sample.pk), tmp_path / "novatech.xlsx")

    book = load_workbook(path)

    assert book[PROFILE][f"B{profile_row(book, 'Parent account')}"].value == (
        f"Umbrella (id {parent.pk})"
    )
    assert "Nothing to change" in run_import(path, login="kam")
    assert Account.objects.get(name=novatech.NAME).parent == parent
