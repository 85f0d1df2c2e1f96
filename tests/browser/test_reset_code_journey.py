"""A member without e-mail forgot their password: an outreach worker hands them a reset code from
their record, and on their own phone they choose a new password with it. A coordinator hands
one out from Logins and sessions."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import cache
from playwright.sync_api import Page, expect

from members import services
from members.models import User
from tests.browser.axe import assert_accessible, assert_fits_the_screen
from tests.browser.login import current_code, log_in
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CODE = re.compile(r"^[2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{2}$")
NEW_PASSWORD = "amber-willow-compass"


@pytest.fixture(autouse=True)
def _forget_tries() -> Iterator[None]:
    """The rate limits are in the cache, which these committed tests would leave full."""
    yield
    cache.clear()


def test_a_worker_hands_a_member_a_reset_code_and_the_member_sets_a_new_password(
    page: Page, browser: Any, live_server: Any, outreach_worker: User, member: User
) -> None:
    # The member's old phone, still logged in somewhere.
    old_phone = browser.new_context(viewport={"width": 360, "height": 740})
    old_page = old_phone.new_page()
    log_in(old_page, live_server.url, member)
    expect(old_page.get_by_role("heading", name="Hello, member.test")).to_be_visible()

    log_in(page, live_server.url, outreach_worker)
    expect(page.get_by_role("heading", name=f"Hello, {outreach_worker.username}")).to_be_visible()
    page.goto(f"{live_server.url}/outreach/people/{member.person.pk}/")
    page.get_by_role("button", name="Create a password reset code").click()
    expect(page.get_by_role("heading", name="Password reset code for member.test")).to_be_visible()
    expect(page.get_by_text("This code is shown only once.")).to_be_visible()
    expect(page.get_by_role("img", name="QR code of the reset code")).to_be_visible()
    code = page.get_by_text(CODE).inner_text()
    assert code not in page.url
    assert_fits_the_screen(page)
    assert_accessible(page)

    # The member's own phone: nobody is logged in there.
    phone = browser.new_context(viewport={"width": 360, "height": 740})
    their_page = phone.new_page()
    their_page.goto(f"{live_server.url}/accounts/login/")
    their_page.get_by_role("link", name="type a reset code").click()
    expect(their_page.get_by_role("heading", name="Choose a new password")).to_be_visible()
    assert_fits_the_screen(their_page)
    assert_accessible(their_page)

    their_page.get_by_label("Reset code").fill(code.lower().replace("-", " "))
    their_page.get_by_label("Choose a password").fill(NEW_PASSWORD)
    their_page.get_by_label("The same password again").fill(NEW_PASSWORD)
    their_page.get_by_role("button", name="Set my new password").click()

    expect(their_page.get_by_text("Log in with your username, member.test.")).to_be_visible()
    expect(their_page.get_by_role("heading", name="Log in")).to_be_visible()
    assert code.replace("-", "") not in their_page.url.upper()
    their_page.get_by_label("Username").fill("member.test")
    their_page.get_by_label("Password").fill(NEW_PASSWORD)
    their_page.get_by_role("button", name="Log in").click()
    expect(their_page.get_by_role("heading", name="Hello, member.test")).to_be_visible()
    phone.close()

    # Whoever holds the old phone is signed out at their next tap.
    old_page.reload()
    expect(old_page.get_by_role("heading", name="Log in")).to_be_visible()
    old_phone.close()


def test_a_coordinator_hands_out_a_code_from_logins_and_sessions(
    page: Page, live_server: Any, coordinator: User, outreach_worker: User
) -> None:
    page.set_viewport_size({"width": 1280, "height": 800})  # a coordinator's laptop
    log_in(page, live_server.url, coordinator)
    page.get_by_label("Code").fill(current_code(coordinator))
    page.get_by_role("button", name="Sign In").click()
    page.get_by_text("Menu").click()
    page.get_by_role("link", name="Logins and sessions").click()
    page.get_by_role(
        "button", name=f"Create a password reset code for {outreach_worker.username}"
    ).click()
    expect(
        page.get_by_role("heading", name=f"Password reset code for {outreach_worker.username}")
    ).to_be_visible()
    assert CODE.match(page.get_by_text(CODE).inner_text())
    assert_accessible(page)
    page.get_by_role("link", name="Back to logins and sessions").click()
    expect(page.get_by_role("heading", name="Logins and sessions")).to_be_visible()


def test_a_wrong_code_is_refused_without_scripts(
    browser: Any, live_server: Any, outreach_worker: User, member: User
) -> None:
    _reset, code = services.password_reset_code_create(actor=outreach_worker, login=member)
    services.password_reset_code_redeem(code=code, password=NEW_PASSWORD)

    context = browser.new_context(java_script_enabled=False, viewport={"width": 360, "height": 740})
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/password/reset/")
    page.get_by_role("link", name="type the reset code here").click()
    page.get_by_label("Reset code").fill(code)
    page.get_by_label("Choose a password").fill("another-long-passphrase")
    page.get_by_label("The same password again").fill("another-long-passphrase")
    page.get_by_role("button", name="Set my new password").click()

    expect(page.get_by_text("This code does not work.")).to_be_visible()
    expect(page.get_by_label("Reset code")).to_have_value(code)
    expect(page.get_by_label("Choose a password")).to_have_value("")
    assert_fits_the_screen(page)
    context.close()
    member.refresh_from_db()
    assert not member.check_password(PASSWORD)
