"""`keyplan export --format pdf` and the plan page's PDF downloads.

The PDFs are real (WeasyPrint) and read back the way a person checks them, with
poppler's pdftotext and pdfinfo. Without Pango or poppler these tests are skipped,
unless KEYPLAN_REQUIRE_PDF=1 (CI), where that fails them."""

import re
import subprocess
import sys
from io import StringIO
from urllib.parse import urljoin

import pytest
from django.core.management import CommandError, call_command
from django.templatetags.static import static
from django.urls import reverse

from keyplan.accounts.models import Account
from keyplan.demo import novatech
from keyplan.exchange.documents import one_page, pdf, sections
from keyplan.exchange.documents.headline import day
from keyplan.growth.models import Action
from keyplan.insights import whitespace
from keyplan.relationships.models import Stakeholder
from keyplan.risks.models import OPEN_RISK_STATUSES, Risk
from tests.exchange.documents.helpers import (
    grow_to_the_largest_plan,
    info,
    more,
    need_pdf_tools,
    pages,
    text_of,
)

FIRST = one_page.BUDGETS[0]  # the budget of every plan below: larger or smaller pictures


@pytest.fixture
def tools():
    need_pdf_tools()


def export(name: str, path, *args) -> object:
    call_command("export", name, "--format", "pdf", "--out", str(path), *args, stdout=StringIO())
    return path


def test_novatech_is_one_page_with_sarah_the_45k_and_the_next_action(tools, sample, tmp_path):
    path = export(novatech.NAME, tmp_path / "novatech.pdf")

    assert pages(path) == 1
    assert info(path)["Page size"].endswith("(A4)")
    text = text_of(path)
    assert "Sarah Lin" in text
    # the whitespace grid's Engineering row, with Analytics' $45K open
    assert "Engineering Sold $45K $30K Eval n/a n/a Sold $15K $90K" in text
    action = Action.objects.get(title=novatech.NEXT_ACTION)
    due = re.escape(day(action.due_date))
    # people by their full name, not their login
    owner = action.owner.get_full_name()
    assert owner and owner != action.owner.username
    assert re.search(
        due + r"( \(overdue\))? · " + re.escape(owner) + " " + re.escape(novatech.NEXT_ACTION), text
    )
    assert novatech.OBJECTIVE in text
    assert "Renewal inside a quarter with no agreed pricing" in text  # the top risk
    open_value = whitespace.open_whitespace(Account.objects.filter(name=novatech.NAME)).value
    assert f"${open_value:,.0f}" in text  # the number the dashboard shows


def test_the_one_page_says_how_many_stakeholders_it_leaves_out(tools, sample, tmp_path):
    active = Stakeholder.objects.filter(account=sample, status="active").count()

    text = text_of(export(novatech.NAME, tmp_path / "novatech.pdf"))

    assert active > FIRST.stakeholders
    assert more(text) == [active - FIRST.stakeholders]  # the other lists fit whole


def test_letter_paper_by_option_and_by_setting(tools, sample, tmp_path, settings):
    by_option = export(novatech.NAME, tmp_path / "option.pdf", "--paper", "letter")
    settings.KEYPLAN_PAPER = "letter"
    by_setting = export(novatech.NAME, tmp_path / "setting.pdf")

    for path in (by_option, by_setting):
        assert info(path)["Page size"] == "612 x 792 pts (letter)"
        assert pages(path) == 1
        assert "Sarah Lin" in text_of(path)


def test_the_full_pdf_has_every_section_on_as_many_pages_as_needed(tools, sample, tmp_path):
    path = export(novatech.NAME, tmp_path / "full.pdf", "--full")

    assert pages(path) > 3
    text = text_of(path)
    for section in sections.load(sample).sections:
        assert section.title in text
    assert "Monthly operations sync" in text  # the interaction log
    assert "Sales team platform seats" in text  # a lost play
    assert f"page 1 of {pages(path)}" in text


def test_the_full_pdf_heat_map_shows_who_moved_over_the_month(tools, sample, tmp_path):
    from datetime import timedelta

    from django.utils import timezone

    from keyplan.core import services

    sarah = Stakeholder.objects.get(account=sample, name="Sarah Lin")  # a green champion
    Stakeholder.history.filter(id=sarah.pk).update(history_date=timezone.now() - timedelta(days=60))
    services.update(sarah, by=sample.owner, version=sarah.version, strength=1)  # gone cold

    text = text_of(export(novatech.NAME, tmp_path / "full.pdf", "--full"))

    assert "Over the month: 0 red turned yellow or green, 1 green faded" in text
    assert "a month ago → now" in text


def test_the_largest_plan_stays_on_one_page_with_the_top_of_each_list(
    tools, novatech_users, tmp_path
):
    account = grow_to_the_largest_plan(novatech_users)
    people = Stakeholder.objects.filter(account=account, status="active").count()
    todo = Action.objects.filter(account=account, status__in=one_page.OPEN_ACTIONS).count()
    goals = account.objectives.filter(status__in=one_page.OPEN_OBJECTIVES).count()
    risks = Risk.objects.filter(account=account, status__in=OPEN_RISK_STATUSES).count()
    assert (people, todo, goals, risks) == (40, 35, 8, 19)

    for paper in ("a4", "letter"):
        path = export(novatech.NAME, tmp_path / f"{paper}.pdf", "--paper", paper)

        assert pages(path) == 1
        text = text_of(path)
        assert sorted(more(text)) == sorted(  # one "and K more" per list, in any order
            [
                people - FIRST.stakeholders,
                goals - FIRST.objectives,
                todo - FIRST.actions,
                risks - FIRST.risks,
            ]
        )
        assert "Sarah Lin" in text  # a primary stakeholder leads the list
        assert novatech.NEXT_ACTION in text  # the earliest open action


