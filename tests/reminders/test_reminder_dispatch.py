"""Delivering reminders exactly once: planning, quiet hours, four dispatchers, a dying worker,
the sweeper, and e-mail only to those who chose it, under their sender name."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import datetime, time, timedelta
from typing import Any

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone

from config.celery import app
from members.models import Consent, NotificationPreference, Person, Reminder, User
from reminders import channels
from reminders.channels import render_reminder_email
from reminders.outbox import (
    dispatch_due,
    quiet_hours_end,
    reminder_plan,
    reminders_claim,
    reminders_deliver,
    reminders_sweep,
)
from reminders.tasks import dispatch_reminders
from tests.conftest import make_user
from tests.reminders.at_once import at_once

KIND = Reminder.Kind.REFERRAL_FOLLOW_UP


class CountingChannel:
    """Counts deliveries per reminder, from any thread."""

    name = "counting"

    def __init__(self) -> None:
        self.counts: Counter[int] = Counter()
        self._lock = threading.Lock()

    def send(self, reminder: Reminder) -> None:
        with self._lock:
            self.counts[reminder.pk] += 1


@pytest.fixture
def counting(monkeypatch: pytest.MonkeyPatch) -> CountingChannel:
    channel = CountingChannel()
    monkeypatch.setattr(channels, "CHANNELS", [*channels.CHANNELS, channel])
    return channel


@pytest.fixture(autouse=True)
def _locmem_email(settings: Any) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.DEFAULT_FROM_EMAIL = "Outreach <no-reply@example.org>"


def plan_many(user: User, count: int) -> list[int]:
    past = timezone.now() - timedelta(minutes=1)
    Reminder.objects.bulk_create(
        Reminder(
            user=user, kind=KIND, object_key=f"referral:{i}", due_on=past.date(), send_after=past
        )
        for i in range(count)
    )
    return list(Reminder.objects.values_list("pk", flat=True))


def with_reminder_address(user: User, address: str | None) -> Person:
    """The person's encrypted reminder address and their open consent to e-mail reminders."""
    person = Person.objects.filter(user=user).first() or Person.objects.create(
        uic_hash=user.username.ljust(64, "0")[:64], user=user
    )
    person.email = address
    person.save(update_fields=["email"])
    Consent.objects.get_or_create(
        person=person, purpose=Consent.Purpose.EMAIL_REMINDERS, withdrawn_at=None
    )
    return person


def at(hour: int, minute: int = 0, day: int = 10) -> datetime:
    return datetime(2026, 3, day, hour, minute, tzinfo=timezone.get_current_timezone())


# --- Planning --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_planning_twice_makes_one_row(member: User) -> None:
    today = timezone.localdate()
    assert reminder_plan(user=member, kind=KIND, object_key="referral:1", due_on=today)
    assert not reminder_plan(user=member, kind=KIND, object_key="referral:1", due_on=today)
    assert Reminder.objects.count() == 1
    assert Reminder.objects.get().status == Reminder.Status.PENDING


@pytest.mark.django_db
def test_a_muted_kind_is_recorded_as_skipped_and_never_sent(
    member: User, counting: CountingChannel
) -> None:
    NotificationPreference.objects.create(user=member, muted_kinds=[KIND])
    reminder_plan(user=member, kind=KIND, due_on=timezone.localdate())
    assert Reminder.objects.get().status == Reminder.Status.SKIPPED
    assert dispatch_due() == 0
    assert not counting.counts


@pytest.mark.django_db
def test_quiet_hours_push_send_after_to_their_end(member: User) -> None:
    preference = NotificationPreference.objects.create(
        user=member, quiet_from=time(12, 0), quiet_until=time(14, 30)
    )
    assert quiet_hours_end(at(13), preference) == at(14, 30)
    assert quiet_hours_end(at(12), preference) == at(14, 30)
    assert quiet_hours_end(at(14, 30), preference) == at(14, 30)
    assert quiet_hours_end(at(9), preference) == at(9)
    reminder_plan(user=member, kind=KIND, due_on=at(13).date(), send_after=at(13))
    assert Reminder.objects.get().send_after == at(14, 30)


