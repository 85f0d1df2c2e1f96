"""Alerts through the reminder outbox: once, to the members and workers of the hotspot, never
to anyone else; moderators are told of new reports and workers of a request for support;
withdrawal and expiry stop what has not gone out yet."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from members.models import Hotspot, Person, Reminder, User
from reminders.outbox import dispatch_due
from reminders.planning import plan_safety
from safety import services
from safety.models import Report
from tests.conftest import make_person, make_user
from tests.safety.conftest import circulating, submit

pytestmark = pytest.mark.django_db
ALERT = Reminder.Kind.SAFETY_ALERT


def told(kind: str) -> set[str]:
    return set(Reminder.objects.filter(kind=kind).values_list("user__username", flat=True))


@pytest.fixture
def neighbours(hotspot: Hotspot, other_hotspot: Hotspot) -> None:
    near = make_user("member.near", is_member=True)
    make_person(hotspot, "NEAR0291", user=near, is_member=True)
    far = make_user("member.far", is_member=True)
    make_person(other_hotspot, "FARR0292", user=far, is_member=True)


def test_an_alert_goes_once_to_its_hotspot_and_nobody_else(
    member: User,
    hotspot: Hotspot,
    outreach_worker: User,
    other_worker: User,
    moderators: list[User],
    neighbours: None,
) -> None:
    submit(member, hotspot)
    plan_safety(timezone.localdate())
    assert told(ALERT) == set()  # waiting for the moderators: nobody is warned yet
    assert told(Reminder.Kind.SAFETY_MODERATION) == {m.username for m in moderators}
    report = Report.objects.get()
    for moderator in moderators[:2]:
        services.report_decide(report=report, moderator=moderator, verdict="approve")
    plan_safety(timezone.localdate())
    plan_safety(timezone.localdate())
    assert told(ALERT) == {"member.near", "worker.test"}  # not the reporter, not elsewhere
    assert Reminder.objects.filter(kind=ALERT).count() == 2
    assert dispatch_due() >= 2
    assert Reminder.objects.filter(kind=ALERT, status=Reminder.Status.SENT).count() == 2


def test_without_consent_to_an_alert_nobody_is_told(
    member: User, hotspot: Hotspot, moderators: list[User], neighbours: None
) -> None:
    submit(member, hotspot, alert=False)
    plan_safety(timezone.localdate())
    assert Reminder.objects.count() == 0


def test_withdrawal_and_expiry_stop_what_has_not_gone_out(
    member: User, hotspot: Hotspot, moderators: list[User], neighbours: None
) -> None:
    withdrawn = circulating(member, hotspot, moderators)
    expired = circulating(member, hotspot, moderators)
    plan_safety(timezone.localdate())
    services.report_withdraw(report=withdrawn, by=member)
    Report.objects.filter(pk=expired.pk).update(expires_on=timezone.localdate() - timedelta(1))
    dispatch_due()
    sent = Reminder.objects.filter(kind=ALERT, status=Reminder.Status.SENT)
    assert not sent.exists()
    assert Reminder.objects.filter(kind=ALERT, status=Reminder.Status.SKIPPED).count() == 2


def test_a_request_for_support_reaches_the_workers_of_the_reporter(
    member: User, hotspot: Hotspot, outreach_worker: User, other_worker: User
) -> None:
    services.report_submit(
        entered_by=member,
        reporter=member.person,
        incident=services.Incident(
            happened_on=timezone.localdate(), hotspot=hotspot, categories=["threats"]
        ),
        consents=services.Consents(),
        wants_support=True,
    )
    plan_safety(timezone.localdate())
    assert told(Reminder.Kind.SAFETY_SUPPORT) == {"worker.test"}


def test_a_report_about_someone_without_a_login_still_reaches_every_moderator(
    outreach_worker: User, person: Person, hotspot: Hotspot, moderators: list[User]
) -> None:
    services.report_submit(
        entered_by=outreach_worker,
        reporter=person,
        incident=services.Incident(
            happened_on=timezone.localdate(), hotspot=hotspot, categories=["threats"]
        ),
        consents=services.Consents(alert=True),
        wants_support=False,
    )
    plan_safety(timezone.localdate())
    assert told(Reminder.Kind.SAFETY_MODERATION) == {m.username for m in moderators}
