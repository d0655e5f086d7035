from django.urls import path

from keyplan.rhythm import views

urlpatterns = [
    path(
        "accounts/<int:pk>/touchpoints/<int:touchpoint_id>/brief/",
        views.touchpoint_brief,
        name="touchpoint-brief",
    ),
    path("my/calendar/", views.my_calendar, name="my-calendar"),
    path("calendar/<str:secret>.ics", views.calendar_feed_view, name="calendar-feed"),
    path("accounts/<int:pk>/handoff/", views.hand_over, name="account-handoff"),
    path(
        "accounts/<int:pk>/handoffs/<int:handoff_id>/",
        views.handoff_brief,
        name="account-handoff-brief",
    ),
]
