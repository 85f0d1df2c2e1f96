"""A member votes on priorities on a phone: opens the vote from the menu, ticks two cards,
confirms, keeps the receipt, and after the count reads the results."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from members.models import User
from programmes import services
from programmes.models import Ballot, Need, Round
from tests.browser.axe import assert_accessible, assert_fits_the_screen
from tests.browser.login import current_code, log_in
from tests.programmes.round_helpers import give_voting_consent, make_round, make_voters, option_ids

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def check(page: Page) -> None:
    assert_fits_the_screen(page)
    assert_accessible(page)


def test_a_member_votes_and_later_reads_the_results(
    page: Page, live_server: Any, coordinator: User, member: User
) -> None:
    give_voting_consent(member)
    round_ = make_round(coordinator, options=4)
    others = make_voters(5)
    services.round_open(round=round_)
    ids = option_ids(round_)
    for n, voter in enumerate(others):
        services.ballot_cast(round=round_, member=voter, choices=[ids[n % 4]])

    need = Need.objects.create(title="Night bus passes", category="safety", author=others[0])

    log_in(page, live_server.url, member)
    # First, "me too" on a need another member raised.
    page.get_by_text("Menu").click()
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Needs").click()
    page.get_by_role("button", name="Me too : Night bus passes").click()
    assert need.supports.filter(member=member).exists()

    page.get_by_text("Menu").click()
    page.get_by_role("link", name="Vote on priorities").click()
    expect(page.get_by_role("heading", name="Vote on priorities", level=1)).to_be_visible()
    expect(page.get_by_text("You have not voted yet")).to_be_visible()
    page.get_by_role("link", name="Vote now").click()

    expect(page.get_by_role("heading", name="Spring priorities")).to_be_visible()
    expect(page.get_by_role("group", name="Choose up to 3")).to_be_visible()
    assert_fits_the_screen(page)
    assert_accessible(page)
    page.get_by_label("Legal aid clinic").check()
    page.get_by_label("Peer health checks").check()
    page.get_by_role("button", name="Next: check my choices").click()

    expect(page.get_by_role("heading", name="Check your choices")).to_be_visible()
    expect(page.get_by_text("You cannot change your vote after this.")).to_be_visible()
    expect(page.get_by_text("Legal aid clinic")).to_be_visible()
    expect(page.get_by_text("Safer night transport")).to_have_count(0)
    assert_fits_the_screen(page)
    assert_accessible(page)
    page.get_by_role("button", name="Yes, cast my vote").click()

    expect(page.get_by_role("heading", name="Thank you for voting")).to_be_visible()
    shown = page.locator(".receipt-code").inner_text().split()[-1]
    receipts = set(Ballot.objects.values_list("receipt", flat=True))
    assert len(receipts) == 6
    assert shown in receipts
    assert "choice" not in page.url
    assert_fits_the_screen(page)
    assert_accessible(page)

    services.round_close(round=round_)
    page.get_by_role("link", name="Back to the votes").click()
    page.get_by_role("link", name="See the results").click()
    expect(page.get_by_role("heading", name="Results: Spring priorities")).to_be_visible()
    expect(page.get_by_text("6 people voted, of 6 on the list of voters.")).to_be_visible()
    expect(page.get_by_text("3 people chose this")).to_be_visible()
    assert_fits_the_screen(page)
    assert_accessible(page)
    page.get_by_role("link", name="Check your receipt code").click()
    expect(page.get_by_text(shown, exact=True)).to_be_visible()
    assert_accessible(page)

    # And what became of each priority.
    page.get_by_text("Menu").click()
    page.get_by_role("link", name="You asked, we did").click()
    expect(page.get_by_role("heading", name="You asked, we did")).to_be_visible()
    expect(page.get_by_text("Legal aid clinic").first).to_be_visible()
    check(page)


def test_a_coordinator_prepares_and_opens_a_round(
    page: Page, live_server: Any, coordinator: User, member: User
) -> None:
    give_voting_consent(member)
    Need.objects.create(
        title="Night bus passes", category="safety", author=member, status="shortlisted"
    )
    log_in(page, live_server.url, coordinator)
    page.get_by_label("Code").fill(current_code(coordinator))
    page.get_by_role("button", name="Sign In").click()
    page.get_by_text("Menu").click()
    page.get_by_role("link", name="Manage priority rounds").click()
    expect(page.get_by_role("heading", name="Priority rounds")).to_be_visible()
    check(page)

    page.get_by_role("link", name="Prepare a new round").click()
    page.get_by_label("Title").fill("Summer priorities")
    page.get_by_label("Question for members").fill("What should we do first?")
    check(page)
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", name="Summer priorities")).to_be_visible()
    check(page)

    page.get_by_role("link", name="Add an option").click()
    page.get_by_label("From a shortlisted need").select_option(label="Night bus passes")
    page.get_by_label("Shield").check()
    check(page)
    page.get_by_role("button", name="Save").click()
    page.get_by_role("link", name="Add an option").click()
    page.get_by_label("Title").fill("Phone credit")
    page.get_by_label("In plain words").fill("Money on your phone to call for help.")
    page.get_by_label("Phone").check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Night bus passes", exact=True)).to_be_visible()
    expect(page.get_by_text("Phone credit", exact=True)).to_be_visible()

    page.get_by_role("button", name="Open the round now").click()
    expect(page.get_by_text("1 member is on its list of voters")).to_be_visible()
    check(page)
    assert Round.objects.get().status == Round.Status.OPEN

    # At a meeting: the member votes on paper, with help they chose.
    page.get_by_role("link", name="Take votes in person").click()
    expect(page.get_by_role("heading", name="Votes at a meeting")).to_be_visible()
    check(page)
    meeting = page.get_by_role("region", name="A member votes now")
    meeting.get_by_label("Member's username").fill(member.username)
    meeting.get_by_label("Someone helped them vote").check()
    meeting.get_by_label("2. Phone credit").check()
    meeting.get_by_role("button", name="Enter this vote").click()
    expect(page.get_by_text("Vote entered.")).to_be_visible()
    check(page)
    assert page.locator(".receipt-code").inner_text() == Ballot.objects.get().receipt
