"""The whole-plan read: the same bytes while nothing changed, an ETag that moves with
every change the document shows, 304 for a client that already has them."""

import json
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from keyplan.core import clock, services
from keyplan.exchange.documents import document
from keyplan.growth.models import WhitespaceCell
from keyplan.relationships.models import Stakeholder
from tests.api.conftest import client_for


@pytest.fixture
def url(account, champion):
    return f"/accounts/{account.pk}/plan"


def read(api, url, etag=None):
    return api.get(url, headers={"If-None-Match": etag} if etag else None)


def test_a_client_with_the_current_etag_gets_304_and_no_body(api, url):
    first = read(api, url)
    assert first.status_code == 200
    assert first["ETag"].startswith('"')  # strong

    again = read(api, url, first["ETag"])

    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == first["ETag"]


def test_the_plan_read_is_the_plan_document(api, url, account):
    body = json.loads(read(api, url).content)

    assert body == json.loads(document.to_json(document.build(account)))
    assert [s["name"] for s in body["stakeholders"]] == ["Sarah Lin"]


def test_a_change_moves_the_etag_and_the_next_read_shows_it(api, url, owner, champion):
    etag = read(api, url)["ETag"]

    services.update(champion, by=owner, version=champion.version, title="COO")
    after = read(api, url, etag)

    assert after.status_code == 200
    assert after["ETag"] != etag
    assert json.loads(after.content)["stakeholders"][0]["title"] == "COO"


def test_a_renamed_user_moves_the_etag(api, url, owner):
    etag = read(api, url)["ETag"]

    owner.last_name = "Olsen"
    owner.save()
    after = read(api, url, etag)

    assert after.status_code == 200
    assert json.loads(after.content)["account"]["owner_name"] == "Olga Olsen"


def test_a_renamed_product_moves_the_etag(api, url, account, owner, unit, product, admin_user):
    services.create(WhitespaceCell, by=owner, account=account, business_unit=unit, product=product)
    etag = read(api, url)["ETag"]

    services.update(product, by=admin_user, version=product.version, name="Insight")
    after = read(api, url, etag)

    assert after.status_code == 200
    assert json.loads(after.content)["whitespace"]["products"] == ["Insight"]


def test_the_next_day_moves_the_etag(api, url):
    etag = read(api, url)["ETag"]

    with clock.travel(clock.now() + timedelta(days=1)):
        assert read(api, url, etag).status_code == 200


def test_an_outsider_gets_404_even_with_a_valid_etag(api, url, outsider):
    etag = read(api, url)["ETag"]

    assert read(client_for(outsider), url, etag).status_code == 404


def test_a_signin_does_not_move_the_etag(api, url, owner):
    etag = read(api, url)["ETag"]

    owner.save(update_fields=["last_login"])

    assert read(api, url, etag).status_code == 304


def cached_read_queries(api, url, etag=None) -> list[str]:
    read(api, url)  # builds the document; the token's first use notes "last used"
    with CaptureQueriesContext(connection) as captured:
        assert read(api, url, etag).status_code == (304 if etag else 200)
    return [query["sql"] for query in captured]


@pytest.mark.parametrize("revalidate", [False, True])
def test_a_cached_read_costs_the_same_few_queries_for_any_plan(
    api, url, account, owner, revalidate
):
    def count() -> int:
        etag = read(api, url)["ETag"] if revalidate else None
        sql = cached_read_queries(api, url, etag)
        assert not [q for q in sql if "relationships_stakeholder" in q]  # no plan rows read
        return len(sql)

    few = count()
    for number in range(10):
        services.create(Stakeholder, by=owner, account=account, name=f"Person {number}")

    # The token with its user, the organisation's plan visibility, the account under the
    # access rule and the directory token; a 200 then notes the export in the audit
    # trail and takes the document from the cache.
    assert count() == few == (4 if revalidate else 6)
