"""An outreach worker on a cheap phone logs in, sees the home page and leaves with quick exit."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlparse

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from demo.management.commands.seed_demo import DEMO_PASSWORD
from tests.browser.axe import assert_accessible, assert_fits_the_screen

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_outreach_worker_logs_in_and_leaves_with_quick_exit(
    page: Page, live_server: Any, settings: Any
) -> None:
    settings.DEMO_MODE = True
    call_command("seed_demo")
    settings.DEMO_MODE = False
    # The neutral site is the organization's choice; here the app's own login page stands in,
    # so the test can also prove that nothing at all left this machine.
    settings.QUICK_EXIT_URL = f"{live_server.url}/accounts/login/?left=1"
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))

    page.goto(live_server.url)
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Username").fill("worker.river")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()

    expect(page.get_by_role("heading", name="Hello, worker.river")).to_be_visible()
    expect(page.get_by_text("Outreach worker")).to_be_visible()
    assert page.title() == settings.SITE_NAME  # nothing revealing in the tab list
    assert_fits_the_screen(page)
    assert_accessible(page)

    page.get_by_role("button", name="Quick exit").click()
    page.wait_for_url("**/accounts/login/?left=1")
    page.goto(live_server.url)
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()  # the session is gone

    app_host = urlparse(live_server.url).netloc
    other_hosts = {urlparse(url).netloc for url in requests} - {app_host}
    assert other_hosts == set(), f"requests left the app for {other_hosts}"


def test_the_menu_opens_by_keyboard_without_scripts(
    browser: Any, live_server: Any, settings: Any
) -> None:
    settings.DEMO_MODE = True
    call_command("seed_demo")
    context = browser.new_context(java_script_enabled=False, viewport={"width": 360, "height": 740})
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill("coordinator")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_text("Demo: fictional data")).to_be_visible()
    page.get_by_text("Menu").focus()
    page.keyboard.press("Enter")
    page.get_by_role("link", name="Logins and sessions").click()
    expect(page.get_by_role("heading", name="Logins and sessions")).to_be_visible()
    assert_fits_the_screen(page)
    context.close()
