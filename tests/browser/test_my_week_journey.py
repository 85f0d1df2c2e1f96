"""An outreach worker plans the week on a phone: who is due first, a contact from the row, and
the "no contacts today" report."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from members.models import Hotspot, Person, User
from outreach.models import ZeroReport
from tests.browser.axe import assert_accessible, assert_fits_the_screen
from tests.conftest import PASSWORD, make_contact, make_person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def contact_form_exists() -> bool:
    try:
        reverse("outreach:contact_create")
    except NoReverseMatch:  # being built beside this page
        return False
    return True


def test_a_worker_sees_who_is_due_and_reports_a_day_without_contacts(
    page: Page, live_server: Any, outreach_worker: User, hotspot: Hotspot, person: Person
) -> None:
    # Sunny had a one-to-one 40 days ago; Dawn was never met: Dawn comes first.
    make_contact(person, outreach_worker, contacted_on=timezone.localdate() - timedelta(days=40))
    dawn = make_person(hotspot, "DAWN0101", nickname="Dawn")

    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill(outreach_worker.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_text("Menu").click()
    page.get_by_role("navigation", name="Main").get_by_role("link", name="My week").click()

    expect(page.get_by_role("heading", name="My week", level=1)).to_be_visible()
    due = page.get_by_role("region", name="People due a one-to-one contact").get_by_role("link")
    expect(due).to_have_count(2)
    expect(due.first).to_contain_text("Dawn")
    expect(due.first).to_contain_text("Never met one-to-one")
    expect(due.nth(1)).to_contain_text("10 days overdue")
    assert_fits_the_screen(page)
    assert_accessible(page)

    if contact_form_exists():
        due.first.click()
        # The link opens a new form at once: its address carries the key of a new form.
        target = f"{reverse('outreach:contact_create')}?person={dawn.pk}&key="
        page.wait_for_url(lambda url: target in url)
        page.go_back()
        expect(page.get_by_role("heading", name="My week", level=1)).to_be_visible()

    page.get_by_role("button", name="No contacts today").click()
    expect(page.get_by_role("status")).to_contain_text("Thank you")
    expect(
        page.get_by_text("Today is reported as a day without contacts.", exact=True)
    ).to_be_visible()
    expect(page.get_by_role("button", name="No contacts today")).to_have_count(0)
    assert_fits_the_screen(page)
    assert_accessible(page)
    assert ZeroReport.objects.get().worker == outreach_worker


def test_after_saving_a_contact_the_worker_is_back_on_my_week_with_the_next_person_on_top(
    page: Page, live_server: Any, outreach_worker: User, hotspot: Hotspot, person: Person
) -> None:
    make_contact(person, outreach_worker, contacted_on=timezone.localdate() - timedelta(days=40))
    make_person(hotspot, "DAWN0101", nickname="Dawn")
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(f"{live_server.url}/accounts/login/?next={reverse('outreach:my_week')}")
    page.get_by_label("Username").fill(outreach_worker.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    due = page.get_by_role("region", name="People due a one-to-one contact").get_by_role("link")
    expect(due.first).to_contain_text("Dawn")

    due.first.click()
    page.get_by_label("Male condoms", exact=True).fill("2")
    page.get_by_role("button", name="Save contact").click()

    expect(page.get_by_role("heading", name="My week", level=1)).to_be_visible()
    expect(page.get_by_text("Contact saved.")).to_be_visible()
    expect(due).to_have_count(1)
    expect(due.first).to_contain_text("Sunny")
    assert_fits_the_screen(page)
