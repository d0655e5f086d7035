"""Who may see and change which plan. Pages, the API, the services and the
admin all ask here; nothing else decides access.

Roles (team.Role):
- admin and leader see and edit every account;
- a KAM owns accounts; a contributor is on account teams; either edits the plans
  of the accounts whose team they are on (as owner, member or sponsor);
- a viewer reads and never writes.
Reading: with the organisation's plan visibility set to "all", every signed-in
user reads every plan; set to "team", only the account team (and admins and
leaders) read it, and anybody else gets "not found".
Managing an account (its owner, tier, relationship, team, deleting it) is for its
owner, admins and leaders. Records outside any plan (the product catalog, the
scorecard) are readable by all and changed by the roles the model names.
"""

from collections.abc import Collection
from typing import Any, TypeGuard, TypeVar

from django.apps import apps
from django.db.models import Q, QuerySet

from keyplan.core.choices import PlanVisibility, Role
from keyplan.core.errors import Forbidden, NotFound
from keyplan.core.protocols import Actor, Member, PlanAccount, PlanRecord, signed_in

ALL = Q()
NONE = Q(pk__in=[])

_QS = TypeVar("_QS", bound=QuerySet[Any])


# Accounts, account teams and the organisation's settings are models of the packages
# above, which build on this one: the rule names them through the app registry.
def _accounts() -> QuerySet[Any]:
    return apps.get_model("accounts", "Account").objects.all()


def _members() -> QuerySet[Any]:
    return apps.get_model("team", "AccountMember").objects.all()


def _plan_visibility() -> str:
    return apps.get_model("team", "Organisation").current().plan_visibility


def _active(user: Actor) -> TypeGuard[Member]:
    return signed_in(user) and user.is_active


def _team_q(user: Member) -> Q:
    return Q(owner=user) | Q(pk__in=_members().filter(user=user).values("account_id"))


def _view_scope(user: Actor) -> Q:
    """A filter on Account for the plans `user` may read."""
    if not _active(user):
        return NONE
    if user.sees_all_accounts:
        return ALL
    if _plan_visibility() == PlanVisibility.ALL_USERS:
        return ALL
    return _team_q(user)


def _edit_scope(user: Actor) -> Q:
    """A filter on Account for the plans `user` may change."""
    if not _active(user) or user.role == Role.VIEWER:
        return NONE
    if user.sees_all_accounts:
        return ALL
    return _team_q(user)


def _restrict(queryset: _QS, scope: Q, *, catalog_visible: bool) -> _QS:
    path = queryset.model.account_path
    if path is None:
        return queryset if catalog_visible else queryset.none()
    if scope is ALL:
        return queryset
    if scope is NONE:
        return queryset.none()
    if path == "":
        return queryset.filter(scope)
    return queryset.filter(**{f"{path}__in": _accounts().filter(scope).values("pk")})


def team_accounts(user: Actor) -> QuerySet[Any]:
    """The accounts whose team `user` is on (owner, member or sponsor) and may read:
    "my accounts" for digests, calendars and the alerts of My week."""
    if not _active(user):
        return _accounts().none()
    return visible(_accounts().filter(_team_q(user)), user)


def reviewable_accounts(user: Actor) -> QuerySet[Any]:
    """The plans `user` reviews: those whose team they are on and may change."""
    if not _active(user):
        return _accounts().none()
    return editable(_accounts().filter(_team_q(user)), user)


def owned_accounts(user: Actor) -> QuerySet[Any]:
    """The accounts `user` answers for (renewals, reviews due, trigger follow-ups):
    every account for leaders and administrators, their own for anyone else."""
    accounts = visible(_accounts(), user)
    if _active(user) and user.sees_all_accounts:
        return accounts
    return accounts.filter(owner=user)


def book(user: Actor) -> QuerySet[Any]:
    """The accounts a portfolio view speaks about for `user`: leaders and administrators
    every account, a key account manager their own book, anyone else the plans they
    may read."""
    if _active(user) and user.role == Role.KAM:
        return owned_accounts(user)
    return visible(_accounts(), user)


def visible(queryset: _QS, user: Actor) -> _QS:
    """The records of `queryset` that `user` may read."""
    return _restrict(queryset, _view_scope(user), catalog_visible=_active(user))


