"""A workbook knows when it was made: importing an older workbook never removes nor
overwrites what keyplan added or changed since, and says why; a workbook without
stamps (a template, a file from elsewhere) names every record it removes."""

import pytest
from django.core import signing
from django.urls import reverse
from openpyxl import load_workbook

from keyplan.accounts.models import Account
from keyplan.cadence.models import Touchpoint
from keyplan.core import services
from keyplan.exchange.workbook.export import export_template
from keyplan.exchange.workbook.stamps import STAMPS_SHEET
from keyplan.growth.models import Action, BusinessUnit, Product, WhitespaceCell
from keyplan.relationships.models import Stakeholder
from keyplan.risks.models import Risk
from tests.exchange.conftest import snapshot
from tests.exchange.workbook.helpers import edit, export, row_of
from tests.exchange.workbook.test_xlsx_import import refused, run_import
from tests.exchange.workbook.test_xlsx_pages import upload

# What a colleague adds on the plan page after the workbook was downloaded.
ADDED = {
    "3. Stakeholders": "Nina Park",
    "7. Risks": "Budget freeze in Q3",
    "Actions": "Send the security questionnaire",
    "8. Touchpoints": "2026-09-01",
}


def add_four(account, by) -> None:
    services.create(Stakeholder, by=by, account=account, name="Nina Park", title="CFO")
    services.create(
        Risk, by=by, account=account, title="Budget freeze in Q3", category="budget_freeze"
    )
    services.create(
        Action,
        by=by,
        account=account,
        title="Send the security questionnaire",
        owner=by,
        due_date="2026-10-01",
    )
    services.create(
        Touchpoint, by=by, account=account, date="2026-09-01", kind="qbr", title="Q3 QBR"
    )


def still_there(account) -> None:
    assert Stakeholder.objects.filter(account=account, name="Nina Park").exists()
    assert Risk.objects.filter(account=account, title="Budget freeze in Q3").exists()
    assert Action.objects.filter(account=account, title="Send the security questionnaire").exists()
    assert Touchpoint.objects.filter(account=account, title="Q3 QBR").exists()


def change_title(account, by, name="Sarah Lin", title="Chief Operating Officer"):
    person = Stakeholder.objects.get(account=account, name=name)
    return services.update(person, by=by, version=person.version, title=title)


@pytest.fixture
def kam(novatech_users):
    return novatech_users["kam"]


@pytest.fixture
def older(sample, tmp_path):
    """NovaTech's workbook, downloaded before the colleague's changes."""
    return export(sample, tmp_path / "novatech.xlsx")


def test_the_export_stamps_the_moment_and_every_record_on_a_hidden_locked_sheet(older, sample):
    book = load_workbook(older)
    sheet = book[STAMPS_SHEET]
    assert sheet.sheet_state == "hidden"
    assert sheet.protection.sheet
    assert sheet["A2"].value == "Exported"
    stamped = {row[0] for row in sheet.iter_rows(min_row=3, values_only=True)}
    people = Stakeholder.objects.filter(account=sample)
    assert {f"relationships.stakeholder {p.pk}" for p in people} <= stamped
    assert f"accounts.account {sample.pk}" in stamped


def test_the_template_carries_no_stamps(db, tmp_path):
    export_template(tmp_path / "template.xlsx")
    assert STAMPS_SHEET not in load_workbook(tmp_path / "template.xlsx").sheetnames


def test_an_older_workbook_keeps_records_added_since_and_says_who_added_them(older, sample, kam):
    add_four(sample, kam)
    book = load_workbook(older)
    people = book["3 Stakeholders"]
    people[f"A{people.max_row + 1}"] = "Ana Ruiz"  # a row added in the workbook
    book.save(older)
    before = snapshot()

    preview = run_import(older, "--dry-run")

    assert snapshot() == before
    assert "removed" not in preview
    assert "The workbook was made on" in preview
    assert (
        "3. Stakeholders: 1 created (Ana Ruiz), 1 conflict (Nina Park: added in keyplan" in preview
    )
    assert "(Nina Park: added in keyplan by Alex Morgan on " in preview
    for name in ADDED.values():
        assert f"{name}" in preview
    assert preview.count("; kept as keyplan has it") == 4

    applied = run_import(older)

    still_there(sample)
    assert Stakeholder.objects.filter(account=sample, name="Ana Ruiz").exists()
    assert applied.count("; kept as keyplan has it") == 4


