from __future__ import annotations

from django.urls import path

from members import views

app_name = "members"
urlpatterns = [
    path("logins/", views.user_list, name="user_list"),
    path("logins/<int:pk>/end-sessions/", views.user_end_sessions, name="user_end_sessions"),
]
