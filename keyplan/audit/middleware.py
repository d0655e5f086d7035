"""Refusals: a signed-in user answered 403, or 404 by a page or API endpoint that
exists (keyplan's answer for a record the user may not see). The user is told nothing
more than before; an address that matches no page is a typo, not a refusal. Other
answers cost nothing here."""

from keyplan.audit import kinds
from keyplan.audit.trail import acting, record

REFUSALS = (403, 404)


def refusals(get_response):
    def middleware(request):
        response = get_response(request)
        if response.status_code in REFUSALS and getattr(request, "resolver_match", None):
            user = acting(request)
            if user is not None:
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
