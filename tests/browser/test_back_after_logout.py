"""DV-1: a shared or seized phone. After an outreach worker logs out, Back and reload show the
login page, never the person last opened, and nothing about them stays in the history's titles
or the browser's storage."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from playwright.sync_api import BrowserType, Page, expect

from members.models import Hotspot, Person, User
from tests.browser.axe import assert_fits_the_screen
from tests.browser.login import log_in
from tests.conftest import make_person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NICKNAME = "Wrenfeather"  # fictional, and on no other page of the test data


@pytest.fixture
def planted(hotspot: Hotspot) -> Person:
    return make_person(hotspot, "TIRO0488", nickname=NICKNAME, age_band="25-34")


@pytest.fixture
def phone_page(
    browser_type: BrowserType,
    browser_type_launch_args: dict[str, Any],
    browser_context_args: dict[str, Any],
) -> Iterator[Page]:
    """Chromium as on a phone: Playwright turns the back-forward cache off by default, and
    that cache is exactly what could bring a page back after logout."""
    browser = browser_type.launch(
        **browser_type_launch_args, ignore_default_args=["--disable-back-forward-cache"]
    )
    context = browser.new_context(**browser_context_args)
    yield context.new_page()
    context.close()
    browser.close()


def nickname_shown(page: Page) -> bool:
    return NICKNAME in page.content()


def history_titles(page: Page) -> list[str]:
    """The titles Chromium keeps for the tab's Back list (what a phone's history shows)."""
    cdp = page.context.new_cdp_session(page)
    entries = cdp.send("Page.getNavigationHistory")["entries"]
    cdp.detach()
    return [entry["title"] for entry in entries]


def test_back_and_reload_after_logout_show_no_persons_data(
    phone_page: Page,
    live_server: Any,
    outreach_worker: User,
    planted: Person,
    figure: Callable[..., None],
) -> None:
    page = phone_page
    log_in(page, live_server.url, outreach_worker)
    expect(page.get_by_role("heading", name="Hello, worker.test")).to_be_visible()
    page.goto(f"{live_server.url}/outreach/people/{planted.pk}/")
    expect(page.get_by_role("heading", name=NICKNAME, level=1)).to_be_visible()
    assert_fits_the_screen(page)

    page.get_by_text("Menu").click()
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()

    shown_after_logout = 0
    page.go_back()
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()
    shown_after_logout += nickname_shown(page)
    page.reload()
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()
    shown_after_logout += nickname_shown(page)
    page.goto(f"{live_server.url}/outreach/people/{planted.pk}/")
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()
    shown_after_logout += nickname_shown(page)

    titles = history_titles(page)
    titles_with_data = [title for title in titles if NICKNAME in title]
    storage = page.evaluate("JSON.stringify([{...localStorage}, {...sessionStorage}])")

    assert shown_after_logout == 0
    assert len(titles) >= 3, "the history was not read"
    assert titles_with_data == []
    assert NICKNAME not in storage
    figure("DV-1", "person data visible after logout", shown_after_logout)
    figure("DV-1", "history titles with person data", len(titles_with_data))
    figure("DV-1", "storage entries with person data", int(NICKNAME in storage))
