from __future__ import annotations

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, HttpResponseServerError
from django.shortcuts import redirect, render
from django.template import loader
from django.views.decorators.cache import never_cache

from members.roles import held_roles


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "members/user_home.html", {"roles": held_roles(request.user)})


@login_not_required
@never_cache
def quick_exit(request: HttpRequest) -> HttpResponse:
    """One tap, no confirmation, works for anyone and without JavaScript: end the session, ask
    the browser to forget this site, leave for a neutral one. A plain link, not a form, so a
    stale CSRF token can never keep someone on the page."""
    logout(request)
    response = HttpResponseRedirect(settings.QUICK_EXIT_URL)
    response["Clear-Site-Data"] = '"cookies", "storage"'
    return response


@login_not_required
def account_page_closed(request: HttpRequest, **kwargs: str) -> HttpResponse:
    return redirect("account_login")


def server_error(request: HttpRequest) -> HttpResponse:
    """The 500 page: rendered without the request's context processors, which may need the
    database that just failed; still the neutral name and the quick exit."""
    template = loader.get_template("500.html")
    return HttpResponseServerError(template.render({"site_name": settings.SITE_NAME}))
