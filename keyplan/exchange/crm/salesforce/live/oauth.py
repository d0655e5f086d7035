"""keyplan's own OAuth 2.0 token request to the configured login URL, by the client
credentials flow or the JWT bearer flow, over TLS checked against certifi's bundle (or
REQUESTS_CA_BUNDLE / SSL_CERT_FILE when set). Salesforce's refusals come back as
plain words.

Salesforce's pages followed:
- client credentials: https://help.salesforce.com/s/articleView?id=sf.remoteaccess_oauth_client_credentials_flow.htm
  (and "Migrate from OAuth Username-Password to Client Credentials Flow",
  https://help.salesforce.com/s/articleView?id=000886201: the flow is not served on
  login.salesforce.com or test.salesforce.com, only on the org's My Domain)
- JWT bearer: https://help.salesforce.com/s/articleView?id=sf.remoteaccess_oauth_jwt_flow.htm
- errors: https://help.salesforce.com/s/articleView?id=sf.remoteaccess_oauth_flow_errors.htm
"""

import base64
import json
import os
import ssl
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

import certifi
import httpx
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from keyplan.exchange.crm.salesforce.live.config import CLIENT_CREDENTIALS, Config

TIMEOUT = httpx.Timeout(30.0, connect=10.0)
JWT_GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer"
MY_DOMAIN = (
    "The client credentials flow needs your org's My Domain URL as the login URL (for "
    "example https://yourcompany.my.salesforce.com, or "
    "https://yourcompany--sandbox.sandbox.my.salesforce.com for a sandbox): Salesforce "
    "does not serve it on login.salesforce.com or test.salesforce.com. Set the login URL "
    "to the My Domain URL shown in Salesforce under Setup, My Domain."
)


class ConnectionFailed(Exception):
    """Salesforce could not be reached or refused keyplan; the message says why in
    plain words."""


@dataclass(frozen=True)
class Token:
    access_token: str
    instance_url: str
    flow: str


def ca_bundle() -> str:
    """The certificates TLS is checked against: the operator's bundle, else certifi's."""
    return (
        os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("SSL_CERT_FILE") or (certifi.where())
    )


def tls() -> ssl.SSLContext:
    bundle = ca_bundle()
    try:
        return ssl.create_default_context(cafile=bundle)
    except (OSError, ssl.SSLError) as error:
        raise ConnectionFailed(
            f"The certificate bundle {bundle} (REQUESTS_CA_BUNDLE or SSL_CERT_FILE) cannot be "
            f"read as PEM certificates: {error}."
        ) from error


def http_client(**options) -> httpx.Client:
    return httpx.Client(verify=tls(), timeout=TIMEOUT, **options)


def request_token(config: Config) -> Token:
    """A fresh access token and the org's instance URL; ConnectionFailed otherwise."""
    url = f"{config.login_url}/services/oauth2/token"
    if config.flow == CLIENT_CREDENTIALS:
        if config.shared_login_host():
            raise ConnectionFailed(MY_DOMAIN)
        form = {
            "grant_type": "client_credentials",
            "client_id": config["client_id"],
            "client_secret": config["client_secret"],
        }
    else:
        form = {"grant_type": JWT_GRANT, "assertion": assertion(config)}
    with http_client() as client:
        response = send(client, "POST", url, data=form, what="the login URL")
    try:
        body = response.json()
    except ValueError:
        body = None
    if not isinstance(body, dict):
        raise ConnectionFailed(
            f"{config.login_url} does not answer like Salesforce's login service (HTTP "
            f"{response.status_code} at /services/oauth2/token): check the login URL."
        )
    if response.status_code != 200 or "access_token" not in body:
        raise ConnectionFailed(refusal(config, body))
    return Token(body["access_token"], body["instance_url"].rstrip("/"), config.flow or "")


def send(client: httpx.Client, method: str, url: str, *, what: str, **options) -> httpx.Response:
    """One request; a network or TLS failure becomes ConnectionFailed naming `what`."""
    try:
        return client.request(method, url, **options)
    except httpx.ConnectError as error:
        if isinstance(error.__cause__, ssl.SSLCertVerificationError) or "CERTIFICATE" in str(error):
            raise ConnectionFailed(
                f"The certificate of {urlsplit(url).hostname} ({what}) is not trusted: it "
                f"was checked against {ca_bundle()} (set REQUESTS_CA_BUNDLE or SSL_CERT_FILE "
                "to a bundle that holds your proxy's certificate authority)."
            ) from error
        raise ConnectionFailed(f"Could not reach {urlsplit(url).netloc} ({what}): {error}") from (
            error
        )
    except httpx.HTTPError as error:
        raise ConnectionFailed(f"The request to {what} failed: {error}") from error


def refusal(config: Config, body: dict) -> str:
    """Salesforce's token error ({"error": ..., "error_description": ...}) in plain words."""
    error = str(body.get("error") or "")
    description = str(body.get("error_description") or "")
    said = f" (Salesforce said: {error}: {description})"
    if "not supported on this domain" in description:
        return MY_DOMAIN + said
    if error == "invalid_client_id":
        return (
            "Salesforce does not know this client id: copy the consumer key from the External "
            "Client App's OAuth settings." + said
        )
    if error == "invalid_client" or "client credentials" in description:
        return (
            "Salesforce refused the client secret: copy the consumer secret from the "
            "External Client App's OAuth settings and save it again." + said
        )
    if "no client credentials user" in description:
        return (
            "The External Client App has no Run As user for the client credentials flow: "
            "choose the integration user in its policies." + said
        )
    if "approved" in description:
        return (
            "The integration user is not allowed to use the External Client App: set its "
            "policy to 'Admin approved users are pre-authorized' and give the user a "
            "permission set that includes the app." + said
        )
    if config.flow != CLIENT_CREDENTIALS and error == "invalid_grant":
        return (
            "Salesforce refused the signed assertion: check the username, that the "
            "certificate uploaded to the External Client App matches the private key, and "
            "that the login URL is right for a sandbox (test.salesforce.com)." + said
        )
    return "Salesforce refused to sign keyplan in" + said


# ---- the JWT bearer assertion (RFC 7523), signed RS256


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def audience(login_url: str) -> str:
    """`aud`: Salesforce's login service, test.salesforce.com for a sandbox."""
    host = (urlsplit(login_url).hostname or "").lower()
    if host == "test.salesforce.com" or host.endswith(".sandbox.my.salesforce.com"):
        return "https://test.salesforce.com"
    return "https://login.salesforce.com"


def assertion(config: Config, *, now: float | None = None) -> str:
    try:
        key = serialization.load_pem_private_key(config["private_key"].encode(), password=None)
    except (ValueError, TypeError) as error:
        raise ConnectionFailed(
            "The private key is not an unencrypted PEM private key (the file that begins "
            "with -----BEGIN PRIVATE KEY----- or -----BEGIN RSA PRIVATE KEY-----)."
        ) from error
    if not isinstance(key, rsa.RSAPrivateKey):
        raise ConnectionFailed("The private key must be an RSA key (Salesforce signs RS256).")
    issued = int(now if now is not None else time.time())
    header = {"alg": "RS256", "typ": "JWT"}
    claims = {
        "iss": config["client_id"],
        "sub": config["username"],
        "aud": audience(config.login_url),
        "exp": issued + 180,  # Salesforce takes at most three minutes
    }
    signing_input = ".".join(
        _b64(json.dumps(part, separators=(",", ":")).encode()) for part in (header, claims)
    )
    signature = key.sign(signing_input.encode("ascii"), padding.PKCS1v15(), hashes.SHA256())
    return f"{signing_input}.{_b64(signature)}"
