from django.urls import path

from keyplan.accounts import views

urlpatterns = [
    path("accounts/<int:pk>/handoff/", views.hand_over, name="account-handoff"),
    path(
        "accounts/<int:pk>/handoffs/<int:handoff_id>/",
        views.handoff_brief,
        name="account-handoff-brief",
    ),
]
