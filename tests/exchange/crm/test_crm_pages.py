"""The CRM import page: upload an export, name the key accounts, preview what the
import would do (changing nothing), then apply exactly that."""

import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from keyplan.accounts.models import Account
from keyplan.team.models import Role, User
from tests.conftest import make_user
from tests.exchange.conftest import snapshot
from tests.exchange.crm import helpers


@pytest.fixture
def export_zip(tmp_path):
    folder = helpers.salesforce_export(tmp_path / "export")
    archive = tmp_path / "WE_00D_1.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        for path in folder.iterdir():
            zipped.write(path, path.name)
    return archive


def upload(client, *paths, vendor="salesforce", **fields):
    files = [SimpleUploadedFile(p.name, p.read_bytes()) for p in paths]
    return client.post(reverse("crm-import"), {"vendor": vendor, "files": files, **fields})


def test_an_admin_previews_then_applies_a_salesforce_export(client, admin_user, export_zip):
    client.force_login(admin_user)
    assert reverse("crm-import") in client.get(reverse("accounts")).text
    before = snapshot()

    preview = upload(client, export_zip, accounts="Globex Corp")

    assert preview.status_code == 200
    assert snapshot() == before
    assert "Would create the account Globex Corp (Salesforce 001Ec0000000001IAA)" in preview.text
    assert "Contact: 5 rows; 2 imported (2 created); 3 skipped" in preview.text
    token = preview.context["token"]

    applied = client.post(reverse("crm-import"), {"apply": "1", "token": token})

    assert applied.status_code == 200
    assert "Created the account Globex Corp" in applied.text
    assert Account.objects.get().stakeholders.count() == 2
    # The preview is used up.
    again = client.post(reverse("crm-import"), {"apply": "1", "token": token})
    assert again.status_code == 400 and "This preview has expired" in again.text
    assert Account.objects.count() == 1


def test_hubspot_files_are_uploaded_together(client, admin_user, tmp_path):
    client.force_login(admin_user)
    files = helpers.hubspot_export(tmp_path / "hubspot")

    preview = upload(client, *files.values(), vendor="hubspot", everything="1")

    assert preview.status_code == 200
    assert "Would create the account Acme Anvils (HubSpot 9001)" in preview.text
    assert "Would create the account Tyrell, Inc." in preview.text


def test_a_bad_export_is_refused_with_its_problems_and_changes_nothing(
    client, admin_user, tmp_path
):
    client.force_login(admin_user)
    bad = tmp_path / "Account.csv"
    bad.write_text("Id,Type\n001Ec0000000001IAA,Customer\n")
    before = snapshot()

    response = upload(client, bad, everything="1")

    assert response.status_code == 400
    assert "Account.csv, object Account, row 1: the required column “Name” is missing" in (
        response.text
    )
    assert snapshot() == before
    picture = tmp_path / "logo.png"
    picture.write_bytes(b"\x89PNG")
    assert (
        "upload the export&#x27;s .csv files or its .zip."
        in upload(client, picture, everything="1").text
    )


def choose(client, token, *accounts, **fields):
    data = {"choose": "1", "token": token, "account": list(accounts), **fields}
    return client.post(reverse("crm-import"), data)


def test_without_names_the_upload_lists_the_exports_accounts_to_tick(
    client, admin_user, export_zip
):
    client.force_login(admin_user)
    before = snapshot()

    picker = upload(client, export_zip)

    assert picker.status_code == 200 and snapshot() == before
    rows = {c.crm_id: c for c in picker.context["choices"]}
    assert [c.name for c in picker.context["choices"]] == [
        "Globex Corp", "Globex Europe", "Initech, Inc."
    ]  # fmt: skip
    globex = rows[helpers.GLOBEX]
    assert (globex.city, globex.owner, globex.contacts) == ("Springfield", "Kim Kam", 2)
    assert (globex.open_deals, globex.won_deals) == (1, 1)
    assert "3 accounts in the Salesforce export WE_00D_1.zip" in picker.text
    assert f'value="{helpers.GLOBEX}"' in picker.text
    token = picker.context["token"]

    # Nothing ticked: asked again, the files kept.
    again = choose(client, token)
    assert again.status_code == 400
    assert "Tick the key accounts to import, or choose every account." in again.text
    assert len(again.context["choices"]) == 3

    preview = choose(client, token, helpers.GLOBEX)

    assert preview.status_code == 200 and snapshot() == before
    assert "Would create the account Globex Corp" in preview.text
    assert "Would create the account Initech" not in preview.text
    applied = client.post(reverse("crm-import"), {"apply": "1", "token": preview.context["token"]})
    assert "Created the account Globex Corp" in applied.text
    assert list(Account.objects.values_list("name", flat=True)) == ["Globex Corp"]


def test_a_refused_preview_keeps_the_files_and_shows_every_problem(client, admin_user, export_zip):
    client.force_login(admin_user)
    make_user("kay", Role.KAM)
    picker = upload(client, export_zip)
    client.force_login(User.objects.get(username="kay"))  # a KAM may not add products
    kays = upload(client, export_zip)

    refused = choose(client, kays.context["token"], helpers.GLOBEX, helpers.INITECH)

    assert refused.status_code == 400
    assert "cannot add “Analytics Suite” to the catalog: Only an administrator can change " \
        "the product." in refused.text  # fmt: skip
    # The picker again, with the ticks kept: choose without a second upload.
    assert refused.context["picked"] == {helpers.GLOBEX, helpers.INITECH}
    assert choose(client, kays.context["token"], helpers.INITECH).status_code == 200
    assert picker.context["token"] != kays.context["token"]


def test_viewers_and_strangers_may_not_import(db, client, export_zip):
    assert client.get(reverse("crm-import")).status_code == 302  # to the sign-in page
    client.force_login(make_user("vic", Role.VIEWER))
    assert client.get(reverse("crm-import")).status_code == 404
    assert upload(client, export_zip, everything="1").status_code == 404
    assert reverse("crm-import") not in client.get(reverse("accounts")).text


def test_the_preview_lists_each_warning_before_anything_is_applied(client, admin_user, tmp_path):
    client.force_login(admin_user)
    export = tmp_path / "Account.csv"
    export.write_text(
        "Id,Name,Website,AnnualRevenue\n"
        "001Ec0000000001IAA,Globex,www.globex&co.example,125000000\n"
        "not-an-id,Initech,,\n"
    )
    before = snapshot()

    preview = upload(client, export, everything="1")

    assert preview.status_code == 200 and snapshot() == before
    page = preview.text
    assert "2 warnings: would import without these values or rows" in page
    assert "Id “not-an-id” is not a Salesforce id (15 or 18 letters and digits); the row is " \
        "skipped." in page  # fmt: skip
    assert "Website “www.globex&amp;co.example” is not a web address; it is left out" in page
    assert "Would create the account Globex" in page

    applied = client.post(reverse("crm-import"), {"apply": "1", "token": preview.context["token"]})

    assert "2 warnings: imported without these values or rows" in applied.text
    globex = Account.objects.get()
    assert globex.website == "" and globex.annual_revenue == 125000000
    assert globex.crm_notes == "Website in Salesforce: www.globex&co.example"
    plan = client.get(reverse("plan", args=[globex.pk])).text
    assert "From the CRM, not stored as given" in plan
    assert "Website in Salesforce: www.globex&amp;co.example" in plan
