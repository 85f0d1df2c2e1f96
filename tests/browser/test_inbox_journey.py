"""An outreach worker sees the day's reminder in the inbox after the daily job and the dispatch
have run, on a phone: the bell's number, the neutral line, and "Done"."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from members.models import Person, Reminder, User
from members.reminder_planning import plan_all
from members.reminders import dispatch_due
from tests.browser.axe import assert_accessible, assert_fits_the_screen
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
    page.get_by_label("Sender name").fill("Aunt May")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_contain_text("saved")
    assert_fits_the_screen(page)
    assert_accessible(page)
