"""Secrets typed on the Integrations page, kept encrypted in the database.

The key is derived from keyplan's secret key (HKDF-SHA256, its own purpose string), so
a copy of the database alone does not give the secrets away; changing
KEYPLAN_SECRET_KEY makes the stored ones unreadable, and the page then asks for them
again."""

import base64

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

_PURPOSE = b"keyplan integrations: stored secrets"


class Unreadable(Exception):
    """A stored secret that the current secret key does not open."""


def _fernet() -> Fernet:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_PURPOSE).derive(
        settings.SECRET_KEY.encode()
    )
    return Fernet(base64.urlsafe_b64encode(key))


def seal(secret: str) -> str:
    return _fernet().encrypt(secret.encode()).decode("ascii")


def unseal(sealed: str) -> str:
    try:
        return _fernet().decrypt(sealed.encode("ascii")).decode()
    except (InvalidToken, ValueError) as error:
        raise Unreadable(
            "a stored secret cannot be read with the current secret key "
            "(KEYPLAN_SECRET_KEY changed since it was saved): type it again"
        ) from error
