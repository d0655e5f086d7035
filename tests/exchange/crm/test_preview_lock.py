"""On SQLite, a preview of a large export leaves other users free to save: it
rehearses the import on a copy of the database (keyplan.core.rehearsal) instead of
holding the one write lock for as long as it works."""

import os
import sqlite3
import subprocess
import sys
import time

import pytest

from keyplan.bench.import_load import write_export

# Enough for a preview of many seconds (ten times the two a save may wait), which
# would hold the write lock that long if it imported into the database itself.
CONTACTS = 50_000


@pytest.mark.slow
def test_a_write_finishes_within_two_seconds_during_a_long_preview(request, tmp_path):
    if os.environ.get("DATABASE_URL"):
        pytest.skip("SQLite's single writer is the point; it runs in the SQLite pass")
    # A new data directory as `keyplan migrate` leaves it (the run's, copied).
    data = request.getfixturevalue("migrated_database").copy(tmp_path / "data")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KEYPLAN_", "DATABASE"))}
    env |= {"KEYPLAN_DATA_DIR": str(data), "KEYPLAN_IMPORT_MAX_BYTES": str(500 * 1024 * 1024)}
    env["DJANGO_SUPERUSER_PASSWORD"] = "a-long-password"

    def keyplan(*args: str) -> list[str]:
        return [sys.executable, "-m", "keyplan", *args]

    made = keyplan("createsuperuser", "--noinput", "--username", "boss", "--email", "b@x.org")
    subprocess.run(made, env=env, check=True, capture_output=True, timeout=300)
    export = tmp_path / "export"
    export.mkdir()
    write_export(export, CONTACTS)

    preview = subprocess.Popen(
        keyplan("import", "salesforce", str(export), "--all", "--dry-run"),
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    waits = []
    while preview.poll() is None:
        time.sleep(0.5)
        # Another user's save: it needs SQLite's write lock.
        started = time.monotonic()
        other = sqlite3.connect(data / "keyplan.sqlite3", timeout=60)
        other.execute("BEGIN IMMEDIATE")
        other.execute("UPDATE team_user SET first_name = 'Boss' WHERE username = 'boss'")
        other.commit()
        other.close()
        waits.append(time.monotonic() - started)
    out, err = preview.communicate()

    assert preview.returncode == 0, err
    assert f"Contact: {CONTACTS:,} rows; {CONTACTS:,} imported ({CONTACTS:,} created)" in out
    assert "Dry run: nothing was changed." in out
    assert len(waits) >= 10, "the preview was too quick to show anything"
    assert max(waits) < 2, f"a save waited {max(waits):.1f} s for the preview"
    # And the preview left nothing behind: no account, no copy of the database.
    with sqlite3.connect(data / "keyplan.sqlite3") as db:
        assert db.execute("SELECT COUNT(*) FROM accounts_account").fetchone() == (0,)
    assert not list(data.glob("rehearsal-*"))
