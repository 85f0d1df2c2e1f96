"""A coordinator, on a phone, opens the reports from the menu, chooses a half-year, reads the
KP_PREV preview and downloads the file for DHIS2."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from demo.year import report_mappings
from members.models import Hotspot, User
from monitoring.kp_prev import half_year, last_half_years
from tests.browser.axe import assert_accessible, assert_fits_the_screen
from tests.browser.login import current_code, log_in
from tests.conftest import make_contact, make_person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_coordinator_reads_kp_prev_and_downloads_it(
    page: Page, live_server: Any, coordinator: User, outreach_worker: User, hotspot: Hotspot
) -> None:
    report_mappings()
    older = last_half_years(timezone.localdate(), 2)[1]
    for n, gender in enumerate(["woman", "woman", "man"]):
        person = make_person(hotspot, f"KPKP{n:04d}", gender_identity=gender)
        make_contact(person, outreach_worker, contacted_on=older.first + timedelta(days=n))
    page.set_viewport_size({"width": 360, "height": 740})
    log_in(page, live_server.url, coordinator)
    page.get_by_label("Code").fill(current_code(coordinator))
    page.get_by_role("button", name="Sign In").click()
    page.get_by_text("Menu", exact=True).click()
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Reports").click()
    expect(page.get_by_role("heading", name="Reports", level=1)).to_be_visible()
    # The last half-year: nobody.
    expect(page.get_by_text("0 people reached", exact=True)).to_be_visible()
    assert_fits_the_screen(page)
    assert_accessible(page)

    page.get_by_label("Half-year").select_option(older.first.isoformat())
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_text("3 people reached", exact=True)).to_be_visible()
    table = page.get_by_role("region", name="KP_PREV by type and testing")
    expect(table.get_by_role("heading", name="Female sex workers: 2")).to_be_visible()
    expect(table.get_by_role("heading", name="Men who have sex with men: 1")).to_be_visible()
    assert_fits_the_screen(page)
    assert_accessible(page)

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Data values (DHIS2 JSON)").first.click()
    body = json.loads(Path(download_info.value.path()).read_text(encoding="utf-8"))
    assert body["period"].startswith(str(older.first.year))
    assert sum(int(v["value"]) for v in body["dataValues"]) == 3
    assert half_year(older.first) == older
