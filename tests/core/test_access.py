"""One access rule for every record: who sees and who changes which plan."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser

from keyplan.accounts import services as account_services
from keyplan.accounts.models import Account, SelectionCriterion
from keyplan.core import access, services
from keyplan.core.errors import Forbidden, NotFound
from keyplan.growth.models import Product
from keyplan.relationships.models import Stakeholder
from keyplan.team import services as team_services
from keyplan.team.models import Organisation, PlanVisibility


def test_the_owner_and_the_team_see_the_private_plan_and_the_outsider_does_not(
    account, owner, member, viewer, outsider
):
    for person in (owner, member, viewer):
        assert list(Account.objects.visible_to(person)) == [account]
    assert not Account.objects.visible_to(outsider).exists()
    assert not Account.objects.visible_to(AnonymousUser()).exists()


def test_an_outsider_cannot_read_any_part_of_a_private_plan(account, champion, outsider, member):
    assert not Stakeholder.objects.visible_to(outsider).exists()
    assert list(Stakeholder.objects.visible_to(member)) == [champion]
    with pytest.raises(NotFound):
        access.check_view(outsider, champion)


def test_an_outsiders_write_is_refused_as_not_found(account, champion, outsider):
    with pytest.raises(NotFound):
        services.update(champion, by=outsider, version=champion.version, title="Hacked")
    with pytest.raises(NotFound):
        services.create(Stakeholder, by=outsider, account=account, name="Planted")
    champion.refresh_from_db()
    assert champion.title == "VP Ops"
    assert not Stakeholder.objects.filter(name="Planted").exists()


def test_leaders_and_admins_see_every_plan(account, leader, admin_user):
    assert list(Account.objects.visible_to(leader)) == [account]
    assert list(Account.objects.visible_to(admin_user)) == [account]


def test_with_open_visibility_everyone_reads_but_only_the_team_writes(
    account, champion, outsider, admin_user
):
    organisation = Organisation.current()
    services.update(
        organisation,
        by=admin_user,
        version=organisation.version,
        plan_visibility=PlanVisibility.ALL_USERS,
    )
    assert list(Account.objects.visible_to(outsider)) == [account]
    assert not Account.objects.editable_by(outsider).exists()
    with pytest.raises(Forbidden):
        services.update(champion, by=outsider, version=champion.version, title="X")


def test_a_viewer_reads_but_never_writes(account, champion, viewer):
    assert list(Stakeholder.objects.visible_to(viewer)) == [champion]
    assert not Stakeholder.objects.editable_by(viewer).exists()
    with pytest.raises(Forbidden):
        services.update(champion, by=viewer, version=champion.version, title="COO")


def test_a_team_member_edits_the_plan_but_not_its_tier_owner_or_team(
    account, champion, member, outsider
):
    services.update(champion, by=member, version=champion.version, title="COO")
    account.refresh_from_db()
    services.update(account, by=member, version=account.version, industry="Retail")
    account.refresh_from_db()
    for change in ({"tier": 3}, {"owner": member}):
        with pytest.raises(Forbidden):
            services.update(account, by=member, version=account.version, **change)
    with pytest.raises(Forbidden):
        team_services.add_member(account, outsider, by=member)
    with pytest.raises(Forbidden):
        services.delete(account, by=member, version=account.version)
    account.refresh_from_db()
    assert (account.tier, account.owner.username) == (1, "olga")


def test_the_owner_manages_the_account(account, owner, outsider):
    team_services.add_member(account, outsider, by=owner)
    assert Account.objects.visible_to(outsider).exists()
    updated = services.update(account, by=owner, version=account.version, tier=2)
    assert updated.tier == 2


def test_a_kam_creates_accounts_they_own_but_not_for_someone_else(owner, outsider, member):
    mine = account_services.create_account(by=outsider, name="Mine")
    assert mine.owner == outsider
    with pytest.raises(Forbidden):
        account_services.create_account(by=outsider, name="Theirs", owner=owner)
    with pytest.raises(Forbidden):
        account_services.create_account(by=member, name="Contributors do not own accounts")
    assert not Account.objects.filter(name__in=["Theirs", "Contributors do not own accounts"])


def test_the_catalog_is_read_by_all_and_changed_by_admins(admin_user, owner, leader):
    product = services.create(Product, by=admin_user, name="Mobile", list_price=Decimal(1))
    assert Product.objects.visible_to(owner).exists()
    with pytest.raises(Forbidden):
        services.update(product, by=owner, version=product.version, name="Renamed")
    criterion = SelectionCriterion.objects.get(key="strategic_fit")
    services.update(criterion, by=leader, version=criterion.version, description="Fit")
    with pytest.raises(Forbidden):
        services.update(criterion, by=owner, version=criterion.version, description="X")


def test_only_admins_change_the_organisation_settings(leader, db):
    organisation = Organisation.current()
    with pytest.raises(Forbidden):
        services.update(organisation, by=leader, version=organisation.version, name="Mine")
