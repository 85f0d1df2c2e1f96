"""Writes about outreach work. Each function validates, then saves inside one transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any
from uuid import UUID, uuid4

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext

from members.models import AccessLog, Assignment, Hotspot, Person, User
from members.services import access_log_write
from outreach import rules
from outreach.models import (
    Attendance,
    Contact,
    GroupActivity,
    Partner,
    Referral,
    RiskAssessment,
    RiskFactor,
    SizeEstimate,
    TracingAttempt,
    ViolenceIncident,
    ZeroReport,
)
from outreach.rules import MAX_TRACING_ATTEMPTS, REFERRAL_WINDOWS

# --- Group activities ------------------------------------------------------------------------

# Written to the access log of each person added or removed. Deliberately says nothing about the
# activity: the person reads their log, maybe on a phone someone else checks.
ATTENDANCE_LOG_DETAIL = "group activity attendance"


def activity_save(*, activity: GroupActivity) -> GroupActivity:
    """Create or change a group activity. The form has already explained mistakes beside their
    fields; checking again keeps other callers from reaching the database's constraints."""
    with transaction.atomic():
        activity.full_clean()
        activity.save()
    return activity


def attendance_add(*, actor: User, activity: GroupActivity, person: Person) -> bool:
    """Record that `person` came. Idempotent: a second tap, or two workers at once, leave one
    row (get_or_create falls back to reading the row the unique constraint kept). Returns
    whether the person is new on the list; only then is the change logged."""
    with transaction.atomic():
        _attendance, created = Attendance.objects.get_or_create(activity=activity, person=person)
        if created:
            access_log_write(
                actor=actor,
                person=person,
                action=AccessLog.Action.CHANGE,
                detail=ATTENDANCE_LOG_DETAIL,
            )
    return created


def attendance_remove(*, actor: User, activity: GroupActivity, person: Person) -> bool:
    """Take `person` off the list (added by mistake). Returns whether they were on it."""
    with transaction.atomic():
        removed, _by_model = Attendance.objects.filter(activity=activity, person=person).delete()
        if removed:
            access_log_write(
                actor=actor,
                person=person,
                action=AccessLog.Action.CHANGE,
                detail=ATTENDANCE_LOG_DETAIL,
            )
    return bool(removed)


# --- My week ---------------------------------------------------------------------------------


class ZeroReportRefused(Exception):
    """The worker logged a contact that day: the day is reported by the contact itself."""


def zero_report_create(*, worker: User, day: date) -> tuple[ZeroReport, bool]:
    """Report that `worker` had no contacts on `day`, so the day still counts as reported.
    Idempotent: a second tap, or two at once, leave one row (the unique constraint keeps it and
    get_or_create reads it back). Returns the report and whether it is new."""
    with transaction.atomic():
        # The worker's own rows only: whether they logged anything that day, about anyone.
        if Contact.objects.filter(worker=worker, contacted_on=day).exists():
            raise ZeroReportRefused
        return ZeroReport.objects.get_or_create(worker=worker, day=day)


# --- Hotspots --------------------------------------------------------------------------------


def hotspot_save(*, hotspot: Hotspot) -> Hotspot:
    """Create or change a hotspot. The form has already explained mistakes beside their fields;
    checking again keeps other callers from reaching the database's constraints."""
    with transaction.atomic():
        hotspot.full_clean()
        hotspot.save()
    return hotspot


def size_estimate_create(
    *, hotspot: Hotspot, number: int, estimated_on: date, source: str
) -> SizeEstimate:
    """One estimate per hotspot per day: a second one for the same day raises ValidationError
    (or IntegrityError when two arrive at once)."""
    with transaction.atomic():
        estimate = SizeEstimate(
            hotspot=hotspot, number=number, estimated_on=estimated_on, source=source
        )
        estimate.full_clean()
        estimate.save()
    return estimate


def assignment_create(
    *, hotspot: Hotspot, worker: User, starts_on: date, ends_on: date | None = None
) -> Assignment:
    with transaction.atomic():
        assignment = Assignment(
            worker=worker, hotspot=hotspot, starts_on=starts_on, ends_on=ends_on
        )
        assignment.full_clean()
        assignment.save()
    return assignment


def assignment_end(*, assignment: Assignment, on: date | None = None) -> Assignment | None:
    """End an assignment on `on` (today): the worker keeps the hotspot until that day ends.
    One that has not started yet never took effect, so it is deleted (None is returned).
    Ending an assignment that already ended changes nothing, so a second tap is harmless."""
    day = on or timezone.localdate()
    with transaction.atomic():
        assignment = Assignment.objects.select_for_update().get(pk=assignment.pk)
        if assignment.starts_on > day:
            assignment.delete()
            return None
        if assignment.ends_on is None or assignment.ends_on > day:
            assignment.ends_on = day
            assignment.save(update_fields=["ends_on"])
    return assignment


