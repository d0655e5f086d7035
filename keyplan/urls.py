from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include("keyplan.api.urls")),
    path("", include("keyplan.cadence.urls")),
    path("", include("keyplan.accounts.urls")),
    path("", include("keyplan.web.urls")),
]
