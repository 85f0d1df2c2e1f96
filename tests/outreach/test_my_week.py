"""My week: who is due, referrals to follow up, who has not been seen, today's contacts; the date
boundaries, need to know, and a query count that does not grow with the caseload."""

from __future__ import annotations

import secrets
from datetime import date, timedelta
from typing import Any
from uuid import uuid4

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from members.models import Hotspot, OutsideAccess, Person, User
from outreach import selectors_week as selectors
from outreach.models import Contact, Partner, Referral, RiskAssessment, TracingAttempt
from outreach.rules import NOT_SEEN_DAYS, ONE_TO_ONE_DAYS, PRIORITY_DAYS
from outreach.views.week import CONTACTS_SHOWN, DUE_PAGE_SIZE, NOT_SEEN_SHOWN, REFERRALS_SHOWN
from tests.conftest import make_contact, make_person

pytestmark = pytest.mark.django_db

TODAY = date(2025, 6, 15)
URL = "/outreach/week/"


def days_ago(n: int) -> date:
    return TODAY - timedelta(days=n)


def assess(person: Person, worker: User, *, priority: bool, on: date = TODAY) -> RiskAssessment:
    return RiskAssessment.objects.create(
        person=person,
        assessed_by=worker,
        assessed_on=on,
        reassess_on=on + timedelta(days=90),
        is_priority=priority,
    )


def due_names(worker: User, today: date = TODAY) -> list[str]:
    return [row.person.label for row in selectors.people_due(worker, today)]


def not_seen_names(worker: User, today: date = TODAY) -> list[str]:
    return [person.label for person in selectors.people_not_seen(worker, today)]


def refer(person: Person, worker: User, partner: Partner, due_on: date, **fields: Any) -> Referral:
    made_on = min(due_on, TODAY) - timedelta(days=14)
    return Referral.objects.create(
        person=person,
        partner=partner,
        service="hiv_test",
        made_by=worker,
        made_on=made_on,
        due_on=due_on,
        **fields,
    )


# --- People due: the frequency rule and its boundaries ---------------------------------------


def test_someone_never_contacted_is_due(outreach_worker: User, person: Person) -> None:
    [row] = selectors.people_due(outreach_worker, TODAY)
    assert row.person == person
    assert row.days_overdue is None and row.last_one_to_one is None


def test_a_one_to_one_exactly_a_month_ago_falls_due_that_day(
    outreach_worker: User, person: Person
) -> None:
    # The boundary chosen in outreach.selectors_week: day 30 is the last day of "monthly", so the
    # person shows as due today (0 days overdue); a day earlier they are not due yet.
    make_contact(person, outreach_worker, contacted_on=days_ago(ONE_TO_ONE_DAYS))
    [row] = selectors.people_due(outreach_worker, TODAY)
    assert row.days_overdue == 0
    assert row.days_since == ONE_TO_ONE_DAYS
    assert due_names(outreach_worker, TODAY - timedelta(days=1)) == []


def test_a_one_to_one_29_days_ago_is_not_due(outreach_worker: User, person: Person) -> None:
    make_contact(person, outreach_worker, contacted_on=days_ago(ONE_TO_ONE_DAYS - 1))
    assert due_names(outreach_worker) == []


def test_a_priority_person_falls_due_after_a_week(outreach_worker: User, person: Person) -> None:
    assess(person, outreach_worker, priority=True, on=days_ago(20))
    make_contact(person, outreach_worker, contacted_on=days_ago(PRIORITY_DAYS))
    [row] = selectors.people_due(outreach_worker, TODAY)
    assert row.is_priority and row.days_overdue == 0


def test_a_priority_person_seen_6_days_ago_is_not_due(
    outreach_worker: User, person: Person
) -> None:
    assess(person, outreach_worker, priority=True, on=days_ago(20))
    make_contact(person, outreach_worker, contacted_on=days_ago(PRIORITY_DAYS - 1))
    assert due_names(outreach_worker) == []


def test_someone_not_priority_seen_a_week_ago_is_not_due(
    outreach_worker: User, person: Person
) -> None:
    make_contact(person, outreach_worker, contacted_on=days_ago(PRIORITY_DAYS))
    assert due_names(outreach_worker) == []


