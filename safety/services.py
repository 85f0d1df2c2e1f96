"""Every change to safety reports: submit, decide, edit, withdraw, ask for removal. Each runs in
one transaction and locks the report it changes, so two moderators deciding at the same moment
count as two decisions, never one lost and never a third approval needed."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from members.identifiers import Use, identifier_hash, last_digits
from members.models import Hotspot, Person, Reminder, User
from safety import rules
from safety.models import Decision, RemovalRequest, Report

REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read out over a phone
REFERENCE_LENGTH = 6


@dataclass(frozen=True)
class Incident:
    """What a report says, as the form cleaned it. `phone` is E.164 and `plate` letters and
    digits only (members.identifiers), or empty."""

    happened_on: date
    hotspot: Hotspot
    categories: list[str]
    area: str = ""
    what_happened: str = ""
    description: str = ""
    vehicle: str = ""
    phone: str = ""
    plate: str = ""


@dataclass(frozen=True)
class Consents:
    alert: bool = False
    partners: bool = False
    police: bool = False


def _new_reference() -> str:
    while True:
        reference = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(REFERENCE_LENGTH))
        if not Report.objects.filter(reference=reference).exists():
            return reference


def report_submit(
    *,
    entered_by: User,
    reporter: Person | None,
    incident: Incident,
    consents: Consents,
    wants_support: bool,
) -> Report:
    """Record a report. With consent to an alert it waits for the moderators; without, it is
    recorded only: counted, and shared only as the other consents say. The number and plate
    are hashed here and never stored as typed."""
    return Report.objects.create(
        reporter=reporter,
        entered_by=entered_by,
        reference=_new_reference(),
        happened_on=incident.happened_on,
        hotspot=incident.hotspot,
        area=incident.area or None,
        categories=incident.categories,
        what_happened=incident.what_happened or None,
        description=incident.description or None,
        vehicle=incident.vehicle or None,
        phone_hash=identifier_hash(Use.ALERT_PHONE, incident.phone) if incident.phone else "",
        phone_end=last_digits(incident.phone) if incident.phone else "",
        plate_hash=identifier_hash(Use.ALERT_PLATE, incident.plate) if incident.plate else "",
        plate_end=last_digits(incident.plate, 2) if incident.plate else "",
        consent_alert=consents.alert,
        consent_partners=consents.partners,
        consent_police=consents.police,
        wants_support=wants_support,
        status=Report.Status.WAITING if consents.alert else Report.Status.RECORDED,
    )


def _locked(report: Report) -> Report:
    return Report.objects.select_for_update().get(pk=report.pk)


def _is_own(report: Report, user: User) -> bool:
    return report.entered_by_id == user.pk or (
        report.reporter_id is not None
        and Person.objects.filter(pk=report.reporter_id, user=user).exists()
    )


def report_decide(*, report: Report, moderator: User, verdict: str) -> Report:
    """One moderator's decision on the words as they read now. The second approval makes it
    circulate; the second rejection closes it. Nobody decides on a report of their own."""
    with transaction.atomic():
        report = _locked(report)
        if _is_own(report, moderator):
            raise PermissionDenied
        if report.status != Report.Status.WAITING:
            raise ValidationError(_("This report has already been decided."))
        Decision.objects.update_or_create(
            report=report, moderator=moderator, defaults={"verdict": verdict, "at": timezone.now()}
        )
        votes = list(report.decisions.values_list("verdict", flat=True))
        if votes.count(Decision.Verdict.APPROVE) >= rules.APPROVALS_NEEDED:
            report.status = Report.Status.CIRCULATING
            report.circulated_at = timezone.now()
            report.expires_on = timezone.localdate() + timedelta(days=settings.SAFETY_ALERT_DAYS)
        elif votes.count(Decision.Verdict.REJECT) >= rules.REJECTIONS_NEEDED:
            report.status = Report.Status.REJECTED
            report.closed_at = timezone.now()
        report.save(update_fields=["status", "circulated_at", "expires_on", "closed_at"])
    return report


EDITABLE = ("area", "what_happened", "description", "vehicle")


def report_edit(*, report: Report, moderator: User, values: dict[str, str]) -> Report:
    """A moderator takes out what could identify anyone. Before it circulates, an edit removes
    the approvals given so far (both moderators approve the same words); once circulating, it is
    a correction, shown as such."""
    with transaction.atomic():
        locked = _locked(report)
        if locked.status not in (Report.Status.WAITING, Report.Status.CIRCULATING):
            raise ValidationError(_("This report can no longer be changed."))
        for name in EDITABLE:
            setattr(locked, name, values.get(name) or None)
        if locked.status == Report.Status.WAITING:
            locked.decisions.filter(verdict=Decision.Verdict.APPROVE).delete()
        else:
            locked.corrected_at = timezone.now()
        locked.save(update_fields=[*EDITABLE, "corrected_at"])
    return locked


def _stop_delivery(report: Report) -> None:
    """Nothing more of this alert goes out, and it leaves every inbox."""
    reminders = Reminder.objects.filter(
        kind=Reminder.Kind.SAFETY_ALERT, object_key=f"alert:{report.pk}"
    )
    reminders.filter(status=Reminder.Status.PENDING).update(status=Reminder.Status.SKIPPED)
    reminders.filter(status=Reminder.Status.SENT, done_at__isnull=True).update(
        done_at=timezone.now()
    )


def report_withdraw(*, report: Report, by: User, moderator: bool = False) -> Report:
    """By the person it is about (or the worker who wrote it down), or by a moderator. A
    withdrawn report is never shown or sent again."""
    with transaction.atomic():
        locked = _locked(report)
        if not moderator and not _is_own(locked, by):
            raise PermissionDenied
        if locked.status == Report.Status.WITHDRAWN:
            return locked
        locked.status = Report.Status.WITHDRAWN
        locked.closed_at = timezone.now()
        locked.save(update_fields=["status", "closed_at"])
        _stop_delivery(locked)
    return locked


def removal_request_create(*, reference: str, reason: str, contact: str) -> RemovalRequest:
    """Anyone may ask; the reference is kept as typed when it names no report, so the request
    is never lost and nobody learns from the answer whether a reference exists."""
    normalised = reference.strip().upper().replace(" ", "").replace("-", "")
    report = Report.objects.filter(reference=normalised).first()
    return RemovalRequest.objects.create(
        report=report, reference=normalised[:12], reason=reason, contact=contact or None
    )


def removal_request_resolve(
    *, request: RemovalRequest, moderator: User, remove: bool
) -> RemovalRequest:
    with transaction.atomic():
        if remove and request.report is not None:
            report_withdraw(report=request.report, by=moderator, moderator=True)
        request.resolved_at = timezone.now()
        request.resolved_by = moderator
        request.removed = remove and request.report is not None
        request.save(update_fields=["resolved_at", "resolved_by", "removed"])
    return request
