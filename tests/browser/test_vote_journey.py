"""Secret ballots on a phone (360 px): a member votes and keeps their ballot tracker; a
coordinator prepares a round, names its tellers and opens it once they agree; a teller sees
their words once; after the close two tellers enter their words, the votes are counted, and a
voter finds their tracker on the published list."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import BrowserContext, Page, expect

from members.models import User
from programmes import ballot_crypto, services
from programmes.models import EncryptedBallot, Need, Round, Teller
from tests.browser.axe import assert_accessible, assert_fits_the_screen
from tests.browser.login import current_code, log_in
from tests.conftest import PASSWORD, make_user
from tests.programmes.round_helpers import (
    count,
    give_voting_consent,
    make_round,
    make_voters,
    name_tellers,
    option_ids,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"viewport": {"width": 360, "height": 740}}


def check(page: Page) -> None:
    assert_fits_the_screen(page)
    assert_accessible(page)


def cast_trackers() -> set[str]:
    """The trackers of the encrypted ballots cast so far (before the count destroys them)."""
    return {
        ballot_crypto.tracker(bytes(c))
        for c in EncryptedBallot.objects.values_list("ciphertext", flat=True)
    }


def phone_for(browser: Any, live_server: Any, user: User) -> tuple[BrowserContext, Page]:
    """A person's own phone: a browser context of their own, logged in."""
    context = browser.new_context(**PHONE)
    page = context.new_page()
    log_in(page, live_server.url, user)
    return context, page


def coordinator_logs_in(page: Page, live_server: Any, coordinator: User) -> None:
    log_in(page, live_server.url, coordinator)
    page.get_by_label("Code").fill(current_code(coordinator))
    page.get_by_role("button", name="Sign In").click()


def votes_page(page: Page) -> None:
    page.get_by_text("Menu").click()
    menu = page.get_by_role("navigation", name="Main")
    menu.get_by_role("link", name="Vote on priorities").click()
    expect(page.get_by_role("heading", name="Vote on priorities", level=1)).to_be_visible()


def vote(page: Page, *labels: str) -> str:
    """From the votes page: vote for `labels` and return the tracker shown."""
    page.get_by_role("link", name="Vote now").click()
    for label in labels:
        page.get_by_label(label).check()
    page.get_by_role("button", name="Next: check my choices").click()
    page.get_by_role("button", name="Yes, cast my vote").click()
    expect(page.get_by_role("heading", name="Thank you for voting")).to_be_visible()
    return page.locator(".receipt-code").inner_text().split()[-1]


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

    votes_page(page)
    expect(page.get_by_text("You have not voted yet")).to_be_visible()
    page.get_by_role("link", name="Vote now").click()

    expect(page.get_by_role("heading", name="Spring priorities")).to_be_visible()
    expect(page.get_by_role("group", name="Choose up to 3")).to_be_visible()
    check(page)
    page.get_by_label("Legal aid clinic").check()
    page.get_by_label("Peer health checks").check()
    page.get_by_role("button", name="Next: check my choices").click()

    expect(page.get_by_role("heading", name="Check your choices")).to_be_visible()
    expect(page.get_by_text("You cannot change your vote after this.")).to_be_visible()
    expect(page.get_by_text("Legal aid clinic")).to_be_visible()
    expect(page.get_by_text("Safer night transport")).to_have_count(0)
    check(page)
    page.get_by_role("button", name="Yes, cast my vote").click()

    expect(page.get_by_role("heading", name="Thank you for voting")).to_be_visible()
    shown = page.locator(".receipt-code").inner_text().split()[-1]
    trackers = cast_trackers()
    assert len(trackers) == 6
    assert shown in trackers
    assert "choice" not in page.url
    check(page)

    count(round_)  # closed, and two tellers enter their words
    page.get_by_role("link", name="Back to the votes").click()
    page.get_by_role("link", name="See the results").click()
    expect(page.get_by_role("heading", name="Results: Spring priorities")).to_be_visible()
    expect(page.get_by_text("6 people voted, of 6 on the list of voters.")).to_be_visible()
    expect(page.get_by_text("3 people chose this")).to_be_visible()
    check(page)
    page.get_by_role("link", name="Find your ballot tracker").click()
    expect(page.get_by_text(shown, exact=True)).to_be_visible()
    check(page)

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
    coordinator_logs_in(page, live_server, coordinator)
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

    # Without tellers the round cannot open; these two agree on their own logins (elsewhere).
    page.get_by_role("button", name="Open the round now").click()
    expect(page.get_by_text("Name at least 2 tellers first.")).to_be_visible()
    name_tellers(Round.objects.get(), [make_user("teller.one"), make_user("teller.two")])
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
    assert {page.locator(".receipt-code").inner_text()} == cast_trackers()