@pytest.mark.django_db
def test_quiet_hours_that_wrap_midnight(member: User) -> None:
    preference = NotificationPreference.objects.create(
        user=member, quiet_from=time(22, 0), quiet_until=time(7, 0)
    )
    # Late evening: the next morning.
    assert quiet_hours_end(at(23, 15), preference) == at(7, day=11)
    # After midnight: this morning.
    assert quiet_hours_end(at(3), preference) == at(7)
    # Daytime is not quiet.
    assert quiet_hours_end(at(7), preference) == at(7)
    assert quiet_hours_end(at(21, 59), preference) == at(21, 59)
    reminder_plan(user=member, kind=KIND, due_on=at(23).date(), send_after=at(23))
    assert Reminder.objects.get().send_after == at(7, day=11)


@pytest.mark.django_db
def test_no_quiet_hours_leave_send_after_alone(member: User) -> None:
    assert quiet_hours_end(at(3), None) == at(3)
    preference = NotificationPreference.objects.create(user=member, quiet_from=time(22, 0))
    assert quiet_hours_end(at(23), preference) == at(23)


@pytest.mark.django_db
def test_a_reminder_is_not_sent_before_its_time(member: User, counting: CountingChannel) -> None:
    later = timezone.now() + timedelta(hours=1)
    reminder_plan(user=member, kind=KIND, due_on=later.date(), send_after=later)
    assert dispatch_due() == 0
    assert Reminder.objects.get().status == Reminder.Status.PENDING


# --- Exactly once ----------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_four_dispatchers_deliver_a_thousand_reminders_each_exactly_once(
    counting: CountingChannel,
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SKIP LOCKED and concurrent writers need PostgreSQL")
    user = make_user("busy.worker", is_outreach_worker=True)
    with_reminder_address(user, "someone@example.org")
    NotificationPreference.objects.create(user=user, by_email=True, sender_name="Aunt May")
    ids = plan_many(user, 1000)
    delivered = at_once(lambda: dispatch_due(limit=25))
    assert sum(delivered) == 1000
    assert counting.counts == Counter(dict.fromkeys(ids, 1))
    assert len(mail.outbox) == 1000
    assert Reminder.objects.filter(status=Reminder.Status.SENT).count() == 1000


@pytest.mark.django_db
def test_a_worker_that_dies_after_claiming_loses_nothing_and_repeats_nothing(
    member: User, counting: CountingChannel
) -> None:
    ids = plan_many(member, 30)
    # The worker claims a batch, then dies before delivering it.
    _, claimed = reminders_claim(limit=20)
    assert len(claimed) == 20
    assert Reminder.objects.filter(status=Reminder.Status.SENDING).count() == 20
    # The rest is delivered by the next dispatch; the dead worker's rows stay in SENDING.
    assert dispatch_due() == 10
    assert Reminder.objects.filter(status=Reminder.Status.SENDING).count() == 20
    # A fresh claim is not swept yet.
    assert reminders_sweep() == 0
    Reminder.objects.filter(pk__in=claimed).update(
        claimed_at=timezone.now() - timedelta(minutes=11)
    )
    assert reminders_sweep() == 20
    assert Reminder.objects.filter(status=Reminder.Status.PENDING).count() == 20
    assert dispatch_due() == 20
    assert counting.counts == Counter(dict.fromkeys(ids, 1))
    assert Reminder.objects.filter(status=Reminder.Status.SENT).count() == 30


@pytest.mark.django_db
def test_a_row_swept_and_reclaimed_is_not_delivered_by_its_old_attempt(
    member: User, counting: CountingChannel
) -> None:
    ids = plan_many(member, 5)
    old_attempt, _ = reminders_claim()
    assert reminders_sweep(older_than=timedelta(0)) == 5
    new_attempt, reclaimed = reminders_claim()
    assert sorted(reclaimed) == sorted(ids)
    # The slow old worker wakes up: nothing is its own any more.
    assert reminders_deliver(attempt_id=old_attempt) == 0
    assert not counting.counts
    assert reminders_deliver(attempt_id=new_attempt) == 5
    # Delivered rows are never delivered again, whoever asks.
    assert reminders_deliver(attempt_id=new_attempt) == 0
    assert reminders_deliver(attempt_id=old_attempt) == 0
    assert counting.counts == Counter(dict.fromkeys(ids, 1))


