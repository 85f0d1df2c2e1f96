"""A member on a cheap phone opens Needs from the menu, adds a need, says "Me too" to another
member's need and comments on it; supporting works with JavaScript turned off too."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from members.models import User
from programmes.models import Comment, Need, Support
from tests.browser.axe import assert_accessible, assert_fits_the_screen
from tests.conftest import PASSWORD, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OTHER_NEED = "Safe place to rest between shifts"


def log_in_and_open_needs(page: Page, base_url: str, user: User) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_text("Menu", exact=True).click()
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Needs").click()
    expect(page.get_by_role("heading", name="Needs", level=1)).to_be_visible()


def row(page: Page) -> Any:
    """The other member's need in the list, as a screen reader would find it."""
    return page.get_by_role("listitem").filter(has_text=OTHER_NEED)


@pytest.fixture
def other_need(db: None) -> Need:
    author = make_user("member.other", is_member=True)
    return Need.objects.create(author=author, title=OTHER_NEED, category="safety")


def test_a_member_adds_a_need_supports_another_and_comments(
    page: Page, live_server: Any, member: User, other_need: Need
) -> None:
    log_in_and_open_needs(page, live_server.url, member)
    expect(page.get_by_role("link", name=OTHER_NEED)).to_be_visible()
    expect(page.get_by_text("member.other")).to_have_count(0)  # raised anonymously
    assert_fits_the_screen(page)
    assert_accessible(page)

    page.get_by_role("link", name="Add a need").click()
    expect(page.get_by_role("heading", name="Add a need", level=1)).to_be_visible()
    expect(page.get_by_label("Hide my name")).to_be_checked()
    assert_fits_the_screen(page)
    assert_accessible(page)
    page.get_by_role("button", name="Add the need").click()  # nothing typed yet
    expect(page.get_by_text("This field is required.").first).to_be_visible()
    page.get_by_label("What is needed? A few words").fill("Free lubricant at the drop-in")
    page.get_by_label("What is it about?").select_option("health")
    page.get_by_role("button", name="Add the need").click()
    expect(page.get_by_role("heading", name="Free lubricant at the drop-in")).to_be_visible()
    expect(page.get_by_text("Thank you. The need is on the list.")).to_be_visible()
    assert_fits_the_screen(page)
    assert_accessible(page)
    mine = Need.objects.get(title="Free lubricant at the drop-in")
    assert (mine.author, mine.is_anonymous, mine.category) == (member, True, "health")

    page.get_by_role("link", name="All needs").click()
    row(page).get_by_role("button", name="Me too").click()
    expect(page.get_by_text("Thank you. You support this need.")).to_be_visible()
    expect(row(page).get_by_role("button", name="Take back my support")).to_be_visible()
    assert Support.objects.filter(need=other_need, member=member).exists()

    page.get_by_role("link", name=OTHER_NEED).click()
    expect(page.get_by_role("heading", name=OTHER_NEED, level=1)).to_be_visible()
    expect(page.get_by_text("You support this")).to_be_visible()
    page.get_by_label("Your comment").fill("The park is not safe after midnight")
    page.get_by_role("button", name="Add my comment").click()
    expect(page.get_by_text("The park is not safe after midnight")).to_be_visible()
    assert_fits_the_screen(page)
    assert_accessible(page)
    assert Comment.objects.get(need=other_need).author == member


def test_me_too_works_without_javascript(
    browser: Any, live_server: Any, member: User, other_need: Need
) -> None:
    context = browser.new_context(java_script_enabled=False, viewport={"width": 360, "height": 740})
    page = context.new_page()
    log_in_and_open_needs(page, live_server.url, member)
    row(page).get_by_role("button", name="Me too").click()
    expect(page.get_by_text("You support this", exact=True)).to_be_visible()
    assert_fits_the_screen(page)
    assert Support.objects.filter(need=other_need, member=member).exists()


def test_a_worker_writes_a_need_down_at_a_meeting_in_a_members_name(
    page: Page, live_server: Any, outreach_worker: User, member: User, other_need: Need
) -> None:
    log_in_and_open_needs(page, live_server.url, outreach_worker)
    page.get_by_role("link", name="Add a need").click()
    expect(page.get_by_role("heading", name="Add a need", level=1)).to_be_visible()
    expect(page.get_by_label("Someone's, written down at a meeting")).to_be_checked()
    assert_fits_the_screen(page)
    assert_accessible(page)

    page.get_by_label("The member it comes from").select_option(label="Moonbeam (member.test)")
    page.get_by_label("What is needed? A few words").fill("Evening hours at the clinic")
    page.get_by_label("What is it about?").select_option("health")
    page.get_by_role("button", name="Add the need").click()  # their agreement not ticked yet
    expect(page.get_by_text("Tick this only if they agreed.")).to_be_visible()
    expect(page.get_by_label("What is needed? A few words")).to_have_value(
        "Evening hours at the clinic"
    )
    assert_fits_the_screen(page)
    assert_accessible(page)

    page.get_by_label("They agreed that I write this down in their name").check()
    page.get_by_role("button", name="Add the need").click()
    expect(page.get_by_role("heading", name="Evening hours at the clinic")).to_be_visible()
    # Their name is hidden from other members, as the box was left ticked.
    expect(page.get_by_text("Raised by a member, written down at a meeting")).to_be_visible()
    assert_fits_the_screen(page)
    assert_accessible(page)
    need = Need.objects.get(title="Evening hours at the clinic")
    assert (need.author, need.entered_by, need.is_anonymous) == (member, outreach_worker, True)

    page.get_by_role("link", name="All needs").click()
    page.get_by_role("link", name="Add a need").click()
    page.get_by_label("What is needed? A few words").fill("Condoms at the bus station")
    page.get_by_label("What is it about?").select_option("health")
    page.get_by_role("button", name="Add the need").click()  # nobody named
    expect(page.get_by_text("Written down at a meeting", exact=True)).to_be_visible()
    expect(page.get_by_text("Raised by")).to_have_count(0)
    assert_accessible(page)
