"""The portfolio dashboard (/), each figure's explanation, and the alert list.

Leaders and administrators see every account; a KAM sees their own book; anyone
else the accounts whose team they are on. Filters by tier, owner and sales team
narrow the accounts before anything is computed.
"""

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.template.defaultfilters import pluralize
from django.urls import reverse

from keyplan.accounts.models import Tier
from keyplan.core import clock
from keyplan.core.money import format_compact
from keyplan.insights import alerts as alert_rules
from keyplan.insights.portfolio import FIGURES, book, dashboard
from keyplan.team.models import Organisation, Team, User
from keyplan.web import charts

FILTERS = ("tier", "owner", "team")


def scope(request):
    """The accounts the dashboard speaks about for this user, with the filters applied,
    and the filters as they were understood."""
    params = request.GET
    return book(
        request.user,
        tier=params.get("tier"),
        owner=params.get("owner"),
        team=params.get("team"),
        account=params.get("account"),
    )


def _link(name: str, chosen: dict, **extra) -> str:
    query = urlencode({**chosen, **extra})
    return f"{reverse(name)}?{query}" if query else reverse(name)


@login_required
def portfolio(request):
    accounts, chosen = scope(request)
    today = clock.today()
    board = dashboard(accounts, today=today)

    def explain(key: str) -> str:
        return reverse("insight", args=[key]) + (f"?{urlencode(chosen)}" if chosen else "")

    def money_bars(title, rows):
        return charts.bars(
            title,
            [charts.Bar(label, figure.value, explain("open_whitespace")) for label, figure in rows],
            format_compact,
        )

    context = {
        "nav": "portfolio",
        "board": board,
        "today": today,
        "chosen": chosen,
        "explain": {key: explain(key) for key in FIGURES},
        "filters": {
            "tiers": Tier.choices,
            "owners": User.objects.filter(owned_accounts__in=accounts.values("pk"))
            .distinct()
            .order_by("first_name", "last_name"),
            "teams": Team.objects.order_by("name"),
        },
        "charts": {
            "by_product": money_bars("Open whitespace by product", board.whitespace_by_product),
            "by_tier": money_bars("Open whitespace by tier", board.whitespace_by_tier),
            "by_owner": money_bars("Open whitespace by owner", board.whitespace_by_owner[:12]),
            "stages": charts.bars(
                "Pipeline by stage (target ARR)",
                [charts.Bar(s.label, s.target_arr.value) for s in board.pipeline_by_stage],
                format_compact,
            ),
            "risks": charts.bars(
                "Risk exposure by category",
                [
                    charts.Bar(c.label, c.exposure.value, explain("risk_exposure"))
                    for c in board.risk_by_category
                ],
                format_compact,
            ),
            "depth": charts.bars(
                "Accounts by multithread depth (warm or champion stakeholders)",
                [
                    charts.Bar(label, f.value, explain("depth"))
                    for label, f in board.depth.distribution
                ],
                lambda v: f"{v} account{pluralize(v)}",
            ),
        },
        # (key, title, count, link): a Rule is callable, which templates would call.
        "alerts": [
            (
                rule.key,
                rule.title,
                board.alert_counts.get(rule.key, 0),
                _link("alerts", chosen, rule=rule.key),
            )
            for rule in alert_rules.RULES
        ],
        "healthiest": board.ranked_by_health[:10],
        "review_kinds": [(figure, explain(figure.key)) for figure in board.reviews.by_kind],
    }
    return render(request, "web/dashboard.html", context)


@login_required
def insight(request, key: str):
    """How a figure is computed: its formula, inputs and the accounts behind it."""
    if key not in FIGURES:
        raise Http404("No such figure.")
    accounts, chosen = scope(request)
    figure = FIGURES[key](accounts, clock.today())
    rows = figure.breakdown[:100] if figure.breakdown is not None else []
    return render(
        request,
        "web/insight.html",
        {"nav": "portfolio", "figure": figure, "rows": rows, "chosen": chosen,
         "back": _link("portfolio", chosen)},
    )  # fmt: skip


@login_required
def alert_list(request):
    """The alerts of the accounts in scope, one rule or all, with the record to fix."""
    accounts, chosen = scope(request)
    rule = alert_rules.RULES_BY_KEY.get(request.GET.get("rule", ""))
    today, settings = clock.today(), Organisation.current()
    if rule is not None:
        found = rule.rule(accounts, settings, today)
    else:
        found = alert_rules.alerts(accounts, today=today)
    page = Paginator(found, 100).get_page(request.GET.get("page"))
    shown = None
    if rule is not None:
        shown = {"key": rule.key, "title": rule.title, "description": rule.describe(settings)}
    return render(
        request,
        "web/alerts.html",
        {"nav": "portfolio", "page": page, "rule": shown, "chosen": chosen,
         "back": _link("portfolio", chosen)},
    )  # fmt: skip
