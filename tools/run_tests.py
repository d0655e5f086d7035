"""`make test`: lint, then the whole suite on SQLite, then on PostgreSQL.

PostgreSQL is the server named by KEYPLAN_TEST_DATABASE_URL, or a local one on
127.0.0.1:5432 if it answers. Without a server the PostgreSQL run is skipped,
unless KEYPLAN_REQUIRE_POSTGRES=1 (as in CI), where that is a failure. The browser
tests need Debian's Chromium; without it they are skipped, unless
KEYPLAN_REQUIRE_BROWSER=1 (CI). Screenshots land in test-artifacts/. The PDF tests need
Pango and poppler-utils; without them they are skipped, unless KEYPLAN_REQUIRE_PDF=1 (CI).
Extra arguments go to pytest (make test ARGS="-k history").
"""

import ctypes.util
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
LOCAL_POSTGRES = "postgres://postgres@127.0.0.1:5432/keyplan"


def run(title: str, command: list[str], env: dict | None = None) -> bool:
    print(f"\n=== {title}: {shlex.join(command)}", flush=True)
    return subprocess.run(command, cwd=ROOT, env=env).returncode == 0


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
    pytest_args = shlex.split(os.environ.get("ARGS", "")) + sys.argv[1:]
    browser_note()
    pdf_note()
    results = {
        "ruff check": run("lint", [str(BIN / "ruff"), "check", "."]),
        "ruff format": run("format", [str(BIN / "ruff"), "format", "--check", "--quiet", "."]),
    }
    with tempfile.TemporaryDirectory(prefix="keyplan-test-") as data_dir:
        env = {**os.environ, "KEYPLAN_DATA_DIR": data_dir}
        env.pop("DATABASE_URL", None)
        results["tests on SQLite"] = run(
            "tests on SQLite", [str(BIN / "pytest"), *pytest_args], env
        )
        url = postgres_url()
        if url:
            results["tests on PostgreSQL"] = run(
                "tests on PostgreSQL",
                [str(BIN / "pytest"), *pytest_args],
                {**env, "DATABASE_URL": url},
            )
        elif os.environ.get("KEYPLAN_REQUIRE_POSTGRES") == "1":
            print("KEYPLAN_REQUIRE_POSTGRES=1 but no PostgreSQL server answers.")
            results["tests on PostgreSQL"] = False
        else:
            print("Skipping the PostgreSQL run: no server (set KEYPLAN_TEST_DATABASE_URL).")
    print("\n=== summary")
    for name, ok in results.items():
        print(f"  {'pass' if ok else 'FAIL'}  {name}")
    return 0 if all(results.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
