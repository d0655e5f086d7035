"""Record lists filter, sort and page, so an integration reads only what it needs."""

from datetime import timedelta
from urllib.parse import urlencode

import pytest

from keyplan.core import clock, services
from keyplan.growth.models import Play
from keyplan.relationships.models import Stakeholder


@pytest.fixture
def plays(account, owner):
    made = {}
    for name, stage, target in [
        ("Land finance", "idea", 10_000),
        ("Cross-sell planning", "opportunity", 45_000),
        ("Renew early", "closing", 30_000),
    ]:
        made[name] = services.create(
            Play, by=owner, account=account, name=name, stage=stage, target_arr=target
        )
    return made


def names(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["name"] for row in response.json()["results"]]


def test_a_list_filters_on_a_choice(api, account, plays):
    assert names(api.get(f"/accounts/{account.pk}/plays?stage=opportunity")) == [
        "Cross-sell planning"
    ]


def test_a_list_sorts_either_way(api, account, plays):
    url = f"/accounts/{account.pk}/plays"

    assert names(api.get(f"{url}?ordering=-target_arr")) == [
        "Cross-sell planning",
        "Renew early",
        "Land finance",
    ]
    assert names(api.get(f"{url}?ordering=name"))[0] == "Cross-sell planning"


def test_a_list_gives_what_changed_since_a_moment(api, account, owner, plays):
    later = clock.now() + timedelta(hours=1)
    with clock.travel(later):
        play = plays["Renew early"]
        services.update(play, by=owner, version=play.version, blocker="Legal review")
    since = urlencode({"updated_since": (later - timedelta(minutes=1)).isoformat()})

    changed = api.get(f"/accounts/{account.pk}/plays?{since}")

    assert names(changed) == ["Renew early"]


def test_a_number_choice_filters_from_the_query_string(api, account, owner, champion):
    services.create(Stakeholder, by=owner, account=account, name="Tom Cold", strength=1)

    assert names(api.get(f"/accounts/{account.pk}/stakeholders?strength=4")) == ["Sarah Lin"]
    assert api.get(f"/accounts/{account.pk}/stakeholders?strength=9").status_code == 422


@pytest.mark.parametrize("query", ["ordering=secret_field", "stage=won_twice"])
def test_an_unknown_sort_or_choice_is_refused(api, account, query):
    response = api.get(f"/accounts/{account.pk}/plays?{query}")

    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"


@pytest.mark.parametrize(
    "moment", ["0031-03-04T12:44:21-20:53", "0001-01-01T00:00:00+05:00", "9999-12-31T23:00-05:00"]
)
def test_any_valid_moment_is_a_bound_not_a_server_error(api, account, plays, moment):
    response = api.get(f"/accounts/{account.pk}/plays?{urlencode({'updated_since': moment})}")

    assert response.status_code == 200
    expected = 3 if moment.startswith("0") else 0
    assert response.json()["count"] == expected