def test_an_unchanged_row_of_a_record_changed_since_is_left_as_keyplan_has_it(older, sample, kam):
    change_title(sample, kam)
    edit(older, "3 Stakeholders", "Tom Murphy", "Title", "Head of IT")

    output = run_import(older)

    assert "Sarah Lin" not in output  # neither a change nor a conflict
    assert "3. Stakeholders: 1 changed (Tom Murphy: Title)" in output
    assert Stakeholder.objects.get(account=sample, name="Sarah Lin").title == (
        "Chief Operating Officer"
    )
    assert Stakeholder.objects.get(account=sample, name="Tom Murphy").title == "Head of IT"


def test_a_row_removed_from_the_workbook_keeps_a_record_changed_since(sample, kam, tmp_path):
    services.create(Stakeholder, by=kam, account=sample, name="Lee Chan", title="Buyer")
    older = export(sample, tmp_path / "novatech.xlsx")
    change_title(sample, kam, name="Lee Chan", title="Head of Procurement")
    book = load_workbook(older)
    book["3 Stakeholders"].delete_rows(row_of(book["3 Stakeholders"], "Lee Chan"))
    book.save(older)

    output = run_import(older)

    assert "Lee Chan: changed in keyplan by Alex Morgan on " in output
    assert Stakeholder.objects.get(account=sample, name="Lee Chan").title == "Head of Procurement"


def test_a_change_in_the_workbook_to_a_record_changed_since_refuses_the_import(older, sample, kam):
    change_title(sample, kam)
    add_four(sample, kam)
    row, letter = edit(older, "3 Stakeholders", "Sarah Lin", "Title", "COO")
    edit(older, "3 Stakeholders", "Tom Murphy", "Title", "Head of IT")  # fine on its own

    message = refused(older)

    assert f"sheet “3 Stakeholders”, row {row}, column {letter} (Title)" in message
    assert "“Sarah Lin” was changed in keyplan by Alex Morgan on " in message
    assert "“COO” in the workbook, “Chief Operating Officer” in keyplan" in message
    assert "Tom Murphy" not in message


def test_a_unit_removed_in_the_workbook_stays_while_a_cell_added_since_needs_it(
    sample, kam, tmp_path
):
    services.create(BusinessUnit, by=kam, account=sample, name="Logistics", position=99)
    older = export(sample, tmp_path / "novatech.xlsx")
    unit = BusinessUnit.objects.get(account=sample, name="Logistics")
    product = Product.objects.filter(active=True).first()
    services.create(WhitespaceCell, by=kam, account=sample, business_unit=unit, product=product)
    book = load_workbook(older)
    book["5 Business units"].delete_rows(row_of(book["5 Business units"], "Logistics"))
    book.save(older)

    output = run_import(older)

    assert "Logistics: removing it would remove the whitespace cell" in output
    assert f"Logistics / {product.name}: added in keyplan by Alex Morgan on " in output
    assert WhitespaceCell.objects.filter(business_unit=unit, product=product).exists()


def test_a_workbook_without_stamps_names_every_record_it_removes(older, sample, kam):
    add_four(sample, kam)
    book = load_workbook(older)
    del book[STAMPS_SHEET]
    book.save(older)

    preview = run_import(older, "--dry-run")

    assert "This workbook does not say when it was made" in preview
    assert "4 removed, each named below" in preview
    assert "3. Stakeholders: 1 removed (Nina Park)" in preview
    for name in ADDED.values():
        assert name in preview or name == "2026-09-01"
    run_import(older)
    assert not Stakeholder.objects.filter(account=sample, name="Nina Park").exists()


