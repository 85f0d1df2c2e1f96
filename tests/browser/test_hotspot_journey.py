"""A coordinator adds a hotspot, its size estimate and its outreach worker on a phone; the worker
then finds it among their hotspots and reads its safety notes."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import formats, timezone
from playwright.sync_api import Page, expect

from members.models import Assignment, Hotspot, User
from outreach.models import SizeEstimate
from outreach.rules import CASELOAD_RANGE
from tests.browser.axe import assert_accessible, assert_fits_the_screen
from tests.browser.login import current_code, log_in
from tests.conftest import make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NOTES = "Go in pairs after midnight; the side gate is safer."


def check(page: Page) -> None:
    assert_fits_the_screen(page)
    assert_accessible(page)


def test_a_coordinator_sets_up_a_hotspot_and_its_worker_reads_the_safety_notes(
    page: Page, browser: Any, live_server: Any, coordinator: User
) -> None:
    worker = make_user("worker.harbour", is_outreach_worker=True, is_member=True)
    log_in(page, live_server.url, coordinator)
    page.get_by_label("Code").fill(current_code(coordinator))
    page.get_by_role("button", name="Sign In").click()

    page.get_by_text("Menu").click()
    page.get_by_role("link", name="Hotspots").click()
    expect(page.get_by_role("heading", name="Hotspots")).to_be_visible()
    expect(page.get_by_text("No hotspots yet.")).to_be_visible()
    check(page)

    page.get_by_role("link", name="Add a hotspot").click()
    expect(page.get_by_role("heading", name="Add a hotspot")).to_be_visible()
    page.get_by_label("Name").fill("Harbour steps")
    page.get_by_label("Area").fill("South district")
    page.get_by_label("Typology").select_option(label="Street")
    page.get_by_label("Days and hours").fill("Every night from 22:00")
    page.get_by_label("Safety notes").fill(NOTES)
    check(page)
    page.get_by_role("button", name="Save").click()

    expect(page.get_by_role("heading", name="Harbour steps")).to_be_visible()
    expect(page.get_by_text("No size estimate yet").first).to_be_visible()
    check(page)

    # A size estimate, first without its source: the error shows beside the field.
    page.get_by_role("link", name="Add a size estimate").click()
    expect(page.get_by_role("heading", name="Size estimate for Harbour steps")).to_be_visible()
    page.get_by_label("Estimated number of sex workers").fill("60")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("This field is required.")).to_be_visible()
    expect(page.get_by_label("Estimated number of sex workers")).to_have_value("60")
    check(page)
    page.get_by_label("Source").fill("Mapping by peers")
    page.get_by_role("button", name="Save").click()

    today = f"{timezone.localdate():%Y-%m-%d}"
    expect(page.get_by_text("Size estimate added.")).to_be_visible()
    shown = formats.date_format(timezone.localdate())  # the page's one date format
    expect(page.get_by_text(f"Estimated number: 60 ({shown}, Mapping by peers)")).to_be_visible()

    page.get_by_role("link", name="Assign a worker").click()
    expect(page.get_by_role("heading", name="Assign a worker to Harbour steps")).to_be_visible()
    page.get_by_label("Outreach worker").select_option(label=worker.username)
    expect(page.get_by_label("Starts on")).to_have_value(today)
    check(page)
    page.get_by_role("button", name="Assign").click()

    expect(page.get_by_text("worker.harbour is assigned to Harbour steps.")).to_be_visible()
    expect(page.get_by_role("button", name="End today (worker.harbour)")).to_be_visible()
    check(page)
    hotspot = Hotspot.objects.get(name="Harbour steps")
    assert SizeEstimate.objects.get(hotspot=hotspot).number == 60
    assert Assignment.objects.filter(hotspot=hotspot, worker=worker).exists()

    page.get_by_text("Menu").click()
    page.get_by_role("link", name="Caseloads").click()
    expect(page.get_by_role("heading", name="Caseloads")).to_be_visible()
    low, high = CASELOAD_RANGE
    expect(page.get_by_text(f"0 active people: below the range of {low} to {high}")).to_be_visible()
    check(page)
    page.get_by_role("link", name="Harbour steps").click()
    expect(page.get_by_role("heading", name="Harbour steps")).to_be_visible()

    # The worker, on their own phone, finds it among their hotspots and reads the notes.
    phone = browser.new_context(viewport={"width": 360, "height": 740}).new_page()
    log_in(phone, live_server.url, worker)
    phone.get_by_text("Menu").click()
    phone.get_by_role("link", name="Hotspots").click()
    expect(phone.get_by_role("heading", name="Hotspots")).to_be_visible()
    expect(phone.get_by_text(NOTES)).to_have_count(0)
    check(phone)
    phone.get_by_role("link", name="Harbour steps").click()
    safety = phone.get_by_role("region", name="Safety notes")
    expect(safety.get_by_text(NOTES)).to_be_visible()
    expect(phone.get_by_role("link", name="Add a size estimate")).to_have_count(0)
    check(phone)
