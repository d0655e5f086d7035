from django.contrib import admin
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView

from keyplan.api import password
from keyplan.api import views as api_views
from keyplan.security.mfa.signin import SignIn
from keyplan.security.mfa.urls import profile_urls as mfa_profile_urls

urlpatterns = [
    # Browsers ask for /favicon.ico where a page does not name its icon (a download).
    path("favicon.ico", RedirectView.as_view(url=static("keyplan/favicon.svg"), permanent=True)),
    # The admin site signs in through keyplan's sign-in, so with its second step (MFA).
    path("admin/login/", SignIn.as_view(), name="admin-login"),
    path("admin/", admin.site.urls),
    path("settings/audit/", include("keyplan.audit.urls")),
    path("api/v1/", include("keyplan.api.urls")),
    path("profile/", api_views.profile, name="profile"),
    path("profile/mfa/", include(mfa_profile_urls)),
    path("profile/password/", password.change_password, name="password-change"),
    path("sso/", include("keyplan.security.sso.urls")),
    path("profile/tokens/<int:pk>/revoke/", api_views.revoke, name="profile-token-revoke"),
    path("", include("keyplan.rhythm.urls")),
    path("", include("keyplan.web.urls")),
]
