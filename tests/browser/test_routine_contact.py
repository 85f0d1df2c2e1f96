"""Issue 4, done-when 1: from My week, a routine contact for a due person takes at most six taps
and keystrokes on a 360 px phone, and shows up in the person's history."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from members.models import Person, User
from outreach.models import Contact
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_routine_contact_from_my_week_takes_at_most_six_taps(
    page: Page, live_server: Any, outreach_worker: User, person: Person
) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill(outreach_worker.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.goto(f"{live_server.url}/outreach/week/")
    expect(page.get_by_role("heading", name="My week", level=1)).to_be_visible()

    taps = 0
    due = page.get_by_role("region", name="People due a one-to-one contact")
    due.get_by_role("link", name="Sunny").click()
    taps += 1
    plus = page.get_by_role("button", name="More male condoms")
    for _ in range(3):
        plus.click()
        taps += 1
    page.get_by_role("button", name="Save contact").click()
    taps += 1

    assert taps <= 6
    # Saved, the form leads back to My week, where Sunny is no longer due.
    expect(page.get_by_role("heading", name="My week", level=1)).to_be_visible()
    expect(page.get_by_text("Contact saved.")).to_be_visible()
    expect(due.get_by_role("link", name="Sunny")).to_have_count(0)
    contact = Contact.objects.get(person=person)
    assert (contact.kind, contact.male_condoms, contact.worker) == (
        "one_to_one",
        3,
        outreach_worker,
    )
    page.goto(f"{live_server.url}/outreach/people/{person.pk}/")
    history = page.get_by_role("region", name="Contacts and risk")
    expect(history).to_contain_text("One-to-one")
