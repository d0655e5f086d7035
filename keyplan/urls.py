from django.contrib import admin
from django.urls import include, path

from keyplan.api import views as api_views
from keyplan.demo import views as demo_views

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include("keyplan.api.urls")),
    path("profile/", api_views.profile, name="profile"),
    path("profile/tokens/<int:pk>/revoke/", api_views.revoke, name="profile-token-revoke"),
    path("", include("keyplan.cadence.urls")),
    path("", include("keyplan.accounts.urls")),
    path("", include("keyplan.web.urls")),
]

if demo_views.bare_key():  # only in the server `keyplan bench` starts for itself
    urlpatterns.insert(0, path("bench/bare-plan/<int:pk>", demo_views.bare_plan))
