"""A coordinator, on a phone, opens the contacts list, filters it by hotspot and downloads the
counts for that hotspot."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from members.models import Hotspot, User
from tests.browser.axe import assert_accessible, assert_fits_the_screen
from tests.browser.login import current_code
from tests.conftest import PASSWORD, make_contact, make_person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_coordinator_filters_the_contacts_by_hotspot(
    page: Page,
    live_server: Any,
    coordinator: User,
    outreach_worker: User,
    other_worker: User,
    hotspot: Hotspot,
    other_hotspot: Hotspot,
) -> None:
    market = make_person(hotspot, "JOUR0101", nickname="Marigold")
    lounge = make_person(other_hotspot, "JOUR0202", nickname="Juniper")
    # The list opens on this month.
    today = timezone.localdate()
    make_contact(market, outreach_worker, contacted_on=today.replace(day=2), male_condoms=10)
    make_contact(lounge, other_worker, contacted_on=today.replace(day=3), lubricant=5)

    page.goto(f"{live_server.url}/")
    page.get_by_label("Username").fill(coordinator.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_label("Code").fill(current_code(coordinator))
    page.get_by_role("button", name="Sign In").click()

    page.get_by_text("Menu").click()
    page.get_by_role("link", name="Contacts", exact=True).click()
    expect(page.get_by_role("heading", name="Contacts", exact=True)).to_be_visible()
    expect(page.get_by_text("2 contacts")).to_be_visible()
    assert_fits_the_screen(page)
    assert_accessible(page)

    page.get_by_label("Hotspot").select_option(label="Test lounge")
    page.get_by_label("Kind").select_option(label="One-to-one")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_text("1 contact", exact=True)).to_be_visible()
    results = page.get_by_role("list").filter(has_text="Juniper")
    expect(results.get_by_role("link", name="Juniper")).to_be_visible()
    expect(results.get_by_text("Lubricant: 5")).to_be_visible()
    expect(page.get_by_role("link", name="Marigold")).to_have_count(0)
    expect(page.get_by_label("Hotspot")).to_have_value(str(other_hotspot.pk))
    assert_fits_the_screen(page)
    assert_accessible(page)

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Counts by hotspot and month (CSV)").click()
    download = download_info.value
    assert download.suggested_filename == f"export-{today:%Y-%m}.csv"
    content = Path(download.path()).read_text(encoding="utf-8-sig")
    assert "Test lounge" in content
    assert "Test market" not in content
