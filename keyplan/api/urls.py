from django.urls import path, re_path

from keyplan.api import problems
from keyplan.api.api import api


def unknown(request, rest=""):
    return problems.response(404, f"The API has no {request.path}.")


urlpatterns = [
    path("", api.urls),
    re_path(r"^(?P<rest>.*)$", unknown),  # a problem document rather than the HTML 404 page
]
