"""An outreach worker registers a person from the parts of their code, on a phone."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from members.models import Person, User
from tests.browser.axe import assert_accessible, assert_fits_the_screen
from tests.browser.login import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def type_code(page: Page) -> None:
    page.get_by_label("mother's first name").fill("ro")
    page.get_by_label("father's first name").fill("JU")
    page.get_by_label("Your place among").fill("3")
    page.get_by_label("year of birth").fill("2001")


def test_a_worker_registers_and_a_colleague_elsewhere_finds_them(
    page: Page, browser: Any, live_server: Any, outreach_worker: User, other_worker: User
) -> None:
    log_in(page, live_server.url, outreach_worker)
    page.get_by_text("Menu").click()
    page.get_by_role("link", name="Find or register a person").click()
    expect(page.get_by_role("heading", name="Find or register a person")).to_be_visible()
    assert_fits_the_screen(page)
    assert_accessible(page)

    type_code(page)
    page.get_by_role("button", name="Find").click()
    expect(page.get_by_text("No one has this code yet")).to_be_visible()
    page.get_by_label("Nickname").fill("Starling")
    page.get_by_label("Age band").select_option("18-24")
    page.get_by_role("button", name="Register").click()
    expect(page.get_by_role("heading", name="Starling")).to_be_visible()
    assert_fits_the_screen(page)
    assert_accessible(page)
    assert Person.objects.get().nickname == "Starling"

    # A worker of another hotspot types the same code: they must give a reason to open it.
    colleague = browser.new_context(viewport={"width": 360, "height": 740}).new_page()
    log_in(colleague, live_server.url, other_worker)
    colleague.goto(f"{live_server.url}/members/people/register/")
    type_code(colleague)
    colleague.get_by_role("button", name="Find").click()
    expect(colleague.get_by_text("Registered at another hotspot")).to_be_visible()
    assert_accessible(colleague)
    colleague.get_by_label("Why do you need to open this record?").fill("Met at the drop-in")
    colleague.get_by_role("button", name="Open the record").click()
    expect(colleague.get_by_role("heading", name="Starling")).to_be_visible()
