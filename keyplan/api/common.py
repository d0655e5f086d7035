"""What every endpoint does first: find the account the caller may see, and say
which problems an operation can answer with (for the schema)."""

from keyplan.accounts.models import Account
from keyplan.api.problems import Problem, ProblemSchema


def visible_account(request, account_id: int) -> Account:
    """The account, if the caller may read its plan; else 404 (never a hint that it exists)."""
    account = Account.objects.visible_to(request.auth).filter(pk=account_id).first()
    if account is None:
        raise Problem(404, "No such account.")
    return account


def responses(ok: dict, *problems: int) -> dict:
    """`ok` ({status: schema}) plus the problem documents an operation may answer
    with; 401 (no or a bad token), 422 (bad parameters) and 429 (too many bad tokens
    from one address) apply to all."""
    codes = frozenset({401, 422, 429, *problems})
    return {**ok, codes: ProblemSchema}
