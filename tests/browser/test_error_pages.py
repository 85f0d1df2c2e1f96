"""An outreach worker who follows a dead link on a phone sees a plain, accessible page that keeps
the neutral name and the quick exit, and that says nothing about whether the record exists."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from members.models import User
from tests.browser.axe import assert_accessible, assert_fits_the_screen
from tests.browser.login import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_missing_page_on_a_phone(
    page: Page, live_server: Any, settings: Any, outreach_worker: User
) -> None:
    log_in(page, live_server.url, outreach_worker)
    expect(page.get_by_role("heading", level=1)).to_be_visible()

    response = page.goto(f"{live_server.url}/outreach/people/987654/")
    assert response is not None and response.status == 404
    expect(page.get_by_role("heading", name="Page not found")).to_be_visible()
    assert page.title() == settings.SITE_NAME
    expect(page.get_by_role("button", name="Quick exit")).to_be_visible()
    assert_accessible(page)
    assert_fits_the_screen(page)

    page.get_by_role("link", name="Back to the start").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert page.url.rstrip("/") == live_server.url
