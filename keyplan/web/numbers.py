"""The account's numbers on its plan page: health and its parts, completeness per
section, freshness, coverage, its alerts and its forecast band.

They load just after the page (and again after each edit), so the page itself
stays at a fixed, small number of queries.
"""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from keyplan.accounts.models import Account
from keyplan.core import clock
from keyplan.insights import alerts, forecast, health, plans, relationships
from keyplan.web.page import PlanPage


@login_required
def plan_numbers(request, pk: int):
    page = PlanPage.for_viewing(request, pk)
    one = Account.objects.filter(pk=page.account.pk)
    today = clock.today()
    band = forecast.forecast(one, runs=2_000)
    return render(
        request,
        "web/sections/numbers.html",
        {
            "page": page,
            "health": health.health_score(one, today),
            "completeness": plans.completeness(one, today),
            "freshness": plans.plan_freshness(one, today),
            "coverage": relationships.coverage(one, today),
            "alerts": alerts.alerts(one, today=today),
            "forecast": band,
        },
    )
