"""The Integrations page (/settings/integrations/): administrators set and test the
Salesforce connection there; a saved secret is never shown again; the environment's
values are marked and win; everybody else gets "not found"."""

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from keyplan.exchange.crm.salesforce.live.sealed import unseal
from keyplan.exchange.models import SalesforceConnection

URL = "/settings/integrations/"
SECRET = "3A9F-the-consumer-secret-7731"


def save(client, **values):
    form = {"version": SalesforceConnection.objects.filter(pk=1).values_list(
        "version", flat=True).first() or 1, "save": "1"}  # fmt: skip
    return client.post(URL, form | values)


@pytest.fixture
def admin(client, admin_user, clean_environment):
    client.force_login(admin_user)
    return client


@pytest.mark.parametrize("persona", ["leader", "owner", "member", "viewer", "outsider"])
def test_only_administrators_find_the_page(client, persona, request, clean_environment):
    client.force_login(request.getfixturevalue(persona))

    assert client.get(URL).status_code == 404
    assert client.post(URL, {"client_id": "x", "version": 1}).status_code == 404
    assert not SalesforceConnection.objects.exists()


def test_signed_out_visitors_are_sent_to_sign_in(client, db):
    response = client.get(URL)

    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_administrators_reach_it_from_the_menu(admin):
    page = admin.get("/").content.decode()

    assert f'href="{URL}"' in page


def test_a_saved_secret_is_kept_encrypted_and_never_shown_again(admin):
    response = save(
        admin, login_url="https://acme.my.salesforce.com", client_id="3MVG9acme",
        client_secret=SECRET,
    )  # fmt: skip

    page = response.content.decode()
    assert response.status_code == 200
    assert SECRET not in page
    assert "A secret is set; it is not shown. Type a new one to replace it." in page
    stored = SalesforceConnection.objects.get()
    assert SECRET not in stored.client_secret  # encrypted at rest
    assert unseal(stored.client_secret) == SECRET
    assert stored.login_url == "https://acme.my.salesforce.com"
    again = admin.get(URL).content.decode()
    assert SECRET not in again
    assert 'value="3MVG9acme"' in again


def test_saving_without_typing_the_secret_keeps_it(admin):
    save(admin, client_id="3MVG9acme", client_secret=SECRET)

    save(admin, client_id="3MVG9acme-renamed", client_secret="")

    stored = SalesforceConnection.objects.get()
    assert stored.client_id == "3MVG9acme-renamed"
    assert unseal(stored.client_secret) == SECRET


def test_a_new_secret_replaces_the_old_and_a_ticked_box_removes_it(admin):
    save(admin, client_id="3MVG9acme", client_secret=SECRET)
    save(admin, client_id="3MVG9acme", client_secret="the-rotated-secret")
    assert unseal(SalesforceConnection.objects.get().client_secret) == "the-rotated-secret"

    page = save(admin, client_id="3MVG9acme", clear_client_secret="on").content.decode()

    assert SalesforceConnection.objects.get().client_secret == ""
    assert "A secret is set" not in page


def test_a_form_opened_before_someone_else_saved_is_refused(admin):
    save(admin, client_id="3MVG9first")

    response = admin.post(URL, {"version": 1, "save": "1", "client_id": "3MVG9late"})

    assert response.status_code == 409
    assert "Someone saved the Salesforce connection since you opened this page" in (
        response.content.decode()
    )
    assert SalesforceConnection.objects.get().client_id == "3MVG9first"


def test_values_from_the_environment_are_marked_and_win(admin, monkeypatch):
    monkeypatch.setenv("KEYPLAN_SALESFORCE_CLIENT_ID", "3MVG9fromTheEnvironment")
    monkeypatch.setenv("KEYPLAN_SALESFORCE_CLIENT_SECRET", "environment-secret")

    save(admin, client_id="3MVG9typed", client_secret="typed-secret", api_version="61.0")
    page = admin.get(URL).content.decode()

    assert "Set by the environment (KEYPLAN_SALESFORCE_CLIENT_ID)." in page
    assert "Set by the environment (KEYPLAN_SALESFORCE_CLIENT_SECRET)." in page
    assert "environment-secret" not in page
    stored = SalesforceConnection.objects.get()
    assert stored.client_id == "" and stored.client_secret == ""  # the environment decides
    assert stored.api_version == "61.0"


