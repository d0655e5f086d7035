"""The Salesforce test org (keyplan/bench/salesforce) on loopback over
TLS, trusted by keyplan's client through SSL_CERT_FILE as an operator would trust
their own certificate authority, and an environment free of the deployment's
KEYPLAN_SALESFORCE_* settings."""

import pytest

from keyplan.bench.salesforce.org import Org
from keyplan.bench.salesforce.seed import load_export
from keyplan.bench.salesforce.server import start
from keyplan.exchange.crm.salesforce.live.config import ENVIRONMENT
from tests.exchange.crm import helpers as sf


@pytest.fixture
def clean_environment(monkeypatch):
    for variable in [*ENVIRONMENT.values(), "REQUESTS_CA_BUNDLE", "SSL_CERT_FILE"]:
        monkeypatch.delenv(variable, raising=False)


@pytest.fixture
def test_org(tmp_path, monkeypatch, clean_environment):
    """A running test org; its `url` is the login URL (a My Domain) and instance URL."""
    running = start(Org(), tmp_path)
    monkeypatch.setenv("SSL_CERT_FILE", str(running.ca_file))
    yield running
    running.stop()


@pytest.fixture
def connected(test_org, monkeypatch):
    """keyplan configured, by the environment, for the test org's client credentials."""
    monkeypatch.setenv("KEYPLAN_SALESFORCE_LOGIN_URL", test_org.url)
    monkeypatch.setenv("KEYPLAN_SALESFORCE_CLIENT_ID", test_org.org.client_id)
    monkeypatch.setenv("KEYPLAN_SALESFORCE_CLIENT_SECRET", test_org.org.client_secret)
    return test_org


@pytest.fixture
def data_export(tmp_path):
    """A copy of the shared sample Data Export, to edit."""
    return sf.sample_copy(tmp_path)


@pytest.fixture
def org(connected, data_export):
    """The connected test org, holding that export's records."""
    load_export(connected.org, data_export)
    return connected.org
