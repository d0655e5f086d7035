"""Test connection (`keyplan salesforce test`) against the test org over TLS: what
works and what is missing, in plain words, and exit 1 while anything is missing."""

import json
from io import StringIO

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.core.management import CommandError, call_command

from keyplan.exchange.crm.salesforce.fields import FIELDS
from keyplan.exchange.crm.salesforce.live.client import Client
from keyplan.exchange.crm.salesforce.live.config import current
from keyplan.exchange.crm.salesforce.live.oauth import request_token

pytestmark = pytest.mark.django_db


def run_test() -> tuple[bool, str]:
    """Whether the command exits 0, and what it printed (with its final complaint)."""
    out = StringIO()
    try:
        call_command("salesforce", "test", stdout=out)
    except CommandError as error:
        return False, out.getvalue() + str(error)
    return True, out.getvalue()


def test_a_good_connection_reports_everything_working(connected):
    ok, said = run_test()

    assert ok, said
    assert f"works: Signed in to {connected.url} by the client credentials flow." in said
    assert "works: API version 62.0 is available." in said
    for object_name, fields in FIELDS.items():
        assert f"works: {object_name}: all {len(fields)} fields keyplan reads are readable." in said
    assert "works: The play id field Keyplan_Play_Id__c on Opportunity is an External ID." in said
    assert "works: Opportunity stages: Prospecting, Qualification," in said
    # Ten describes and the list of objects (for Account Plans), each counted by the
    # org (Sforce-Limit-Info).
    assert "works: API use: 11 of the org's 15,000 requests a day." in said
    assert "missing" not in said
    assert said.rstrip().endswith("The connection works.")


def test_the_jwt_bearer_flow_signs_in_with_the_private_key(test_org, tmp_path, monkeypatch):
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    test_org.org.public_key = key.public_key()  # the certificate uploaded to the app
    pem = tmp_path / "keyplan-salesforce.key"
    pem.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    monkeypatch.setenv("KEYPLAN_SALESFORCE_LOGIN_URL", test_org.url)
    monkeypatch.setenv("KEYPLAN_SALESFORCE_CLIENT_ID", test_org.org.client_id)
    monkeypatch.setenv("KEYPLAN_SALESFORCE_USERNAME", test_org.org.username)
    monkeypatch.setenv("KEYPLAN_SALESFORCE_PRIVATE_KEY_FILE", str(pem))

    ok, said = run_test()

    assert ok, said
    assert f"works: Signed in to {test_org.url} by the JWT bearer flow." in said


def test_a_key_salesforce_does_not_know_is_refused_in_plain_words(test_org, tmp_path, monkeypatch):
    test_org.org.public_key = rsa.generate_private_key(65537, 2048).public_key()
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = tmp_path / "other.key"
    pem.write_bytes(
        other.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.TraditionalOpenSSL,
            serialization.NoEncryption(),
        )
    )
    monkeypatch.setenv("KEYPLAN_SALESFORCE_LOGIN_URL", test_org.url)
    monkeypatch.setenv("KEYPLAN_SALESFORCE_CLIENT_ID", test_org.org.client_id)
    monkeypatch.setenv("KEYPLAN_SALESFORCE_USERNAME", test_org.org.username)
    monkeypatch.setenv("KEYPLAN_SALESFORCE_PRIVATE_KEY_FILE", str(pem))

    ok, said = run_test()

    assert not ok
    assert "Salesforce refused the signed assertion" in said
    assert "the certificate uploaded to the External Client App matches the private key" in said


def test_a_missing_play_id_field_says_how_to_create_it(connected):
    connected.org.play_id_field = None

    ok, said = run_test()

    assert not ok
    assert "missing: The play id field Keyplan_Play_Id__c is not on Opportunity" in said
    assert "Text(255) field named Keyplan_Play_Id, with 'External ID' and 'Unique'" in said
    # The rest still says what works.
    assert "works: Opportunity: all 16 fields keyplan reads are readable." in said


def test_a_play_id_field_that_is_no_external_id_is_missing(connected):
    connected.org.play_id_external = False

    ok, said = run_test()

    assert not ok
    assert "missing: The play id field Keyplan_Play_Id__c on Opportunity is not an External ID" in (
        said
    )


def test_the_play_id_field_can_be_named_otherwise(connected, monkeypatch):
    connected.org.play_id_field = "Account_Plan_Play__c"
    monkeypatch.setenv("KEYPLAN_SALESFORCE_PLAY_ID_FIELD", "Account_Plan_Play__c")

    ok, said = run_test()

    assert ok, said
    assert "The play id field Account_Plan_Play__c on Opportunity is an External ID." in said


def test_a_wrong_secret_is_refused_in_plain_words(connected, monkeypatch):
    monkeypatch.setenv("KEYPLAN_SALESFORCE_CLIENT_SECRET", "not-the-secret")

    ok, said = run_test()

    assert not ok
    assert "missing: Salesforce refused the client secret: copy the consumer secret" in said
    assert "(Salesforce said: invalid_client: invalid client credentials)" in said
    assert "API version" not in said  # nothing past the sign-in is claimed


def test_an_unknown_client_id_is_refused_in_plain_words(connected, monkeypatch):
    monkeypatch.setenv("KEYPLAN_SALESFORCE_CLIENT_ID", "3MVG9somebodyElse")

    ok, said = run_test()

    assert not ok
    assert "Salesforce does not know this client id" in said