def test_tellers_agree_see_their_words_and_count_the_votes_with_two_of_three(
    page: Page,
    browser: Any,
    live_server: Any,
    coordinator: User,
    member: User,
    outreach_worker: User,
) -> None:
    """The whole journey of a secret ballot: a round with three tellers, two of whom count it;
    every new page fits a 360 px screen and passes axe."""
    give_voting_consent(member)
    third = make_user("teller.three", is_member=True)
    voters = make_voters(4)  # with `member`, 5 on the roll: the minimum for results
    round_ = make_round(coordinator, options=4, tellers=0)

    # The coordinator names three tellers, two of whom are needed to count.
    coordinator_logs_in(page, live_server, coordinator)
    page.goto(live_server.url + reverse("programmes:round_manage_detail", args=[round_.pk]))
    expect(page.get_by_text("No tellers yet. The round cannot open without them.")).to_be_visible()
    page.get_by_role("link", name="Name the tellers").click()
    expect(page.get_by_role("heading", name="Tellers of Spring priorities")).to_be_visible()
    check(page)
    names = [member.username, outreach_worker.username, third.username]
    page.get_by_label("Usernames of the tellers, one per line").fill("\n".join(names))
    page.get_by_label("How many of them must come to count the votes").fill("2")
    page.get_by_role("button", name="Name these tellers").click()
    expect(
        page.get_by_text("Tellers named. Each must now agree, on their own login.")
    ).to_be_visible()
    expect(page.get_by_text("has not agreed yet")).to_have_count(3)
    check(page)

    # Each teller agrees on their own phone, with their password.
    phones = {}
    for user in (member, outreach_worker, third):
        phones[user.username] = context, teller = phone_for(browser, live_server, user)
        votes_page(teller)
        teller.get_by_role("link", name="Agree to be a teller").click()
        expect(teller.get_by_role("heading", name="You are a teller")).to_be_visible()
        if user == member:
            check(teller)
        teller.get_by_label("Your password").fill(PASSWORD)
        teller.get_by_role("button", name="I agree to be a teller").click()
        expect(teller.get_by_text("Thank you: you are a teller of this round.")).to_be_visible()
        expect(teller.get_by_text("You have agreed.")).to_be_visible()
    assert not Teller.objects.filter(round=round_, accepted_at=None).exists()

    page.reload()
    expect(page.get_by_text("has agreed", exact=True)).to_have_count(3)
    page.get_by_role("button", name="Open the round now").click()
    expect(page.get_by_text("5 members are on its list of voters")).to_be_visible()
    expect(page.get_by_text("has not seen their words yet")).to_have_count(3)
    check(page)

    # One teller sees their words, once.
    _context, own = phones[member.username]
    votes_page(own)
    own.get_by_role("link", name="See your words").click()
    expect(own.get_by_text("Your words are ready.")).to_be_visible()
    check(own)
    own.get_by_label("Your password").fill(PASSWORD)
    own.get_by_role("button", name="Show my words").click()
    expect(own.get_by_role("heading", name="Your words")).to_be_visible()
    words = own.locator(".share-words").inner_text()
    assert len(words.split()) >= 10
    check(own)
    own.reload()  # shown once: never again
    expect(own.get_by_text("Your words were shown to you.")).to_be_visible()
    expect(own.locator(".share-words")).to_have_count(0)
    # The outreach worker sees theirs too (on their phone; the test reads them here).
    worker_teller = Teller.objects.select_related("user", "round").get(
        round=round_, user=outreach_worker
    )
    worker_words = services.teller_share_reveal(teller=worker_teller, password=PASSWORD)

    # Members vote and keep their tracker: the teller and another member on their phones...
    votes_page(own)
    shown = vote(own, "Legal aid clinic", "Peer health checks")
    check(own)
    voter_context, voter_page = phone_for(browser, live_server, voters[0])
    votes_page(voter_page)
    other_shown = vote(voter_page, "Legal aid clinic")
    voter_context.close()
    # ... and three more.
    ids = option_ids(round_)
    for n, voter in enumerate(voters[1:]):
        services.ballot_cast(round=round_, member=voter, choices=[ids[n], ids[0]])
    assert {shown, other_shown} <= cast_trackers()

    # The coordinator closes the round: nothing is counted until two tellers enter their words.
    page.reload()
    page.get_by_role("button", name="Close voting now").click()
    # It asks first: closing cannot be undone.
    expect(page.get_by_text("This cannot be undone")).to_be_visible()
    check(page)
    page.get_by_role("button", name="Yes, close voting now").click()
    expect(
        page.get_by_text("Voting is closed. The votes are counted when 2 tellers have entered")
    ).to_be_visible()
    expect(page.get_by_text("Tellers' words entered: 0 of 2.")).to_be_visible()
    check(page)

    # The first teller enters their words on their own login...
    votes_page(own)
    own.get_by_role("link", name="Enter your words for the count").click()
    expect(
        own.get_by_text("Voting is closed. Enter your words to count the votes.")
    ).to_be_visible()
    check(own)
    own.get_by_label("The teller's words").fill(words)
    own.get_by_role("button", name="Enter my words").click()
    expect(own.get_by_text("Thank you. The votes are counted when enough tellers")).to_be_visible()
    check(own)

    # ... the second on the coordinator's phone, at a meeting: the votes are counted.
    page.reload()
    expect(page.get_by_text("Tellers' words entered: 1 of 2.")).to_be_visible()
    page.get_by_label("The teller's words").fill(worker_words.lower())  # case does not matter
    page.get_by_role("button", name="Enter these words").click()
    expect(page.get_by_text("The votes are counted. The results are out.")).to_be_visible()
    round_.refresh_from_db()
    assert round_.status == Round.Status.COUNTED
    assert not EncryptedBallot.objects.exists()
    check(page)
    page.get_by_role("link", name="Results", exact=True).click()
    expect(page.get_by_role("heading", name="Results: Spring priorities")).to_be_visible()
    expect(page.get_by_text("5 people voted, of 5 on the list of voters.")).to_be_visible()
    expect(page.get_by_text("5 people chose this")).to_be_visible()  # Legal aid clinic
    check(page)

    # The voter finds their tracker on the published list, with the search box.
    votes_page(own)
    own.get_by_role("link", name="Find your ballot tracker").click()
    expect(own.get_by_role("heading", name="Ballot trackers")).to_be_visible()
    for code in (shown, other_shown):
        expect(own.locator(".receipt-list").get_by_text(code, exact=True)).to_be_visible()
    check(own)
    own.get_by_label("Your tracker").fill(shown.lower())
    own.get_by_role("button", name="Look for it").click()
    expect(own.get_by_text(f"{shown} is on the list: your vote was counted.")).to_be_visible()
    check(own)
    own.get_by_label("Your tracker").fill("AAAAA-AAAAA")
    own.get_by_role("button", name="Look for it").click()
    expect(own.get_by_text("AAAAA-AAAAA is not on the list.")).to_be_visible()

    # Once counted, a teller's words open nothing any more.
    _context, worker_phone = phones[outreach_worker.username]
    worker_phone.goto(live_server.url + reverse("programmes:round_teller", args=[round_.pk]))
    expect(worker_phone.get_by_text("The count is over.")).to_be_visible()
    check(worker_phone)
    for context, _teller in phones.values():
        context.close()