class FailingChannel:
    """A mail server that refuses the message."""

    name = "failing"

    def send(self, reminder: Reminder) -> None:
        raise ConnectionRefusedError("the mail server said no")


@pytest.mark.django_db
def test_a_failing_channel_leaves_the_row_for_the_sweeper(
    member: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    reminder_plan(user=member, kind=KIND, due_on=timezone.localdate())
    monkeypatch.setattr(channels, "CHANNELS", [FailingChannel()])
    assert dispatch_due() == 0
    assert Reminder.objects.get().status == Reminder.Status.SENDING
    monkeypatch.setattr(channels, "CHANNELS", [channels.InboxChannel()])
    reminders_sweep(older_than=timedelta(0))
    assert dispatch_due() == 1
    assert Reminder.objects.get().status == Reminder.Status.SENT


# --- Channels --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_email_goes_only_to_people_who_chose_it_with_their_sender_name(
    member: User, outreach_worker: User, coordinator: User
) -> None:
    with_reminder_address(member, "member.test@example.org")
    with_reminder_address(outreach_worker, "worker.test@example.org")
    NotificationPreference.objects.create(user=member, by_email=True, sender_name="Aunt May")
    NotificationPreference.objects.create(user=outreach_worker, by_email=False)
    # A plain-text login address left from before is never used: no record, inbox only.
    coordinator.email = "coordinator.test@example.org"
    coordinator.save()
    NotificationPreference.objects.create(user=coordinator, by_email=True)
    no_address = make_user("no.address", is_member=True)
    with_reminder_address(no_address, None)
    NotificationPreference.objects.create(user=no_address, by_email=True)
    for user in (member, outreach_worker, coordinator, no_address):
        reminder_plan(user=user, kind=KIND, due_on=timezone.localdate())
    assert dispatch_due() == 4
    # Everyone has it in their inbox; only the member who chose e-mail gets one.
    assert Reminder.objects.filter(status=Reminder.Status.SENT, done_at=None).count() == 4
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["member.test@example.org"]
    assert message.from_email == '"Aunt May" <no-reply@example.org>'
    assert "Outreach" not in message.message()["From"]


@pytest.mark.django_db
def test_the_e_mail_channel_costs_one_query_whoever_the_person_is(
    member: User, django_assert_num_queries: Any
) -> None:
    with_reminder_address(member, "member.test@example.org")
    NotificationPreference.objects.create(user=member, by_email=True)
    reminder = Reminder(user=member, kind=KIND, due_on=timezone.localdate())
    # The person, their open consent and their preference, joined.
    with django_assert_num_queries(1):
        channels.EmailChannel().send(reminder)
    assert len(mail.outbox) == 1


def test_the_sender_name_cannot_break_out_of_the_header() -> None:
    sender = channels.sender_address('Evil" <x@y>\r\nBcc: z@w')
    assert sender == '"Evil <x@y> Bcc: z@w" <no-reply@example.org>'


@pytest.mark.django_db
def test_a_kind_without_templates_uses_the_neutral_generic_wording(member: User) -> None:
    reminder = Reminder(user=member, kind="no_such_kind", due_on=timezone.localdate())
    subject, text, html = render_reminder_email(reminder)
    assert subject == "You have something waiting"
    assert "Open the site to see it." in text
    assert "Open the site to see it." in html


# --- Celery ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_task_sweeps_then_dispatches(member: User, counting: CountingChannel) -> None:
    ids = plan_many(member, 3)
    reminders_claim(limit=1)
    Reminder.objects.filter(status=Reminder.Status.SENDING).update(
        claimed_at=timezone.now() - timedelta(hours=1)
    )
    assert dispatch_reminders.delay().get() == 3
    assert counting.counts == Counter(dict.fromkeys(ids, 1))


def test_the_beat_schedule_dispatches_reminders_every_minute() -> None:
    entry = app.conf.beat_schedule["dispatch-reminders"]
    assert entry["task"] == dispatch_reminders.name
    assert entry["schedule"] == 60.0