def test_only_the_latest_risk_assessment_counts(outreach_worker: User, person: Person) -> None:
    assess(person, outreach_worker, priority=True, on=days_ago(60))
    assess(person, outreach_worker, priority=False, on=days_ago(10))
    make_contact(person, outreach_worker, contacted_on=days_ago(PRIORITY_DAYS + 3))
    assert due_names(outreach_worker) == []
    # And the other way round: assessed as a priority since.
    assess(person, outreach_worker, priority=True, on=days_ago(1))
    [row] = selectors.people_due(outreach_worker, TODAY)
    assert row.is_priority and row.days_overdue == 3


def test_contacts_of_other_kinds_do_not_meet_the_frequency_rule(
    outreach_worker: User, person: Person
) -> None:
    make_contact(person, outreach_worker, contacted_on=days_ago(40))
    for kind in (Contact.Kind.GROUP, Contact.Kind.PHONE, Contact.Kind.ONLINE):
        make_contact(person, outreach_worker, kind=kind, contacted_on=days_ago(1))
    [row] = selectors.people_due(outreach_worker, TODAY)
    assert row.days_since == 40 and row.days_overdue == 40 - ONE_TO_ONE_DAYS


def test_a_contact_by_another_worker_counts(
    outreach_worker: User, other_worker: User, person: Person
) -> None:
    make_contact(person, other_worker, contacted_on=days_ago(3))
    assert due_names(outreach_worker) == []


def test_never_contacted_come_first_then_the_most_overdue(
    outreach_worker: User, hotspot: Hotspot
) -> None:
    slightly = make_person(hotspot, "AAAA0101", nickname="Slightly")
    make_contact(slightly, outreach_worker, contacted_on=days_ago(32))
    priority = make_person(hotspot, "BBBB0101", nickname="Weekly")
    assess(priority, outreach_worker, priority=True)
    make_contact(priority, outreach_worker, contacted_on=days_ago(12))
    very = make_person(hotspot, "CCCC0101", nickname="Very")
    make_contact(very, outreach_worker, contacted_on=days_ago(75))
    make_person(hotspot, "DDDD0101", nickname="Never")
    rows = selectors.people_due(outreach_worker, TODAY)
    assert [row.person.label for row in rows] == ["Never", "Very", "Weekly", "Slightly"]
    assert [row.days_overdue for row in rows] == [None, 45, 5, 2]


def test_only_active_people_of_the_workers_hotspots_are_due(
    outreach_worker: User, hotspot: Hotspot, other_hotspot: Hotspot, person: Person
) -> None:
    make_person(hotspot, "LEFT0101", nickname="Left", status=Person.Status.LEFT)
    make_person(hotspot, "INAC0101", nickname="Inactive", status=Person.Status.INACTIVE)
    make_person(hotspot, "ERAS0101", nickname="", erased_at=timezone.now())
    make_person(hotspot, "MERG0101", nickname="Merged", merged_into=person)
    elsewhere = make_person(other_hotspot, "ELSE0101", nickname="Elsewhere")
    # Opened from outside for a few hours: visible, but not part of this worker's plan.
    OutsideAccess.objects.create(
        worker=outreach_worker,
        person=elsewhere,
        reason="Met at the drop-in",
        expires_at=timezone.now() + timedelta(hours=3),
    )
    assert due_names(outreach_worker) == ["Sunny"]
    assert not_seen_names(outreach_worker) == ["Sunny"]


def test_a_worker_whose_assignment_ended_has_no_one_due(
    outreach_worker: User, person: Person
) -> None:
    outreach_worker.assignments.update(
        starts_on=TODAY - timedelta(days=100), ends_on=TODAY - timedelta(days=1)
    )
    assert due_names(outreach_worker, timezone.localdate()) == []


# --- Not seen ---------------------------------------------------------------------------------


def test_not_seen_counts_a_contact_of_any_kind(outreach_worker: User, person: Person) -> None:
    make_contact(person, outreach_worker, kind=Contact.Kind.PHONE, contacted_on=days_ago(5))
    assert not_seen_names(outreach_worker) == []


