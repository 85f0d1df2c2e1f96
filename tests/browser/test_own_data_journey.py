"""A member on a cheap phone opens their data, withdraws a consent and asks for erasure; the same
page works with JavaScript turned off."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from members.models import Consent, ErasureRequest, User
from tests.browser.axe import assert_accessible, assert_fits_the_screen
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in_and_open_my_data(page: Page, base_url: str, user: User) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_text("Menu", exact=True).click()
    page.get_by_role("link", name="My data").click()
    expect(page.get_by_role("heading", name="My data", level=1)).to_be_visible()


def test_a_member_withdraws_a_consent_and_asks_for_erasure(
    page: Page, live_server: Any, member: User
) -> None:
    own = member.person
    Consent.objects.create(person=own, purpose=Consent.Purpose.EMAIL_REMINDERS)

    log_in_and_open_my_data(page, live_server.url, member)
    expect(page.get_by_text("Moonbeam")).to_be_visible()
    assert_fits_the_screen(page)
    assert_accessible(page)

    page.get_by_role("button", name="Withdraw consent: Reminders by e-mail").click()
    expect(page.get_by_text("Your choice is saved.")).to_be_visible()
    expect(page.get_by_role("button", name="Give consent: Reminders by e-mail")).to_be_visible()
    assert own.consents.get().withdrawn_at is not None

    page.get_by_role("link", name="Ask to erase my data").click()
    expect(page.get_by_role("heading", name="What is wiped")).to_be_visible()
    assert_fits_the_screen(page)
    assert_accessible(page)
    assert not ErasureRequest.objects.exists()  # nothing is sent before the confirmation
    page.get_by_role("button", name="Yes, erase my data").click()

    expect(page.get_by_text("Your request is sent.")).to_be_visible()
    expect(page.get_by_text("You asked for erasure on")).to_be_visible()
    assert ErasureRequest.objects.filter(person=own, confirmed_at__isnull=True).count() == 1


def test_my_data_works_without_javascript(browser: Any, live_server: Any, member: User) -> None:
    context = browser.new_context(java_script_enabled=False, viewport={"width": 360, "height": 740})
    page = context.new_page()
    log_in_and_open_my_data(page, live_server.url, member)
    assert_fits_the_screen(page)

    page.get_by_role("button", name="Give consent: Reminders by SMS").click()
    expect(page.get_by_text("Your choice is saved.")).to_be_visible()
    assert member.person.consents.filter(purpose="sms_reminders", withdrawn_at=None).exists()

    with page.expect_download() as download:
        page.get_by_role("link", name="Download my data").click()
    assert download.value.suggested_filename == "my-data.json"

    page.get_by_role("link", name="Ask to erase my data").click()
    expect(page.get_by_role("heading", name="What is wiped")).to_be_visible()
    assert_fits_the_screen(page)
    page.get_by_role("link", name="No, go back").click()
    expect(page.get_by_role("heading", name="My data", level=1)).to_be_visible()
    assert not ErasureRequest.objects.exists()
    context.close()
