"""The plan page's "Download Excel" link and the upload page: preview, then apply."""

from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from keyplan.relationships.models import Stakeholder
from tests.exchange.conftest import snapshot
from tests.exchange.workbook.helpers import edit, export


def upload(client, account, path, name="acme.xlsx"):
    data = path.read_bytes() if hasattr(path, "read_bytes") else path
    return client.post(
        reverse("plan-import", args=[account.pk]),
        {"workbook": SimpleUploadedFile(name, data)},
    )


def test_the_team_downloads_the_plan_as_excel(client, account, champion, viewer):
    client.force_login(viewer)
    page = client.get(reverse("plan", args=[account.pk])).text
    assert reverse("plan-xlsx", args=[account.pk]) in page
    assert reverse("plan-import", args=[account.pk]) not in page  # a viewer cannot import

    response = client.get(reverse("plan-xlsx", args=[account.pk]))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert 'filename="Acme-Corp-' in response["Content-Disposition"]
    book = load_workbook(BytesIO(response.content))
    assert book["1 Profile"]["B2"].value == "Acme Corp"
    assert book["3 Stakeholders"]["A2"].value == "Sarah Lin"


def test_outsiders_get_not_found(client, account, outsider):
    client.force_login(outsider)
    assert client.get(reverse("plan-xlsx", args=[account.pk])).status_code == 404
    assert client.get(reverse("plan-import", args=[account.pk])).status_code == 404


def test_a_viewer_may_not_upload(client, account, viewer, tmp_path):
    client.force_login(viewer)
    path = export(account, tmp_path / "acme.xlsx")
    assert client.get(reverse("plan-import", args=[account.pk])).status_code == 404
    assert upload(client, account, path).status_code == 404


def test_upload_previews_then_applies(client, account, champion, member, tmp_path):
    client.force_login(member)
    path = export(account, tmp_path / "acme.xlsx")
    edit(path, "3 Stakeholders", "Sarah Lin", "Title", "COO")
    before = snapshot()

    preview = upload(client, account, path)

    assert preview.status_code == 200
    assert "3. Stakeholders: 1 changed (Sarah Lin: Title)" in preview.text
    assert snapshot() == before
    token = preview.context["token"]

    applied = client.post(reverse("plan-import", args=[account.pk]), {"apply": "1", "token": token})

    assert applied.status_code == 302
    assert Stakeholder.objects.get(name="Sarah Lin").title == "COO"
    again = client.post(reverse("plan-import", args=[account.pk]), {"apply": "1", "token": token})
    assert again.status_code == 400  # a preview is applied once


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"just some text", "acme.xlsx: this is not an Excel workbook (.xlsx)."),
        (None, "this workbook is the plan of “Globex”, not of Acme Corp."),
    ],
)
def test_a_bad_upload_is_refused_and_changes_nothing(
    client, account, champion, owner, tmp_path, content, message
):
    client.force_login(owner)
    if content is None:
        content = export(account, tmp_path / "acme.xlsx")
        book = load_workbook(content)
        book["1 Profile"]["B2"] = "Globex"
        book.save(content)
    before = snapshot()

    response = upload(client, account, content)

    assert response.status_code == 400
    assert message in response.text
    assert snapshot() == before
