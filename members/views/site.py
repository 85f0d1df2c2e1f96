from __future__ import annotations

from urllib.parse import urlsplit

from allauth.account.views import LogoutView
from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, HttpResponseServerError
from django.shortcuts import redirect, render
from django.template import loader
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt

from members.roles import LoggedInRequest, held_roles


def home(request: LoggedInRequest) -> HttpResponse:
    return render(request, "members/user_home.html", {"roles": held_roles(request.user)})


@csrf_exempt
@login_not_required
@never_cache
def quick_exit(request: HttpRequest) -> HttpResponse:
    """One tap, no confirmation, for anyone, without JavaScript: leave for a neutral site. A POST
    sent by one of this site's own pages also ends the session and asks the browser to forget
    the site. No CSRF token is asked for, so a stale one (a session that expired while the page
    was open) never keeps someone here; the browser's own origin headers decide instead, so
    another site can send people away but cannot sign them out or clear their cookies. A GET
    (an old bookmark) only leaves.

    The answer is a page that moves on at once (meta refresh), not a redirect: the CSP's
    form-action 'self' stops a form's redirect to another host."""
    response = render(request, "members/quick_exit.html", {"exit_url": settings.QUICK_EXIT_URL})
    if request.method == "POST" and sent_from_this_site(request):
        logout(request)
        response["Clear-Site-Data"] = '"cookies", "storage"'
    return response


def sent_from_this_site(request: HttpRequest) -> bool:
    """Whether the browser says the request came from one of this site's pages: Sec-Fetch-Site
    where it sends one, else the Origin or (same-origin Referrer-Policy) Referer header."""
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site is not None:
        return fetch_site == "same-origin"
    source = request.headers.get("Origin") or request.headers.get("Referer") or ""
    parts = urlsplit(source)
    if not parts.scheme or not parts.netloc:
        return False
    origin = f"{parts.scheme}://{parts.netloc}"
    return origin == f"{request.scheme}://{request.get_host()}" or (
        origin in settings.CSRF_TRUSTED_ORIGINS
    )


_allauth_logout = LogoutView.as_view()


@login_not_required
def log_out(request: HttpRequest) -> HttpResponse:
    """allauth's log out, which also asks the browser to forget what the site keeps on the
    phone: records waiting to be sent, kept pages, the service worker (static/js/offline.js
    deletes them first where it can; this covers a page without scripts)."""
    response = _allauth_logout(request)
    if request.method == "POST" and response.status_code in (301, 302, 303):
        response["Clear-Site-Data"] = '"storage"'
    return response


@login_not_required
def account_page_closed(request: HttpRequest, **kwargs: str) -> HttpResponse:
    return redirect("account_login")


def server_error(request: HttpRequest) -> HttpResponse:
    """The 500 page: rendered without the request's context processors, which may need the
    database that just failed; still the neutral name and the quick exit."""
    template = loader.get_template("500.html")
    return HttpResponseServerError(
        template.render(
            {"site_name": settings.SITE_NAME, "quick_exit_url": settings.QUICK_EXIT_URL}
        )
    )
