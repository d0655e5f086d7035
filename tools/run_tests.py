"""`make test`: lint and type-check, then the whole suite on SQLite, then on PostgreSQL.

PostgreSQL is the server named by KEYPLAN_TEST_DATABASE_URL, or a local one on
127.0.0.1:5432 if it answers. Without a server the PostgreSQL run is skipped,
unless KEYPLAN_REQUIRE_POSTGRES=1 (as in CI), where that is a failure. The browser
tests need Debian's Chromium; without it they are skipped, unless
KEYPLAN_REQUIRE_BROWSER=1 (CI). Screenshots land in test-artifacts/. The PDF tests need
Pango and poppler-utils; without them they are skipped, unless KEYPLAN_REQUIRE_PDF=1 (CI).

Each pass spreads the tests over the machine's cores (pytest-xdist, `-n auto`): every
worker has its own test database. Extra arguments go to pytest after those, so they
win: make test ARGS="-k history", or ARGS="-n 0" to run in one process (to debug).
"""

import ctypes.util
import os
import secrets
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
LOCAL_POSTGRES = "postgres://postgres@127.0.0.1:5432/keyplan"
# One worker per core (pyproject.toml's addopts say how the tests are handed out).
PARALLEL = ["-n", "auto"]


class Steps:
    """Runs the steps and remembers each one's outcome and wall time for the summary."""

    def __init__(self):
        self.results: dict[str, tuple[bool, float | None]] = {}

    def run(self, name: str, command: list[str], env: dict | None = None) -> bool:
        print(f"\n=== {name}: {shlex.join(command)}", flush=True)
        started = time.monotonic()
        ok = subprocess.run(command, cwd=ROOT, env=env).returncode == 0
        seconds = time.monotonic() - started
        print(f"=== {name}: {'pass' if ok else 'FAIL'} in {duration(seconds)}", flush=True)
        self.results[name] = (ok, seconds)
        return ok

    def fail(self, name: str) -> None:
        self.results[name] = (False, None)

    def summary(self, total: float) -> bool:
        print("\n=== summary")
        for name, (ok, seconds) in self.results.items():
            took = duration(seconds) if seconds is not None else "not run"
            print(f"  {'pass' if ok else 'FAIL'}  {name:<22} {took:>9}")
        print(f"  {'':4}  {'total':<22} {duration(total):>9}")
        return all(ok for ok, _ in self.results.values())


def duration(seconds: float) -> str:
    minutes, seconds = divmod(round(seconds), 60)
    return f"{minutes}m{seconds:02d}s" if minutes else f"{seconds}s"


def postgres_url() -> str | None:
    url = os.environ.get("KEYPLAN_TEST_DATABASE_URL") or LOCAL_POSTGRES
    import dj_database_url
    import psycopg

    config = dj_database_url.parse(url)
    try:
        psycopg.connect(
            dbname="postgres",
            user=config["USER"] or None,
            password=config["PASSWORD"] or None,
            host=config["HOST"] or None,
            port=config["PORT"] or None,
            connect_timeout=3,
        ).close()
    except psycopg.OperationalError as exc:
        print(f"PostgreSQL at {config['HOST']}:{config['PORT']} does not answer: {exc}")
        return None
    return url


def browser_note() -> None:
    chromium = os.environ.get("KEYPLAN_CHROMIUM") or shutil.which("chromium")
    if chromium:
        print(f"Browser tests run in {chromium}.")
    elif os.environ.get("KEYPLAN_REQUIRE_BROWSER") == "1":
        print("KEYPLAN_REQUIRE_BROWSER=1 but Chromium is missing: the browser tests will fail.")
    else:
        print("Browser tests are SKIPPED: Chromium is missing (apt-get install -y chromium).")


def pdf_note() -> None:
    missing = [
        what
        for what, found in (
            (
                "Pango (apt-get install -y libpango-1.0-0 libpangoft2-1.0-0)",
                ctypes.util.find_library("pango-1.0") and ctypes.util.find_library("pangoft2-1.0"),
            ),
            ("poppler-utils (apt-get install -y poppler-utils)", shutil.which("pdftotext")),
        )
        if not found
    ]
    lacking = " and ".join(missing)
    if not missing:
        print("PDF tests run with WeasyPrint and poppler.")
    elif os.environ.get("KEYPLAN_REQUIRE_PDF") == "1":
        print(f"KEYPLAN_REQUIRE_PDF=1 but {lacking} missing: the PDF tests will fail.")
    else:
        print(f"PDF tests are SKIPPED: {lacking} missing.")


def main() -> int:
    started = time.monotonic()
    pytest = [
        str(BIN / "pytest"),
        *PARALLEL,
        *shlex.split(os.environ.get("ARGS", "")),
        *sys.argv[1:],
    ]
    browser_note()
    pdf_note()
    steps = Steps()
    steps.run("ruff check", [str(BIN / "ruff"), "check", "."])
    steps.run("ruff format", [str(BIN / "ruff"), "format", "--check", "--quiet", "."])
    # The files it checks are listed in pyproject.toml ([tool.mypy] files).
    steps.run("mypy", [str(BIN / "mypy")])
    with tempfile.TemporaryDirectory(prefix="keyplan-test-") as data_dir:
        env = {**os.environ, "KEYPLAN_DATA_DIR": data_dir}
        # The key the settings would generate on first start, written before the workers
        # start: several processes generating it at once could read a half-written file.
        key = Path(data_dir) / "secret_key"
        key.touch(mode=0o600)
        key.write_text(secrets.token_urlsafe(50))
        env.pop("DATABASE_URL", None)
        steps.run("tests on SQLite", pytest, env)
        url = postgres_url()
        if url:
            steps.run("tests on PostgreSQL", pytest, {**env, "DATABASE_URL": url})
        elif os.environ.get("KEYPLAN_REQUIRE_POSTGRES") == "1":
            print("KEYPLAN_REQUIRE_POSTGRES=1 but no PostgreSQL server answers.")
            steps.fail("tests on PostgreSQL")
        else:
            print("Skipping the PostgreSQL run: no server (set KEYPLAN_TEST_DATABASE_URL).")
    return 0 if steps.summary(time.monotonic() - started) else 1


if __name__ == "__main__":
    sys.exit(main())
