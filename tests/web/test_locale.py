"""One organisation setting (its locale) decides how the plan page and the plan's
documents write numbers, amounts, hours and dates; counts read right in the singular."""

import html

import pytest
from django.urls import reverse

from keyplan.accounts.models import Account
from keyplan.core import services
from keyplan.demo import novatech
from keyplan.team.models import Organisation

NBSP = "\xa0"


@pytest.fixture
def novatech_plan(novatech_users, client):
    """NovaTech's plan page and Markdown download, read by its KAM."""
    account = Account.objects.get(name=novatech.NAME)
    client.force_login(novatech_users["kam"])

    def read() -> tuple[str, str]:
        page = client.get(reverse("plan", args=[account.pk])).text
        markdown = client.get(reverse("plan-md", args=[account.pk])).content.decode()
        return page, markdown

    return read


def test_counts_and_hours_read_as_people_write_them_on_the_plan(novatech_plan):
    page, _ = novatech_plan()

    assert "Integrations Hub · 1 seat · $12,000" in page
    assert "Core Platform · 150 seats · $96,000" in page
    assert "requested 40 h · committed 24 h" in page  # solution-engineering hours
    assert "60 days' notice" in html.unescape(page)  # the Platform Agreement
    assert "by 30 Sep 2026" in page  # the Engineering objective's date


def test_a_german_organisation_reads_german_on_the_page_and_in_the_markdown(
    novatech_plan, novatech_users
):
    organisation = Organisation.current()
    services.update(
        organisation, by=novatech_users["admin"], version=organisation.version, locale="de-DE"
    )

    page, markdown = novatech_plan()

    for text in (page, markdown):
        text = text.replace(NBSP, " ")  # table cells of the Markdown keep plain spaces
        assert "96.000 $" in text  # the Core Platform line's ARR
        assert "$96,000" not in text
        assert "30. Sept. 2026" in text  # the Engineering objective's date
        assert "30 Sep 2026" not in text
    assert "requested 40 h · committed 24 h · delivered -" in page
    assert "| Analytics pilot for Engineering | Solution-engineering hours |" in markdown
    assert "| 40 h | 24 h |" in markdown
