"""The portfolio over the API answers like the dashboard: the shortfall beside the net
gap, the customer / prospect and top-N filters, and the pipeline's open stages apart from
won and lost."""

from datetime import timedelta
from decimal import Decimal

from keyplan.accounts import services as account_services
from keyplan.core import clock, services
from keyplan.growth.models import Play
from tests.api.conftest import client_for


def make(leader, name, *, arr, target, relationship="customer"):
    account = account_services.create_account(
        by=leader, name=name, owner=leader, target_arr=target, relationship=relationship
    )
    account_services.add_contract(
        account, by=leader, name="MSA", arr=Decimal(arr), start_date=clock.today() - timedelta(9)
    )
    return account


def test_the_portfolio_api_filters_and_splits_like_the_dashboard(leader, private_plans):
    ahead = make(leader, "Ahead", arr=300_000, target=200_000)
    make(leader, "Behind", arr=100_000, target=200_000)
    make(leader, "Prospect", arr=1_000, target=51_000, relationship="prospect")
    soon = clock.today() + timedelta(days=10)
    for stage, value in (("closing", 10_000), ("won", 7_000)):
        services.create(
            Play, by=leader, account=ahead, name=stage, stage=stage,
            target_arr=Decimal(value), target_close_date=soon,
        )  # fmt: skip
    api = client_for(leader)

    body = api.get("/portfolio").json()
    assert body["figures"]["path_shortfall"]["value"] == 150_000  # 100k + 50k, not netted
    assert body["figures"]["path_shortfall"]["inputs"]["accounts below target"] == 2
    split = body["pipeline"]
    assert sum(s["weighted"] for s in split["open_stages"]) == 8_000
    assert split["weighted_pipeline"]["value"] == 8_000
    assert [(s["stage"], s["plays"], s["target_arr"]) for s in split["closed"]] == [
        ("won", 1, 7_000),
        ("lost", 0, 0),
    ]

    customers = api.get("/portfolio?relationship=customer").json()
    assert customers["filters"] == {"relationship": "customer"}
    assert customers["figures"]["arr"]["value"] == 400_000
    top = api.get("/portfolio?top=10").json()
    assert top["filters"] == {"top": "10"}
    assert api.get("/portfolio?top=7").status_code in (400, 422)
