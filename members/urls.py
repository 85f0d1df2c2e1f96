from __future__ import annotations

from django.urls import path

from members.views import logins, people

app_name = "members"
urlpatterns = [
    # Logins (coordinators)
    path("logins/", logins.user_list, name="user_list"),
    path("logins/<int:pk>/end-sessions/", logins.user_end_sessions, name="user_end_sessions"),
    path("logins/<int:pk>/suspend/", logins.user_suspend_login, name="user_suspend"),
    # People reached (outreach workers and coordinators)
    path("people/", people.person_list, name="person_list"),
    path("people/find/", people.person_find, name="person_find"),
    path("people/register/", people.person_register, name="person_register"),
    path("people/<int:pk>/", people.person_detail, name="person_detail"),
    path("people/<int:pk>/edit/", people.person_edit, name="person_edit"),
    path("people/<int:pk>/consent/", people.person_consent, name="person_consent"),
    path("people/<int:pk>/open/", people.person_open_outside, name="person_open_outside"),
    path("duplicates/", people.duplicate_list, name="duplicate_list"),
    path("duplicates/<int:pk>/", people.duplicate_resolve, name="duplicate_resolve"),
    # Invitations
    # Staff and staffing
    # Access log, own data and erasure
]