# --- Reports: contacts list and exports ---

# People logged per INSERT when an export of rows is written to the access log.
EXPORT_LOG_BATCH = 2000


def contact_export_log(*, actor: User, contacts: QuerySet[Contact], detail: str) -> int:
    """Before an export of contact rows leaves the system: one access-log row ("export") per
    person in it, written in batches in one transaction, so the log shows who took whose data
    and each person can see it. Returns how many people were logged."""
    people = contacts.order_by().values_list("person_id", flat=True).distinct()
    now = timezone.now()
    logged = 0
    with transaction.atomic():
        batch: list[AccessLog] = []
        for person_id in people.iterator(chunk_size=EXPORT_LOG_BATCH):
            batch.append(
                AccessLog(
                    actor=actor,
                    person_id=person_id,
                    action=AccessLog.Action.EXPORT,
                    detail=detail[:200],
                    at=now,
                )
            )
            if len(batch) == EXPORT_LOG_BATCH:
                AccessLog.objects.bulk_create(batch)
                logged, batch = logged + len(batch), []
        AccessLog.objects.bulk_create(batch)
    return logged + len(batch)


# --- Referrals ---------------------------------------------------------------------------------

# Without another date, a referral is due when the first completion window ends.
REFERRAL_DUE_DAYS = REFERRAL_WINDOWS[0]


class ReferralRefused(ValueError):
    """The change does not fit the referral as it is now; the message says why, for the user."""


def partner_save(*, partner: Partner) -> Partner:
    with transaction.atomic():
        partner.full_clean()
        partner.save()
    return partner


def _referral_logged(*, actor: User, referral: Referral, what: str) -> None:
    # The log says which referral and what happened, never the service or partner: a member
    # reads their own log, and "referred for PrEP" is health information.
    access_log_write(
        actor=actor,
        person=referral.person,
        action=AccessLog.Action.CHANGE,
        detail=f"referral #{referral.pk} {what}",
    )


def _check_day(day: date, *, not_before: date) -> None:
    if day > timezone.localdate():
        raise ReferralRefused(gettext("This date is in the future."))
    if day < not_before:
        raise ReferralRefused(gettext("This date is before the referral was made."))


def referral_make(
    *,
    actor: User,
    person: Person,
    partner: Partner,
    service: str,
    made_on: date | None = None,
    due_on: date | None = None,
    contact: Contact | None = None,
) -> Referral:
    made_on = made_on or timezone.localdate()
    due_on = due_on or made_on + timedelta(days=REFERRAL_DUE_DAYS)
    if made_on > timezone.localdate():
        raise ReferralRefused(gettext("This date is in the future."))
    if due_on < made_on:
        raise ReferralRefused(gettext("The due date cannot be before the referral date."))
    if not partner.is_active:
        raise ReferralRefused(gettext("This partner takes no referrals now."))
    if contact is not None and contact.person_id != person.pk:
        raise ReferralRefused(gettext("This contact was with someone else."))
    with transaction.atomic():
        referral = Referral.objects.create(
            person=person,
            partner=partner,
            service=service,
            made_by=actor,
            made_on=made_on,
            due_on=due_on,
            contact=contact,
        )
        _referral_logged(actor=actor, referral=referral, what="made")
    return referral


def _locked(referral: Referral) -> Referral:
    """The referral's row, locked until the transaction ends: two taps change it once."""
    locked = Referral.objects.select_for_update().get(pk=referral.pk)
    locked.person = referral.person
    return locked


def referral_mark_attended(*, actor: User, referral: Referral, attended_on: date) -> Referral:
    """Made (or given up on, then turned up after all) -> attended."""
    with transaction.atomic():
        referral = _locked(referral)
        if referral.status not in (Referral.Status.MADE, Referral.Status.LOST):
            raise ReferralRefused(gettext("This referral is already marked as attended."))
        _check_day(attended_on, not_before=referral.made_on)
        referral.status = Referral.Status.ATTENDED
        referral.attended_on = attended_on
        referral.save(update_fields=["status", "attended_on"])
        _referral_logged(actor=actor, referral=referral, what="attended")
    return referral


def referral_record_outcome(
    *, actor: User, referral: Referral, outcome: str, outcome_on: date
) -> Referral:
    with transaction.atomic():
        referral = _locked(referral)
        if referral.status != Referral.Status.ATTENDED:
            raise ReferralRefused(gettext("An outcome follows attendance: mark it attended first."))
        _check_day(outcome_on, not_before=referral.attended_on or referral.made_on)
        if not outcome.strip():
            raise ReferralRefused(gettext("Say what the outcome was."))
        referral.status = Referral.Status.COMPLETED
        referral.outcome = outcome.strip()
        referral.outcome_on = outcome_on
        referral.save(update_fields=["status", "outcome", "outcome_on"])
        _referral_logged(actor=actor, referral=referral, what="outcome")
    return referral


