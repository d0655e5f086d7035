from django.urls import path

from keyplan.audit import views

urlpatterns = [path("", views.audit_page, name="audit")]
