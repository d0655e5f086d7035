from django.contrib import admin
from django.urls import include, path

from keyplan.api import password
from keyplan.api import views as api_views

urlpatterns = [
    path("admin/", admin.site.urls),
    path("settings/audit/", include("keyplan.audit.urls")),
    path("api/v1/", include("keyplan.api.urls")),
    path("profile/", api_views.profile, name="profile"),
    path("profile/password/", password.change_password, name="password-change"),
    path("profile/tokens/<int:pk>/revoke/", api_views.revoke, name="profile-token-revoke"),
    path("", include("keyplan.rhythm.urls")),
    path("", include("keyplan.web.urls")),
]
