"""A new coordinator must set up two-factor authentication before seeing anyone's data."""

from __future__ import annotations

import time
from typing import Any

import pytest
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from playwright.sync_api import Page, expect

from members.models import User
from tests.browser.axe import assert_accessible, assert_fits_the_screen
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def current_code(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def test_a_new_coordinator_sets_up_an_authenticator_then_reaches_the_logins(
    page: Page, live_server: Any, coordinator_without_mfa: User
) -> None:
    page.goto(f"{live_server.url}/members/logins/")
    page.get_by_label("Username").fill(coordinator_without_mfa.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()

    # Sent to set-up, not to the page asked for; allauth first asks for the password again.
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("heading", name="Activate Authenticator App")).to_be_visible()
    assert_fits_the_screen(page)
    assert_accessible(page)

    page.get_by_label("Authenticator code").fill("000000")
    page.get_by_role("button", name="Activate").click()
    expect(page.get_by_text("Incorrect code")).to_be_visible()  # explained beside the field

    secret = page.get_by_label("Authenticator secret").input_value()
    page.get_by_label("Authenticator code").fill(current_code(secret))
    page.get_by_role("button", name="Activate").click()

    page.goto(f"{live_server.url}/members/logins/")
    expect(page.get_by_role("heading", name="Logins and sessions")).to_be_visible()
    assert_accessible(page)
