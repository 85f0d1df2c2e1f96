"""Every form that creates something, sent, then Back and sent again as a person on a phone would:
one record, and the page says it was already saved (members.resend). A double tap is the same
send twice; a new start (the link again) saves a second record."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from members.models import Employment, Invitation, Person, User
from monitoring.models import Complaint, Feedback
from outreach.models import Contact, GroupActivity, Partner, Referral
from programmes.models import Comment, Need, Programme, Round, Support, Update
from tests.browser.axe import assert_accessible, assert_fits_the_screen
from tests.browser.login import current_code
from tests.browser.test_programme_journey import counted_round
from tests.conftest import PASSWORD, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

Fill = Callable[[Page], None]


@dataclass(frozen=True)
class Case:
    """One creating form: who uses it, where it is, what to type, how to count what it made."""

    persona: str
    path: Callable[[dict[str, Any]], str]
    fill: Fill
    button: str
    count: Callable[[dict[str, Any]], int]
    world: Callable[[dict[str, Any]], dict[str, Any]] = field(default=lambda w: w)
    # What the page says when the form is sent again after Back, if not "already saved": a
    # button that became "Take back my support" (nothing to send), or typed text the browser
    # does not refill (autocomplete="off" on every text field: a shared phone keeps nothing)
    # asked for again.
    after_back: str | None = None
    resend_after_back: bool = True


def _need(world: dict[str, Any]) -> dict[str, Any]:
    author = make_user("member.author", is_member=True)
    return {
        **world,
        "need": Need.objects.create(author=author, title="Rest room", category="safety"),
    }


def _programme(world: dict[str, Any]) -> dict[str, Any]:
    programme = Programme.objects.create(
        title="Legal nights", goal="A lawyer, for free.", lead=world["user"]
    )
    return {**world, "programme": programme}


def _activity(world: dict[str, Any]) -> dict[str, Any]:
    activity = GroupActivity.objects.create(
        kind="support_group",
        title="Thursday group",
        held_on=timezone.localdate(),
        hotspot=world["hotspot"],
        facilitator=world["user"],
    )
    return {**world, "activity": activity}


def _select_first(label: str) -> Fill:
    def fill(page: Page) -> None:
        page.get_by_label(label).select_option(index=1)

    return fill


CASES: dict[str, Case] = {
    "contact": Case(
        persona="outreach_worker",
        path=lambda w: f"/outreach/contacts/new/?person={w['person'].pk}",
        fill=lambda p: p.get_by_label("Male condoms", exact=True).fill("5"),
        button="Save contact",
        count=lambda w: Contact.objects.count(),
    ),
    "referral": Case(
        persona="outreach_worker",
        path=lambda w: f"/outreach/people/{w['person'].pk}/refer/",
        fill=lambda p: (
            p.get_by_label("Service").select_option("hiv_test"),
            p.get_by_label("Partner").select_option(label="Test clinic"),
        ),
        button="Make the referral",
        count=lambda w: Referral.objects.count(),
    ),
    "need": Case(
        persona="member",
        path=lambda w: "/community/needs/new/",
        fill=lambda p: (
            p.get_by_label("What is needed? A few words").fill("Free lubricant"),
            p.get_by_label("What is it about?").select_option("health"),
        ),
        button="Add the need",
        after_back="This field is required.",
        count=lambda w: Need.objects.count(),
    ),
    "comment": Case(
        persona="member",
        world=_need,
        path=lambda w: f"/community/needs/{w['need'].pk}/",
        fill=lambda p: p.get_by_label("Your comment").fill("Not safe after midnight"),
        button="Add my comment",
        after_back="This field is required.",
        count=lambda w: Comment.objects.count(),
    ),
    "support": Case(
        persona="member",
        world=_need,
        path=lambda w: f"/community/needs/{w['need'].pk}/",
        fill=lambda p: None,
        button="Me too",
        count=lambda w: Support.objects.count(),
        after_back="Take back my support",
        resend_after_back=False,
    ),
    "group activity": Case(
        persona="outreach_worker",
        path=lambda w: "/outreach/activities/add/",
        fill=lambda p: (
            p.get_by_label("Kind").select_option("support_group"),
            p.get_by_label("Title").fill("Thursday group"),
            p.get_by_label("Date").fill(f"{timezone.localdate():%Y-%m-%d}"),
        ),
        button="Save",
        count=lambda w: GroupActivity.objects.count(),
        after_back="This field is required.",
    ),
    "attendance": Case(
        persona="outreach_worker",
        world=_activity,
        path=lambda w: f"/outreach/activities/{w['activity'].pk}/",
        fill=lambda p: None,
        button="Add Sunny",
        count=lambda w: w["activity"].attendance.count(),
        after_back="Remove Sunny",
        resend_after_back=False,
    ),
    "feedback": Case(
        persona="member",
        path=lambda w: "/monitoring/feedback/",
        fill=lambda p: (
            p.get_by_role("group", name="What is it about?")
            .get_by_text("The drop-in centre")
            .click(),
            p.get_by_role("group", name="Were you treated with respect?")
            .get_by_text("Good")
            .click(),
        ),
        button="Send",
        count=lambda w: Feedback.objects.count(),
    ),
    "complaint": Case(
        persona="member",
        path=lambda w: "/monitoring/complaints/new/",
        fill=lambda p: (
            p.get_by_role("group", name="What is it about?")
            .get_by_text("The drop-in centre")
            .click(),
            p.get_by_label("What happened?").fill("Kept waiting two hours"),
        ),
        button="Send the complaint",
        after_back="This field is required.",
        count=lambda w: Complaint.objects.count(),
    ),
    "registration": Case(
        persona="outreach_worker",
        path=lambda w: "/members/people/register/",
        fill=lambda p: (
            p.get_by_label("mother's first name").fill("ro"),
            p.get_by_label("father's first name").fill("JU"),
            p.get_by_label("Your place among").fill("3"),
            p.get_by_label("year of birth").fill("2001"),
            p.get_by_label("Nickname").fill("Starling"),
        ),
        button="Register",
        count=lambda w: Person.objects.filter(nickname="Starling").count(),
        after_back="This field is required.",
    ),
    "invitation": Case(
        persona="outreach_worker",
        path=lambda w: f"/outreach/people/{w['person'].pk}/",
        fill=lambda p: None,
        button="Create an invitation code",
        # Every code made, used or not: a second would void the first, already handed over.
        count=lambda w: Invitation.objects.count(),
        # Back leads to the person's page; tapping the button there is a new, deliberate code.
        after_back="Create an invitation code",
        resend_after_back=False,
    ),
    "staff record": Case(
        persona="coordinator",
        path=lambda w: "/members/staff/add/",
        fill=lambda p: (
            p.get_by_label("Staff member (their login)").select_option(label="worker.test"),
            p.get_by_label("Role").select_option(label="Outreach worker"),
            p.get_by_label("Paid post").uncheck(),
            p.get_by_label("Started on").fill(f"{timezone.localdate():%Y-%m-%d}"),
        ),
        button="Save",
        count=lambda w: Employment.objects.count(),
        world=lambda w: {**w, "worker": make_user("worker.test", is_outreach_worker=True)},
    ),
    "round": Case(
        persona="coordinator",
        path=lambda w: "/community/rounds/manage/new/",
        fill=lambda p: (
            p.get_by_label("Title").fill("Summer priorities"),
            p.get_by_label("Question for members").fill("What should we do first?"),
        ),
        button="Save",
        count=lambda w: Round.objects.count(),
        after_back="This field is required.",
    ),
    "programme": Case(
        persona="coordinator",
        world=lambda w: {**w, "priority": counted_round(w["user"])},
        path=lambda w: f"/community/programmes/new/?priority={w['priority'].pk}",
        fill=lambda p: None,
        button="Save",
        count=lambda w: Programme.objects.count(),
    ),
    "news": Case(
        persona="coordinator",
        world=_programme,
        path=lambda w: f"/community/programmes/{w['programme'].pk}/news/add/",
        fill=lambda p: p.get_by_label("News for members").fill("The first night is Friday."),
        button="Post",
        after_back="This field is required.",
        count=lambda w: Update.objects.count(),
    ),
}


def log_in(page: Page, base: str, user: User) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    if user.is_coordinator:
        page.get_by_label("Code").fill(current_code(user))
        page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_text("Menu", exact=True)).to_be_visible()


@pytest.mark.parametrize("name", list(CASES))
def test_a_form_sent_again_saves_once(
    name: str,
    page: Page,
    live_server: Any,
    request: Any,
    hotspot: Any,
    person: Person,
    partner: Partner,
    figure: Callable[[str, str, Any], None],
) -> None:
    case = CASES[name]
    user = request.getfixturevalue(case.persona)
    world = case.world({"hotspot": hotspot, "person": person, "partner": partner, "user": user})
    log_in(page, live_server.url, user)
    page.goto(f"{live_server.url}{case.path(world)}")
    case.fill(page)
    with page.expect_request(lambda r: r.method == "POST") as sent:
        page.get_by_role("button", name=case.button).first.click()
    page.wait_for_load_state()
    expect(page.get_by_text("This was already saved.")).to_have_count(0)
    assert case.count(world) == 1

    # A network retry, or the second of a double tap: the very same request again.
    post = sent.value
    again = page.request.post(
        post.url,
        data=post.post_data,
        headers={"Content-Type": post.headers["content-type"], "Referer": post.url},
    )
    assert again.ok
    assert "This was already saved." in again.text()
    assert case.count(world) == 1

    # Back to the form, which the browser refills, and send it again.
    page.go_back()
    if case.resend_after_back:
        expect(page.get_by_text("This form was already sent and saved.")).to_be_visible()
        page.get_by_role("button", name=case.button).first.click()
    expect(page.get_by_text(case.after_back or "This was already saved.").first).to_be_visible()
    figure("CC-3", "forms sent three times", len(CASES))
    figure("CC-3", f"records made by three sends: {name}", case.count(world))
    assert case.count(world) == 1


def test_a_second_contact_minutes_later_is_saved_and_a_changed_resend_can_be_undone(
    page: Page, live_server: Any, outreach_worker: User, person: Person
) -> None:
    """The review's case: Log a contact and save; within minutes Log a contact again, Phone,
    3 female condoms, save: both are kept. Then Back, change the answer and send that form
    again: the server cannot tell a correction from a new contact, so it keeps it and offers
    an Undo."""
    log_in(page, live_server.url, outreach_worker)
    page.goto(f"{live_server.url}/outreach/people/{person.pk}/")
    page.get_by_role("link", name="Log a contact").click()
    page.get_by_role("button", name="Save contact").click()
    expect(page.get_by_text("Contact saved.")).to_be_visible()

    page.get_by_role("link", name="Log a contact").click()
    page.get_by_text("Phone", exact=True).click()
    page.get_by_label("Female condoms", exact=True).fill("3")
    page.get_by_role("button", name="Save contact").click()
    expect(page.get_by_text("Contact saved.")).to_be_visible()
    assert sorted(Contact.objects.values_list("kind", "female_condoms")) == [
        ("one_to_one", 0),
        ("phone", 3),
    ]
    assert_fits_the_screen(page)
    assert_accessible(page)

    page.go_back()
    expect(page.get_by_text("This form was already sent and saved.")).to_be_visible()
    page.get_by_label("Female condoms", exact=True).fill("4")
    page.get_by_role("button", name="Save contact").click()
    expect(page.get_by_text("Saved as a new contact.")).to_be_visible()
    assert Contact.objects.count() == 3
    assert_accessible(page)
    page.get_by_role("button", name="Undo: delete what was just saved").click()
    expect(page.get_by_text("Undone: that contact is deleted.")).to_be_visible()
    assert sorted(Contact.objects.values_list("kind", "female_condoms")) == [
        ("one_to_one", 0),
        ("phone", 3),
    ]
