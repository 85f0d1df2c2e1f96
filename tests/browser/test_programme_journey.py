"""A coordinator makes a programme from a voted priority; a member finds it on a phone, offers
to help, follows it, and reads "You asked, we did"."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from members.models import User
from programmes.models import Follow, Option, Programme, Result, Round, SignUp, Stage
from tests.browser.axe import assert_accessible, assert_fits_the_screen
from tests.browser.login import current_code, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def counted_round(creator: User) -> Option:
    now = timezone.now()
    round_ = Round.objects.create(
        title="Spring vote",
        question="What matters most?",
        opens_at=now - timedelta(days=10),
        closes_at=now - timedelta(days=3),
        status=Round.Status.COUNTED,
        created_by=creator,
    )
    legal = Option.objects.create(
        round=round_,
        title="Legal advice",
        plain_text="A lawyer who helps us, for free.",
        pictogram="scales",
        position=0,
    )
    housing = Option.objects.create(
        round=round_, title="Safe housing", pictogram="house", position=1
    )
    Result.objects.create(
        round=round_,
        approvals={str(legal.pk): 9, str(housing.pk): 4},
        selected=[legal.pk],
        ballots_counted=12,
        voters=12,
    )
    return legal


def test_a_programme_from_a_priority_to_a_member_who_helps(
    page: Page,
    browser: Any,
    live_server: Any,
    coordinator: User,
    outreach_worker: User,
    member: User,
) -> None:
    legal = counted_round(coordinator)

    # The coordinator starts a programme from the priority members chose.
    log_in(page, live_server.url, coordinator)
    page.get_by_label("Code").fill(current_code(coordinator))
    page.get_by_role("button", name="Sign In").click()
    page.get_by_text("Menu").click()
    page.get_by_role("link", name="You asked, we did").click()
    expect(page.get_by_role("heading", name="You asked, we did")).to_be_visible()
    page.get_by_role("link", name="Start a programme for “Legal advice”").click()

    expect(page.get_by_role("heading", name="New programme")).to_be_visible()
    expect(page.get_by_label("Title")).to_have_value("Legal advice")
    page.get_by_label("Title").fill("")  # forgotten: the page says so and keeps the rest
    page.get_by_label("Responsible peer staff").select_option(label=outreach_worker.username)
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("This field is required.")).to_be_visible()
    expect(page.get_by_label("Goal")).to_have_value("A lawyer who helps us, for free.")
    assert_fits_the_screen(page)
    assert_accessible(page)
    page.get_by_label("Title").fill("Legal advice nights")
    page.get_by_role("button", name="Save").click()

    expect(page.get_by_role("heading", name="Legal advice nights")).to_be_visible()
    programme = Programme.objects.get()
    assert programme.priority == legal
    assert programme.stages.count() == 4

    # The community's part in the assessment.
    page.get_by_role("link", name="Change Assessment").click()
    expect(page.get_by_role("heading", name="Stage: Assessment")).to_be_visible()
    page.get_by_label("Starts on").fill("2026-03-01")
    page.get_by_label("Ends on").fill("2026-03-31")
    page.get_by_label("Community meetings held").fill("2")
    page.get_by_label("Members who attended").fill("14")
    page.get_by_label(member.username).check()
    assert_fits_the_screen(page)
    assert_accessible(page)
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("14 members came")).to_be_visible()
    assessment = programme.stages.get(kind=Stage.Kind.ASSESSMENT)
    assert list(assessment.committee.all()) == [member]
    assert_fits_the_screen(page)
    assert_accessible(page)

    # A member, on a cheap phone, finds it from the menu.
    phone = browser.new_context(viewport={"width": 360, "height": 740}).new_page()
    log_in(phone, live_server.url, member)
    phone.get_by_text("Menu").click()
    phone.get_by_role("link", name="Programmes").click()
    expect(phone.get_by_role("heading", name="Programmes")).to_be_visible()
    assert_fits_the_screen(phone)
    assert_accessible(phone)
    phone.get_by_role("link", name="Legal advice nights").click()

    expect(phone.get_by_role("heading", name="Legal advice nights")).to_be_visible()
    expect(phone.get_by_text("1 member helps plan it")).to_be_visible()
    expect(phone.get_by_text(member.username, exact=True)).to_have_count(0)
    phone.get_by_role("button", name="I'll help").click()
    expect(phone.get_by_text("You said you will help. Thank you!")).to_be_visible()
    phone.get_by_role("button", name="Follow updates").click()
    expect(phone.get_by_role("button", name="Stop following")).to_be_visible()
    assert SignUp.objects.filter(programme=programme, member=member).exists()
    assert Follow.objects.filter(programme=programme, member=member).exists()
    assert_fits_the_screen(phone)
    assert_accessible(phone)

    phone.get_by_text("Menu").click()
    phone.get_by_role("link", name="You asked, we did").click()
    expect(phone.get_by_role("heading", name="You asked, we did")).to_be_visible()
    legal_card = phone.get_by_role("listitem").filter(
        has=phone.get_by_role("heading", name="Legal advice")
    )
    expect(legal_card.get_by_role("link", name="Legal advice nights")).to_be_visible()
    expect(legal_card.get_by_text("We are planning it")).to_be_visible()
    expect(phone.get_by_text("Not chosen this time.")).to_be_visible()
    expect(phone.get_by_role("link", name="Start a programme for “Legal advice”")).to_have_count(0)
    assert_fits_the_screen(phone)
    assert_accessible(phone)