def referral_mark_not_completed(*, actor: User, referral: Referral) -> Referral:
    with transaction.atomic():
        referral = _locked(referral)
        if referral.status != Referral.Status.MADE:
            raise ReferralRefused(gettext("Only an open referral can be marked not completed."))
        referral.status = Referral.Status.LOST
        referral.save(update_fields=["status"])
        _referral_logged(actor=actor, referral=referral, what="not completed")
    return referral


def tracing_attempt_add(
    *, actor: User, referral: Referral, method: str, outcome: str, attempted_on: date
) -> TracingAttempt:
    """Attempts are numbered 1, 2, 3 under the referral's lock, so two at once cannot both be
    number 2, and a fourth is refused."""
    with transaction.atomic():
        referral = _locked(referral)
        if referral.status != Referral.Status.MADE:
            raise ReferralRefused(gettext("Only an open referral is traced."))
        done = referral.tracing_attempts.count()
        if done >= MAX_TRACING_ATTEMPTS:
            raise ReferralRefused(
                gettext(
                    "This referral was already traced %(max)d times, the most allowed. Mark it "
                    "attended or not completed."
                )
                % {"max": MAX_TRACING_ATTEMPTS}
            )
        _check_day(attempted_on, not_before=referral.made_on)
        attempt = TracingAttempt.objects.create(
            referral=referral,
            number=done + 1,
            attempted_on=attempted_on,
            method=method,
            outcome=outcome,
            worker=actor,
        )
        _referral_logged(actor=actor, referral=referral, what=f"traced ({attempt.number})")
    return attempt


# --- Contacts, violence follow-up and risk assessment ----------------------------------------

# Written to the person's access log, which they read, maybe on a phone someone else checks:
# neutral words, nothing about what was given, said or assessed.
CONTACT_LOG_DETAIL = "contact"
CONTACT_UNDO_LOG_DETAIL = "contact undone"
# A contact saved by mistake can be undone by its worker for this long.
CONTACT_UNDO_MINUTES = 10
FOLLOW_UP_LOG_DETAIL = "follow-up"
ASSESSMENT_LOG_DETAIL = "assessment"
# A violence report is followed up this many days later, unless the worker picks another day.
VIOLENCE_FOLLOW_UP_DAYS = 2
# Risk factors look back six months (reference/mission.md), so they are reassessed after that.
REASSESS_MONTHS = 6


class ContactKeyReused(Exception):
    """The idempotency key already saved a different contact: about someone else, by someone
    else, or with other answers. Nothing was saved; the caller decides (never silently drops)."""


class ContactWithoutHotspot(Exception):
    """The person has no main hotspot and the worker has not exactly one to give the contact."""


def _contact_hotspot_id(*, worker: User, person: Person) -> int:
    if person.hotspot_id is not None:
        return person.hotspot_id
    hotspots = list(
        Assignment.objects.current().filter(worker=worker).values_list("hotspot", flat=True)[:2]
    )
    if len(hotspots) != 1:
        raise ContactWithoutHotspot
    return hotspots[0]


def contact_log(
    *, worker: User, person: Person, idempotency_key: UUID, **fields: Any
) -> tuple[Contact, bool]:
    """Save one contact, exactly once per idempotency key: a double tap, a resubmitted form or
    a retry with the same answers returns the contact the first one saved, unchanged. The key
    that saved another contact (another person, another worker, other answers) raises
    ContactKeyReused and touches nothing. Returns the contact and whether it is new."""
    contacted_on = fields.get("contacted_on")
    if contacted_on is not None and contacted_on > timezone.localdate():
        raise ValueError("A contact cannot be dated in the future.")
    with transaction.atomic():
        existing = Contact.objects.filter(idempotency_key=idempotency_key).first()
        if existing is None:
            hotspot_id = _contact_hotspot_id(worker=worker, person=person)
            try:
                # A savepoint: the loser of a race on the unique key reads the winner's row.
                with transaction.atomic():
                    contact = Contact.objects.create(
                        worker=worker,
                        person=person,
                        hotspot_id=hotspot_id,
                        idempotency_key=idempotency_key,
                        **fields,
                    )
            except IntegrityError:
                existing = Contact.objects.filter(idempotency_key=idempotency_key).first()
                if existing is None:
                    raise
            else:
                access_log_write(
                    actor=worker,
                    person=person,
                    action=AccessLog.Action.CHANGE,
                    detail=CONTACT_LOG_DETAIL,
                )
                return contact, True
        same = existing.person_id == person.pk and existing.worker_id == worker.pk
        if not same or any(getattr(existing, name) != value for name, value in fields.items()):
            raise ContactKeyReused
        return existing, False


