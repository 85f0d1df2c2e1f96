"""An outreach worker logs a contact on a phone, from the person's page, with the + buttons; the
same form sent again after going back still makes one contact."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from members.models import Person, User
from outreach import rules
from outreach.models import Contact, RiskFactor, ViolenceIncident
from tests.browser.axe import assert_accessible, assert_fits_the_screen
from tests.browser.login import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_worker_logs_a_contact_from_the_persons_page(
    page: Page, live_server: Any, outreach_worker: User, person: Person
) -> None:
    log_in(page, live_server.url, outreach_worker)
    page.goto(f"{live_server.url}/outreach/people/{person.pk}/")
    page.get_by_role("link", name="Log a contact").click()

    expect(page.get_by_role("heading", name="Log a contact", level=1)).to_be_visible()
    expect(page.get_by_text("Sunny")).to_be_visible()
    assert_fits_the_screen(page)
    assert_accessible(page)

    # The suggestion follows what is typed (the script), and + adds one at a time. The need
    # and the topics are folded: rarely changed.
    page.locator("summary", has_text="Condoms they need").click()
    page.get_by_label("Clients a week").fill("5")
    expect(page.locator("[data-suggested-number]")).to_have_text("20")
    more = page.get_by_role("button", name="More male condoms")
    for _ in range(3):
        more.click()
    page.get_by_role("button", name="Fewer male condoms").click()
    expect(page.get_by_label("Male condoms", exact=True)).to_have_value("2")
    page.get_by_role("button", name="More lubricant sachets").click()
    page.locator("summary", has_text="Topics and needs they raised").click()
    page.get_by_label("PrEP").check()
    assert_fits_the_screen(page)
    page.get_by_role("button", name="Save contact").click()

    expect(page.get_by_role("heading", name="Sunny", level=1)).to_be_visible()
    expect(page.get_by_text("Contact saved.")).to_be_visible()
    history = page.get_by_role("region", name="Contacts and risk")
    expect(history.get_by_text("2 male condoms · 1 lubricant sachet")).to_be_visible()
    assert_fits_the_screen(page)
    assert_accessible(page)
    contact = Contact.objects.get()
    assert (contact.male_condoms, contact.female_condoms, contact.lubricant) == (2, 0, 1)
    assert contact.weekly_acts == 5
    assert contact.topics == ["prep"]

    # Back to the form, and the same form sent again: still one contact.
    page.go_back()
    expect(page.get_by_role("heading", name="Log a contact", level=1)).to_be_visible()
    expect(page.get_by_text("This form was already sent and saved.")).to_be_visible()
    page.get_by_role("button", name="Save contact").click()
    expect(page.get_by_text("This was already saved.")).to_be_visible()
    assert Contact.objects.count() == 1


def test_the_suggestion_script_takes_the_weeks_in_a_month_from_the_page(
    page: Page,
    live_server: Any,
    outreach_worker: User,
    person: Person,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The script has no number of its own: with the rule at 5 weeks, 5 clients a week are 25.
    monkeypatch.setattr(rules, "WEEKS_PER_MONTH", 5)
    log_in(page, live_server.url, outreach_worker)
    page.goto(f"{live_server.url}/outreach/contacts/new/?person={person.pk}")
    page.locator("summary", has_text="Condoms they need").click()
    page.get_by_label("Clients a week").fill("5")
    expect(page.locator("[data-suggested-number]")).to_have_text("25")


def test_the_form_works_without_javascript(
    browser: Any, live_server: Any, outreach_worker: User, person: Person
) -> None:
    context = browser.new_context(viewport={"width": 360, "height": 740}, java_script_enabled=False)
    page = context.new_page()
    log_in(page, live_server.url, outreach_worker)
    page.goto(f"{live_server.url}/outreach/contacts/new/?person={person.pk}")
    expect(page.get_by_role("button", name="More male condoms")).to_have_count(0)
    page.get_by_label("Male condoms", exact=True).fill("4")
    page.get_by_label("Female condoms").fill("1")
    page.get_by_role("button", name="Save contact").click()
    # Opened from no page of theirs, the form leads back to My week.
    expect(page.get_by_role("heading", name="My week", level=1)).to_be_visible()
    contact = Contact.objects.get()
    assert (contact.male_condoms, contact.female_condoms) == (4, 1)
    assert_fits_the_screen(page)
    context.close()


def test_a_worker_records_violence_and_assesses_risk(
    page: Page, live_server: Any, outreach_worker: User, person: Person
) -> None:
    for n in range(1, 6):
        RiskFactor.objects.get_or_create(name=f"Journey factor {n}", defaults={"position": n})
    log_in(page, live_server.url, outreach_worker)
    page.goto(f"{live_server.url}/outreach/people/{person.pk}/")
    page.get_by_role("link", name="Log a contact").click()
    page.get_by_label("They reported violence").check()
    page.get_by_role("button", name="Save contact").click()

    expect(page.get_by_role("heading", name="Follow-up after violence", level=1)).to_be_visible()
    assert_fits_the_screen(page)
    assert_accessible(page)
    page.get_by_label("By police or officials").check()
    page.get_by_label("Notes").fill("Wants legal aid")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", name="Sunny", level=1)).to_be_visible()
    page.get_by_role("link", name="Follow up on").click()
    expect(page.get_by_text("Wants legal aid")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Mark as followed up").click()
    expect(page.get_by_text("Marked as followed up.")).to_be_visible()
    assert ViolenceIncident.objects.get().followed_up_at is not None

    page.goto(f"{live_server.url}/outreach/people/{person.pk}/")
    page.get_by_role("link", name="Assess risk").click()
    for n in range(1, 5):
        page.get_by_label(f"Journey factor {n}").check()
    assert_fits_the_screen(page)
    assert_accessible(page)
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("They are a priority")).to_be_visible()


def test_register_them_keeps_the_code_just_typed(
    page: Page, live_server: Any, outreach_worker: User, person: Person
) -> None:
    log_in(page, live_server.url, outreach_worker)
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(f"{live_server.url}/outreach/contacts/new/")
    boxes = page.locator("input[name^=code_]")
    for n, value in enumerate(["ZZ", "YY", "9", "1980"]):
        boxes.nth(n).fill(value)
    page.get_by_role("button", name="Save contact").click()
    expect(page.get_by_text("None of your people has this code.")).to_be_visible()

    page.get_by_role("button", name="Register them").click()
    expect(page.get_by_text("No one has this code yet.")).to_be_visible()
    assert [page.locator("input[name^=code_]").nth(n).input_value() for n in range(4)] == [
        "ZZ",
        "YY",
        "9",
        "1980",
    ]
    assert "1980" not in page.url
    assert not Contact.objects.exists()
    assert_fits_the_screen(page)
    assert_accessible(page)


def test_a_mistake_is_said_at_the_top_and_its_link_leads_to_the_field(
    page: Page, live_server: Any, outreach_worker: User, person: Person
) -> None:
    log_in(page, live_server.url, outreach_worker)
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(f"{live_server.url}/outreach/contacts/new/?person={person.pk}")
    page.get_by_label("Male condoms", exact=True).fill("-3")
    page.get_by_role("button", name="Save contact").click()

    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("There is a problem")
    box = summary.bounding_box()
    assert box is not None and box["y"] < 740  # on the first screen, not 1,200 px below
    summary.get_by_role("link", name="Male condoms").click()
    expect(page.get_by_label("Male condoms", exact=True)).to_be_focused()
    assert not Contact.objects.exists()
    assert_fits_the_screen(page)
    assert_accessible(page)
