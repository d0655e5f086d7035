"""Request middleware of keyplan's own."""

from keyplan.team.models import Organisation


def organisation_per_request(get_response):
    """Each request reads the organisation's settings afresh (once, on first use): a
    server thread keeps its memo from one request to the next, and another process
    may have changed them in between."""

    def middleware(request):
        Organisation.forget()
        return get_response(request)

    return middleware
