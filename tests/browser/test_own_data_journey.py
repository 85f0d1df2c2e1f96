"""A member on a cheap phone opens their data, sees their contacts, referrals and needs,
withdraws a consent and asks for erasure; the same page works with JavaScript turned off. A
coordinator, who has no record, opens My data and sees their login, roles, sessions and what
they did that is logged."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from members.models import AccessLog, Consent, ErasureRequest, Person, User
from members.services import access_log_write
from outreach.models import Partner, Referral
from programmes.models import Need
from tests.browser.axe import assert_accessible, assert_fits_the_screen
from tests.browser.login import current_code
from tests.conftest import PASSWORD, make_contact

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in_and_open_my_data(page: Page, base_url: str, user: User, *, totp: bool = False) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    if totp:
        page.get_by_label("Code").fill(current_code(user))
        page.get_by_role("button", name="Sign In").click()
    page.get_by_text("Menu", exact=True).click()
    page.get_by_role("link", name="My data").click()
    expect(page.get_by_role("heading", name="My data", level=1)).to_be_visible()


def test_a_member_withdraws_a_consent_and_asks_for_erasure(
    page: Page, live_server: Any, member: User, outreach_worker: User
) -> None:
    own = member.person
    Consent.objects.create(person=own, purpose=Consent.Purpose.EMAIL_REMINDERS)
    make_contact(own, outreach_worker, needs_raised="A safer place to sleep", male_condoms=12)
    Referral.objects.create(
        person=own,
        partner=Partner.objects.create(name="Harbour clinic", kind="health"),
        service="prep",
        made_by=outreach_worker,
        due_on=timezone.localdate(),
    )
    Need.objects.create(author=member, title="Night shelter by the river", category="housing")

    log_in_and_open_my_data(page, live_server.url, member)
    expect(page.get_by_text("Moonbeam")).to_be_visible()
    contacts = page.get_by_role("region", name="Your contacts with outreach workers")
    expect(contacts.get_by_text("A safer place to sleep")).to_be_visible()
    referrals = page.get_by_role("region", name="Referrals to other services")
    expect(referrals.get_by_text("Harbour clinic")).to_be_visible()
    needs = page.get_by_role("region", name="Needs you raised")
    expect(needs.get_by_text("Night shelter by the river")).to_be_visible()
    assert_fits_the_screen(page)
    assert_accessible(page)

    page.get_by_role("button", name="Withdraw consent: Reminders by e-mail").click()
    expect(page.get_by_text("Your choice is saved.")).to_be_visible()
    expect(page.get_by_role("button", name="Give consent: Reminders by e-mail")).to_be_visible()
    assert own.consents.get().withdrawn_at is not None

    page.get_by_role("link", name="Ask to erase my data").click()
    expect(page.get_by_role("heading", name="What is wiped")).to_be_visible()
    # What happens to each kind of record they have, from the same registry as the page.
    expect(
        page.get_by_text("Kept as anonymous counts; what you said you needed is wiped.")
    ).to_be_visible()
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


def test_a_coordinator_without_a_record_sees_their_login_and_what_they_did(
    page: Page, live_server: Any, coordinator: User, person: Person
) -> None:
    access_log_write(actor=coordinator, person=person, action=AccessLog.Action.VIEW)

    log_in_and_open_my_data(page, live_server.url, coordinator, totp=True)
    login = page.get_by_role("region", name="Your login")
    expect(login.get_by_text(coordinator.username)).to_be_visible()
    expect(login.get_by_text("Coordinator", exact=True)).to_be_visible()
    sessions = page.get_by_role("region", name="Where you are signed in")
    expect(sessions.get_by_text("Chrome")).to_be_visible()  # this phone's browser
    done = page.get_by_role("region", name="What you did that is logged")
    expect(done.get_by_text(f"record #{person.pk}")).to_be_visible()
    expect(done.get_by_text("Viewed")).to_be_visible()
    # No record of their own: nothing to consent to or erase here.
    expect(page.get_by_role("link", name="Ask to erase my data")).to_have_count(0)
    assert_fits_the_screen(page)
    assert_accessible(page)

    with page.expect_download() as download:
        page.get_by_role("link", name="Download my data").click()
    assert download.value.suggested_filename == "my-data.json"
