"""No lost update under load: writers in parallel threads change one record through
a live server, each from what it read, retrying on 412 from a fresh read. Runs on
whichever database the suite runs on (SQLite and PostgreSQL in CI)."""

from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from keyplan.api import tokens
from keyplan.core import services
from keyplan.risks.models import Risk

WRITERS = 6
ROUNDS = 3  # each writer adds this many notes


@pytest.fixture
def risk(account, owner):
    return services.create(
        Risk, by=owner, account=account, title="Budget freeze", category="budget_freeze"
    )


def test_parallel_writers_lose_no_change_and_each_version_has_one_winner(
    live_server, account, owner, risk
):
    _, secret = tokens.create(owner, name="load")
    url = f"{live_server.url}/api/v1/accounts/{account.pk}/risks/{risk.pk}"
    headers = {"Authorization": f"Bearer {secret}"}

    def writer(number: int) -> tuple[list[int], int]:
        """Adds its notes one at a time; returns the versions its writes were based
        on, and how many of its writes were refused as stale."""
        based_on, refused = [], 0
        with httpx.Client(headers=headers, timeout=60) as client:
            for round_ in range(ROUNDS):
                while True:
                    read = client.get(url)
                    assert read.status_code == 200, read.text
                    notes = read.json()["mitigation"]
                    line = f"writer {number} note {round_}"
                    written = client.patch(
                        url,
                        json={"mitigation": f"{notes}\n{line}".strip()},
                        headers={"If-Match": read.headers["ETag"]},
                    )
                    if written.status_code == 412:
                        assert written.json()["current"]["version"] > read.json()["version"]
                        refused += 1
                        continue
                    assert written.status_code == 200, written.text
                    based_on.append(read.json()["version"])
                    break
        return based_on, refused

    with ThreadPoolExecutor(max_workers=WRITERS) as pool:
        results = list(pool.map(writer, range(WRITERS)))

    risk.refresh_from_db()
    lines = risk.mitigation.splitlines()
    expected = {f"writer {w} note {r}" for w in range(WRITERS) for r in range(ROUNDS)}
    assert sorted(lines) == sorted(expected)  # every note is there, once
    winners = [version for based_on, _ in results for version in based_on]
    assert sorted(winners) == list(range(1, WRITERS * ROUNDS + 1))  # one per version
    assert risk.version == WRITERS * ROUNDS + 1
    print(f"{sum(refused for _, refused in results)} stale writes refused with 412")
