"""Erasure leaves no free text behind: a member with a login gets one row of every kind the
personal data registry knows, with a canary in every text column, and after person_erase the
canary is nowhere: not through the ORM (which decrypts the encrypted columns) and, on
PostgreSQL, not in a pg_dump of the whole database."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any
from uuid import uuid4

import pytest
from allauth.account.models import EmailAddress, EmailConfirmation
from allauth.mfa.models import Authenticator
from allauth.usersessions.models import UserSession
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone

from members import services
from members.models import (
    AccessLog,
    Assignment,
    Consent,
    Employment,
    ErasureRequest,
    Hotspot,
    Invitation,
    NotificationPreference,
    OutsideAccess,
    PasswordResetCode,
    Person,
    PossibleDuplicate,
    Reminder,
    Submission,
    User,
)
from members.personal_data import REGISTRY, Keep
from monitoring.models import Complaint, Place
from outreach.models import (
    Attendance,
    Contact,
    GroupActivity,
    Partner,
    Referral,
    RiskAssessment,
    TracingAttempt,
    ViolenceIncident,
)
from programmes.models import (
    Comment,
    Follow,
    Need,
    Programme,
    RollEntry,
    Round,
    SignUp,
    Stage,
    Support,
    Teller,
)
from reminders.models import SmsMessage
from safety.models import Decision, Report
from tests.conftest import make_person

# Short enough for the narrowest free-text column (40 characters), odd enough that finding it
# anywhere can only mean it was left behind.
CANARY = "cnry-5f8e2a"
MAIL = f"{CANARY}@example.org"
# Text columns that hold no one's words: the admin log's object id is a row's primary key.
NOT_TEXT = {(LogEntry, "object_id")}
# Kept whole on erasure, by design, and so planted with no canary: the access log is
# append-only (a PostgreSQL trigger refuses UPDATE), and its detail and reason are what staff
# typed about their own work, never shown to the person (members.personal_data_members).
KEPT_TEXT = {AccessLog}


def text_fields(model: type[models.Model]) -> list[models.Field]:
    """Every column a person's words or names could sit in: text without fixed choices."""
    return [
        field
        for field in model._meta.concrete_fields
        if isinstance(field, models.CharField | models.TextField)
        and not field.choices
        and (model, field.name) not in NOT_TEXT
    ]


def make(model: type[models.Model], **values: Any) -> models.Model:
    """A row with the canary in every text column not given."""
    row = model(**values)
    for field in text_fields(model):
        if field.name not in values:
            canary = MAIL if isinstance(field, models.EmailField) else CANARY
            setattr(row, field.attname, canary[: field.max_length or None])
    row.save()
    return row


