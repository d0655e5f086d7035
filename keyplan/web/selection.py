"""The account selection scorecard: leaders and administrators choose and tier key
accounts (DESIGN.md §2, portfolio level; the numbers are insights.selection's).

Rules:
- Only leaders and administrators (and superusers) use these pages; anybody else
  gets 403. The accounts are those the user may see (all of them, for these roles).
- Every write goes through the services, which check access, validate, refuse a
  stale version and keep the history: a score through `accounts.services.score`
  (clearing one through `core.services.delete`), the weights through
  `accounts.services.set_weights`, a tier through `core.services.update`.
- A refused write changes nothing. Invalid input answers 422 with the message at the
  field; a write based on a version older than the stored one answers 409 saying so,
  with the stored values shown.
- A change in the table answers with the whole table re-rendered for the same
  filters and page (htmx), since a new score can move every rank; without htmx it
  redirects back. The weights form posts normally and redirects back on success.
- Ranks are among all the accounts the user may see: filtering narrows the rows
  shown, not the field they are ranked in.
"""

from dataclasses import dataclass

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpResponseForbidden
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from keyplan.accounts import services as account_services
from keyplan.accounts.models import (
    Account,
    Relationship,
    SelectionCriterion,
    SelectionScore,
    Tier,
)
from keyplan.core import access, services
from keyplan.core.choices import Role
from keyplan.core.errors import ConflictError, Forbidden, NotFound
from keyplan.core.formats import format_percent
from keyplan.core.ids import parse_id
from keyplan.insights.selection import explain, narrow, scorecard
from keyplan.team.models import Organisation, User

PAGE_SIZE = 50
SORTS = {"rank": None, "name": ("name", "pk")}  # None: the scorecard's own order


def _require_leader(user) -> None:
    if not access.has_role(user, {Role.LEADER, Role.ADMIN}):
        raise PermissionDenied("Only sales leaders and administrators choose and tier accounts.")


def _criteria() -> list[SelectionCriterion]:
    return list(SelectionCriterion.objects.order_by("position", "name"))


def _back(request):
    """The page the change was made from (same filters and page)."""
    query = request.GET.urlencode()
    return redirect(f"{reverse('selection')}{'?' + query if query else ''}")


def _changed_by(record) -> str:
    author = record.history.first()
    return f" by {author.history_user}" if author and author.history_user else ""


