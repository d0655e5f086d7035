"""The URLs of the bench's own server: the bare plan view, then the application's.
Nothing in production routes here (see keyplan.bench.settings)."""

from django.urls import path

from keyplan.bench.bare import bare_plan
from keyplan.urls import urlpatterns as application

urlpatterns = [path("bench/bare-plan/<int:pk>", bare_plan), *application]
