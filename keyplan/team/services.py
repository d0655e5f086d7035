"""Users and account teams."""

from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from keyplan.core import access, services
from keyplan.core.errors import Forbidden
from keyplan.core.protocols import Actor, PlanAccount
from keyplan.team.models import AccountMember, Role, TeamRole, User


def create_user(
    *,
    by: User | None,
    username: str,
    password: str,
    role: str = Role.VIEWER,
    check_password: bool = True,
    **fields: Any,
) -> User:
    """Create a user. Only administrators may; `by=None` is the installation itself
    (first administrator, demo users)."""
    if by is not None and not access.is_administrator(by):
        raise Forbidden("Only an administrator can add users.")
    user = User(username=username, role=role, **fields)
    if check_password:
        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise ValidationError({"password": exc.messages}) from exc
    user.set_password(password)
    user.full_clean()
    user.save()
    return user


def add_member(
    account: PlanAccount, member: User, *, by: Actor, role: str = TeamRole.MEMBER, **fields: Any
) -> AccountMember:
    """Put `member` on the account team; its owner, leaders and admins may."""
    return services.create(AccountMember, by=by, account=account, user=member, role=role, **fields)
