"""The bare plan view `keyplan bench` compares the API with: plain Django, no
authentication, no API framework, no database: the same bytes as
GET /api/v1/accounts/{id}/plan, built once per process and then served from memory,
so the API's figure over this one is what its routing, token check and access rule cost.

Only the bench's own server routes to it (keyplan.bench.settings and .urls), and it
answers only requests that carry the random key that server was started with.
"""

import hmac
import os

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404

from keyplan.accounts.models import Account
from keyplan.exchange.documents import cached

# Each plan's bytes as first served by this process (the bench's server lives for one
# figure, while the plan it reads does not change).
served: dict[int, bytes] = {}

BARE_KEY_VARIABLE = "KEYPLAN_BENCH_BARE_KEY"
BARE_KEY_HEADER = "X-Bench-Key"


def bare_key() -> str:
    return os.environ.get(BARE_KEY_VARIABLE, "")


def bare_plan(request, pk: int):
    key = bare_key()
    if not key or not hmac.compare_digest(request.headers.get(BARE_KEY_HEADER, ""), key):
        raise Http404
    if pk not in served:
        served[pk] = cached.plan_bytes(get_object_or_404(Account, pk=pk))
    return HttpResponse(served[pk], content_type="application/json")
