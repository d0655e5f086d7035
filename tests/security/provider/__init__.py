"""A real OpenID Provider for the single sign-on tests: django-oauth-toolkit as its
own small Django project in a subprocess on loopback (`serve.py`), with its own SQLite
file, a sign-in page, seeded users whose claims the test chooses, an RSA signing key
made for the run, PKCE required, and one client registered with keyplan's redirect
URI. `start()` runs it and returns its issuer; `stop()` ends it."""

import json
import os
import queue
import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

ROOT = Path(__file__).resolve().parents[3]
CLIENT_ID = "keyplan"
CLIENT_SECRET = "keyplan-test-client-secret"


@dataclass
class Running:
    issuer: str
    process: subprocess.Popen
    log: Path

    @property
    def origin(self) -> str:
        return self.issuer.rsplit("/o", 1)[0]

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def _private_key_pem() -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


def start(directory: Path, *, redirect_uri: str, users: list[dict]) -> Running:
    """Run the provider with `users` ({username, password, email, claims}) and a client
    that may redirect to `redirect_uri`; returns once it answers."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KEYPLAN_", "DATABASE"))}
    env.update(
        DJANGO_SETTINGS_MODULE="tests.security.provider.settings",
        PROVIDER_DATABASE=str(directory / "provider.sqlite3"),
        PROVIDER_RSA_KEY=_private_key_pem(),
        PROVIDER_USERS=json.dumps(users),
        PROVIDER_CLIENT=json.dumps(
            {"id": CLIENT_ID, "secret": CLIENT_SECRET, "redirect_uri": redirect_uri}
        ),
    )
    log = directory / "provider.log"
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.security.provider.serve"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=log.open("w"),
        text=True,
    )
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: lines.put(process.stdout.readline()), daemon=True).start()
    try:
        ready = json.loads(lines.get(timeout=120))
    except (queue.Empty, ValueError):
        process.kill()
        process.wait()
        raise RuntimeError(f"the test provider did not start:\n{log.read_text()}") from None
    return Running(issuer=ready["issuer"], process=process, log=log)
