from django.urls import path

from keyplan.security.sso import views

urlpatterns = [
    path("start/", views.Start.as_view(), name="sso-start"),
    path("again/", views.Again.as_view(), name="sso-again"),
    path("callback/", views.Callback.as_view(), name="sso-callback"),
]
