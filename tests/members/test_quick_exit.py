"""Quick exit: a POST from one of the site's own pages signs out, asks the browser to forget the
site and leaves for the neutral one, whatever state its CSRF token is in. Another site can send
people to the neutral site but can neither sign them out nor clear their cookies."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from members.models import User

pytestmark = pytest.mark.django_db

NEUTRAL = "https://weather.example/"
SAME_ORIGIN = {"HTTP_SEC_FETCH_SITE": "same-origin", "HTTP_ORIGIN": "http://testserver"}


@pytest.fixture(autouse=True)
def _neutral_site(settings: Any) -> None:
    settings.QUICK_EXIT_URL = NEUTRAL


def logged_in(client: Client) -> bool:
    return client.get(reverse("home")).status_code == 200


def assert_left(response: Any) -> None:
    """A page that moves on at once: a redirect would be stopped by the CSP's form-action."""
    assert response.status_code == 200
    body = response.content.decode()
    assert f'<meta http-equiv="refresh" content="0; url={NEUTRAL}">' in body
    assert f'<a href="{NEUTRAL}">' in body
    assert response["Cache-Control"] == "no-store"


def assert_signed_out(response: Any, client: Client) -> None:
    assert_left(response)
    assert response["Clear-Site-Data"] == '"cookies", "storage"'
    assert not logged_in(client)


def assert_still_signed_in(response: Any, client: Client) -> None:
    assert_left(response)
    assert "Clear-Site-Data" not in response
    assert logged_in(client)


def test_a_tap_on_one_of_our_pages_signs_out_and_leaves(client_for: Any, member: User) -> None:
    client = client_for(member)
    assert_signed_out(client.post(reverse("quick_exit"), **SAME_ORIGIN), client)


@pytest.mark.parametrize("token", ["missing", "stale"])
def test_a_missing_or_stale_csrf_token_never_keeps_anyone_here(member: User, token: str) -> None:
    """A page left open past the end of its session carries a token that no longer matches."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)
    data = {"csrfmiddlewaretoken": "x" * 64} if token == "stale" else {}
    if token == "stale":
        client.cookies["csrftoken"] = "y" * 32
    assert_signed_out(client.post(reverse("quick_exit"), data, **SAME_ORIGIN), client)


@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_ORIGIN": "http://testserver"},
        {"HTTP_REFERER": "http://testserver/members/me/"},
    ],
    ids=["origin", "referer"],
)
def test_browsers_without_fetch_metadata_are_trusted_by_origin_or_referer(
    client_for: Any, member: User, headers: dict[str, str]
) -> None:
    client = client_for(member)
    assert_signed_out(client.post(reverse("quick_exit"), **headers), client)


@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_SEC_FETCH_SITE": "cross-site", "HTTP_ORIGIN": "https://evil.example"},
        # The browser's word wins over an Origin that looks right.
        {"HTTP_SEC_FETCH_SITE": "cross-site", "HTTP_ORIGIN": "http://testserver"},
        {"HTTP_SEC_FETCH_SITE": "same-site", "HTTP_ORIGIN": "http://other.testserver"},
        {"HTTP_SEC_FETCH_SITE": "none"},
        {"HTTP_ORIGIN": "https://evil.example"},
        {"HTTP_ORIGIN": "null"},
        {"HTTP_REFERER": "https://evil.example/page"},
        {"HTTP_ORIGIN": "https://testserver"},
        {},
    ],
    ids=[
        "cross-site",
        "cross-site-with-our-origin",
        "same-site",
        "typed-address",
        "foreign-origin",
        "opaque-origin",
        "foreign-referer",
        "other-scheme",
        "no-headers",
    ],
)
def test_another_site_cannot_sign_anyone_out(
    client_for: Any, member: User, headers: dict[str, str]
) -> None:
    """A page elsewhere posting a form here (cookies or not, Clear-Site-Data would clear them)."""
    client = client_for(member)
    assert_still_signed_in(client.post(reverse("quick_exit"), **headers), client)


def test_a_link_only_leaves(client_for: Any, member: User) -> None:
    """A GET is what any other site can make a browser send: it signs nobody out."""
    client = client_for(member)
    response = client.get(reverse("quick_exit"), HTTP_SEC_FETCH_SITE="cross-site")
    assert_still_signed_in(response, client)


def test_quick_exit_works_for_anyone(client: Client) -> None:
    assert_left(client.post(reverse("quick_exit"), **SAME_ORIGIN))
    assert_left(client.get(reverse("quick_exit")))


QUICK_EXIT_FORM = re.compile(
    r'<form class="quick-exit-form" method="post" action="/exit/" data-quick-exit'
    r' data-exit-url="(?P<url>[^"]*)">\s*<button type="submit" class="btn btn-danger quick-exit"'
)


def test_every_page_offers_the_quick_exit_as_a_form_and_no_link(
    client_for: Any, member: User
) -> None:
    for user, url in ((None, reverse("account_login")), (member, reverse("home"))):
        body = client_for(user).get(url).content.decode()
        match = QUICK_EXIT_FORM.search(body)
        assert match is not None and match["url"] == NEUTRAL
        assert 'href="/exit/"' not in body


def test_a_refused_page_offers_the_quick_exit_too(client_for: Any, member: User) -> None:
    """Django's own 403 page has no quick exit; ours does (templates/403.html)."""
    response = client_for(member).get(reverse("members:person_list"))
    assert response.status_code == 403
    assert QUICK_EXIT_FORM.search(response.content.decode())
