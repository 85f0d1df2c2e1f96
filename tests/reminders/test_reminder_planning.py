"""The daily planning: who gets which reminder, once per (person, kind, object, due date), and
vote reminders only with voting consent (and, for a closing round, only to those yet to vote)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone

from members.models import Hotspot, Person, Reminder, User
from members.services import consent_set
from outreach.models import Partner, Referral, SizeEstimate
from programmes import services
from programmes.models import Result, RollEntry, Round
from reminders import planning
from tests.conftest import PASSWORD, make_contact, make_person, make_user
from tests.programmes import round_helpers as rounds

pytestmark = pytest.mark.django_db
Kind = Reminder.Kind
TODAY = timezone.localdate()


def rows(kind: str) -> list[tuple[str, str, date]]:
    return sorted(
        Reminder.objects.filter(kind=kind).values_list("user__username", "object_key", "due_on")
    )


def refer(person: Person, worker: User, partner: Partner, due_on: date, **fields: Any) -> Referral:
    return Referral.objects.create(
        person=person,
        partner=partner,
        service="hiv_test",
        made_by=worker,
        made_on=due_on - timedelta(days=14),
        due_on=due_on,
        **fields,
    )


def voter(username: str, hotspot: Hotspot, code: str, *, consent: bool = True) -> User:
    user = make_user(username, is_member=True)
    person = make_person(hotspot, code, user=user, is_member=True)
    if consent:
        consent_set(person=person, purpose="voting", given=True)
    return user


def make_round(creator: User, status: str, closes_in: timedelta, **fields: Any) -> Round:
    now = timezone.now()
    return Round.objects.create(
        title="Spring",
        question="What first?",
        opens_at=now + min(closes_in, timedelta(0)) - timedelta(days=3),
        closes_at=now + closes_in,
        status=status,
        created_by=creator,
        **fields,
    )


# --- Outreach workers ----------------------------------------------------------------------


def test_daily_list_goes_to_workers_with_someone_due_once(
    outreach_worker: User, other_worker: User, person: Person
) -> None:
    assert planning.plan_daily_list(TODAY) == 1
    assert planning.plan_daily_list(TODAY) == 0
    assert rows(Kind.DAILY_LIST) == [("worker.test", "", TODAY)]


def test_referral_follow_up_goes_to_the_worker_who_made_it_when_due(
    outreach_worker: User, person: Person, partner: Partner
) -> None:
    due = refer(person, outreach_worker, partner, TODAY)
    overdue = refer(person, outreach_worker, partner, TODAY - timedelta(days=3))
    tomorrow = refer(person, outreach_worker, partner, TODAY + timedelta(days=1))  # not yet
    refer(person, outreach_worker, partner, TODAY, status=Referral.Status.COMPLETED)
    assert planning.plan_referral_follow_up(TODAY) == 2
    assert planning.plan_referral_follow_up(TODAY) == 0
    # The next day only tomorrow's is new: an overdue one is not repeated every day.
    assert planning.plan_referral_follow_up(TODAY + timedelta(days=1)) == 1
    assert rows(Kind.REFERRAL_FOLLOW_UP) == sorted(
        [
            ("worker.test", f"referral:{due.pk}", TODAY),
            ("worker.test", f"referral:{overdue.pk}", overdue.due_on),
            ("worker.test", f"referral:{tomorrow.pk}", tomorrow.due_on),
        ]
    )


def test_not_seen_once_per_person_per_thirty_days(
    outreach_worker: User, hotspot: Hotspot, person: Person
) -> None:
    last = TODAY - timedelta(days=45)
    make_contact(person, outreach_worker, contacted_on=last)
    recent = make_person(hotspot, "RECE0101", nickname="Recent")
    make_contact(recent, outreach_worker, contacted_on=TODAY - timedelta(days=10))
    assert planning.plan_not_seen(TODAY) == 1
    assert planning.plan_not_seen(TODAY) == 0
    assert planning.plan_not_seen(TODAY + timedelta(days=5)) == 0
    assert rows(Kind.NOT_SEEN) == [("worker.test", f"person:{person.pk}", last + timedelta(30))]
    # Another 30 days unseen: one more.
    assert planning.plan_not_seen(TODAY + timedelta(days=15)) == 1


def test_not_seen_due_on_counts_whole_runs() -> None:
    start = date(2026, 1, 1)
    assert planning.not_seen_due_on(start, start + timedelta(days=29), 30) is None
    assert planning.not_seen_due_on(start, start + timedelta(days=30), 30) == date(2026, 1, 31)
    assert planning.not_seen_due_on(start, start + timedelta(days=65), 30) == date(2026, 3, 2)


def test_other_workers_get_nothing_for_people_not_theirs(
    other_worker: User, person: Person
) -> None:
    make_contact(person, other_worker, contacted_on=TODAY - timedelta(days=45))
    assert planning.plan_daily_list(TODAY) == 0
    assert planning.plan_not_seen(TODAY) == 0


# --- Members and votes ---------------------------------------------------------------------


@pytest.fixture
def voters(hotspot: Hotspot) -> dict[str, User]:
    return {
        "yes": voter("voter.yes", hotspot, "VOTE0101"),
        "voted": voter("voter.voted", hotspot, "VOTE0202"),
        "no_consent": voter("voter.none", hotspot, "VOTE0303", consent=False),
    }


def roll(round_: Round, voters: dict[str, User]) -> None:
    for key, user in voters.items():
        RollEntry.objects.create(round=round_, member=user, has_voted=key == "voted")


def test_round_opened_only_with_voting_consent(coordinator: User, voters: dict[str, User]) -> None:
    round_ = make_round(coordinator, Round.Status.OPEN, timedelta(days=3))
    roll(round_, voters)
    make_round(coordinator, Round.Status.DRAFT, timedelta(days=3))
    assert planning.plan_round_opened(TODAY) == 2
    assert planning.plan_round_opened(TODAY) == 0
    opened = timezone.localdate(round_.opens_at)
    assert rows(Kind.ROUND_OPENED) == [
        ("voter.voted", f"round:{round_.pk}", opened),
        ("voter.yes", f"round:{round_.pk}", opened),
    ]


def test_withdrawn_consent_stops_vote_reminders(coordinator: User, voters: dict[str, User]) -> None:
    consent_set(person=voters["yes"].person, purpose="voting", given=False)
    round_ = make_round(coordinator, Round.Status.OPEN, timedelta(days=3))
    roll(round_, voters)
    planning.plan_round_opened(TODAY)
    assert [r[0] for r in rows(Kind.ROUND_OPENED)] == ["voter.voted"]


def test_round_closing_only_to_consenting_members_who_have_not_voted(
    coordinator: User, voters: dict[str, User]
) -> None:
    closing = make_round(coordinator, Round.Status.OPEN, timedelta(hours=20))
    roll(closing, voters)
    later = make_round(coordinator, Round.Status.OPEN, timedelta(days=2))
    roll(later, voters)
    assert planning.plan_round_closing(TODAY) == 1
    assert planning.plan_round_closing(TODAY) == 0
    assert rows(Kind.ROUND_CLOSING) == [
        ("voter.yes", f"round:{closing.pk}", timezone.localdate(closing.closes_at))
    ]


def test_results_out_to_every_consenting_member_of_a_counted_round(
    coordinator: User, voters: dict[str, User]
) -> None:
    counted = make_round(coordinator, Round.Status.COUNTED, timedelta(days=-1))
    Result.objects.create(round=counted, ballots_counted=1, voters=1)
    roll(counted, voters)
    assert planning.plan_results_out(TODAY) == 2
    assert planning.plan_results_out(TODAY) == 0
    assert [r[0] for r in rows(Kind.RESULTS_OUT)] == ["voter.voted", "voter.yes"]


def test_tellers_are_reminded_of_each_step_once_until_the_count(coordinator: User) -> None:
    """Agree before the round opens, see the words once it is open, enter them once it is
    closed: one reminder per step, none for a step done, none after the count."""
    round_ = rounds.make_round(coordinator, tellers=0)
    tellers = [make_user(f"teller.{n}", is_member=True) for n in range(3)]
    services.tellers_name(round=round_, users=tellers, needed=2)
    assert planning.plan_teller_duty(TODAY) == 3
    assert planning.plan_teller_duty(TODAY) == 0
    day = timezone.localdate(round_.opens_at)
    assert rows(Kind.TELLER_DUTY) == [(t.username, f"agree:{round_.pk}", day) for t in tellers]
    for teller in round_.tellers.all():
        services.teller_accept(teller=teller, password=PASSWORD)
    rounds.open_with_votes(round_, [[0]] * 5)
    first = services.teller_share_reveal(teller=round_.tellers.get(index=1), password=PASSWORD)
    assert planning.plan_teller_duty(TODAY) == 2  # the two who have not seen their words
    services.round_close(round=round_)
    assert planning.plan_teller_duty(TODAY) == 3  # each may now enter their words
    assert Reminder.objects.filter(kind=Kind.TELLER_DUTY).count() == 8
    second = services.teller_share_reveal(teller=round_.tellers.get(index=2), password=PASSWORD)
    assert rounds.count(round_, [first, second]).status == Round.Status.COUNTED
    assert planning.plan_teller_duty(TODAY) == 0


def test_old_results_are_not_announced(coordinator: User, voters: dict[str, User]) -> None:
    old = make_round(coordinator, Round.Status.COUNTED, timedelta(days=-40))
    Result.objects.create(
        round=old, ballots_counted=1, voters=1, counted_at=timezone.now() - timedelta(days=40)
    )
    roll(old, voters)
    assert planning.plan_results_out(TODAY) == 0


# --- Coordinators --------------------------------------------------------------------------


def next_weekday(day: date, weekday: int) -> date:
    return day + timedelta(days=(weekday - day.weekday()) % 7)


def test_coverage_alert_on_mondays_when_a_hotspot_is_under(
    coordinator: User, outreach_worker: User, hotspot: Hotspot
) -> None:
    monday = next_weekday(TODAY, 0)
    SizeEstimate.objects.create(hotspot=hotspot, number=200, estimated_on=date(2020, 1, 1))
    assert planning.plan_coverage_alert(monday + timedelta(days=1)) == 0
    assert planning.plan_coverage_alert(monday) == 1
    assert planning.plan_coverage_alert(monday) == 0
    assert rows(Kind.COVERAGE_ALERT) == [("coordinator.test", "", monday)]


def test_no_coverage_alert_when_no_hotspot_is_under(coordinator: User) -> None:
    assert planning.plan_coverage_alert(next_weekday(TODAY, 0)) == 0


def test_monthly_report_on_the_first(coordinator: User, outreach_worker: User) -> None:
    first = date(TODAY.year + 1, 1, 1)
    assert planning.plan_monthly_report(first + timedelta(days=1)) == 0
    assert planning.plan_monthly_report(first) == 1
    assert planning.plan_monthly_report(first) == 0
    assert rows(Kind.MONTHLY_REPORT) == [("coordinator.test", "", first)]


# --- All plans, the task -------------------------------------------------------------------


def test_the_daily_task_runs_every_plan_and_twice_makes_nothing_new(
    outreach_worker: User, person: Person, coordinator: User
) -> None:
    from reminders.tasks import plan_reminders

    made = plan_reminders.delay().get()
    assert made["plan_daily_list"] == 1
    assert sum(plan_reminders.delay().get().values()) == 0


def test_the_daily_task_is_on_the_beat_schedule() -> None:
    from config.celery import app

    entry = app.conf.beat_schedule["plan-reminders"]
    assert entry["task"] == "reminders.tasks.plan_reminders"
    assert entry["schedule"].hour == {6} and entry["schedule"].minute == {0}
