"""Default deny: without a login, every URL but a short public list leads to the login page."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

pytestmark = pytest.mark.django_db

# Public on purpose, by URL name. Anything else answering an anonymous visitor fails the test.
PUBLIC = {
    "account_login",
    "account_reset_password",
    "account_reset_password_done",
    "account_reset_password_from_key",
    "account_reset_password_from_key_done",
    "mfa_authenticate",  # the second step of logging in
    "healthz",
    "invitation_redeem",  # a person creates their login with the code handed to them
    "feedback_with_code",  # anonymous feedback with a printed single-use code
    "quick_exit",  # leaves for the neutral site, logged in or not
    "set_language",  # POST only; a GET is turned away
}


def walk(patterns: list[Any], prefix: str = "") -> list[tuple[str, str | None]]:
    found: list[tuple[str, str | None]] = []
    for entry in patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            found += walk(entry.url_patterns, route)
        elif isinstance(entry, URLPattern):
            found.append((route, entry.name))
    return found


def concrete(route: str) -> str:
    """Turn a route into a path, filling every parameter with a plausible value."""
    path = re.sub(r"\(\?P<\w+>[^)]*\)", "x", route)
    path = re.sub(r"<(?:\w+:)?(\w+)>", "1", path)
    path = path.replace("^", "").replace("$", "").replace("\\", "")
    return "/" + path


ROUTES = [
    (route, name)
    for route, name in walk(get_resolver().url_patterns)
    if name not in PUBLIC and not route.startswith("static")
]


@pytest.mark.parametrize(("route", "name"), ROUTES, ids=[r for r, _ in ROUTES])
def test_it_sends_anonymous_visitors_to_the_login_page(client: Any, route: str, name: str) -> None:
    response = client.get(concrete(route), follow=True)
    assert response.redirect_chain, f"{route} ({name}) answered {response.status_code}"
    assert response.request["PATH_INFO"] == reverse("account_login")


def test_the_public_pages_answer_anonymous_visitors(client: Any) -> None:
    assert client.get(reverse("account_login")).status_code == 200
    assert client.get(reverse("account_reset_password")).status_code == 200
    assert client.get(reverse("healthz")).status_code == 200
