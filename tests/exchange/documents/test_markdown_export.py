"""`keyplan export --format md` and the plan page's Markdown download: the whole plan as
a readable document for a wiki or an email, checked as text and as rendered Markdown."""

import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from markdown_it import MarkdownIt

from keyplan.accounts.models import Account
from keyplan.core import services
from keyplan.demo import novatech
from keyplan.exchange.documents.headline import day
from keyplan.growth.models import Action
from keyplan.insights import risk, whitespace
from keyplan.relationships.models import Stakeholder

HEADINGS = [
    "Summary",
    "1. Profile and strategic context",
    "2. History and contract structure",
    "3. Stakeholder map",
    "Interaction log",
    "4. Relationship heat map",
    "5. Whitespace",
    "6. Growth plan",
    "7. Risk register",
    "8. QBR cadence and executive sponsorship",
    "9. Resources and dependencies",
    "SWOT",
    "SMART objectives",
    "Action plan",
    "Health",
    "Selection scorecard",
]


def export_md(capsys, name: str, *args) -> str:
    capsys.readouterr()
    call_command("export", name, "--format", "md", *args, stdout=StringIO())
    return capsys.readouterr().out


def rendered(text: str) -> str:
    """The Markdown as a wiki shows it (CommonMark with tables)."""
    return MarkdownIt("commonmark").enable("table").render(text)


def test_novatech_reads_as_its_plan(sample, capsys):
    text = export_md(capsys, novatech.NAME)

    assert text.startswith("# NovaTech: account plan\n")
    assert re.findall(r"(?m)^## (.+)$", text) == HEADINGS
    assert "| Sarah Lin | VP Ops |   | Champion | High | High | Champion | Primary |" in text
    assert "| Engineering | Sold | $45K | $30K | Eval | n/a | n/a | Sold | $15K |" in text
    action = Action.objects.get(title=novatech.NEXT_ACTION)
    owner = action.owner.get_full_name()  # people by their full name, not their login
    assert owner and owner != action.owner.username
    assert f"| {day(action.due_date)} | {novatech.NEXT_ACTION} | {owner} | Open (overdue) |" in text
    assert "**Strengths**\n\n- Sarah Lin is a vocal champion\n" in text


def test_its_numbers_are_those_of_the_insights(sample, capsys):
    one = Account.objects.filter(pk=sample.pk)

    text = export_md(capsys, novatech.NAME)

    assert f"| Open whitespace | ${whitespace.open_whitespace(one).value:,.0f} |" in text
    assert f"| Risk exposure | ${risk.risk_exposure(one).value:,.0f} |" in text
    assert "**Open whitespace:** $" in text  # and again in its section, with its rule
    assert "sum of the estimated value of open (unsold) whitespace cells" in text


def test_it_renders_as_headings_and_tables(sample, capsys):
    html = rendered(export_md(capsys, novatech.NAME))

    assert "<h1>NovaTech: account plan</h1>" in html
    assert "<h2>5. Whitespace</h2>" in html
    assert "<td>Sarah Lin</td>" in html
    assert "<td>$45K</td>" in html
    assert "<strong>Growth thesis:</strong> Grow from $180K to $260K ARR" in html


def test_out_writes_the_same_document_and_full_changes_nothing(sample, tmp_path, capsys):
    printed = export_md(capsys, novatech.NAME)
    path = tmp_path / "novatech.md"

    call_command(
        "export", novatech.NAME, "--format", "md", "--full", "--out", str(path), stdout=StringIO()
    )

    assert path.read_text(encoding="utf-8") == printed


def test_markup_in_the_plan_stays_text(account, champion, owner, capsys):
    services.create(
        Stakeholder,
        by=owner,
        account=account,
        name="Ann | Bee *Cee*",
        title="Head of [R&D] <b>now</b>",
        role="user",
    )

    html = rendered(export_md(capsys, account.name))

    assert "<td>Ann | Bee *Cee*</td>" in html
    assert "<td>Head of [R&amp;D] &lt;b&gt;now&lt;/b&gt;</td>" in html
    row = re.search(r"<tr>\s*<td>Ann \| Bee.*?</tr>", html, re.S)[0]
    assert row.count("<td") == 12  # every column in its place


def test_an_empty_section_says_so(account, capsys):
    text = export_md(capsys, account.name)

    assert re.findall(r"(?m)^## (.+)$", text) == HEADINGS
    assert "**Contracts**\n\n_Nothing recorded yet._" in text


# Downloads from the plan page: owner, team member, outsider
@pytest.mark.parametrize("persona", ["owner", "member", "viewer"])
def test_the_team_downloads_the_markdown(client, account, champion, persona, request):
    client.force_login(request.getfixturevalue(persona))
    page = client.get(reverse("plan", args=[account.pk])).text
    assert reverse("plan-md", args=[account.pk]) in page

    response = client.get(reverse("plan-md", args=[account.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/markdown; charset=utf-8"
    assert re.fullmatch(
        r'attachment; filename="Acme-Corp-\d{4}-\d\d-\d\d\.md"', response["Content-Disposition"]
    )
    text = response.content.decode()
    assert text.startswith("# Acme Corp: account plan\n")
    assert "| Sarah Lin | VP Ops |" in text


def test_outsiders_get_not_found(client, account, outsider):
    client.force_login(outsider)

    assert client.get(reverse("plan-md", args=[account.pk])).status_code == 404
