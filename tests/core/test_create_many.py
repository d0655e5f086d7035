"""services.create_many: many records at once, with what create() does for each
(access, validation, history), refusing the whole batch at the first bad row."""

import pytest
from django.core.exceptions import ValidationError

from keyplan.core import services
from keyplan.core.errors import Forbidden
from keyplan.relationships.models import Stakeholder


def test_records_are_created_with_their_history_and_may_point_at_each_other(account, owner):
    before = account.last_changed

    boss, deputy, analyst = services.create_many(
        Stakeholder,
        [
            {"account": account, "name": "Dana Boss", "title": "CEO"},
            {"account": account, "name": "Dee Deputy", "reports_to": services.FromRow(0)},
            {"account": account, "name": "Ann Analyst", "reports_to": services.FromRow(1)},
        ],
        by=owner,
    )

    stored = {s.name: s for s in Stakeholder.objects.filter(account=account)}
    assert stored["Ann Analyst"].reports_to == stored["Dee Deputy"] == deputy
    assert stored["Dee Deputy"].reports_to == boss and stored["Dana Boss"].version == 1
    assert analyst.pk == stored["Ann Analyst"].pk
    history = Stakeholder.history.filter(name="Dee Deputy").get()
    assert (history.history_type, history.history_user, history.reports_to_id) == (
        "+",
        owner,
        boss.pk,
    )
    account.refresh_from_db()
    assert account.last_changed is not None and account.last_changed != before


def test_a_bad_row_refuses_the_batch_and_names_the_row(account, owner, champion):
    rows = [
        {"account": account, "name": "Kim Lee"},
        {"account": account, "name": "Lou Tan", "strength": 9},
    ]
    with pytest.raises(services.InvalidRow) as bad:
        services.create_many(Stakeholder, rows, by=owner)
    assert bad.value.index == 1 and "strength" in bad.value.message_dict

    # A name already on the account, or twice in the batch.
    for names, index in ((["Kim Lee", "Sarah Lin"], 1), (["Kim Lee", "Kim Lee"], 1)):
        with pytest.raises(ValidationError) as clash:
            services.create_many(
                Stakeholder, [{"account": account, "name": n} for n in names], by=owner
            )
        assert clash.value.index == index
        assert "already on the account" in str(clash.value)
    assert list(Stakeholder.objects.values_list("name", flat=True)) == ["Sarah Lin"]


def test_someone_who_may_not_edit_the_plan_creates_nothing(account, viewer):
    with pytest.raises(Forbidden):
        services.create_many(Stakeholder, [{"account": account, "name": "Kim Lee"}], by=viewer)
    assert not Stakeholder.objects.exists()
