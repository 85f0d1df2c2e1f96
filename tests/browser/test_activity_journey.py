"""An outreach worker records a support group meeting and who came, on a phone."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from members.models import Hotspot, Person, User
from outreach.models import GroupActivity
from tests.browser.axe import assert_accessible, assert_fits_the_screen
from tests.conftest import PASSWORD, make_person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_worker_creates_a_support_group_meeting_and_adds_two_attendees(
    page: Page, live_server: Any, outreach_worker: User, person: Person, hotspot: Hotspot
) -> None:
    make_person(hotspot, "ROJU0301", nickname="Starling")
    make_person(hotspot, "LIMA0388", nickname="Lily")

    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill(outreach_worker.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_text("Menu").click()
    page.get_by_role("link", name="Group activities").click()
    expect(page.get_by_role("heading", name="Group activities")).to_be_visible()
    assert_fits_the_screen(page)
    assert_accessible(page)

    page.get_by_role("link", name="New activity").click()
    expect(page.get_by_role("heading", name="New group activity")).to_be_visible()
    page.get_by_label("Kind").select_option("support_group")
    page.get_by_label("Title").fill("Thursday support group")
    page.get_by_label("Date").fill("2026-03-05")
    page.get_by_label("Others who came without being registered").fill("1")
    assert_fits_the_screen(page)
    assert_accessible(page)
    page.get_by_role("button", name="Save").click()

    expect(page.get_by_role("heading", name="Thursday support group")).to_be_visible()
    expect(page.get_by_text("1 attending", exact=True)).to_be_visible()
    # The people of the meeting's hotspot are offered for a tap.
    page.get_by_role("button", name="Add Sunny").click()
    expect(page.get_by_text("Sunny is on the list.")).to_be_visible()
    # Someone else is found by typing part of their nickname.
    page.get_by_label("Nickname").fill("starl")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("button", name="Add Lily")).to_have_count(0)
    assert_fits_the_screen(page)
    page.get_by_role("button", name="Add Starling").click()
    expect(page.get_by_text("Starling is on the list.")).to_be_visible()
    # What was typed stays out of every address the browser keeps in its history.
    history = page.context.new_cdp_session(page).send("Page.getNavigationHistory")["entries"]
    assert history and not [e["url"] for e in history if "starl" in e["url"].lower()]

    expect(page.get_by_text("3 attending", exact=True)).to_be_visible()
    came = page.get_by_role("region", name="Who came")
    expect(came.get_by_role("link", name="Sunny")).to_be_visible()
    expect(came.get_by_role("link", name="Starling")).to_be_visible()
    assert_fits_the_screen(page)
    assert_accessible(page)

    activity = GroupActivity.objects.get()
    assert activity.kind == "support_group"
    assert activity.facilitator == outreach_worker
    assert sorted(p.nickname for p in activity.attendees.all()) == ["Starling", "Sunny"]

    page.get_by_text("Menu").click()
    page.get_by_role("link", name="Group activities").click()
    expect(page.get_by_text("Thursday support group")).to_be_visible()
    expect(page.get_by_text("3 attending")).to_be_visible()
