"""A bad-date alert from report to warning, each person on their own phone at 360 px: a member
reports it (the number and plate tucked under "More about him"), two moderators approve the same
words, and another member of that hotspot is told in the inbox, reads the alert and checks the
number before a meeting. Every page fits the screen and passes axe-core."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from members.models import Hotspot, User
from reminders.outbox import dispatch_due
from reminders.planning import plan_safety
from safety.models import Report
from tests.browser.axe import assert_accessible, assert_fits_the_screen
from tests.browser.login import log_in
from tests.conftest import make_person, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def phone(browser: Browser, live_server: Any, user: User) -> Page:
    page = browser.new_context(viewport={"width": 360, "height": 740}).new_page()
    log_in(page, live_server.url, user)
    return page


def open_menu_item(page: Page, name: str) -> None:
    page.get_by_text("Menu", exact=True).click()
    page.get_by_role("navigation", name="Main").get_by_role("link", name=name).click()


def check_page(page: Page) -> None:
    assert_fits_the_screen(page)
    assert_accessible(page)


def report_it(page: Page) -> None:
    open_menu_item(page, "Stay safe together")
    page.get_by_role("link", name="Report a bad date").click()
    page.get_by_label("Robbed").check()
    page.get_by_label("Threats or stalking").check()
    page.get_by_text("More about him: words, looks, car, phone").click()
    page.get_by_label("What did he look like?").fill("Tall, grey beard, red cap")
    page.get_by_label("All or part of the number plate").fill("kx 58")
    page.get_by_label("His phone number").fill("+44 7700 900372")
    page.get_by_label("Warn others: send it as an alert, without my name").check()
    check_page(page)
    page.get_by_role("button", name="Send the report").click()
    expect(page.get_by_text("Waiting for two moderators")).to_be_visible()
    check_page(page)


def approve(page: Page) -> None:
    open_menu_item(page, "Moderate reports")
    page.get_by_role("link", name="Robbed, Threats or stalking").click()
    expect(page.get_by_role("definition").filter(has_text="Tall, grey beard")).to_be_visible()
    check_page(page)
    page.get_by_role("button", name="Approve these words").click()


def test_a_report_circulates_after_two_approvals_and_warns_the_hotspot(
    browser: Browser, live_server: Any, member: User, hotspot: Hotspot
) -> None:
    moderators = [make_user(f"moderator.{n}", is_member=True, is_moderator=True) for n in (1, 2)]
    neighbour = make_user("member.near", is_member=True)
    make_person(hotspot, "NEAR0291", user=neighbour, is_member=True)

    report_it(phone(browser, live_server, member))
    for moderator in moderators:
        approve(phone(browser, live_server, moderator))
    assert Report.objects.get().status == Report.Status.CIRCULATING
    plan_safety(timezone.localdate())  # what beat does every minute
    dispatch_due()

    page = phone(browser, live_server, neighbour)
    page.get_by_role("link", name="Inbox").click()
    page.get_by_role("link", name="Take care: there is a new alert for your area.").click()
    expect(page.get_by_role("heading", name="Take care", level=1)).to_be_visible()
    expect(page.get_by_text("Tall, grey beard, red cap")).to_be_visible()
    expect(page.get_by_text("Moonbeam")).to_have_count(0)  # never who reported it
    check_page(page)
    open_menu_item(page, "Stay safe together")
    page.get_by_role("link", name="Check a number or plate").click()
    page.get_by_label("A phone number or a number plate").fill("+44 7700 900372")
    page.get_by_role("button", name="Check", exact=True).click()
    expect(page.get_by_text("Take care: 1 alert mentions it.")).to_be_visible()
    check_page(page)
