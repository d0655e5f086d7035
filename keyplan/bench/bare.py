"""The bare plan view `keyplan bench` compares the API with: plain Django, no
authentication, no API framework, the same JSON as GET /api/v1/accounts/{id}/plan.

Only the bench's own server routes to it (keyplan.bench.settings and .urls), and it
answers only requests that carry the random key that server was started with.
"""

import hmac
import os

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404

from keyplan.accounts.models import Account
from keyplan.exchange.documents import document

BARE_KEY_VARIABLE = "KEYPLAN_BENCH_BARE_KEY"
BARE_KEY_HEADER = "X-Bench-Key"


def bare_key() -> str:
    return os.environ.get(BARE_KEY_VARIABLE, "")


def bare_plan(request, pk: int):
    key = bare_key()
    if not key or not hmac.compare_digest(request.headers.get(BARE_KEY_HEADER, ""), key):
        raise Http404
    account = get_object_or_404(Account, pk=pk)
    return HttpResponse(
        document.to_json(document.build(account), indent=None), content_type="application/json"
    )
