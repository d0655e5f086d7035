"""Refusals: a signed-in user answered 403, or 404 by a page or API endpoint that
exists (keyplan's answer for a record the user may not see). The user is told nothing
more than before; an address that matches no page is a typo, not a refusal. Other
answers cost nothing here."""

from keyplan.audit import kinds
from keyplan.audit.trail import record

REFUSALS = (403, 404)


def refusals(get_response):
    def middleware(request):
        response = get_response(request)
        if response.status_code in REFUSALS and getattr(request, "resolver_match", None):
            user = getattr(request, "auth", None) or getattr(request, "user", None)
            if getattr(user, "is_authenticated", False):
                record(
                    kinds.REFUSED,
                    actor=user,
                    request=request,
                    status=response.status_code,
                    method=request.method,
                    path=request.get_full_path()[:500],
                )
        return response

    return middleware
