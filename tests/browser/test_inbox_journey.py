"""An outreach worker sees the day's reminder in the inbox after the daily job and the dispatch
have run, on a phone: the bell's number, the neutral line, and "Done". A member chooses e-mail
and gives the address, which is kept on their record."""

from __future__ import annotations

import re
from datetime import time
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from members.models import NotificationPreference, Person, Reminder, User
from reminders.outbox import dispatch_due
from reminders.planning import plan_all
from tests.browser.axe import assert_accessible, assert_fits_the_screen
from tests.browser.login import log_in
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_worker_sees_the_daily_list_in_the_inbox_and_marks_it_done(
    page: Page, live_server: Any, outreach_worker: User, person: Person
) -> None:
    # Sunny was never met one-to-one: due today. The daily job plans, the dispatcher delivers.
    made = plan_all(timezone.localdate())
    assert made["plan_daily_list"] == 1
    assert dispatch_due() >= 1
    reminder = Reminder.objects.get(user=outreach_worker, kind=Reminder.Kind.DAILY_LIST)
    assert reminder.status == Reminder.Status.SENT
    waiting = Reminder.objects.filter(
        user=outreach_worker, status=Reminder.Status.SENT, done_at__isnull=True
    ).count()

    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill(outreach_worker.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()

    bell = page.get_by_role("link", name="Inbox")
    expect(bell).to_contain_text(f"{waiting} waiting")
    bell.click()
    expect(page.get_by_role("heading", name="Inbox", level=1)).to_be_visible()
    line = page.get_by_role("link", name="Your list for today is ready")
    expect(line).to_be_visible()
    assert_fits_the_screen(page)
    assert_accessible(page)

    page.get_by_role("button", name=re.compile(r"^Done\W+Your list for today")).click()
    expect(page.get_by_role("status")).to_contain_text("Marked as done.")
    expect(page.get_by_role("link", name="Your list for today is ready")).to_have_count(0)
    if waiting == 1:
        expect(page.get_by_role("link", name="Inbox")).not_to_contain_text("waiting")
    assert_fits_the_screen(page)
    assert_accessible(page)
    reminder.refresh_from_db()
    assert reminder.done_at is not None

    page.get_by_role("link", name="How and when I get reminders").click()
    expect(
        page.get_by_role("heading", name="How and when I get reminders", level=1)
    ).to_be_visible()
    # No record of their own to keep an address on: reminders stay in the inbox.
    expect(page.get_by_text("Your reminders come to this inbox only.")).to_be_visible()
    expect(page.get_by_label("Also by e-mail")).to_have_count(0)
    page.get_by_label("No reminders from").fill("22:00")
    page.get_by_label("Until").fill("07:00")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_contain_text("saved")
    assert_fits_the_screen(page)
    assert_accessible(page)
    preference = NotificationPreference.objects.get(user=outreach_worker)
    assert (preference.quiet_from, preference.quiet_until) == (time(22), time(7))


def test_a_member_chooses_e_mail_and_gives_the_address_kept_encrypted(
    page: Page, live_server: Any, member: User
) -> None:
    log_in(page, live_server.url, member)
    page.goto(f"{live_server.url}{reverse('reminders:notification_preferences')}")
    page.get_by_label("Also by e-mail").check()
    page.get_by_label("Sender name").fill("Aunt May")
    page.get_by_role("button", name="Save").click()
    # The error is beside the field and read with it; what was typed stays.
    address = page.get_by_label("E-mail address for reminders")
    expect(address).to_have_attribute("aria-invalid", "true")
    expect(address).to_have_accessible_description(
        re.compile("Give the address to send reminders to, or untick e-mail.")
    )
    expect(page.get_by_label("Sender name")).to_have_value("Aunt May")
    assert_fits_the_screen(page)
    assert_accessible(page)

    address.fill("moonbeam.reminders@example.test")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_contain_text("saved")
    expect(page.get_by_label("E-mail address for reminders")).to_have_value(
        "moonbeam.reminders@example.test"
    )
    assert_accessible(page)
    person = Person.objects.get(user=member)
    assert person.email == "moonbeam.reminders@example.test"
    assert person.consents.filter(purpose="email_reminders", withdrawn_at=None).count() == 1
