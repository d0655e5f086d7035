"""The Salesforce connection in Chromium: an administrator opens Integrations from the
menu, saves the connection, sees the secret only as "set", and tests it against the
test org over TLS."""

import pytest
from playwright.sync_api import expect

from keyplan.bench.salesforce.org import Org
from keyplan.bench.salesforce.server import start
from keyplan.exchange.crm.salesforce.live.config import ENVIRONMENT


@pytest.fixture
def test_org(tmp_path, monkeypatch):
    for variable in [*ENVIRONMENT.values(), "REQUESTS_CA_BUNDLE"]:
        monkeypatch.delenv(variable, raising=False)
    running = start(Org(), tmp_path)
    monkeypatch.setenv("SSL_CERT_FILE", str(running.ca_file))  # the live server's threads too
    yield running
    running.stop()


def test_an_administrator_connects_salesforce_and_tests_the_connection(novatech, sign_in, test_org):
    page = sign_in("admin")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Integrations").click()
    page.get_by_label("Login URL").fill(test_org.url)
    page.get_by_label("Client id (consumer key)").fill(test_org.org.client_id)
    page.get_by_label("Client secret (consumer secret)").fill(test_org.org.client_secret)
    page.get_by_role("button", name="Save", exact=True).click()

    expect(page.get_by_text("A secret is set; it is not shown.")).to_be_visible()
    expect(page.get_by_label("Client secret (consumer secret)")).to_have_value("")
    page.get_by_role("button", name="Test connection").click()

    result = page.get_by_role("status", name="Test connection")
    expect(result.get_by_role("heading", name="The connection works")).to_be_visible()
    expect(result).to_contain_text(f"Signed in to {test_org.url} by the client credentials flow.")
    expect(result).to_contain_text("The play id field Keyplan_Play_Id__c on Opportunity")
    assert test_org.org.client_secret not in page.content()
