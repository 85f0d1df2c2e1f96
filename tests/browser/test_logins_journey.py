"""A coordinator on a phone suspends a member's login from Logins and sessions, then reactivates
it; the member can log in again, and both steps are in the access log. The coordinator's own
login and the administrator's offer no Suspend button."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from members.models import AccessLog, User
from tests.browser.axe import assert_accessible, assert_fits_the_screen
from tests.browser.login import current_code, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_coordinator_suspends_and_reactivates_a_login(
    page: Page, live_server: Any, coordinator: User, administrator: User, member: User
) -> None:
    log_in(page, live_server.url, coordinator)
    page.get_by_label("Code").fill(current_code(coordinator))
    page.get_by_role("button", name="Sign In").click()
    page.get_by_text("Menu", exact=True).click()
    page.get_by_role("navigation", name="Main").get_by_role(
        "link", name="Logins and sessions"
    ).click()
    expect(page.get_by_role("heading", name="Logins and sessions", level=1)).to_be_visible()
    expect(
        page.get_by_role(
            "button", name=f"Suspend and sign out: {administrator.username}", include_hidden=True
        )
    ).to_have_count(0)
    expect(
        page.get_by_role(
            "button", name=f"Suspend and sign out: {coordinator.username}", include_hidden=True
        )
    ).to_have_count(0)
    assert_fits_the_screen(page)
    assert_accessible(page)

    # Asked first: Suspend opens what it does and the button that does it.
    name = f"Suspend and sign out: {member.username}"
    suspend = page.get_by_role("button", name=name)
    expect(suspend).to_be_hidden()
    folded = page.get_by_role("button", name=name, include_hidden=True)
    page.locator("details", has=folded).locator("summary").click()
    expect(page.get_by_text("They are signed out on every phone at once").first).to_be_visible()
    suspend.click()
    expect(page.get_by_text("member.test is suspended; 0 session(s) ended.")).to_be_visible()
    reactivate = page.get_by_role("button", name=f"Reactivate {member.username}")
    expect(reactivate).to_be_visible()
    assert_fits_the_screen(page)
    assert_accessible(page)
    member.refresh_from_db()
    assert not member.is_active

    reactivate.click()
    expect(page.get_by_text("member.test can log in again.")).to_be_visible()
    expect(page.get_by_role("button", name=f"Reactivate {member.username}")).to_have_count(0)
    assert_fits_the_screen(page)
    assert_accessible(page)
    member.refresh_from_db()
    assert member.is_active
    actions = list(
        AccessLog.objects.filter(login=member).order_by("at").values_list("action", flat=True)
    )
    assert actions == [AccessLog.Action.SUSPEND, AccessLog.Action.REACTIVATE]
