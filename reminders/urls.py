from __future__ import annotations

from django.urls import path

from reminders import views

app_name = "reminders"
urlpatterns = [
    # The inbox and how reminders arrive (everyone logged in)
    path("", views.inbox, name="inbox"),
    path("<int:pk>/done/", views.inbox_done, name="inbox_done"),
    path("done/", views.inbox_done_all, name="inbox_done_all"),
    path("preferences/", views.notification_preferences, name="notification_preferences"),
]
