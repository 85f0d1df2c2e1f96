from __future__ import annotations

from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from members.views import site as member_views
from monitoring.views import health as monitoring_views
from outreach.views import offline as offline_views

# The admin login goes through allauth: the same rate limits and the same second factor.
# (mypy refuses any assignment to a method; replacing this one is allauth's documented way.)
admin.site.login = secure_admin_login(admin.site.login)  # type: ignore[method-assign]
admin.site.site_header = admin.site.site_title = "Administration"

# Nobody signs up from the street, and logins need no e-mail: these allauth pages lead to the
# login page instead.
CLOSED_ACCOUNT_PAGES = [
    "signup/",
    "login/code/",
    "login/code/confirm/",
    "inactive/",
    "confirm-email/",
    "confirm-email/<str:key>/",
    # Reminder addresses live encrypted on the person's record, set on the preferences page.
    "email/",
]

urlpatterns = [
    path("", member_views.home, name="home"),
    path("exit/", member_views.quick_exit, name="quick_exit"),
    path("healthz", monitoring_views.healthz, name="healthz"),
    # At the root, so that it may serve the whole site (a service worker's scope is its folder).
    path("sw.js", offline_views.service_worker, name="service_worker"),
    # Choosing a language must work on the login page too.
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    *[path(f"accounts/{page}", member_views.account_page_closed) for page in CLOSED_ACCOUNT_PAGES],
    path("accounts/logout/", member_views.log_out, name="account_logout"),
    path("accounts/", include("allauth.urls")),
    path("members/", include("members.urls")),
    path("outreach/", include("outreach.urls")),
    path("community/", include("programmes.urls")),
    path("monitoring/", include("monitoring.urls")),
    path("inbox/", include("reminders.urls")),
    # A neutral address: it shows in the browser's history on a shared phone.
    path("care/", include("safety.urls")),
    path("admin/", admin.site.urls),
]

# The 500 page needs nothing from the request (members.views.site.server_error).
handler500 = "members.views.site.server_error"
