"""The connection's settings as they apply now: each from its environment variable
when that is set (deployments), else as saved on the Integrations page, else its
default.

The credentials go together: when the environment gives any of them (the client
secret, or the username and private key file), the page's credentials are not used,
so a deployment never signs in half with the page's values."""

import os
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from keyplan.exchange.crm.salesforce.fields import PLAY_ID_FIELD
from keyplan.exchange.crm.salesforce.live.sealed import Unreadable, unseal
from keyplan.exchange.models import SalesforceConnection

ENVIRONMENT = {
    "login_url": "KEYPLAN_SALESFORCE_LOGIN_URL",
    "client_id": "KEYPLAN_SALESFORCE_CLIENT_ID",
    "client_secret": "KEYPLAN_SALESFORCE_CLIENT_SECRET",
    "username": "KEYPLAN_SALESFORCE_USERNAME",
    "private_key": "KEYPLAN_SALESFORCE_PRIVATE_KEY_FILE",
    "api_version": "KEYPLAN_SALESFORCE_API_VERSION",
    "play_id_field": "KEYPLAN_SALESFORCE_PLAY_ID_FIELD",
}
DEFAULTS = {
    "login_url": "https://login.salesforce.com",
    "api_version": "62.0",
    "play_id_field": PLAY_ID_FIELD,
}
CREDENTIALS = ("client_secret", "username", "private_key")
SECRETS = ("client_secret", "private_key")
# Salesforce's shared login hosts, which do not serve the client credentials flow.
SHARED_LOGIN_HOSTS = {"login.salesforce.com", "test.salesforce.com"}

CLIENT_CREDENTIALS, JWT_BEARER = "client credentials", "JWT bearer"


@dataclass(frozen=True)
class Setting:
    value: str
    source: str  # "environment", "page", "default" or "" (not set)


@dataclass(frozen=True)
class Config:
    settings: dict[str, Setting]
    problems: tuple[str, ...]  # what stops keyplan from using them (unreadable secret)

    def __getitem__(self, name: str) -> str:
        return self.settings[name].value

    @property
    def login_url(self) -> str:
        return self["login_url"].rstrip("/")

    @property
    def flow(self) -> str | None:
        if self["client_secret"]:
            return CLIENT_CREDENTIALS
        if self["username"] or self["private_key"]:
            return JWT_BEARER
        return None

    def missing(self) -> list[str]:
        """What must still be set before keyplan can ask for a token, in plain words."""
        missing = list(self.problems)
        if not self["client_id"]:
            missing.append("the client id (the External Client App's consumer key)")
        if self.flow is None:
            missing.append(
                "the credentials: a client secret (client credentials flow), or a username "
                "and a private key (JWT bearer flow)"
            )
        elif self.flow == JWT_BEARER:
            if not self["username"]:
                missing.append("the integration user's username (JWT bearer flow)")
            if not self["private_key"] and not any("private key" in p for p in self.problems):
                missing.append("the private key (JWT bearer flow)")
        return missing

    def shared_login_host(self) -> bool:
        return (urlsplit(self.login_url).hostname or "").lower() in SHARED_LOGIN_HOSTS


def stored() -> SalesforceConnection:
    """The saved connection (an empty one until an administrator saves it)."""
    return SalesforceConnection.objects.filter(pk=1).first() or SalesforceConnection(pk=1)


def current(connection: SalesforceConnection | None = None) -> Config:
    connection = connection if connection is not None else stored()
    problems: list[str] = []
    from_environment = {name: os.environ.get(var, "").strip() for name, var in ENVIRONMENT.items()}
    credentials_from_environment = any(from_environment[name] for name in CREDENTIALS)
    settings: dict[str, Setting] = {}
    for name in ENVIRONMENT:
        if from_environment[name]:
            settings[name] = Setting(from_environment[name], "environment")
            continue
        saved = (
            ""
            if name in CREDENTIALS and credentials_from_environment
            else (getattr(connection, name))
        )
        if saved and name in SECRETS:
            try:
                saved = unseal(saved)
            except Unreadable as error:
                problems.append(f"the {name.replace('_', ' ')}: {error}")
                saved = ""
        if saved:
            settings[name] = Setting(saved, "page")
        elif name in DEFAULTS:
            settings[name] = Setting(DEFAULTS[name], "default")
        else:
            settings[name] = Setting("", "")
    key = settings["private_key"]
    if key.source == "environment":  # a file's path: the key is read from it
        try:
            settings["private_key"] = Setting(Path(key.value).read_text(), "environment")
        except OSError as error:
            problems.append(
                f"the private key file {key.value} (KEYPLAN_SALESFORCE_PRIVATE_KEY_FILE) "
                f"cannot be read: {error.strerror or error}"
            )
            settings["private_key"] = Setting("", "environment")
    return Config(settings, tuple(problems))
