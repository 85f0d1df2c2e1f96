"""Quick exit on a 360 px phone, as a member meets it: a tap (with and without scripts), Shift
pressed three times, and from an error page all sign out and leave for the neutral site; a page
on another site that posts to it sends the browser away but signs nobody out."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import urlparse

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from members.models import User
from tests.browser.axe import assert_accessible, assert_fits_the_screen
from tests.browser.login import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Another origin, answered by the browser itself: nothing leaves the machine.
NEUTRAL = "https://neutral.example/"
ELSEWHERE = "https://elsewhere.example/"


@pytest.fixture(autouse=True)
def _neutral_site(settings: Any) -> None:
    settings.QUICK_EXIT_URL = NEUTRAL


def phone(browser: Any, *, scripts: bool = True) -> BrowserContext:
    context = browser.new_context(
        java_script_enabled=scripts, viewport={"width": 360, "height": 740}
    )
    context.route(
        f"{NEUTRAL}**",
        lambda route: route.fulfill(
            content_type="text/html", body="<title>Weather</title><h1>Weather</h1>"
        ),
    )
    return context


@pytest.fixture
def context(browser: Any) -> Iterator[BrowserContext]:
    context = phone(browser)
    yield context
    context.close()


def site_cookies(context: BrowserContext, base: str) -> list[str]:
    host = urlparse(base).hostname
    return [c["name"] for c in context.cookies() if c["domain"].lstrip(".") == host]


def at_my_data(page: Page, base: str, member: User) -> None:
    log_in(page, base, member)
    expect(page.get_by_role("heading", name=f"Hello, {member.username}")).to_be_visible()
    page.goto(f"{base}/members/me/")
    expect(page.get_by_role("button", name="Quick exit")).to_be_visible()
    assert site_cookies(page.context, base)


def assert_gone_and_signed_out(page: Page, base: str) -> None:
    page.wait_for_url(NEUTRAL)
    expect(page.get_by_role("heading", name="Weather")).to_be_visible()
    # Clear-Site-Data made the browser forget the session and CSRF cookies alike.
    assert site_cookies(page.context, base) == []
    page.go_back()
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()


def test_a_tap_signs_out_and_leaves_without_a_way_back(
    page: Page, live_server: Any, member: User
) -> None:
    at_my_data(page, live_server.url, member)
    assert_fits_the_screen(page)
    assert_accessible(page)
    page.get_by_role("button", name="Quick exit").click()
    assert_gone_and_signed_out(page, live_server.url)
    # The page was replaced, not stacked: Back skips My data.
    assert "/members/me/" not in page.url


def test_shift_three_times_signs_out_and_leaves(page: Page, live_server: Any, member: User) -> None:
    at_my_data(page, live_server.url, member)
    for _ in range(3):
        page.keyboard.press("Shift")
    assert_gone_and_signed_out(page, live_server.url)


def test_a_tap_without_scripts_signs_out_and_leaves(
    browser: Any, live_server: Any, member: User
) -> None:
    context = phone(browser, scripts=False)
    page = context.new_page()
    at_my_data(page, live_server.url, member)
    page.get_by_role("button", name="Quick exit").click()
    assert_gone_and_signed_out(page, live_server.url)
    context.close()


def test_a_tap_on_an_error_page_signs_out_and_leaves(
    page: Page, live_server: Any, member: User
) -> None:
    log_in(page, live_server.url, member)
    expect(page.get_by_role("heading", name=f"Hello, {member.username}")).to_be_visible()
    response = page.goto(f"{live_server.url}/no-such-page/")
    assert response is not None and response.status == 404
    page.get_by_role("button", name="Quick exit").click()
    assert_gone_and_signed_out(page, live_server.url)


def test_another_site_cannot_sign_anyone_out(
    context: BrowserContext, live_server: Any, member: User
) -> None:
    """A page elsewhere with a form that posts to quick exit, as a link in a message might open."""
    context.route(
        f"{ELSEWHERE}**",
        lambda route: route.fulfill(
            content_type="text/html",
            body=(
                f'<form method="post" action="{live_server.url}/exit/">'
                '<button type="submit">Win a prize</button></form>'
            ),
        ),
    )
    page = context.new_page()
    log_in(page, live_server.url, member)
    expect(page.get_by_role("heading", name=f"Hello, {member.username}")).to_be_visible()
    cookies = site_cookies(context, live_server.url)

    page.goto(ELSEWHERE)
    page.get_by_role("button", name="Win a prize").click()
    page.wait_for_url(NEUTRAL)
    assert site_cookies(context, live_server.url) == cookies
    page.goto(live_server.url)
    expect(page.get_by_role("heading", name=f"Hello, {member.username}")).to_be_visible()
