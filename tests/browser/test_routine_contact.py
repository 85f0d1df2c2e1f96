"""Issue 17: from My week, a routine contact takes at most four taps on a 360 x 740 phone, with
no typing and no scroll: every tap lands on something already on the screen. The one-tap saves
give the suggested amount or the same as last time, and the contact shows in the history."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect

from members.models import Person, User
from outreach.models import Contact
from tests.conftest import PASSWORD, make_contact

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TAPS_AT_MOST = 4


class Thumb:
    """Taps only what is on the screen, and counts."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.taps = 0

    def tap(self, target: Locator) -> None:
        # Playwright would scroll to a target below the fold: here that fails instead.
        expect(target).to_be_in_viewport(ratio=1)
        assert self.page.evaluate("window.scrollY") == 0, "the page was scrolled"
        target.click()
        self.taps += 1


def due_on_my_week(page: Page, base: str, worker: User) -> Locator:
    """Logged in on a 360 x 740 phone, the list of people due on My week."""
    page.set_viewport_size({"width": 360, "height": 740})
    log_in_to_my_week(page, base, worker)
    return page.get_by_role("region", name="People due a one-to-one contact")


def log_in_to_my_week(page: Page, base: str, worker: User) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Username").fill(worker.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.goto(f"{base}/outreach/week/")
    expect(page.get_by_role("heading", name="My week", level=1)).to_be_visible()


@pytest.fixture
def met_before(person: Person, outreach_worker: User) -> Contact:
    """Sunny, last met 40 days ago (so due again): said 20 condoms a month, was given 10 male
    condoms and 5 sachets of lubricant."""
    return make_contact(
        person,
        outreach_worker,
        contacted_on=timezone.localdate() - timedelta(days=40),
        stated_monthly_need=20,
        male_condoms=10,
        lubricant=5,
    )


def test_a_routine_contact_from_my_week_takes_at_most_four_taps_and_no_scroll(
    page: Page, live_server: Any, outreach_worker: User, person: Person, met_before: Contact
) -> None:
    due = due_on_my_week(page, live_server.url, outreach_worker)
    thumb = Thumb(page)
    thumb.tap(due.get_by_role("link", name="Sunny"))
    expect(page.get_by_role("heading", name="Log a contact", level=1)).to_be_visible()
    thumb.tap(page.get_by_role("button", name="Give the suggested 20 male condoms and save"))

    assert thumb.taps <= TAPS_AT_MOST
    # Saved, the form leads back to My week, where Sunny is no longer due.
    expect(page.get_by_role("heading", name="My week", level=1)).to_be_visible()
    expect(page.get_by_text("Contact saved.")).to_be_visible()
    expect(due.get_by_role("link", name="Sunny")).to_have_count(0)
    contact = Contact.objects.exclude(pk=met_before.pk).get(person=person)
    assert (contact.kind, contact.contacted_on, contact.worker) == (
        "one_to_one",
        timezone.localdate(),
        outreach_worker,
    )
    assert (contact.male_condoms, contact.lubricant, contact.stated_monthly_need) == (20, 0, 20)
    page.goto(f"{live_server.url}/outreach/people/{person.pk}/")
    history = page.get_by_role("region", name="Contacts and risk")
    expect(history).to_contain_text("20 male condoms")


def test_same_as_last_time_gives_what_was_given_last_time(
    page: Page, live_server: Any, outreach_worker: User, person: Person, met_before: Contact
) -> None:
    due = due_on_my_week(page, live_server.url, outreach_worker)
    thumb = Thumb(page)
    thumb.tap(due.get_by_role("link", name="Sunny"))
    same = page.get_by_role("button", name="Give the same as last time and save")
    expect(same).to_contain_text("10 male condoms, 5 lubricant sachets")
    thumb.tap(same)
    expect(page.get_by_text("Contact saved.")).to_be_visible()
    contact = Contact.objects.exclude(pk=met_before.pk).get(person=person)
    assert (contact.male_condoms, contact.lubricant, contact.female_condoms) == (10, 5, 0)


def test_the_details_still_take_any_answers(
    page: Page, live_server: Any, outreach_worker: User, person: Person, met_before: Contact
) -> None:
    """The folded sections open, and the full form saves what was chosen."""
    due = due_on_my_week(page, live_server.url, outreach_worker)
    due.get_by_role("link", name="Sunny").click()
    page.get_by_role("radio", name="Phone").check()
    page.get_by_role("button", name="More female condoms").click()
    page.get_by_text("Topics and needs they raised").click()
    page.get_by_label("Needs they raised").fill("Night bus pass")
    page.get_by_role("button", name="Save contact").click()
    expect(page.get_by_text("Contact saved.")).to_be_visible()
    contact = Contact.objects.exclude(pk=met_before.pk).get(person=person)
    assert (contact.kind, contact.female_condoms, contact.needs_raised) == (
        "phone",
        1,
        "Night bus pass",
    )


def test_a_one_tap_save_works_without_javascript(
    browser: Any, live_server: Any, outreach_worker: User, person: Person, met_before: Contact
) -> None:
    context = browser.new_context(viewport={"width": 360, "height": 740}, java_script_enabled=False)
    page = context.new_page()
    log_in_to_my_week(page, live_server.url, outreach_worker)
    due = page.get_by_role("region", name="People due a one-to-one contact")
    due.get_by_role("link", name="Sunny").click()
    page.get_by_role("button", name="Give the suggested 20 male condoms and save").click()
    expect(page.get_by_role("heading", name="My week", level=1)).to_be_visible()
    contact = Contact.objects.exclude(pk=met_before.pk).get(person=person)
    assert contact.male_condoms == 20
    context.close()