def editable(queryset: _QS, user: Actor) -> _QS:
    """The records of `queryset` that `user` may change (catalog rows by their roles)."""
    managed_by = queryset.model.managed_by
    if managed_by is not None and not has_role(user, managed_by):
        return queryset.none()
    return _restrict(queryset, _edit_scope(user), catalog_visible=True)


def has_role(user: Actor, roles: Collection[str]) -> bool:
    """Whether `user` holds one of `roles` (a superuser holds every role)."""
    return _active(user) and (user.is_superuser or user.role in roles)


def is_administrator(user: Actor) -> bool:
    """Administrators manage users, the product catalog and the settings."""
    return has_role(user, {Role.ADMIN})


def can_give_accounts(user: Actor) -> bool:
    """Leaders and administrators create accounts for any owner (an import keeps the
    CRM's owner); a key account manager's new accounts are their own."""
    return _active(user) and user.sees_all_accounts


def can_import(user: Actor) -> bool:
    """Importing creates and changes plans: anyone but a viewer may try (each account
    is then checked like any other change)."""
    return _active(user) and user.role != Role.VIEWER


def _on_team(user: Member, account: PlanAccount, member_ids: Collection[int] | None = None) -> bool:
    """Owner or member; `member_ids` (the team's user ids, when already loaded)
    saves the query."""
    if account.owner_id == user.pk:
        return True
    if account.pk is None:
        return False
    if member_ids is not None:
        return user.pk in member_ids
    return _members().filter(account_id=account.pk, user_id=user.pk).exists()


def can_view_account(user: Actor, account: PlanAccount) -> bool:
    if not _active(user):
        return False
    if user.sees_all_accounts or _on_team(user, account):
        return True
    return _plan_visibility() == PlanVisibility.ALL_USERS


def can_edit_account(
    user: Actor, account: PlanAccount, *, member_ids: Collection[int] | None = None
) -> bool:
    if not _active(user) or user.role == Role.VIEWER:
        return False
    return user.sees_all_accounts or _on_team(user, account, member_ids)


def can_manage_account(user: Actor, account: PlanAccount) -> bool:
    """Change the owner, tier, relationship or team of an account, or delete it."""
    if not _active(user) or user.role == Role.VIEWER:
        return False
    if user.sees_all_accounts:
        return True
    if account.pk is None:  # creating one: KAMs create the accounts they own
        return user.role == Role.KAM and account.owner_id == user.pk
    return account.owner_id == user.pk


OWNER_ROLES = frozenset({Role.KAM, Role.LEADER, Role.ADMIN})


def can_own_accounts(user: Actor) -> bool:
    """Key account managers own accounts (and leaders or admins may take one over);
    contributors and viewers do not."""
    return _active(user) and (user.is_superuser or user.role in OWNER_ROLES)


def can_view(user: Actor, record: PlanRecord) -> bool:
    account = record.plan_account
    if record.account_path is None or account is None:
        return _active(user)
    return can_view_account(user, account)


def check_view(user: Actor, record: PlanRecord) -> None:
    if not can_view(user, record):
        raise NotFound(f"No such {record._meta.verbose_name}.")


def check_edit(
    user: Actor, record: PlanRecord, *, fields: Collection[str] = (), deleting: bool = False
) -> None:
    """Raise NotFound if `user` may not see `record`, Forbidden if they may not make
    this change (`fields` being changed, or deleting it)."""
    creating_account = record.account_path == "" and record.pk is None
    if not creating_account:
        check_view(user, record)
    name = record._meta.verbose_name
    if record.managed_by is not None:
        if not has_role(user, record.managed_by):
            roles = " or ".join(sorted(Role(role).label.lower() for role in record.managed_by))
            raise Forbidden(f"Only an {roles} can change the {name}.")
        return
    account = record.plan_account
    # Records outside any plan are changed by the roles that manage them (above); a
    # record of a plan reaches its account (services.create refuses one that does not).
    assert account is not None, f"This {name} belongs to no plan."
    needs_manager = (
        record.manager_only
        or (record.account_path == "" and (deleting or creating_account))
        or bool(set(fields) & record.manager_fields)
    )
    if needs_manager and not can_manage_account(user, account):
        raise Forbidden(
            f"Only the account's owner, a leader or an administrator can change this {name}."
            if record.pk
            else f"You may not create this {name}."
        )
    if not can_edit_account(user, account):
        raise Forbidden(f"You may read this plan but not change it ({name}).")