@pytest.fixture
def planted(hotspot: Hotspot, outreach_worker: User, coordinator: User) -> dict[str, Any]:
    """A member with a login and one row of every registered kind, all linked to them."""
    now, today = timezone.now(), timezone.localdate()
    login = make(User, is_member=True, is_outreach_worker=True)
    person = make(Person, hotspot=hotspot, user=login, is_member=True)
    earlier = make(Person, hotspot=hotspot, merged_into=person)  # a record merged into theirs
    partner = Partner.objects.create(name="Canary clinic", kind="health")
    activity = GroupActivity.objects.create(
        kind="meeting", title="Monthly meeting", facilitator=outreach_worker
    )
    programme = Programme.objects.create(title="Night shelter", goal="Beds", lead=coordinator)
    stage = Stage.objects.create(programme=programme, kind=Stage.Kind.ASSESSMENT)
    round_ = Round.objects.create(
        title="Spring",
        question="What first?",
        opens_at=now,
        closes_at=now + timedelta(1),
        created_by=coordinator,
    )
    email = make(EmailAddress, user=login, verified=True, primary=True)
    contact = make(
        Contact, person=person, worker=outreach_worker, hotspot=hotspot, idempotency_key=uuid4()
    )
    referral = make(
        Referral,
        person=person,
        partner=partner,
        service="prep",
        made_by=outreach_worker,
        due_on=today,
    )
    need = make(Need, author=login, category="housing")
    rows = [
        login,
        person,
        earlier,
        make(Consent, person=person, purpose=Consent.Purpose.EMAIL_REMINDERS),
        make(Invitation, person=person, created_by=outreach_worker, expires_at=now),
        make(PasswordResetCode, login=login, created_by=outreach_worker, expires_at=now),
        make(OutsideAccess, person=person, worker=outreach_worker, expires_at=now),
        make(
            PossibleDuplicate,
            person=make_person(hotspot, "TWIN0190"),
            other=person,
            reason="same_code",
        ),
        make(ErasureRequest, person=person),
        make(Employment, user=login, role="outreach_worker", started_on=today),
        reminder := make(Reminder, user=login, kind=Reminder.Kind.ROUND_OPENED, due_on=today),
        make(SmsMessage, reminder=reminder),
        make(NotificationPreference, user=login),
        make(Submission, user=login, key=uuid4()),
        services.access_log_write(actor=coordinator, person=person, action="view"),
        services.access_log_write(actor=login, login=login, action="end_sessions"),
        make(UserSession, user=login, ip="192.0.2.7"),
        email,
        make(EmailConfirmation, email_address=email),
        make(Authenticator, user=login, type="totp", data={"secret": CANARY}),
        make(
            LogEntry,
            user=login,
            action_flag=CHANGE,
            object_id=str(login.pk),
            content_type=ContentType.objects.get_for_model(User),
        ),
        make(User.groups.through, user=login, group=Group.objects.create(name="Helpers")),
        make(User.user_permissions.through, user=login, permission=Permission.objects.first()),
        contact,
        make(ViolenceIncident, contact=contact, person=person, follow_up_on=today),
        referral,
        make(
            TracingAttempt,
            referral=referral,
            number=1,
            method="phone",
            outcome="reached",
            worker=outreach_worker,
        ),
        make(RiskAssessment, person=person, reassess_on=today, assessed_by=outreach_worker),
        make(Attendance, activity=activity, person=person),
        make(Assignment, worker=login, hotspot=hotspot),
        need,
        make(Comment, need=need, author=login),
        make(Support, need=make(Need, author=coordinator, category="safety"), member=login),
        make(RollEntry, round=round_, member=login, has_voted=True),
        make(Teller, round=round_, user=login, index=1),
        make(Stage.committee.through, stage=stage, user=login),
        make(SignUp, programme=programme, member=login),
        make(Follow, programme=programme, member=login),
        make(Complaint, person=person, place=Place.PARTNER, partner=partner),
        report := make(
            Report, reporter=person, entered_by=login, hotspot=hotspot, happened_on=today
        ),
        make(Decision, report=report, moderator=login, verdict=Decision.Verdict.APPROVE),
    ]
    # The support's need is someone else's: only the supporter's own rows carry their words.
    Need.objects.filter(author=coordinator).update(title="Other need", details="", hidden_reason="")
    return {"person": person, "rows": rows}


def left_behind(rows: list[models.Model]) -> list[str]:
    """Every column of these rows that still holds the canary, read through the ORM."""
    found = []
    for row in rows:
        model = type(row)
        current = model._default_manager.filter(pk=row.pk).first()
        for field in text_fields(model) if current is not None else []:
            value = getattr(current, field.attname)
            if value is not None and CANARY in str(value).lower():
                found.append(f"{model._meta.label}.{field.name}")
        if current is not None and model is Authenticator and CANARY in str(current.data):
            found.append("mfa.Authenticator.data")
    return found


def test_the_planted_rows_cover_every_registered_model(planted: dict[str, Any]) -> None:
    assert {registration.model for registration in REGISTRY.values()} <= {
        type(row) for row in planted["rows"]
    }
    # What erasure keeps whole holds no canary; any other kept model must hold no text.
    kept = {
        r.model for r in REGISTRY.values() if isinstance(r.erase, Keep) and text_fields(r.model)
    }
    assert kept == KEPT_TEXT


@pytest.mark.django_db
def test_erasure_leaves_no_canary_in_any_row(
    planted: dict[str, Any], coordinator: User, figure: Any
) -> None:
    rows = planted["rows"]
    planted_in = left_behind([row for row in rows if type(row) not in KEPT_TEXT])
    assert len(planted_in) > 30  # the control: the canary is there to be found

    services.person_erase(actor=coordinator, person=planted["person"])

    found = left_behind(rows)
    figure("DP-9", "kinds of record planted", len({type(row) for row in rows}))
    figure("DP-9", "text columns planted", len(planted_in))
    figure("DP-9", "canary hits in the rows after erasure", len(found))
    assert found == []


@pytest.mark.django_db(transaction=True)
def test_erasure_leaves_no_canary_in_a_database_dump(
    dump: Callable[[], str], planted: dict[str, Any], coordinator: User, figure: Any
) -> None:
    assert CANARY in dump().lower()  # the control: the nickname, username, ... are in the clear

    services.person_erase(actor=coordinator, person=planted["person"])

    text = dump().lower()
    lines = [line for line in text.splitlines() if CANARY in line]
    figure("DP-9", "canary hits in pg_dump after erasure", len(lines))
    assert lines == []
    # The rows kept for counts are still there, anonymous.
    assert Contact.objects.filter(person=planted["person"]).count() == 1
    assert Complaint.objects.filter(person__isnull=True).count() == 1