def test_a_bad_value_is_refused_with_its_field(admin):
    response = save(admin, api_version="sixty-two", login_url="not a url")

    page = response.content.decode()
    assert response.status_code == 422
    assert "An API version looks like 62.0." in page
    assert "Enter a valid URL." in page
    assert not SalesforceConnection.objects.exists()


def test_test_connection_on_the_page_says_what_works(admin, test_org):
    save(
        admin, login_url=test_org.url, client_id=test_org.org.client_id,
        client_secret=test_org.org.client_secret,
    )  # fmt: skip

    page = admin.post(URL, {"test": "1"}).content.decode()

    assert "The connection works" in page
    assert f"Signed in to {test_org.url} by the client credentials flow." in page
    assert "The play id field Keyplan_Play_Id__c on Opportunity is an External ID." in page
    assert test_org.org.client_secret not in page


def test_test_connection_on_the_page_says_what_is_missing(admin, test_org):
    test_org.org.play_id_field = None
    save(
        admin, login_url=test_org.url, client_id=test_org.org.client_id,
        client_secret="a-wrong-secret",
    )  # fmt: skip

    page = admin.post(URL, {"test": "1"}).content.decode()

    assert "The connection is not ready" in page
    assert "Salesforce refused the client secret" in page


def test_a_private_key_pasted_on_the_page_signs_in_by_the_jwt_bearer_flow(admin, test_org):
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    test_org.org.public_key = key.public_key()
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()  # fmt: skip
    # A password box drops the line breaks of what is pasted into it.
    pasted = pem.replace("\n", "")

    saved = save(
        admin, login_url=test_org.url, client_id=test_org.org.client_id,
        username=test_org.org.username, private_key=pasted,
    ).content.decode()  # fmt: skip
    page = admin.post(URL, {"test": "1"}).content.decode()

    assert pasted[40:80] not in saved and pem.splitlines()[1] not in saved
    assert f"Signed in to {test_org.url} by the JWT bearer flow." in page
    assert "The connection works" in page


def test_a_private_key_that_is_no_key_is_refused(admin):
    response = save(admin, client_id="3MVG9acme", username="u@acme.example", private_key="hunter2")

    assert response.status_code == 422
    assert "Paste the whole unencrypted private key" in response.content.decode()
    assert "hunter2" not in response.content.decode()
    assert not SalesforceConnection.objects.exists()


def test_after_the_secret_key_changes_the_page_asks_for_the_secret_again(
    admin, admin_user, settings
):
    save(admin, client_id="3MVG9acme", client_secret=SECRET)
    settings.SECRET_KEY = "a-new-secret-key-for-this-installation-0123456789"
    admin.force_login(admin_user)  # the new key signs sessions anew too

    page = admin.get(URL).content.decode()
    tested = admin.post(URL, {"test": "1"}).content.decode()

    assert "cannot be read with the current secret key" in page
    assert "One is saved here but not used" in page
    assert "The connection is not ready" in tested
    assert SECRET not in page and SECRET not in tested


def test_a_secret_saved_here_is_not_used_while_the_environment_sets_the_credentials(
    admin, monkeypatch
):
    save(admin, client_id="3MVG9acme", client_secret=SECRET)
    monkeypatch.setenv("KEYPLAN_SALESFORCE_USERNAME", "integration@acme.example")
    monkeypatch.setenv("KEYPLAN_SALESFORCE_PRIVATE_KEY_FILE", "/etc/keyplan/salesforce.key")

    page = admin.get(URL).content.decode()

    assert "One is saved here but not used: the environment sets the credentials" in page
    assert "Set by the environment (KEYPLAN_SALESFORCE_USERNAME)." in page


def test_the_admin_site_leads_administrators_to_the_integrations_page(admin):
    index = admin.get("/admin/").content.decode()

    assert "Salesforce connection" in index
    listing = admin.get("/admin/exchange/salesforceconnection/").content.decode()
    assert f'<a href="{URL}">the Integrations page</a>' in listing
