"""Every HTML page carries the strict CSP and the privacy headers, whoever asks."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from tests.config.test_anonymous_access import concrete, walk

pytestmark = pytest.mark.django_db

PAGES = {
    None: ["account_login", "account_reset_password"],
    "member": ["home", "usersessions_list", "mfa_index", "account_change_password"],
    "outreach_worker": ["home", "usersessions_list"],
    "coordinator": ["home", "members:user_list", "usersessions_list", "mfa_index"],
    "administrator": ["home", "admin:index"],
}
CASES = [(persona, page) for persona, pages in PAGES.items() for page in pages]


@pytest.mark.parametrize(("persona", "page"), CASES)
def test_each_page_sends_a_strict_policy(
    request: Any, client_for: Any, persona: str | None, page: str
) -> None:
    user = request.getfixturevalue(persona) if persona else None
    response = client_for(user).get(reverse(page))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    csp = response["Content-Security-Policy"]
    policy = dict(directive.strip().split(" ", 1) for directive in csp.split(";"))
    assert policy["default-src"] == "'self'"
    assert policy["script-src"] == "'self'"
    assert policy["frame-ancestors"] == "'none'"
    assert "http" not in csp  # no other host anywhere
    assert response["Cache-Control"] == "no-store"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "geolocation=()" in response["Permissions-Policy"]


@pytest.mark.parametrize(("persona", "page"), CASES)
def test_pages_have_no_inline_script_and_no_outside_resource(
    request: Any, client_for: Any, persona: str | None, page: str
) -> None:
    user = request.getfixturevalue(persona) if persona else None
    body = client_for(user).get(reverse(page)).content.decode()
    assert "<script>" not in body
    assert 'src="http' not in body
    assert 'href="http' not in body.replace('href="http://testserver', "")


def test_the_page_language_follows_the_choice(client: Any) -> None:
    client.post(reverse("set_language"), {"language": "es", "next": "/"})
    body = client.get(reverse("account_login")).content.decode()
    assert '<html lang="es">' in body
    assert "Salida rápida" in body  # the catalogue is compiled and found


# Members, workers and coordinators: every response of every URL is checked by HD-1/HD-2 in
# tests/security/test_authorization_matrix.py. The administrator is not a role of that matrix.
@pytest.mark.parametrize("persona", ["administrator"])
def test_every_html_response_of_every_url_carries_the_policy(
    request: Any, client_for: Any, persona: str
) -> None:
    from django.urls import get_resolver

    client = client_for(request.getfixturevalue(persona))
    checked = 0
    for route, _name in walk(get_resolver().url_patterns):
        if route.startswith(("exit", "accounts/logout")):
            continue  # these end the session the rest of the walk needs
        response = client.get(concrete(route))
        if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
            assert "default-src 'self'" in response.get("Content-Security-Policy", ""), (
                route,
                response.status_code,
            )
            checked += 1
    assert checked >= 8  # the walk really reached pages


def test_pages_go_compressed_to_a_browser_that_accepts_it(
    client_for: Any, outreach_worker: Any
) -> None:
    import gzip

    from django.urls import reverse

    client = client_for(outreach_worker)
    plain = client.get(reverse("outreach:contact_create"))
    packed = client.get(reverse("outreach:contact_create"), HTTP_ACCEPT_ENCODING="gzip")
    assert packed["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed["Vary"]
    assert len(packed.content) < len(plain.content) / 2
    assert b"<h1" in gzip.decompress(packed.content)
