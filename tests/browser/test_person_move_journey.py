"""A coordinator on a phone moves a person to another hotspot from the person's page, and finds
the move in the access log; the person's former worker no longer sees them. An outreach worker
changing the same person's details is shown the hotspot, not offered a move."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from members.models import AccessLog, Hotspot, Person, User
from tests.browser.axe import assert_accessible, assert_fits_the_screen
from tests.browser.login import current_code, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def open_person(page: Page, person: Person) -> None:
    page.get_by_text("Menu", exact=True).click()
    page.get_by_role("navigation", name="Main").get_by_role("link", name="People").click()
    page.get_by_role("link", name=person.nickname).click()
    expect(page.get_by_role("heading", name=person.nickname, level=1)).to_be_visible()


def test_a_worker_changes_details_without_a_hotspot_select(
    page: Page, live_server: Any, outreach_worker: User, person: Person
) -> None:
    log_in(page, live_server.url, outreach_worker)
    open_person(page, person)
    page.get_by_role("link", name="Change details").click()
    expect(
        page.get_by_text("Only a coordinator can move someone to another hotspot.")
    ).to_be_visible()
    expect(page.get_by_label("Main hotspot")).to_have_count(0)
    assert_fits_the_screen(page)
    assert_accessible(page)
    page.get_by_label("Languages").fill("Spanish")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Saved.")).to_be_visible()
    person.refresh_from_db()
    assert (person.languages, person.hotspot.name) == ("Spanish", "Test market")


def test_a_coordinator_moves_a_person_and_finds_the_move_in_the_access_log(
    page: Page,
    live_server: Any,
    coordinator: User,
    outreach_worker: User,
    person: Person,
    other_hotspot: Hotspot,
) -> None:
    log_in(page, live_server.url, coordinator)
    page.get_by_label("Code").fill(current_code(coordinator))
    page.get_by_role("button", name="Sign In").click()
    open_person(page, person)

    page.get_by_role("link", name="Change details").click()
    expect(page.get_by_label("Main hotspot")).to_have_value(str(person.hotspot_id))
    assert_fits_the_screen(page)
    assert_accessible(page)
    page.get_by_label("Main hotspot").select_option(label="Test lounge")
    page.get_by_role("button", name="Save").click()

    expect(page.get_by_text("Saved.")).to_be_visible()
    expect(page.get_by_text("Test lounge", exact=True)).to_be_visible()
    assert_fits_the_screen(page)
    assert_accessible(page)
    person.refresh_from_db()
    assert person.hotspot == other_hotspot

    page.get_by_text("Menu", exact=True).click()
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Access log").click()
    page.get_by_label("Action").select_option(label="Moved to another hotspot")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_text("from Test market")).to_be_visible()
    assert_fits_the_screen(page)
    assert_accessible(page)
    assert AccessLog.objects.filter(person=person, action=AccessLog.Action.MOVE).count() == 1
