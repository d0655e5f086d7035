"""What the import pages share about uploads.

A request body over the limit is refused by its Content-Length before anything
reads it: the check runs before the CSRF check, which would read the whole body to
find its token. An upload that is previewed waits in the data directory, in a
folder of its own under a random token the session holds, so "Apply" imports
exactly what the preview read. Each user has one pending preview a page: a new
upload deletes the older one, and one nobody applied is deleted after a day.
"""

import secrets
import shutil
import time
from functools import wraps
from pathlib import Path

from django.conf import settings
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt, csrf_protect

SLACK = 64 * 1024  # a form's other fields and the multipart headers, beside its files
PENDING_SECONDS = 24 * 3600


def limited(setting: str):
    """Refuse a POST whose body is longer than the setting named `setting` (bytes,
    plus SLACK) with a 413 page, before reading it; then check its CSRF token."""

    def wrap(view):
        protected = csrf_protect(view)

        @wraps(view)
        def checked(request, *args, **kwargs):
            limit = getattr(settings, setting)
            try:
                length = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                length = 0
            if request.method == "POST" and length > limit + SLACK:
                message = (
                    f"the upload is {length:,} bytes, over the limit of {limit:,} bytes "
                    f"({setting}). It was not read, and nothing was stored."
                )
                return render(request, "exchange/too_large.html", {"message": message}, status=413)
            return protected(request, *args, **kwargs)

        return csrf_exempt(checked)

    return wrap


def _root(kind: str) -> Path:
    """The folder of `kind`'s pending uploads, one folder a user; previews nobody
    applied in a day are deleted on the way."""
    root = settings.DATA_DIR / "imports" / kind
    root.mkdir(parents=True, exist_ok=True)
    for user in root.iterdir():
        for old in user.iterdir() if user.is_dir() else ():
            if old.stat().st_mtime < time.time() - PENDING_SECONDS:
                shutil.rmtree(old, ignore_errors=True)
    return root


def start(kind: str, user) -> tuple[str, Path]:
    """A token and a new, empty folder for `user`'s upload on the `kind` page; their
    older pending upload there is deleted with its files."""
    mine = _root(kind) / str(user.pk)
    shutil.rmtree(mine, ignore_errors=True)
    token = secrets.token_urlsafe(24)
    folder = mine / token
    folder.mkdir(parents=True)
    return token, folder


def pending(kind: str, user, token: str) -> Path | None:
    """The folder of `user`'s pending upload `token`, if it is still there."""
    if not token or not token.replace("-", "").replace("_", "").isalnum():
        return None
    folder = _root(kind) / str(user.pk) / token
    return folder if folder.is_dir() else None


def drop(folder: Path | None) -> None:
    if folder is not None:
        shutil.rmtree(folder, ignore_errors=True)
