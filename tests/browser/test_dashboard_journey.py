"""A coordinator, on a phone, opens the dashboard (its default view made ready by beat), narrows it
to one hotspot, has the figures for it computed and downloads the indicator table for it."""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from members.models import Hotspot, User
from monitoring import snapshots
from outreach.models import SizeEstimate
from tests.browser.axe import assert_accessible, assert_fits_the_screen
from tests.browser.test_contact_list_journey import current_code
from tests.conftest import PASSWORD, make_contact, make_person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_coordinator_filters_the_dashboard_and_downloads_it(
    settings: Any,
    page: Page,
    live_server: Any,
    coordinator: User,
    outreach_worker: User,
    other_worker: User,
    hotspot: Hotspot,
    other_hotspot: Hotspot,
) -> None:
    # Contacts in the last full month, the dashboard's default period.
    last_month = date.today().replace(day=1) - timedelta(days=1)
    SizeEstimate.objects.create(hotspot=hotspot, number=20, estimated_on=date(2020, 1, 1))
    for i in range(6):
        person = make_person(hotspot, f"DASH{i:04d}")
        make_contact(person, outreach_worker, contacted_on=last_month, male_condoms=5)
    lounge = make_person(other_hotspot, "DASH9999")
    make_contact(lounge, other_worker, contacted_on=last_month)
    # Snapshots on, as in production; beat's first run makes the default view ready.
    settings.DASHBOARD_MAX_AGE = 900
    snapshots.refresh_recent()

    page.goto(f"{live_server.url}/")
    page.get_by_label("Username").fill(coordinator.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_label("Code").fill(current_code(coordinator))
    page.get_by_role("button", name="Sign In").click()

    page.get_by_text("Menu").click()
    page.get_by_role("link", name="Dashboard", exact=True).click()
    expect(page.get_by_role("heading", name="Dashboard", level=1)).to_be_visible()
    # One screen of headline figures: the five areas, each opening its detail.
    glance = page.get_by_role("region", name="At a glance")
    for area in ("Coverage", "Quality", "Engagement", "Cohesion", "Acceptance"):
        expect(glance.locator("summary", has_text=area)).to_be_visible()
    summaries = glance.locator("summary")
    assert summaries.count() == 5
    bottom = summaries.last.evaluate("s => s.getBoundingClientRect().bottom + window.scrollY")
    assert bottom <= 2 * 740, f"the five areas end {bottom} px down"
    assert page.evaluate("document.documentElement.scrollHeight") <= 3 * 740
    assert_fits_the_screen(page)
    assert_accessible(page)
    page.locator("summary", has_text=re.compile(r"^The last 12 months$")).click()
    chart = page.get_by_role("img", name="Coverage by month")
    expect(chart).to_be_visible()
    # Labelled axes: shares from 0 to 100 %, months along the bottom.
    expect(chart.locator("text", has_text="100\u00a0%")).to_have_count(1)
    assert chart.locator("text.trend-label").count() >= 5
    assert_accessible(page)

    page.locator("summary", has_text="Choose the period").click()
    page.get_by_label("Hotspot", exact=True).select_option(label="Test market")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_label("Hotspot", exact=True)).to_have_value(str(hotspot.pk))
    # Nobody asked for these filters before: the page says so and offers to compute them.
    expect(page.get_by_text("have not been computed yet")).to_be_visible()
    assert_fits_the_screen(page)
    assert_accessible(page)
    page.get_by_role("button", name="Compute the figures now").click()
    expect(page.get_by_label("Hotspot", exact=True)).to_have_value(str(hotspot.pk))
    # 6 people reached at the market, out of its estimate of 20: 30 %, in the headline and in
    # the area's detail.
    coverage = page.locator("summary", has_text="Coverage").first
    expect(coverage).to_contain_text("6 of 20")
    coverage.click()
    card = page.locator("article").filter(
        has=page.get_by_role("heading", name="Coverage", exact=True)
    )
    expect(card.get_by_text("6 of 20")).to_be_visible()
    assert_fits_the_screen(page)
    assert_accessible(page)

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Indicator table (CSV)").click()
    download = download_info.value
    assert download.suggested_filename == f"export-{last_month:%Y-%m}.csv"
    content = Path(download.path()).read_text(encoding="utf-8-sig")
    assert "Test market" in content
    assert "Test lounge" not in content
