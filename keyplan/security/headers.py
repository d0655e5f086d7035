"""Response headers of every page and API answer.

- Permissions-Policy: keyplan uses no camera, microphone, location or payment, so
  no page (nor anything injected into one) may ask for them.
- Cache-Control: what keyplan answers is someone's plan data, so no shared cache may
  keep it and the browser asks again before reusing it: `private, no-cache`. An
  answer with an ETag (API reads) still comes back as 304 Not Modified when nothing
  changed (ConditionalGetMiddleware). Files taken out of keyplan and pages that show a
  secret say `no-store` instead (`no_store`), so no copy stays on disk. Static files
  are served before this runs and keep their own long caching.
The Content-Security-Policy comes from django-csp (settings.CONTENT_SECURITY_POLICY).
"""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers

PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer", "camera", "display-capture", "geolocation", "gyroscope",
        "magnetometer", "microphone", "midi", "payment", "usb",
    )
)  # fmt: skip


def no_store(response: HttpResponse) -> HttpResponse:
    """Mark `response` as never to be stored: an export, a download, a secret."""
    add_never_cache_headers(response)  # no-cache, no-store, must-revalidate, private
    return response


def security_headers(get_response: Callable[[HttpRequest], HttpResponse]):
    def middleware(request: HttpRequest) -> HttpResponse:
        response = get_response(request)
        response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        if not response.has_header("Cache-Control"):
            response["Cache-Control"] = "private, no-cache"
        return response

    return middleware
