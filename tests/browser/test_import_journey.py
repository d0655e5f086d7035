"""The CRM import in Chromium: upload a Salesforce export, find and tick a key account
on the export's list, read the warnings in the preview, apply, and find the value
the import left out on the plan."""

import zipfile

from playwright.sync_api import expect

from keyplan.accounts.models import Account
from tests.exchange.crm import helpers as sf


def test_an_administrator_picks_an_account_and_imports_it_with_its_warnings(
    novatech, sign_in, tmp_path
):
    folder = sf.salesforce_export(tmp_path / "export")
    sf.edit_csv(folder / "Contact.csv", {"Id": sf.PAT}, Email="pat at globex")
    archive = tmp_path / "WE_00D_1.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zipped:
        for path in folder.iterdir():
            zipped.write(path, path.name)
    page = sign_in("admin")

    page.get_by_role("link", name="Accounts", exact=True).click()
    page.get_by_role("link", name="Import key accounts from Salesforce or HubSpot").click()
    page.set_input_files("input[name=files]", str(archive))
    page.get_by_role("button", name="Upload").click()

    picker = page.locator("#export-accounts")
    expect(picker.locator("tbody tr")).to_have_count(3)
    page.get_by_role("searchbox").fill("springfield")  # Globex Corp's city
    expect(picker.locator("tbody tr:not([hidden])")).to_have_count(1)
    expect(page.get_by_text("1 of 3 shown")).to_be_visible()
    page.get_by_label("Globex Corp").check()
    page.get_by_role("button", name="Preview").click()

    expect(page.get_by_role("heading", name="What the import would do")).to_be_visible()
    expect(page.get_by_text("Would create the account Globex Corp")).to_be_visible()
    warnings = page.locator("table.import-warnings")
    expect(warnings).to_contain_text("Email “pat at globex” is not an email address")
    assert not Account.objects.filter(crm_id=sf.GLOBEX).exists()
    page.get_by_role("button", name="Apply these changes").click()

    expect(page.get_by_text("Created the account Globex Corp")).to_be_visible()
    globex = Account.objects.get(crm_id=sf.GLOBEX)
    page.goto(f"{page.base}/accounts/{globex.pk}/")
    person = page.locator("li.person", has_text="Pat Lee")
    expect(person).to_contain_text("From the CRM, not stored as given: Email in Salesforce")
