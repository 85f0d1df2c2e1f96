"""An outreach worker hands a person an invitation code; on their own phone the person creates
their login with it."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import cache
from playwright.sync_api import Page, expect

from members import services
from members.models import Person, User
from tests.browser.axe import assert_accessible, assert_fits_the_screen
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CODE = re.compile(r"^[2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{2}$")


@pytest.fixture(autouse=True)
def _forget_wrong_codes() -> Iterator[None]:
    """The count of wrong codes is in the cache, which these committed tests would leave full."""
    yield
    cache.clear()


def test_a_person_creates_their_login_with_the_code_a_worker_gave_them(
    page: Page, browser: Any, live_server: Any, outreach_worker: User, person: Person
) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill(outreach_worker.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name=f"Hello, {outreach_worker.username}")).to_be_visible()

    page.goto(f"{live_server.url}/outreach/people/{person.pk}/")
    page.get_by_role("button", name="Create an invitation code").click()
    expect(page.get_by_role("heading", name="Invitation code for Sunny")).to_be_visible()
    expect(page.get_by_text("This code is shown only once.")).to_be_visible()
    expect(page.get_by_role("img", name="QR code of the invitation code")).to_be_visible()
    code = page.get_by_text(CODE).inner_text()
    assert code not in page.url
    assert_fits_the_screen(page)
    assert_accessible(page)

    # The person's own phone: nobody is logged in there.
    phone = browser.new_context(viewport={"width": 360, "height": 740})
    their_page = phone.new_page()
    their_page.goto(f"{live_server.url}/accounts/login/")
    their_page.get_by_role("link", name="Have an invitation code?").click()
    expect(their_page.get_by_role("heading", name="Create your login")).to_be_visible()
    assert_fits_the_screen(their_page)
    assert_accessible(their_page)

    their_page.get_by_label("Invitation code").fill(code.lower().replace("-", " "))
    their_page.get_by_label("Choose a username").fill("sunny.new")
    their_page.get_by_label("Choose a password").fill("violet-harbour-lantern")
    their_page.get_by_label("The same password again").fill("violet-harbour-lantern")
    their_page.get_by_role("button", name="Create my login").click()

    expect(their_page.get_by_role("heading", name="Hello, sunny.new")).to_be_visible()
    assert their_page.url == f"{live_server.url}/"
    assert_fits_the_screen(their_page)
    assert_accessible(their_page)
    phone.close()

    person.refresh_from_db()
    assert person.user is not None and person.user.username == "sunny.new"


def test_a_used_code_is_refused_on_the_join_page_without_scripts(
    browser: Any, live_server: Any, outreach_worker: User, person: Person
) -> None:
    _invitation, code = services.invitation_create(actor=outreach_worker, person=person)
    services.invitation_redeem(code=code, username="sunny.new", password="violet-harbour-lantern")

    context = browser.new_context(java_script_enabled=False, viewport={"width": 360, "height": 740})
    page = context.new_page()
    page.goto(f"{live_server.url}/members/join/")
    page.get_by_label("Invitation code").fill(code)
    page.get_by_label("Choose a username").fill("sunny.again")
    page.get_by_label("Choose a password").fill("another-long-passphrase")
    page.get_by_label("The same password again").fill("another-long-passphrase")
    page.get_by_role("button", name="Create my login").click()

    expect(page.get_by_text("This code does not work.")).to_be_visible()
    expect(page.get_by_label("Choose a username")).to_have_value("sunny.again")
    expect(page.get_by_label("Choose a password")).to_have_value("")
    assert_fits_the_screen(page)
    context.close()
