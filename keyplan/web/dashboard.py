"""The portfolio dashboard (/) and each figure's explanation (the alert list is
web.alerts).

Leaders and administrators see every account; a KAM sees their own book; anyone
else the accounts whose team they are on. Filters by tier, owner, sales team,
customer or prospect, and "top N by ARR" narrow the accounts before anything is
computed, so every figure, chart and list speaks of the same accounts.
"""

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse

from keyplan.accounts.models import Relationship, Tier
from keyplan.core import clock
from keyplan.core.formats import counted, format_compact
from keyplan.insights import alerts as alert_rules
from keyplan.insights.portfolio import FIGURES, TOP_N, book, dashboard
from keyplan.team.models import Team, User
from keyplan.web import charts

FILTERS = ("tier", "owner", "team", "relationship", "top")
WON, LOST = "#1e7f4f", "#b3261e"


def scope(request):
    """The accounts the dashboard speaks about for this user, with the filters applied,
    and the filters as they were understood."""
    params = request.GET
    return book(
        request.user,
        tier=params.get("tier"),
        owner=params.get("owner"),
        team=params.get("team"),
        relationship=params.get("relationship"),
        top=params.get("top"),
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
    split = board.pipeline

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
            "relationships": Relationship.choices,
            "tops": TOP_N,
        },
        "charts": {
            "by_product": money_bars("Open whitespace by product", board.whitespace_by_product),
            "by_tier": money_bars("Open whitespace by tier", board.whitespace_by_tier),
            "by_owner": money_bars("Open whitespace by owner", board.whitespace_by_owner[:12]),
            # Open stages add up to the weighted pipeline; won and lost stand apart.
            "stages": charts.bars(
                "Open pipeline by stage (weighted)",
                [
                    charts.Bar(s.label, s.weighted, explain("weighted_pipeline"))
                    for s in split.open_stages
                ],
                format_compact,
            ),
            "closed": charts.bars(
                "Closed plays (target ARR)",
                [
                    charts.Bar(s.label, s.target_arr, colour=WON if s.stage == "won" else LOST)
                    for s in split.closed
                ],
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
                lambda v: counted(v, "account"),
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
        "severities": [
            (
                severity,
                sum(
                    board.alert_counts.get(r.key, 0)
                    for r in alert_rules.RULES
                    if r.severity == severity
                ),
                _link("alerts", chosen, group="severity"),
            )
            for severity in (alert_rules.HIGH, alert_rules.MEDIUM)
        ],
        "alerts_by_account": _link("alerts", chosen, group="account"),
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
