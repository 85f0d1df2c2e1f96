"""Safety reports: consents decide where a report may go, two moderators let it circulate, edits
and withdrawal, expiry; numbers and plates only as keyed hashes."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from members.identifiers import Use, identifier_hash
from members.models import Hotspot, Reminder, User
from safety import services
from safety.access import alerts_visible_to, reports_for_moderators
from safety.models import Category, Report
from safety.selectors import incident_counts
from tests.safety.conftest import PHONE, circulating, incident, submit

pytestmark = pytest.mark.django_db


def test_the_number_and_plate_are_kept_only_as_keyed_hashes(member: User, hotspot: Hotspot) -> None:
    report = submit(member, hotspot)
    assert report.phone_hash == identifier_hash(Use.ALERT_PHONE, PHONE)
    assert (report.phone_end, report.plate_end) == ("123", "23")
    stored = Report.objects.filter(pk=report.pk).values().get()
    assert not [name for name, value in stored.items() if "7700900" in str(value)]
    assert not [name for name, value in stored.items() if "ZZ123" in str(value)]


def test_a_report_circulates_only_after_two_different_moderators_approve(
    member: User, hotspot: Hotspot, moderators: list[User]
) -> None:
    report = submit(member, hotspot)
    assert report.status == Report.Status.WAITING
    first, second, _third = moderators
    report = services.report_decide(report=report, moderator=first, verdict="approve")
    report = services.report_decide(report=report, moderator=first, verdict="approve")
    assert report.status == Report.Status.WAITING  # the same moderator twice is one approval
    assert not alerts_visible_to(member).exists()
    report = services.report_decide(report=report, moderator=second, verdict="approve")
    assert report.status == Report.Status.CIRCULATING
    assert report.expires_on == timezone.localdate() + timedelta(days=90)
    assert list(alerts_visible_to(member)) == [report]


def test_two_rejections_close_it_and_one_cannot_decide_on_their_own_report(
    member: User, hotspot: Hotspot, moderators: list[User]
) -> None:
    own = submit(moderators[0], hotspot)
    with pytest.raises(PermissionDenied):
        services.report_decide(report=own, moderator=moderators[0], verdict="approve")
    report = submit(member, hotspot)
    services.report_decide(report=report, moderator=moderators[0], verdict="reject")
    services.report_decide(report=report, moderator=moderators[1], verdict="approve")
    report = services.report_decide(report=report, moderator=moderators[2], verdict="reject")
    assert report.status == Report.Status.REJECTED
    with pytest.raises(ValidationError):
        services.report_decide(report=report, moderator=moderators[1], verdict="approve")


def test_editing_the_words_removes_the_approvals_given_so_far(
    member: User, hotspot: Hotspot, moderators: list[User]
) -> None:
    report = submit(member, hotspot, what_happened="Called himself Ray")
    services.report_decide(report=report, moderator=moderators[0], verdict="approve")
    services.report_edit(
        report=report, moderator=moderators[1], values={"what_happened": "Gave a false name"}
    )
    report = services.report_decide(report=report, moderator=moderators[1], verdict="approve")
    assert report.status == Report.Status.WAITING  # the first approval was of other words
    report = services.report_decide(report=report, moderator=moderators[0], verdict="approve")
    assert report.status == Report.Status.CIRCULATING
    assert report.what_happened == "Gave a false name"
    corrected = services.report_edit(
        report=report, moderator=moderators[2], values={"what_happened": "Gave a name"}
    )
    assert corrected.status == Report.Status.CIRCULATING and corrected.corrected_at


def test_without_consent_to_an_alert_it_never_reaches_moderators_or_anyone(
    member: User, hotspot: Hotspot, moderators: list[User]
) -> None:
    report = submit(member, hotspot, alert=False)
    assert report.status == Report.Status.RECORDED
    assert not reports_for_moderators(moderators[0]).exists()
    with pytest.raises(ValidationError):
        services.report_decide(report=report, moderator=moderators[0], verdict="approve")
    assert not alerts_visible_to(moderators[0]).exists()


def test_each_consent_is_off_unless_given(member: User, hotspot: Hotspot) -> None:
    report = submit(member, hotspot, alert=False)
    assert (report.consent_alert, report.consent_partners, report.consent_police) == (
        False,
        False,
        False,
    )


def test_withdrawal_stops_delivery_and_empties_inboxes(
    member: User, outreach_worker: User, hotspot: Hotspot, moderators: list[User]
) -> None:
    report = circulating(member, hotspot, moderators)
    today = timezone.localdate()
    key = f"alert:{report.pk}"
    waiting = Reminder.objects.create(
        user=outreach_worker, kind=Reminder.Kind.SAFETY_ALERT, object_key=key, due_on=today
    )
    shown = Reminder.objects.create(
        user=moderators[2],
        kind=Reminder.Kind.SAFETY_ALERT,
        object_key=key,
        due_on=today,
        status=Reminder.Status.SENT,
        sent_at=timezone.now(),
    )
    with pytest.raises(PermissionDenied):
        services.report_withdraw(report=report, by=outreach_worker)
    services.report_withdraw(report=report, by=member)
    waiting.refresh_from_db()
    shown.refresh_from_db()
    assert waiting.status == Reminder.Status.SKIPPED
    assert shown.done_at is not None
    assert not alerts_visible_to(moderators[0]).exists()


def test_an_expired_alert_is_no_longer_shown(
    member: User, hotspot: Hotspot, moderators: list[User]
) -> None:
    report = circulating(member, hotspot, moderators)
    assert alerts_visible_to(member).exists()
    Report.objects.filter(pk=report.pk).update(expires_on=timezone.localdate() - timedelta(days=1))
    assert not alerts_visible_to(member).exists()


def test_a_removal_request_withdraws_the_alert_when_moderators_agree(
    member: User, hotspot: Hotspot, moderators: list[User]
) -> None:
    report = circulating(member, hotspot, moderators)
    asked = services.removal_request_create(
        reference=f" {report.reference.lower()} ", reason="That is my number", contact=""
    )
    assert asked.report == report
    services.removal_request_resolve(request=asked, moderator=moderators[2], remove=True)
    report.refresh_from_db()
    assert report.status == Report.Status.WITHDRAWN
    unknown = services.removal_request_create(reference="NOSUCH", reason="Wrong", contact="")
    assert unknown.report is None  # kept all the same: never lost


def test_the_reference_reads_out_without_confusable_characters(
    member: User, hotspot: Hotspot
) -> None:
    references = {submit(member, hotspot).reference for _ in range(20)}
    assert len(references) == 20
    assert all(len(r) == 6 and not set(r) & set("01OI") for r in references)


def test_the_dashboard_counts_hide_small_cells_and_name_nobody(
    client_for: Any, member: User, coordinator: User, hotspot: Hotspot, other_hotspot: Hotspot
) -> None:
    for _ in range(6):
        submit(member, hotspot, categories=["robbed"])
    submit(member, other_hotspot, categories=["threats", "robbed"])
    counts = incident_counts()
    assert counts.total == 7
    by_hotspot = dict(counts.by_hotspot.rows)
    assert by_hotspot["Test lounge"] == "<5"
    assert by_hotspot["Test market"] == ""  # its complement: 7 - 6 would give the 1 away
    by_category = dict(counts.by_category.rows)
    assert by_category[str(Category.THREATS.label)] == "<5"
    assert by_category[str(Category.WEAPON.label)] == "0"  # a zero gives nobody away
    assert counts.by_category.total == "7"
    assert counts.by_month.rows[-1][1] == "7"
    page = client_for(coordinator).get(reverse("monitoring:dashboard")).content.decode()
    assert "Moonbeam" not in page and "Tall, grey beard" not in page


def test_only_what_people_agreed_to_share_goes_to_partners_or_the_police(
    client_for: Any, member: User, coordinator: User, hotspot: Hotspot, moderators: list[User]
) -> None:
    def shared(**consents: bool) -> Report:
        return services.report_submit(
            entered_by=member,
            reporter=member.person,
            incident=incident(hotspot, what_happened=f"words {sorted(consents)}"),
            consents=services.Consents(**consents),
            wants_support=False,
        )

    police = shared(police=True)
    partners = shared(partners=True)
    shared(alert=True)  # an alert only: shared with nobody
    withdrawn = shared(police=True, partners=True)
    services.report_withdraw(report=withdrawn, by=member)
    client = client_for(coordinator)
    url = reverse("monitoring:incidents_export")
    to_police = client.get(f"{url}?with=police").content.decode()
    to_partners = client.get(f"{url}?with=partners").content.decode()
    assert police.reference in to_police and partners.reference not in to_police
    assert partners.reference in to_partners and police.reference not in to_partners
    assert withdrawn.reference not in to_police + to_partners
    assert "Moonbeam" not in to_police and police.phone_hash not in to_police
    assert "7700900" not in to_police
    assert to_police.splitlines()[1].endswith(",23,123")  # the last characters only
    assert client.get(f"{url}?with=everyone").status_code == 400
    assert client_for(member).get(f"{url}?with=police").status_code == 403
