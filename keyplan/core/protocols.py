"""What the kernel reads of the people and records that the packages above it define.

The access rule and the services judge users (team.User), accounts (accounts.Account)
and plan records without importing them: the packages above build on this one. Each
shape here names the attributes the kernel reads; the models fit them as they are.
"""

from typing import TYPE_CHECKING, Any, Protocol, TypeAlias, TypeGuard

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser
    from django.db.models.options import Options


class Member(Protocol):
    """A signed-in user (team.User), as the access rule reads them."""

    @property
    def pk(self) -> Any: ...
    @property
    def is_authenticated(self) -> bool: ...
    @property
    def is_active(self) -> bool: ...
    @property
    def is_superuser(self) -> bool: ...
    @property
    def role(self) -> str: ...
    @property
    def sees_all_accounts(self) -> bool: ...


# Whoever asks for a change or a read: a signed-in user, an anonymous visitor (a page's
# `request.user`), or None for keyplan itself (set-up, the demo builder).
Actor: TypeAlias = "Member | AnonymousUser | None"


def signed_in(user: "Actor") -> TypeGuard[Member]:
    """Whether `user` is a signed-in user (active or not)."""
    return user is not None and user.is_authenticated


class PlanAccount(Protocol):
    """The account a plan belongs to (accounts.Account), as the access rule reads it."""

    @property
    def pk(self) -> Any: ...
    @property
    def owner_id(self) -> int | None: ...


class VersionedRecord(Protocol):
    """A record people edit (a core.models.Versioned), as an error about it reads it."""

    @property
    def _meta(self) -> "Options[Any]": ...
    @property
    def version(self) -> int: ...


class PlanRecord(Protocol):
    """A record of a plan or of the catalog (a core.models.Tracked), as the access rule
    reads it; see Tracked for what each attribute means."""

    @property
    def pk(self) -> Any: ...
    @property
    def _meta(self) -> "Options[Any]": ...
    @property
    def account_path(self) -> str | None: ...
    @property
    def managed_by(self) -> frozenset[str] | None: ...
    @property
    def manager_only(self) -> bool: ...
    @property
    def manager_fields(self) -> frozenset[str]: ...
    @property
    def plan_account(self) -> PlanAccount | None: ...