def test_a_forged_stamp_counts_as_none(older, sample, kam):
    add_four(sample, kam)
    book = load_workbook(older)
    moment = book[STAMPS_SHEET]["C2"]
    moment.value = signing.Signer(key="not-ours", salt="keyplan.exchange.workbook.stamp").sign(
        "2099-01-01T00:00:00+00:00"
    )
    book.save(older)

    preview = run_import(older, "--dry-run")

    assert "This workbook does not say when it was made" in preview
    assert "Nina Park" in preview


def test_a_template_names_every_removal_however_many(sample, tmp_path):
    path = tmp_path / "template.xlsx"
    export_template(path)
    edit_profile = load_workbook(path)
    edit_profile["1 Profile"]["B2"] = sample.name
    edit_profile.save(path)
    people = list(Stakeholder.objects.filter(account=sample).values_list("name", flat=True))
    assert len(people) > 12  # more than a report lists of created or changed records

    preview = run_import(path, "--dry-run")

    assert "This workbook does not say when it was made" in preview
    line = next(x for x in preview.splitlines() if x.strip().startswith("3. Stakeholders:"))
    assert " more" not in line
    for name in people:
        assert name in line
    assert Account.objects.filter(pk=sample.pk).exists()


def test_through_the_page_an_older_workbook_loses_nothing_and_says_why(client, sample, kam):
    client.force_login(kam)
    older = client.get(reverse("plan-xlsx", args=[sample.pk])).content
    add_four(sample, kam)
    change_title(sample, kam)

    preview = upload(client, sample, older, "novatech.xlsx")

    assert preview.status_code == 200
    assert "Nina Park: added in keyplan by Alex Morgan on " in preview.text
    assert preview.text.count("kept as keyplan has it") == 4
    assert "removed" not in preview.text
    # Only conflicts: nothing to apply, and no button that would do nothing.
    assert "Nothing to apply: keyplan keeps what changed since the workbook was made." in (
        preview.text
    )
    assert "Apply these changes" not in preview.text
    token = preview.context["token"]
    applied = client.post(reverse("plan-import", args=[sample.pk]), {"apply": "1", "token": token})
    assert applied.status_code == 302
    still_there(sample)
    assert Stakeholder.objects.get(account=sample, name="Sarah Lin").title == (
        "Chief Operating Officer"
    )


def test_through_the_page_a_change_to_a_record_changed_since_is_refused(
    client, sample, kam, tmp_path
):
    client.force_login(kam)
    older = tmp_path / "novatech.xlsx"
    older.write_bytes(client.get(reverse("plan-xlsx", args=[sample.pk])).content)
    change_title(sample, kam)
    edit(older, "3 Stakeholders", "Sarah Lin", "Title", "COO")
    before = snapshot()

    response = upload(client, sample, older, "novatech.xlsx")

    assert response.status_code == 400
    assert "“COO” in the workbook, “Chief Operating Officer” in keyplan" in response.text
    assert snapshot() == before


def test_a_record_removed_in_keyplan_since_is_not_added_back(older, sample, kam):
    tom = Stakeholder.objects.get(account=sample, name="Tom Murphy")
    services.delete(tom, by=kam, version=tom.version)
    edit(older, "3 Stakeholders", "Leila Haddad", "Title", "Head of Data")  # still applies

    preview = run_import(older, "--dry-run")
    assert "Tom Murphy: removed in keyplan by Alex Morgan on " in preview
    assert "after this workbook was made; not added back" in preview

    run_import(older)

    assert not Stakeholder.objects.filter(account=sample, name="Tom Murphy").exists()
    assert Stakeholder.objects.get(account=sample, name="Leila Haddad").title == "Head of Data"


def test_a_record_removed_and_added_again_in_keyplan_is_a_newer_record(older, sample, kam):
    risk = Risk.objects.filter(account=sample).first()
    title, category = risk.title, risk.category
    services.delete(risk, by=kam, version=risk.version)
    services.create(Risk, by=kam, account=sample, title=title, category=category, impact=3)

    message = refused(older)  # the workbook's row would overwrite the new record

    assert f"“{title}” was added in keyplan by Alex Morgan on " in message
    assert "removed in keyplan" not in message
    assert Risk.objects.get(account=sample, title=title).impact == 3