def test_not_seen_starts_on_day_30(outreach_worker: User, person: Person) -> None:
    make_contact(person, outreach_worker, kind=Contact.Kind.GROUP, contacted_on=days_ago(30))
    assert not_seen_names(outreach_worker) == ["Sunny"]
    assert not_seen_names(outreach_worker, TODAY - timedelta(days=1)) == []
    assert NOT_SEEN_DAYS == 30


def test_not_seen_lists_never_seen_first_then_the_longest_unseen(
    outreach_worker: User, hotspot: Hotspot
) -> None:
    recent = make_person(hotspot, "AAAA0101", nickname="Recent")
    make_contact(recent, outreach_worker, contacted_on=days_ago(31))
    long_ago = make_person(hotspot, "BBBB0101", nickname="Long ago")
    make_contact(long_ago, outreach_worker, contacted_on=days_ago(200))
    make_person(hotspot, "CCCC0101", nickname="Never")
    assert not_seen_names(outreach_worker) == ["Never", "Long ago", "Recent"]


def test_contacts_after_today_are_ignored(outreach_worker: User, person: Person) -> None:
    make_contact(person, outreach_worker, contacted_on=TODAY + timedelta(days=1))
    assert due_names(outreach_worker) == ["Sunny"]
    assert not_seen_names(outreach_worker) == ["Sunny"]


# --- Referrals to follow up ------------------------------------------------------------------


def test_referrals_due_within_two_days_are_listed_soonest_first(
    outreach_worker: User, person: Person, partner: Partner
) -> None:
    later = refer(person, outreach_worker, partner, TODAY + timedelta(days=2))
    overdue = refer(person, outreach_worker, partner, TODAY - timedelta(days=5))
    refer(person, outreach_worker, partner, TODAY + timedelta(days=3))
    refer(person, outreach_worker, partner, TODAY, status=Referral.Status.ATTENDED)
    for number in (1, 2):
        TracingAttempt.objects.create(
            referral=overdue,
            number=number,
            method="phone",
            outcome="not_reached",
            worker=outreach_worker,
        )
    referrals = list(selectors.referrals_to_follow_up(outreach_worker, TODAY))
    assert referrals == [overdue, later]
    assert [r.attempts for r in referrals] == [2, 0]


def test_referrals_of_other_hotspots_are_not_listed(
    outreach_worker: User, other_worker: User, person: Person, partner: Partner
) -> None:
    refer(person, outreach_worker, partner, TODAY)
    assert list(selectors.referrals_to_follow_up(other_worker, TODAY)) == []


# --- Today's contacts -------------------------------------------------------------------------


def test_todays_contacts_are_the_workers_own(
    outreach_worker: User, other_worker: User, person: Person, other_hotspot: Hotspot
) -> None:
    mine = make_contact(person, outreach_worker, contacted_on=TODAY, male_condoms=10)
    make_contact(person, outreach_worker, contacted_on=days_ago(1))
    make_contact(person, other_worker, contacted_on=TODAY, hotspot=other_hotspot)
    assert list(selectors.contacts_on(outreach_worker, TODAY)) == [mine]


