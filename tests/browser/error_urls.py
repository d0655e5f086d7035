"""keyplan's addresses and one whose view fails, as a bug would (test_error_pages)."""

from django.urls import include, path


def _crash(request):
    raise RuntimeError("a bug in a view")


urlpatterns = [path("crash/", _crash), path("", include("keyplan.urls"))]
