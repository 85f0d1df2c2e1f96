"""An outreach worker refers a person from their page, on a phone, then marks it attended."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from members.models import Person, User
from outreach.models import Partner, Referral
from tests.browser.axe import assert_accessible, assert_fits_the_screen
from tests.browser.login import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_worker_refers_a_person_and_marks_it_attended(
    page: Page, live_server: Any, outreach_worker: User, person: Person, partner: Partner
) -> None:
    lawyers = Partner.objects.create(name="Test lawyers", kind="legal", services=["legal_aid"])
    log_in(page, live_server.url, outreach_worker)
    page.get_by_text("Menu").click()
    page.get_by_role("link", name="People", exact=True).click()
    page.get_by_role("link", name="Sunny").click()
    expect(page.get_by_role("heading", name="Referrals")).to_be_visible()
    expect(page.get_by_text("No referrals yet.")).to_be_visible()
    page.get_by_role("link", name="Refer", exact=True).click()

    expect(page.get_by_role("heading", name="Refer Sunny")).to_be_visible()
    assert_fits_the_screen(page)
    assert_accessible(page)
    # Narrow the partners to those offering the service, without JavaScript doing it.
    page.get_by_label("Service").select_option(label="Legal aid")
    page.get_by_role("button", name="Only partners offering this service").click()
    expect(page.get_by_label("Service")).to_have_value("legal_aid")
    expect(page.get_by_label("Partner").locator("option", has_text="Test clinic")).to_have_count(0)
    page.get_by_label("Partner").select_option(label=lawyers.name)
    page.get_by_role("button", name="Make the referral").click()

    expect(page.get_by_text("Referral made.")).to_be_visible()
    expect(page.get_by_role("heading", name="Referral of Sunny")).to_be_visible()
    assert_fits_the_screen(page)
    assert_accessible(page)
    page.get_by_role("button", name="Mark attended").click()

    expect(page.get_by_text("Marked as attended.")).to_be_visible()
    # Crispy marks a required field's label with an asterisk.
    page.get_by_role("textbox", name=re.compile(r"^Outcome\W*$")).fill(
        "Advice given, next visit booked"
    )
    assert_fits_the_screen(page)
    assert_accessible(page)
    page.get_by_role("button", name="Save the outcome").click()
    expect(page.get_by_text("Outcome saved.")).to_be_visible()
    referral = Referral.objects.get()
    assert (referral.partner, referral.service, referral.status) == (
        lawyers,
        "legal_aid",
        "completed",
    )

    page.get_by_role("link", name="Sunny").click()
    expect(page.get_by_role("link", name="Legal aid · Test lawyers")).to_be_visible()
    page.get_by_text("Menu").click()
    page.get_by_role("link", name="Referrals").click()
    page.get_by_role("link", name="All", exact=True).click()
    expect(page.get_by_role("link", name="Sunny · Legal aid")).to_be_visible()
    assert_fits_the_screen(page)
    assert_accessible(page)

    # The directory the worker chose from.
    page.get_by_text("Menu").click()
    page.get_by_role("link", name="Partners").click()
    page.get_by_label("Offering").select_option(label="Legal aid")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_role("heading", name="Test lawyers")).to_be_visible()
    expect(page.get_by_role("heading", name="Test clinic")).to_have_count(0)
    assert_fits_the_screen(page)
    assert_accessible(page)