# --- Access matrix ----------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_log_in(client: Client) -> None:
    response = client.get(reverse("outreach:my_week"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_a_member_may_not_open_a_week(client_for: Any, member: User) -> None:
    assert client_for(member).get(reverse("outreach:my_week")).status_code == 403


def test_a_worker_sees_their_plan(client_for: Any, outreach_worker: User, person: Person) -> None:
    response = client_for(outreach_worker).get(reverse("outreach:my_week"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "My week" in body and "Sunny" in body
    assert [row.person for row in response.context["due"]] == [person]


def test_a_worker_of_another_hotspot_sees_only_their_own_people(
    client_for: Any, outreach_worker: User, other_worker: User, person: Person, partner: Partner
) -> None:
    make_contact(person, outreach_worker, contacted_on=timezone.localdate(), male_condoms=3)
    refer(person, outreach_worker, partner, timezone.localdate())
    make_person(person.hotspot, "NEVR0101", nickname="Firsthotspot")
    response = client_for(other_worker).get(reverse("outreach:my_week"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Sunny" not in body and "Firsthotspot" not in body
    assert response.context["due"] == [] and response.context["referrals"] == []
    assert response.context["contacts_today"] == []


def test_a_worker_cannot_open_a_colleagues_week(
    client_for: Any, outreach_worker: User, other_worker: User, person: Person
) -> None:
    client = client_for(other_worker)
    existing = client.get(URL, {"worker": outreach_worker.pk})
    missing = client.get(URL, {"worker": outreach_worker.pk + 1000})
    assert existing.status_code == missing.status_code == 404
    assert existing.content == missing.content


def test_a_coordinator_opens_any_workers_week(
    client_for: Any, coordinator: User, outreach_worker: User, person: Person
) -> None:
    client = client_for(coordinator)
    picker = client.get(reverse("outreach:my_week"))
    assert picker.status_code == 200
    assert picker.context["worker"] is None
    assert outreach_worker.username in picker.content.decode()
    response = client.get(URL, {"worker": outreach_worker.pk})
    assert response.status_code == 200
    assert response.context["worker"] == outreach_worker
    body = response.content.decode()
    assert "Sunny" in body
    # Not their own week: no zero report button on someone else's behalf.
    assert reverse("outreach:zero_report") not in body


@pytest.mark.parametrize("wanted", ["abc", "-1", "999999"])
def test_a_coordinator_asking_for_no_worker_gets_404(
    client_for: Any, coordinator: User, wanted: str
) -> None:
    assert client_for(coordinator).get(URL, {"worker": wanted}).status_code == 404


def test_a_coordinator_cannot_open_the_week_of_a_login_that_is_no_worker(
    client_for: Any, coordinator: User, member: User
) -> None:
    assert client_for(coordinator).get(URL, {"worker": member.pk}).status_code == 404


def test_each_due_row_leads_to_logging_a_contact(
    client_for: Any, outreach_worker: User, person: Person
) -> None:
    try:
        target = reverse("outreach:contact_create") + f"?person={person.pk}"
    except NoReverseMatch:  # the contact form is being built beside this page
        target = reverse("outreach:person_detail", args=[person.pk])
    body = client_for(outreach_worker).get(URL).content.decode()
    # With the key of a new form (members.resend), fresh on every load of the page.
    assert f'href="{target}&amp;key=' in body


def test_the_home_page_offers_my_week_to_workers_only(
    client_for: Any, outreach_worker: User, member: User
) -> None:
    link = f'href="{reverse("outreach:my_week")}"'
    assert link in client_for(outreach_worker).get("/").content.decode()
    assert link not in client_for(member).get("/").content.decode()


# --- Constant queries -------------------------------------------------------------------------


def populate(hotspot: Hotspot, worker: User, partner: Partner, start: int, count: int) -> None:
    """`count` people at `hotspot`; every third contacted (one-to-one long ago, or a phone call
    today), every fifth assessed as a priority, every seventh with a referral and an attempt."""
    today = timezone.localdate()
    people = Person.objects.bulk_create(
        Person(uic_hash=secrets.token_hex(32), nickname=f"P{n}", hotspot=hotspot)
        for n in range(start, start + count)
    )
    contacts, assessments, referrals = [], [], []
    for n, person in enumerate(people):
        if n % 3 == 0:
            contacts.append(
                Contact(
                    person=person,
                    worker=worker,
                    hotspot=hotspot,
                    contacted_on=today - timedelta(days=n % 60),
                    idempotency_key=uuid4(),
                )
            )
        if n % 3 == 1:
            contacts.append(
                Contact(
                    person=person,
                    worker=worker,
                    hotspot=hotspot,
                    kind=Contact.Kind.PHONE,
                    contacted_on=today,
                    idempotency_key=uuid4(),
                )
            )
        if n % 5 == 0:
            assessments.append(
                RiskAssessment(
                    person=person,
                    assessed_by=worker,
                    assessed_on=today,
                    reassess_on=today + timedelta(days=90),
                    is_priority=True,
                )
            )
        if n % 7 == 0:
            referrals.append(
                Referral(
                    person=person,
                    partner=partner,
                    service="hiv_test",
                    made_by=worker,
                    made_on=today - timedelta(days=10),
                    due_on=today,
                )
            )
    Contact.objects.bulk_create(contacts)
    RiskAssessment.objects.bulk_create(assessments)
    TracingAttempt.objects.bulk_create(
        TracingAttempt(
            referral=referral, number=1, method="phone", outcome="not_reached", worker=worker
        )
        for referral in Referral.objects.bulk_create(referrals)
    )


def queries_for(client: Client, params: dict[str, Any]) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(URL, params).status_code == 200
    return len(captured)


@pytest.mark.parametrize("persona", ["outreach_worker", "coordinator"])
def test_the_week_costs_the_same_queries_for_5_or_500_people(
    request: Any,
    client_for: Any,
    outreach_worker: User,
    hotspot: Hotspot,
    partner: Partner,
    persona: str,
) -> None:
    user = request.getfixturevalue(persona)
    params = {"worker": outreach_worker.pk} if persona == "coordinator" else {}
    client = client_for(user)
    populate(hotspot, outreach_worker, partner, 0, 5)
    small = queries_for(client, params)
    populate(hotspot, outreach_worker, partner, 5, 495)
    large = queries_for(client, params)
    response = client.get(URL, params)
    context = response.context
    # Every section bounded: a page of people due, the first rows of the others, with totals.
    assert len(context["due"]) == DUE_PAGE_SIZE and context["due_count"] > 100
    assert len(context["not_seen"]) == NOT_SEEN_SHOWN and context["not_seen_count"] > 100
    assert len(context["referrals"]) == REFERRALS_SHOWN and context["referrals_count"] > 50
    assert len(context["contacts_today"]) == CONTACTS_SHOWN and context["contacts_count"] > 100
    # The same queries for 5 and 500 people: session and user (plus, for a coordinator, the
    # second factor, the chosen worker and the list of workers), then one each (every list
    # counted in the same query): a page of people due, referrals, not-seen, today's contacts,
    # today's zero report.
    assert small == large
    assert large <= (11 if persona == "coordinator" else 8)  # incl. the inbox bell
    # The second page costs the same as the first.
    assert queries_for(client, {**params, "page": 2}) == large


# --- Bounded sections: pages of people due, the first rows of the other lists -----------------


def test_the_order_is_worked_out_in_the_database_as_the_rule_says(
    outreach_worker: User, hotspot: Hotspot
) -> None:
    # Ties: on the same day overdue a priority person comes first, then by name whatever the
    # case, then by record.
    never = make_person(hotspot, "NEVR0101", nickname="zed")
    never_priority = make_person(hotspot, "NEVR0202", nickname="Zoe")
    assess(never_priority, outreach_worker, priority=True)
    weekly = make_person(hotspot, "WEEK0101", nickname="Weekly")
    assess(weekly, outreach_worker, priority=True)
    make_contact(weekly, outreach_worker, contacted_on=days_ago(PRIORITY_DAYS + 5))
    monthly_b = make_person(hotspot, "MONB0101", nickname="bea")
    make_contact(monthly_b, outreach_worker, contacted_on=days_ago(ONE_TO_ONE_DAYS + 5))
    monthly_a = make_person(hotspot, "MONA0101", nickname="Ann")
    make_contact(monthly_a, outreach_worker, contacted_on=days_ago(ONE_TO_ONE_DAYS + 5))
    today_due = make_person(hotspot, "TODA0101", nickname="Today")
    make_contact(today_due, outreach_worker, contacted_on=days_ago(ONE_TO_ONE_DAYS))
    people = list(selectors.due_people(outreach_worker, TODAY))
    assert people == [never_priority, never, weekly, monthly_a, monthly_b, today_due]
    rows = [selectors.due_row(person, TODAY) for person in people]
    assert [row.days_overdue for row in rows] == [None, None, 5, 5, 5, 0]


def due_today(hotspot: Hotspot, worker: User, count: int) -> list[Person]:
    """`count` people due today, the most overdue first (person n last met 31 + count - n days
    ago), so their order on the plan is known."""
    today = timezone.localdate()
    people = []
    for n in range(count):
        person = make_person(hotspot, f"PAGE{n:04d}", nickname=f"Paged {n:02d}")
        make_contact(
            person, worker, contacted_on=today - timedelta(days=ONE_TO_ONE_DAYS + count - n)
        )
        people.append(person)
    return people


def test_people_due_come_in_pages_most_urgent_first(
    client_for: Any, outreach_worker: User, hotspot: Hotspot
) -> None:
    people = due_today(hotspot, outreach_worker, DUE_PAGE_SIZE + 5)
    client = client_for(outreach_worker)
    first = client.get(URL)
    assert [row.person for row in first.context["due"]] == people[:DUE_PAGE_SIZE]
    body = first.content.decode()
    assert f"{DUE_PAGE_SIZE + 5} people due this week" in body
    assert 'href="?page=2"' in body
    second = client.get(URL, {"page": 2})
    assert [row.person for row in second.context["due"]] == people[DUE_PAGE_SIZE:]
    assert second.context["due_count"] == DUE_PAGE_SIZE + 5
    assert 'href="?page=1"' in second.content.decode()


@pytest.mark.parametrize("wanted", ["9", "9" * 30, "0", "-1", "two", ""])
def test_a_page_out_of_range_shows_a_real_page(
    client_for: Any, outreach_worker: User, hotspot: Hotspot, wanted: str
) -> None:
    people = due_today(hotspot, outreach_worker, DUE_PAGE_SIZE + 2)
    response = client_for(outreach_worker).get(URL, {"page": wanted})
    assert response.status_code == 200
    page = response.context["page"]
    past_the_end = wanted.startswith("9")
    expected = people[DUE_PAGE_SIZE:] if past_the_end else people[:DUE_PAGE_SIZE]
    assert page.number == (2 if past_the_end else 1)
    assert [row.person for row in response.context["due"]] == expected


def test_the_pages_keep_the_chosen_worker_for_a_coordinator(
    client_for: Any, coordinator: User, outreach_worker: User, hotspot: Hotspot
) -> None:
    due_today(hotspot, outreach_worker, DUE_PAGE_SIZE + 1)
    body = client_for(coordinator).get(URL, {"worker": outreach_worker.pk}).content.decode()
    assert f'href="?worker={outreach_worker.pk}&amp;page=2"' in body


def test_a_single_person_due_is_counted_in_the_singular(
    client_for: Any, outreach_worker: User, person: Person
) -> None:
    body = client_for(outreach_worker).get(URL).content.decode()
    assert "1 person due this week" in body
    assert "?page=" not in body


def test_todays_contacts_show_the_first_ones_and_count_all(
    client_for: Any, outreach_worker: User, hotspot: Hotspot
) -> None:
    today = timezone.localdate()
    people = [
        make_person(hotspot, f"TODY{n:04d}", nickname=f"Met {n}") for n in range(CONTACTS_SHOWN + 3)
    ]
    for person in people:
        make_contact(person, outreach_worker, contacted_on=today)
    response = client_for(outreach_worker).get(URL)
    shown = response.context["contacts_today"]
    assert [contact.person for contact in shown] == people[:CONTACTS_SHOWN]
    assert response.context["contacts_count"] == CONTACTS_SHOWN + 3
    body = response.content.decode()
    assert f"The first {CONTACTS_SHOWN} of {CONTACTS_SHOWN + 3} contacts are shown." in body


def test_referrals_show_the_soonest_and_count_all(
    client_for: Any, outreach_worker: User, hotspot: Hotspot, partner: Partner
) -> None:
    today = timezone.localdate()
    person = make_person(hotspot, "REFS0101", nickname="Referred")
    referrals = [
        refer(person, outreach_worker, partner, today - timedelta(days=n))
        for n in range(REFERRALS_SHOWN + 2, 0, -1)
    ]
    response = client_for(outreach_worker).get(URL)
    assert response.context["referrals"] == referrals[:REFERRALS_SHOWN]
    assert response.context["referrals_count"] == REFERRALS_SHOWN + 2
    body = response.content.decode()
    assert f"The first {REFERRALS_SHOWN} of {REFERRALS_SHOWN + 2} referrals are shown." in body


def test_an_empty_week_counts_zero_everywhere(client_for: Any, outreach_worker: User) -> None:
    context = client_for(outreach_worker).get(URL).context
    assert context["due"] == [] and context["due_count"] == 0
    assert context["referrals_count"] == 0 and context["contacts_count"] == 0
    assert context["not_seen_count"] == 0
