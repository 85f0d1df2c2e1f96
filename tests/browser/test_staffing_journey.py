"""A coordinator records a peer outreach worker's paid post and sees it in the staffing figures."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from members.models import Employment, User
from tests.browser.axe import assert_accessible, assert_fits_the_screen
from tests.browser.login import current_code
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_coordinator_adds_a_post_and_sees_it_in_the_staffing_figures(
    page: Page, live_server: Any, coordinator: User, outreach_worker: User
) -> None:
    page.goto(f"{live_server.url}/members/staff/")
    page.get_by_label("Username").fill(coordinator.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_label("Code").fill(current_code(coordinator))
    page.get_by_role("button", name="Sign In").click()

    expect(page.get_by_role("heading", name="Staff", exact=True)).to_be_visible()
    expect(page.get_by_text("No current posts yet.")).to_be_visible()
    page.get_by_role("link", name="Add a post").click()

    expect(page.get_by_role("heading", name="Add a post")).to_be_visible()
    page.get_by_label("Staff member (their login)").select_option(label=outreach_worker.username)
    page.get_by_label("Role").select_option(label="Outreach worker")
    expect(page.get_by_label("Community member")).to_be_checked()
    page.get_by_label("Paid post").uncheck()  # first as a volunteer, with pay by mistake
    page.get_by_label("Monthly pay").fill("1100")
    page.get_by_label("Hours per week").fill("25")
    page.get_by_label("Started on").fill(f"{timezone.localdate().replace(day=1):%Y-%m-%d}")
    page.get_by_role("button", name="Save").click()

    expect(page.get_by_text("Volunteers have no pay")).to_be_visible()  # beside the field
    expect(page.get_by_label("Monthly pay")).to_have_value("1100")
    assert_fits_the_screen(page)
    assert_accessible(page)
    page.get_by_label("Paid post").check()
    page.get_by_role("button", name="Save").click()

    expect(page.get_by_text("Post added.")).to_be_visible()
    expect(page.get_by_text("Paid, 1,100.00 a month")).to_be_visible()
    assert Employment.objects.filter(user=outreach_worker, is_paid=True).count() == 1
    assert_fits_the_screen(page)
    assert_accessible(page)

    page.get_by_role("main").get_by_role("link", name="Staffing figures").click()
    expect(page.get_by_role("heading", name="Staffing figures")).to_be_visible()
    community = page.get_by_role("region", name="Held by community members")
    expect(community.get_by_text("100%")).to_be_visible()
    expect(community.get_by_text("1 of 1 post", exact=True)).to_be_visible()
    expect(page.get_by_text("Too few to show")).to_be_visible()
    assert_fits_the_screen(page)
    assert_accessible(page)
