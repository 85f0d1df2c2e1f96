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
    path("preferences/stop-texts/", views.sms_stop, name="sms_stop"),
    # The gateway's opt-out callback: anonymous, with the secret SMS_CALLBACK_TOKEN in the path.
    path("sms/opt-out/<str:token>/", views.sms_opt_out, name="sms_opt_out"),
]
