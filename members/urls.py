from __future__ import annotations

from django.urls import path
from django.views.generic import RedirectView

from members.views import (
    access_log,
    invitations,
    logins,
    own_data,
    people,
    reset_codes,
    staff,
)

app_name = "members"
urlpatterns = [
    # Logins (coordinators)
    path("logins/", logins.user_list, name="user_list"),
    path("logins/<int:pk>/end-sessions/", logins.user_end_sessions, name="user_end_sessions"),
    path("logins/<int:pk>/suspend/", logins.user_suspend_login, name="user_suspend"),
    path("logins/<int:pk>/reactivate/", logins.user_reactivate_login, name="user_reactivate"),
    # People reached (outreach workers and coordinators)
    path("people/", people.person_list, name="person_list"),
    path("people/find/", people.person_find, name="person_find"),
    path("people/register/", people.person_register, name="person_register"),
    path("people/<int:pk>/edit/", people.person_edit, name="person_edit"),
    path("people/<int:pk>/consent/", people.person_consent, name="person_consent"),
    path("people/<int:pk>/open/", people.person_open_outside, name="person_open_outside"),
    path("duplicates/", people.duplicate_list, name="duplicate_list"),
    path("duplicates/<int:pk>/", people.duplicate_resolve, name="duplicate_resolve"),
    # Invitations
    path("people/<int:pk>/invitation/", invitations.invitation_create, name="invitation_create"),
    path("join/", invitations.invitation_redeem, name="invitation_redeem"),
    # Password reset codes handed over by staff (logins without e-mail)
    path("logins/<int:pk>/reset-code/", reset_codes.reset_code_create, name="reset_code_create"),
    path("new-password/", reset_codes.reset_code_redeem, name="reset_code_redeem"),
    # Staff and staffing
    path("staff/", staff.employment_list, name="employment_list"),
    path("staff/add/", staff.employment_create, name="employment_create"),
    path("staff/<int:pk>/edit/", staff.employment_edit, name="employment_edit"),
    path("staff/figures/", staff.staffing_figures, name="staffing"),
    # Access log, own data and erasure
    path("access-log/", access_log.access_log_list, name="access_log_list"),
    path("erasure/", access_log.erasure_list, name="erasure_list"),
    path("erasure/<int:pk>/confirm/", access_log.erasure_confirm, name="erasure_confirm"),
    path("me/", own_data.own_data, name="own_data"),
    path("me/download/", own_data.own_data_download, name="own_data_download"),
    path("me/consent/", own_data.own_consent, name="own_consent"),
    path("me/erase/", own_data.erasure_request, name="erasure_request"),
    # Former addresses of pages that moved, kept for bookmarks and home-screen shortcuts.
    path(
        "people/<int:pk>/",
        RedirectView.as_view(pattern_name="outreach:person_detail", query_string=True),
        name="person_detail_moved",
    ),
    path("inbox/", RedirectView.as_view(pattern_name="reminders:inbox"), name="inbox_moved"),
]