def test_a_page_too_small_for_the_plan_still_gets_exactly_one_page(tools, novatech_users, tmp_path):
    account = grow_to_the_largest_plan(novatech_users)
    postcard = pdf.Paper("a7", "74mm 105mm", 74, 105)

    path = tmp_path / "postcard.pdf"
    path.write_bytes(pdf.one_page_pdf(sections.load(account), postcard))

    assert pages(path) == 1
    assert "NovaTech" in text_of(path)


def test_rendering_fetches_only_data_urls_and_keyplans_static_files(tools):
    fetcher = pdf.fetcher()

    for url in (
        "https://example.com/logo.png",
        "http://127.0.0.1:8000/static/exchange/plan-pdf.css",
        "file:///etc/passwd",
        urljoin(pdf.BASE_URL, "/accounts/1/"),
        urljoin(pdf.BASE_URL, static("..%2F..%2Fsettings.py")),
    ):
        with pytest.raises(ValueError, match="only uses data: URLs"):
            fetcher.fetch(url)
    assert fetcher.fetch("data:text/plain;base64,aGk=").read() == b"hi"
    stylesheet = fetcher.fetch(urljoin(pdf.BASE_URL, static("exchange/plan-pdf.css")))
    assert b"DejaVu Sans" in stylesheet.read()


# Downloads from the plan page: owner, team member, outsider
def download(client, account, **query):
    return client.get(reverse("plan-pdf", args=[account.pk]), query)


def test_the_owner_downloads_the_one_page_pdf(tools, client, account, champion, owner, tmp_path):
    client.force_login(owner)

    response = download(client, account)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert re.fullmatch(
        r'attachment; filename="Acme-Corp-\d{4}-\d\d-\d\d\.pdf"', response["Content-Disposition"]
    )
    path = tmp_path / "acme.pdf"
    path.write_bytes(response.content)
    assert pages(path) == 1
    text = text_of(path)
    assert "Acme Corp" in text
    assert "Sarah Lin, VP Ops" in text


def test_a_team_member_downloads_the_full_pdf_on_letter(
    tools, client, account, champion, member, tmp_path
):
    client.force_login(member)
    page = client.get(reverse("plan", args=[account.pk])).text
    assert reverse("plan-pdf", args=[account.pk]) + "?full=1" in page

    response = download(client, account, full="1", paper="letter")

    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('-full.pdf"')
    path = tmp_path / "acme-full.pdf"
    path.write_bytes(response.content)
    assert info(path)["Page size"].endswith("(letter)")
    assert "1. Profile and strategic context" in text_of(path)
    assert "Manufacturing" in text_of(path)


def test_an_unknown_paper_is_refused(client, account, owner):
    client.force_login(owner)

    response = download(client, account, paper="a3")

    assert response.status_code == 400
    assert "use a4 or letter" in response.text


def test_outsiders_get_not_found(client, account, outsider):
    client.force_login(outsider)

    assert download(client, account).status_code == 404
    assert download(client, account, full="1").status_code == 404


# Without Pango
@pytest.fixture
def no_weasyprint(monkeypatch):
    """As on a machine without Pango: importing weasyprint fails."""
    monkeypatch.setitem(sys.modules, "weasyprint", None)
    pdf.weasyprint.cache_clear()
    yield
    pdf.weasyprint.cache_clear()


def test_without_pango_the_command_says_what_to_install(no_weasyprint, sample, tmp_path):
    out = tmp_path / "novatech.pdf"

    with pytest.raises(CommandError, match=re.escape(pdf.INSTALL)):
        export(novatech.NAME, out)

    assert not out.exists()


def test_without_pango_the_download_says_what_to_install(no_weasyprint, client, account, owner):
    client.force_login(owner)

    response = download(client, account)

    assert response.status_code == 503
    assert pdf.INSTALL in response.text


STUB = "raise OSError(\"cannot load library 'libpango-1.0-0': no such file\")\n"


def test_keyplan_starts_without_pango(tmp_path):
    """`make demo` on a machine without Pango: Django starts and every URL loads, since
    nothing imports WeasyPrint until a PDF is asked for."""
    (tmp_path / "stub" / "weasyprint").mkdir(parents=True)
    (tmp_path / "stub" / "weasyprint" / "__init__.py").write_text(STUB)
    script = (
        "import django; django.setup()\n"
        "from django.core.management import call_command; call_command('check')\n"
        "import keyplan.urls\n"
        "from keyplan.exchange.documents import pdf\n"
        "print('PDF available:', pdf.available())\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        env={
            "PATH": "/usr/bin:/bin",
            "PYTHONPATH": str(tmp_path / "stub"),
            "DJANGO_SETTINGS_MODULE": "keyplan.settings",
            "KEYPLAN_DATA_DIR": str(tmp_path / "data"),
        },
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 0, result.stderr
    assert "PDF available: False" in result.stdout