def test_client_credentials_on_login_salesforce_com_asks_for_the_my_domain_url(
    clean_environment, monkeypatch
):
    monkeypatch.setenv("KEYPLAN_SALESFORCE_CLIENT_ID", "3MVG9keyplan")
    monkeypatch.setenv("KEYPLAN_SALESFORCE_CLIENT_SECRET", "secret")  # login URL: the default

    ok, said = run_test()

    assert not ok
    assert "The client credentials flow needs your org's My Domain URL as the login URL" in said
    assert "Salesforce does not serve it on login.salesforce.com" in said


def test_salesforce_refusing_client_credentials_on_its_shared_domain_asks_for_my_domain(
    connected,
):
    # A login host that is not named login.salesforce.com but answers as it does.
    connected.org.my_domain = False

    ok, said = run_test()

    assert not ok
    assert "needs your org's My Domain URL" in said
    assert "(Salesforce said: invalid_grant: request not supported on this domain)" in said


def test_fields_the_integration_user_cannot_read_are_named(connected):
    connected.org.hidden = {"Contact": {"Email", "ReportsToId"}, "Case": {"IsEscalated"}}

    ok, said = run_test()

    assert not ok
    assert (
        "missing: Contact: the integration user cannot read 2 of the fields keyplan reads: "
        "Email, ReportsToId." in said
    )
    assert "missing: Case: the integration user cannot read 1 of the fields" in said
    assert "works: Account: all" in said


def test_an_api_version_the_org_does_not_offer_names_its_latest(connected, monkeypatch):
    monkeypatch.setenv("KEYPLAN_SALESFORCE_API_VERSION", "99.0")

    ok, said = run_test()

    assert not ok
    assert "missing: The org does not offer API version 99.0 (its latest is 63.0)" in said


def test_a_login_url_that_is_not_salesforce_says_so(connected, monkeypatch):
    monkeypatch.setenv("KEYPLAN_SALESFORCE_LOGIN_URL", f"{connected.url}/not-salesforce")

    ok, said = run_test()

    assert not ok
    assert "does not answer like Salesforce's login service (HTTP 404" in said


def test_a_certificate_nobody_trusts_is_refused(connected, monkeypatch):
    monkeypatch.delenv("SSL_CERT_FILE")  # certifi's bundle: the test authority is not in it

    ok, said = run_test()

    assert not ok
    assert "The certificate of 127.0.0.1 (the login URL) is not trusted" in said
    assert connected.org.requests == []


def test_requests_ca_bundle_is_trusted_too(connected, monkeypatch):
    monkeypatch.delenv("SSL_CERT_FILE")
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(connected.ca_file))

    ok, said = run_test()

    assert ok, said


def test_nothing_set_says_what_to_set(clean_environment):
    ok, said = run_test()

    assert not ok
    assert "missing: Not set: the client id (the External Client App's consumer key)." in said
    assert "missing: Not set: the credentials: a client secret" in said


def test_an_unreadable_private_key_file_is_named(clean_environment, monkeypatch, tmp_path):
    monkeypatch.setenv("KEYPLAN_SALESFORCE_CLIENT_ID", "3MVG9keyplan")
    monkeypatch.setenv("KEYPLAN_SALESFORCE_USERNAME", "integration@example.com")
    monkeypatch.setenv("KEYPLAN_SALESFORCE_PRIVATE_KEY_FILE", str(tmp_path / "absent.key"))

    ok, said = run_test()

    assert not ok
    assert f"the private key file {tmp_path / 'absent.key'}" in said
    assert "Not set: the private key (JWT bearer flow)" not in said  # said once
    assert "cannot be read" in said


def test_a_query_follows_next_records_url_to_the_last_batch(connected):
    connected.org.records["Account"] = [
        {"Id": f"001TEST{n:011d}", "Name": f"Account {n}", "SystemModstamp": "2026-11-0"
         f"{1 + n % 9}T10:00:00.000+0000", "IsDeleted": False}
        for n in range(450)
    ]  # fmt: skip
    config = current()

    with Client(request_token(config), "62.0") as client:
        names = [
            record["Name"]
            for record in client.query(
                "SELECT Id, Name FROM Account WHERE SystemModstamp > 2026-11-05T00:00:00Z",
                batch_size=200,
            )
        ]

    expected = [f"Account {n}" for n in range(450) if 1 + n % 9 >= 5]
    assert names == expected
    queries = [r for r in connected.org.requests if "/query/" in r]
    assert len(queries) == 2  # 250 records: a first batch of 200, then the rest


def test_the_json_report_lists_each_step_for_scripts(connected, monkeypatch):
    monkeypatch.setenv("KEYPLAN_SALESFORCE_PLAY_ID_FIELD", "Not_There__c")
    out = StringIO()

    with pytest.raises(CommandError):
        call_command("salesforce", "test", "--format", "json", stdout=out)

    report = json.loads(out.getvalue())
    assert report["ok"] is False
    missing = [step["message"] for step in report["steps"] if not step["ok"]]
    assert len(missing) == 1 and missing[0].startswith("The play id field Not_There__c")
    # + signed in, the API version, the stages, the API use, new stakeholders as
    # Contacts (off) and Account Plans (not available)
    assert sum(step["ok"] for step in report["steps"]) == len(FIELDS) + 6


def test_a_certificate_bundle_that_is_not_there_is_named(connected, monkeypatch, tmp_path):
    monkeypatch.setenv("SSL_CERT_FILE", str(tmp_path / "no-such-bundle.pem"))

    ok, said = run_test()

    assert not ok
    assert f"The certificate bundle {tmp_path / 'no-such-bundle.pem'}" in said
