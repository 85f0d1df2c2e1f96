"""A member, on a phone, tells us how a partner service was in a few taps, then reads how the
programme is doing."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from members.models import User
from monitoring.models import Feedback
from monitoring.services_feedback import feedback_codes_create
from outreach.models import Partner
from tests.browser.axe import assert_accessible, assert_fits_the_screen
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_member_gives_feedback_and_reads_the_results(
    page: Page, live_server: Any, member: User, partner: Partner
) -> None:
    page.goto(f"{live_server.url}/")
    page.get_by_label("Username").fill(member.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()

    page.get_by_text("Menu").click()
    page.get_by_role("link", name="Tell us how a service was").click()
    expect(page.get_by_role("heading", name="Tell us how a service was")).to_be_visible()
    assert_fits_the_screen(page)
    assert_accessible(page)

    page.get_by_role("group", name="What is it about?").get_by_text(
        "A service we sent you to"
    ).click()
    page.get_by_label("Which service?").select_option(label="Test clinic")
    page.get_by_role("group", name="Were you treated with respect?").get_by_text("Good").click()
    page.get_by_role("group", name="Was what you said kept private?").get_by_text("Okay").click()
    # Waiting time left unanswered: "prefer not to say".
    page.get_by_role("group", name="Would you tell a friend to go?").get_by_text("Yes").click()
    page.get_by_role("button", name="Send").click()

    expect(page.get_by_role("heading", name="Thank you")).to_be_visible()
    assert_fits_the_screen(page)
    assert_accessible(page)
    feedback = Feedback.objects.get()
    assert (feedback.respect, feedback.confidentiality, feedback.waiting_time) == (3, 2, None)
    assert feedback.would_recommend is True

    page.get_by_text("Menu").click()
    page.get_by_role("navigation", name="Main").get_by_role(
        "link", name="How our programme is doing"
    ).click()
    expect(page.get_by_role("heading", name="How our programme is doing")).to_be_visible()
    expect(page.get_by_role("article", name="Test clinic")).to_contain_text(
        "Not enough answers yet."
    )
    assert_fits_the_screen(page)
    assert_accessible(page)


def test_someone_without_a_login_gives_feedback_with_a_printed_code(
    page: Page, live_server: Any, outreach_worker: User
) -> None:
    (code,) = feedback_codes_create(actor=outreach_worker, count=1)
    page.goto(f"{live_server.url}/monitoring/feedback/code/")
    expect(page.get_by_role("heading", name="Give feedback with a code")).to_be_visible()
    assert_fits_the_screen(page)
    assert_accessible(page)
    page.get_by_label("Feedback code").fill(code.lower())
    page.get_by_role("button", name="Next").click()

    expect(page.get_by_role("heading", name="Tell us how a service was")).to_be_visible()
    page.get_by_role("group", name="What is it about?").get_by_text("The drop-in centre").click()
    page.get_by_role("group", name="How was the waiting time?").get_by_text("Bad").click()
    page.get_by_role("button", name="Send").click()

    expect(page.get_by_role("heading", name="Thank you")).to_be_visible()
    assert_accessible(page)
    feedback = Feedback.objects.get()
    assert not hasattr(feedback, "person")  # never linked to anyone
    assert feedback.waiting_time == 1