class WeightsForm(forms.Form):
    """Every criterion's weight in percent, with the version it was read at."""

    def __init__(self, criteria, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        for criterion in criteria:
            self.fields[f"weight-{criterion.key}"] = forms.IntegerField(
                label=criterion.name,
                min_value=0,
                max_value=100,
                initial=criterion.weight,
                help_text=criterion.description,
                widget=forms.NumberInput(attrs={"class": "weight", "step": 1}),
            )
            self.fields[f"version-{criterion.key}"] = forms.IntegerField(
                initial=criterion.version, widget=forms.HiddenInput
            )

    def rows(self):
        return [
            (criterion, self[f"weight-{criterion.key}"], self[f"version-{criterion.key}"])
            for criterion in self.criteria
        ]

    def summary(self) -> str:
        """The stored weights in a line: "Expansion potential 30% · Strategic fit 25% ..."."""
        return " · ".join(f"{c.name} {format_percent(c.weight)}" for c in self.criteria if c.weight)

    def total(self) -> int | None:
        """The total of the weights as entered (None while one is not a number)."""
        if not self.is_bound:
            return sum(criterion.weight for criterion in self.criteria)
        try:
            return sum(int(self.data.get(f"weight-{c.key}", "")) for c in self.criteria)
        except ValueError:
            return None

    def weights(self) -> dict[str, int]:
        return {c.key: self.cleaned_data[f"weight-{c.key}"] for c in self.criteria}

    def versions(self) -> dict[str, int]:
        return {c.key: self.cleaned_data[f"version-{c.key}"] for c in self.criteria}


@dataclass(frozen=True)
class Cell:
    """An account's score on one criterion, as shown and edited in the table."""

    account: Account
    criterion: SelectionCriterion
    score: SelectionScore | None
    error: str = ""


@dataclass(frozen=True)
class ScoredAccount:
    account: Account
    cells: list[Cell]
    tier_error: str = ""

    @property
    def apply(self) -> int | None:
        """The suggested tier, when it differs from the account's tier."""
        suggested = self.account.suggested_tier
        return suggested if suggested is not None and suggested != self.account.tier else None


def _condition(params) -> Q:
    """The filters of the page (as the accounts list's): search, tier, relationship, owner."""
    condition = Q()
    if params.get("q", "").strip():
        condition &= Q(name__icontains=params["q"].strip())
    if params.get("tier") in {str(value) for value in Tier.values}:
        condition &= Q(tier=int(params["tier"]))
    if params.get("relationship") in Relationship.values:
        condition &= Q(relationship=params["relationship"])
    if (owner_id := parse_id(params.get("owner"))) is not None:
        condition &= Q(owner_id=owner_id)
    return condition


def _table(request, *, errors=None, notice="") -> dict:
    """The context of the table: a page of ranked accounts with their scores.

    A fixed number of queries whatever the page size: the count, the page, its scores.
    """
    errors = errors or {}
    params = request.GET
    criteria = _criteria()
    organisation = Organisation.current()
    visible = Account.objects.visible_to(request.user)
    condition = _condition(params)
    ranked = narrow(
        scorecard(visible.select_related("owner"), organisation=organisation), condition
    )
    sort = params.get("sort") if params.get("sort") in SORTS else "rank"
    if SORTS[sort]:
        ranked = ranked.order_by(*SORTS[sort])
    paginator = Paginator(ranked, PAGE_SIZE)
    # Narrowing keeps the rows the filters match; counting those needs no scores.
    paginator.count = visible.filter(condition).count()
    page = paginator.get_page(params.get("page"))
    accounts = list(page.object_list)
    scores = {
        (score.account_id, score.criterion_id): score
        for score in SelectionScore.objects.filter(account_id__in=[a.pk for a in accounts])
    }
    rows = [
        ScoredAccount(
            account,
            [
                Cell(
                    account,
                    criterion,
                    scores.get((account.pk, criterion.pk)),
                    errors.get((account.pk, criterion.pk), ""),
                )
                for criterion in criteria
            ],
            errors.get((account.pk, "tier"), ""),
        )
        for account in accounts
    ]
    return {
        "nav": "selection",
        "criteria": criteria,
        "organisation": organisation,
        "page": page,
        "rows": rows,
        "params": params,
        "query": params.urlencode(),
        "sort": sort,
        "notice": notice,
    }


def _page(request, *, weights_form=None, weights_notice="", status=200, **table):
    """The whole page; `table` goes to `_table` (errors, notice)."""
    context = _table(request, **table)
    owners = User.objects.filter(owned_accounts__in=Account.objects.visible_to(request.user))
    context.update(
        owners=owners.distinct().order_by("first_name", "last_name"),
        tiers=Tier.choices,
        relationships=Relationship.choices,
        weights_form=weights_form or WeightsForm(context["criteria"]),
        weights_notice=weights_notice,
    )
    return render(request, "web/selection.html", context, status=status)


def _table_response(request, *, status=200, **table):
    """After a change in the table: the table again (htmx), or the page."""
    if not request.htmx:
        return _back(request) if status == 200 else _page(request, status=status, **table)
    return render(request, "web/selection/table.html", _table(request, **table), status=status)


@login_required
def selection_page(request):
    """The scorecard: accounts ranked by weighted score, their scores, tiers and weights."""
    _require_leader(request.user)
    return _page(request)


@login_required
@require_POST
def score(request, pk: int, criterion_id: int):
    """Score an account 1-5 on a criterion (an empty value clears the score)."""
    _require_leader(request.user)
    account = get_object_or_404(Account.objects.visible_to(request.user), pk=pk)
    criterion = get_object_or_404(SelectionCriterion, pk=criterion_id)
    value = request.POST.get("score", "").strip()
    version = request.POST.get("version", "").strip() or None
    existing = SelectionScore.objects.filter(account=account, criterion=criterion).first()
    try:
        if existing is not None and version is None:
            # The page showed no score, and someone has scored it since.
            raise ConflictError(existing, 0)
        if value == "":
            if existing is not None:
                services.delete(existing, by=request.user, version=version)
        else:
            note = existing.note if existing else ""
            account_services.score(
                account, criterion, value, by=request.user, version=version, note=note
            )
    except ValidationError as error:
        message = " ".join(error.message_dict.get("score", error.messages))
        return _table_response(request, status=422, errors={(account.pk, criterion.pk): message})
    except ConflictError as error:
        notice = (
            f"Not saved: the {criterion.name.lower()} score of {account.name} was changed"
            f"{_changed_by(error.current)} since the page was loaded; it is now "
            f"{error.current.score}. The table shows it as it is now."
        )
        return _table_response(request, status=409, notice=notice)
    except NotFound:
        pass  # deleted meanwhile: the table shows it as it is
    except Forbidden as error:
        return HttpResponseForbidden(str(error))
    return _table_response(request)


@login_required
@require_POST
def apply_tier(request, pk: int):
    """Set the account's tier (the suggested one, from its button) at the version shown."""
    _require_leader(request.user)
    account = get_object_or_404(Account.objects.visible_to(request.user), pk=pk)
    tier = request.POST.get("tier", "").strip()
    try:
        services.update(
            account,
            by=request.user,
            version=request.POST.get("version"),
            tier=int(tier) if tier.isdigit() else tier,
        )
    except ValidationError as error:
        message = " ".join(error.message_dict.get("tier", error.messages))
        return _table_response(request, status=422, errors={(account.pk, "tier"): message})
    except ConflictError as error:
        notice = (
            f"Not applied: {account.name} was changed{_changed_by(error.current)} since the "
            f"page was loaded; it is tier {error.current.tier} now. "
            "The table shows it as it is now."
        )
        return _table_response(request, status=409, notice=notice)
    except Forbidden as error:
        return HttpResponseForbidden(str(error))
    return _table_response(request)


@login_required
@require_POST
def weights(request):
    """Save every criterion's weight at once; they must total 100%."""
    _require_leader(request.user)
    criteria = _criteria()
    form = WeightsForm(criteria, request.POST)
    if not form.is_valid():
        return _page(request, weights_form=form, status=422)
    try:
        account_services.set_weights(form.weights(), by=request.user, versions=form.versions())
    except ValidationError as error:
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
        return _page(request, weights_form=form, status=422)
    except ConflictError:
        return _page(request, **_weights_conflict(form, criteria), status=409)
    except Forbidden as error:
        return HttpResponseForbidden(str(error))
    return _back(request)


def _weights_conflict(form: WeightsForm, criteria) -> dict:
    """Say which weights someone else changed since the form was opened, and move the
    form to the stored versions, keeping the user's input, so saving again applies it."""
    posted = form.versions()
    changed = [
        f"{criterion.name} is now {format_percent(criterion.weight)}"
        for criterion in criteria
        if criterion.version != posted[criterion.key]
    ]
    data = form.data.copy()
    for criterion in criteria:
        data[f"version-{criterion.key}"] = criterion.version
    notice = (
        f"The weights were changed by someone else since you opened the page "
        f"({'; '.join(changed)}). Nothing was saved. Your input is kept below: "
        "check it and save again to apply it."
    )
    return {"weights_form": WeightsForm(criteria, data), "weights_notice": notice}


@login_required
def explanation(request, pk: int):
    """How an account's weighted score is computed: criterion x weight x score = points.
    A panel for htmx, else a page."""
    _require_leader(request.user)
    account = get_object_or_404(Account.objects.visible_to(request.user), pk=pk)
    figure = explain(account)
    template = "web/selection/explain.html" if request.htmx else "web/selection/explain_page.html"
    return render(request, template, {"nav": "selection", "account": account, "figure": figure})