@dataclass(frozen=True)
class ContactSent:
    """What a contact form, as sent, saved: the contact, whether it is new, and whether it was
    saved under a fresh key because the form's own key had saved other answers."""

    contact: Contact
    created: bool
    unsure: bool


def contact_log_sent(*, worker: User, person: Person, form_key: UUID, **fields: Any) -> ContactSent:
    """contact_log for a form as the worker sent it. When the form's key already saved a
    contact with other answers (Back, change something, send again), this one is saved as a
    new contact under a fresh key, marked unsure: the server cannot tell a correction from a
    second contact, and never drops one. Raises ContactWithoutHotspot as contact_log does."""
    try:
        contact, created = contact_log(
            worker=worker, person=person, idempotency_key=form_key, **fields
        )
    except ContactKeyReused:
        contact, created = contact_log(
            worker=worker, person=person, idempotency_key=uuid4(), **fields
        )
        return ContactSent(contact=contact, created=created, unsure=True)
    return ContactSent(contact=contact, created=created, unsure=False)


def contact_undo(*, worker: User, contact: Contact) -> bool:
    """Delete a contact its worker saved in the last few minutes by mistake (sent twice, or
    saved when the server could not tell a correction from a second contact). Anything written
    about it since (a violence follow-up, a referral) keeps it. Returns whether it was deleted."""
    cutoff = timezone.now() - timedelta(minutes=CONTACT_UNDO_MINUTES)
    with transaction.atomic():
        contact = Contact.objects.select_for_update().select_related("person").get(pk=contact.pk)
        if contact.worker_id != worker.pk or contact.created_at < cutoff:
            return False
        if ViolenceIncident.objects.filter(contact=contact).exists() or contact.referrals.exists():
            return False
        access_log_write(
            actor=worker,
            person=contact.person,
            action=AccessLog.Action.CHANGE,
            detail=CONTACT_UNDO_LOG_DETAIL,
        )
        contact.delete()
    return True


def incident_open(
    *, worker: User, contact: Contact, kind: str, notes: str, follow_up_on: date
) -> tuple[ViolenceIncident, bool]:
    """The short violence record of a contact, one per contact however many taps; the contact
    is marked as reporting violence. Returns the record and whether it is new."""
    with transaction.atomic():
        existing = ViolenceIncident.objects.filter(contact=contact).first()
        if existing is not None:
            return existing, False
        try:
            with transaction.atomic():
                incident = ViolenceIncident.objects.create(
                    contact=contact,
                    person_id=contact.person_id,
                    kind=kind,
                    notes=notes,
                    follow_up_on=follow_up_on,
                )
        except IntegrityError:
            return ViolenceIncident.objects.get(contact=contact), False
        Contact.objects.filter(pk=contact.pk, violence_reported=False).update(
            violence_reported=True
        )
        access_log_write(
            actor=worker,
            person=contact.person,
            action=AccessLog.Action.CHANGE,
            detail=FOLLOW_UP_LOG_DETAIL,
        )
    return incident, True


def incident_mark_followed_up(*, actor: User, incident: ViolenceIncident) -> ViolenceIncident:
    """Record that the follow-up happened; a second tap keeps the first time."""
    with transaction.atomic():
        incident = ViolenceIncident.objects.select_for_update().get(pk=incident.pk)
        if incident.followed_up_at is None:
            incident.followed_up_at = timezone.now()
            incident.save(update_fields=["followed_up_at"])
            access_log_write(
                actor=actor,
                person=incident.person,
                action=AccessLog.Action.CHANGE,
                detail=FOLLOW_UP_LOG_DETAIL,
            )
    return incident


def risk_assess(
    *, actor: User, person: Person, factors: list[RiskFactor], reassess_on: date
) -> RiskAssessment:
    """Record which factors apply today; more than PRIORITY_FACTORS makes the person a priority.
    Assessing again the same day corrects that day's assessment instead of adding another."""
    today = timezone.localdate()
    if reassess_on <= today:
        raise ValueError("The reassessment must be after today.")
    with transaction.atomic():
        # Serialises two saves of the same person's assessment (a double tap).
        Person.objects.select_for_update().filter(pk=person.pk).first()
        assessment = RiskAssessment.objects.filter(person=person, assessed_on=today).first()
        if assessment is None:
            assessment = RiskAssessment(person=person, assessed_on=today)
        assessment.reassess_on = reassess_on
        assessment.assessed_by = actor
        assessment.is_priority = len(factors) > rules.PRIORITY_FACTORS
        assessment.save()
        assessment.factors.set(factors)
        access_log_write(
            actor=actor,
            person=person,
            action=AccessLog.Action.CHANGE,
            detail=ASSESSMENT_LOG_DETAIL,
        )
    return assessment
