"""Lists cost the same number of queries whatever their length, so a plan with 50
stakeholders reads as fast as one with 5."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from keyplan.core import services
from keyplan.growth.models import Play
from keyplan.relationships.models import Stakeholder


def queries(api, url) -> int:
    api.get(url)  # the token's first use of the minute also notes "last used"
    with CaptureQueriesContext(connection) as captured:
        assert api.get(url).status_code == 200
    return len(captured)


def add_plays(account, owner, count):
    for _ in range(count):
        person = services.create(
            Stakeholder, by=owner, account=account, name=f"Person {Stakeholder.objects.count()}"
        )
        play = services.create(Play, by=owner, account=account, name=f"Play {person.pk}")
        services.set_links(play, "stakeholders", [person], by=owner, version=play.version)


@pytest.mark.parametrize("kind", ["stakeholders", "plays"])
def test_a_longer_list_costs_no_more_queries(api, account, owner, kind):
    url = f"/accounts/{account.pk}/{kind}"
    add_plays(account, owner, 2)
    few = queries(api, url)

    add_plays(account, owner, 8)

    assert queries(api, url) == few


def test_the_account_list_costs_no_more_queries_for_more_accounts(api, owner):
    from keyplan.accounts import services as account_services

    account_services.create_account(by=owner, name="One")
    few = queries(api, "/accounts")
    for number in range(8):
        account_services.create_account(by=owner, name=f"Account {number}")

    assert queries(api, "/accounts") == few
