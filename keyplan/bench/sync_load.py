"""The sync figure of `keyplan bench`: a first pull of N contacts from Salesforce
against the import of the same rows from a Data Export.

The export is `import_load.write_export`'s (a thousand contacts per account, in an
org chart). The test org (`bench.salesforce`, the HTTPS Salesforce of the tests) is
seeded with it; keyplan's accounts are linked to their Salesforce ids, as an
earlier import leaves them, and `keyplan salesforce pull` reads and applies every
record through the REST API's query. The import reads the same files. Both run in a
transaction that is rolled back, and the stakeholders each wrote are compared before
the rollback: `sync_agrees` says the pull wrote exactly what the import writes.
"""

import os
import statistics
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from keyplan.accounts.models import Account, Source
from keyplan.bench import import_load
from keyplan.bench.salesforce.org import Org
from keyplan.bench.salesforce.seed import load_export
from keyplan.bench.salesforce.server import Running, start
from keyplan.exchange.crm.salesforce.live.config import ENVIRONMENT
from keyplan.exchange.crm.salesforce.live.pull import pull


@contextmanager
def _environment(values: dict[str, str]) -> Iterator[None]:
    """keyplan's connection set by the environment (which wins over the page) for the
    duration, then the environment as it was."""
    names = [*ENVIRONMENT.values(), "SSL_CERT_FILE", "REQUESTS_CA_BUNDLE"]
    before = {name: os.environ.get(name) for name in names}
    for name in names:
        os.environ.pop(name, None)
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in before.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


@contextmanager
def _test_org(folder: Path) -> Iterator[Running]:
    org = Org()
    load_export(org, folder)
    running = start(org, folder / "tls")
    try:
        with _environment({
            "SSL_CERT_FILE": str(running.ca_file),
            ENVIRONMENT["login_url"]: running.url,
            ENVIRONMENT["client_id"]: org.client_id,
            ENVIRONMENT["client_secret"]: org.client_secret,
        }):  # fmt: skip
            yield running
    finally:
        running.stop()


def sync_once(folder: Path) -> tuple[float, set[tuple], list[str]]:
    """Pull every linked account's records from the test org; the time, the
    stakeholders written and any error the pull reported."""
    with import_load.rolled_back():
        by = import_load.importer()
        for account in import_load.read_rows(folder / "Account.csv"):
            Account.objects.create(
                name=account["Name"], crm_id=account["Id"], source=Source.SALESFORCE, owner=by
            )
        started = time.perf_counter()
        report = pull(by=by)
        elapsed = (time.perf_counter() - started) * 1000
        errors = [
            *report.errors,
            *(f"{p.account.name}: {p.error}" for p in report.accounts if p.error),
        ]
        return elapsed, import_load.written(), errors


def run(rows: int, *, runs: int = 1, seed: int = 1) -> dict:
    """Generate the export, then measure the pull and the import `runs` times each."""
    with tempfile.TemporaryDirectory(prefix="keyplan-bench-sync-") as name:
        folder = Path(name)
        accounts = import_load.write_export(folder, rows, seed=seed)
        limit = max(f.stat().st_size for f in folder.iterdir()) + 1
        syncs, imports, agrees, errors = [], [], True, []
        with _test_org(folder):
            for _ in range(runs):
                elapsed, synced, errors = sync_once(folder)
                syncs.append(elapsed)
                elapsed, imported = import_load.import_once(folder, limit)
                imports.append(elapsed)
                agrees = agrees and not errors and synced == imported and len(synced) == rows
    sync_ms = round(statistics.median(syncs), 1)
    import_ms = round(statistics.median(imports), 1)
    return {
        "sync_rows": rows,
        "sync_accounts": accounts,
        "sync_ms": sync_ms,
        "sync_import_ms": import_ms,
        "sync_vs_import": round(sync_ms / import_ms, 2),
        "sync_agrees": agrees,
        "sync_errors": errors,
    }
