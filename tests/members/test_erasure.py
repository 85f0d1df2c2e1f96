"""Erasure (own data, rule 7): everything that identifies the person is wiped, their login can no
longer be used or recognised, and the record stays so contacts remain as anonymous counts. On
PostgreSQL a full dump of the database proves nothing identifying is left anywhere."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from allauth.usersessions.models import UserSession
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from members import services
from members.models import (
    AccessLog,
    Consent,
    ErasureRequest,
    Hotspot,
    Invitation,
    OutsideAccess,
    Person,
    PossibleDuplicate,
    User,
)
from members.uic import uic_hash
from outreach.models import Partner, Referral
from tests.conftest import PASSWORD, make_person, make_user

# Planted values, distinctive enough that finding one in a dump can only mean a leak.
USERNAME = "canary.login.5e1d"
NICKNAME = "Canary-Nick-91c2"
PHONE = "+10000000077"
EMAIL = "canary-mail-3a7f@example.org"
LOGIN_EMAIL = "canary-login-6d2b@example.org"
NOTES = "canary-note-erase-c0de"
LANGUAGES = "Canary-Lang-88e1"
CODE = "CACA0377"


@pytest.fixture
def someone(hotspot: Hotspot, other_hotspot: Hotspot, outreach_worker: User) -> Person:
    """A member with a login, contact details, consents and everything else that can point at
    a person, logged in on one phone."""
    user = make_user(USERNAME, is_member=True)
    user.email = LOGIN_EMAIL
    user.save()
    EmailAddress.objects.create(user=user, email=LOGIN_EMAIL, primary=True, verified=True)
    person = make_person(
        hotspot,
        CODE,
        nickname=NICKNAME,
        phone=PHONE,
        email=EMAIL,
        notes=NOTES,
        languages=LANGUAGES,
        user=user,
        is_member=True,
    )
    now = timezone.now()
    Consent.objects.create(person=person, purpose=Consent.Purpose.EMAIL_REMINDERS)
    Invitation.objects.create(
        person=person, code_hash="e" * 64, created_by=outreach_worker, expires_at=now
    )
    OutsideAccess.objects.create(
        worker=outreach_worker, person=person, reason="referral", expires_at=now + timedelta(1)
    )
    twin = make_person(other_hotspot, CODE)
    PossibleDuplicate.objects.create(person=twin, other=person, reason="same_code")
    ErasureRequest.objects.create(person=person)
    return person


def log_in_on_a_phone(user: User) -> Client:
    """A real login through allauth, so the session is tracked like a phone's would be."""
    phone = Client()
    phone.post(reverse("account_login"), {"login": user.username, "password": PASSWORD})
    assert phone.get(reverse("home")).status_code == 200
    assert UserSession.objects.filter(user=user).exists()
    return phone


@pytest.mark.django_db
def test_erasure_wipes_what_identifies_the_person(someone: Person, coordinator: User) -> None:
    user = someone.user
    phone = log_in_on_a_phone(user)
    people_before = Person.objects.count()
    old_hash = someone.uic_hash

    services.person_erase(actor=coordinator, person=someone)

    person = Person.objects.get(pk=someone.pk)
    assert (person.nickname, person.languages) == ("", "")
    assert (person.phone, person.email, person.notes) == (None, None, None)
    assert person.uic_hash != old_hash and len(person.uic_hash) == 64
    assert person.uic_hash != uic_hash(CODE)
    assert (person.user, person.is_member, person.status) == (None, False, Person.Status.LEFT)
    assert person.erased_at is not None
    # The record stays: contacts remain as anonymous counts.
    assert Person.objects.count() == people_before

    user.refresh_from_db()
    assert user.username.startswith("erased-") and USERNAME not in user.username
    assert (user.email, user.is_active, user.has_usable_password()) == ("", False, False)
    assert not EmailAddress.objects.filter(email__iexact=LOGIN_EMAIL).exists()
    # Every session has ended: the phone is logged out.
    assert not UserSession.objects.filter(user=user).exists()
    assert not Session.objects.exists()
    assert phone.get(reverse("home")).status_code == 302

    assert not Invitation.objects.exists()
    assert not OutsideAccess.objects.exists()
    assert not PossibleDuplicate.objects.exists()
    assert ErasureRequest.objects.get().confirmed_by == coordinator
    assert AccessLog.objects.filter(person=person, action=AccessLog.Action.ERASE).exists()


@pytest.mark.django_db
def test_the_same_code_given_later_finds_no_one(someone: Person, coordinator: User) -> None:
    services.person_erase(actor=coordinator, person=someone)
    assert not Person.objects.filter(uic_hash=uic_hash(CODE), pk=someone.pk).exists()


@pytest.mark.django_db(transaction=True)
def test_nothing_identifying_is_left_in_a_database_dump(
    dump: Callable[[], str], someone: Person, coordinator: User
) -> None:
    log_in_on_a_phone(someone.user)
    # Nothing is in the clear even before erasure, except what erasure exists to wipe.
    before = dump()
    assert NICKNAME in before and USERNAME in before and uic_hash(CODE) in before
    assert PHONE not in before and EMAIL not in before and NOTES not in before

    services.person_erase(actor=coordinator, person=someone)

    after = dump()
    leaked = [
        value
        for value in (USERNAME, NICKNAME, PHONE, EMAIL, LOGIN_EMAIL, NOTES, LANGUAGES, CODE)
        if value.lower() in after.lower()
    ]
    assert leaked == []
    # Only the twin record (another person with the same code) still carries the hash.
    assert after.count(uic_hash(CODE)) == 1


@pytest.mark.django_db
def test_erasure_leaves_the_monthly_counts_unchanged(
    someone: Person, coordinator: User, outreach_worker: User
) -> None:
    from django.db.models import Count, Sum
    from django.db.models.functions import TruncMonth

    from outreach.models import Contact
    from tests.conftest import make_contact

    today = timezone.localdate()
    for days_ago in (0, 3, 40):
        make_contact(
            someone,
            outreach_worker,
            contacted_on=today - timedelta(days=days_ago),
            male_condoms=10,
            female_condoms=2,
        )

    def monthly() -> list[dict[str, object]]:
        return list(
            Contact.objects.annotate(month=TruncMonth("contacted_on"))
            .values("month")
            .annotate(
                contacts=Count("pk"),
                people=Count("person", distinct=True),
                male=Sum("male_condoms"),
                female=Sum("female_condoms"),
            )
            .order_by("month")
        )

    before = monthly()
    services.person_erase(actor=coordinator, person=someone)
    assert monthly() == before
    assert Contact.objects.filter(person=someone).count() == 3  # anonymous now, still counted


def test_erasure_wipes_what_services_said_but_keeps_the_referral(
    someone: Person, coordinator: User, partner: Partner
) -> None:
    referral = Referral.objects.create(
        person=someone,
        partner=partner,
        service="hiv_test",
        made_by=coordinator,
        due_on=timezone.localdate(),
        outcome="Seen by the nurse on the late shift",
    )
    services.person_erase(actor=coordinator, person=someone)
    referral.refresh_from_db()
    assert referral.outcome is None
    assert Referral.objects.filter(person=someone).count() == 1


@pytest.mark.django_db
def test_erasure_leaves_no_words_of_theirs_in_contacts_violence_complaints_or_needs(
    client_for: Any, someone: Person, coordinator: User, outreach_worker: User, member: User
) -> None:
    """What the person said or wrote is wiped from the rows that stay as counts: needs raised at
    a contact, the violence follow-up's notes, a complaint (unlinked from them), their needs
    (withdrawn) and comments (deleted)."""
    from monitoring.models import Complaint, Place
    from outreach.models import Contact, ViolenceIncident
    from programmes.models import Comment, Need
    from tests.conftest import make_contact

    contact = make_contact(someone, outreach_worker, needs_raised="Needs a lawyer for Jo")
    incident = ViolenceIncident.objects.create(
        contact=contact,
        person=someone,
        kind="physical",
        notes="Beaten behind the bus station",
        follow_up_on=timezone.localdate(),
    )
    complaint = Complaint.objects.create(
        place=Place.OUTREACH,
        person=someone,
        description="The worker told my sister",
        resolution="Apologised to her",
    )
    need = Need.objects.create(author=someone.user, title="Lawyer for Jo", category="rights")
    Comment.objects.create(need=need, author=someone.user, text="Jo from the bridge")
    staff = client_for(coordinator)
    incident_url = reverse("outreach:incident_detail", args=[incident.pk])
    assert "Beaten behind the bus station" in staff.get(incident_url).content.decode()

    services.person_erase(actor=coordinator, person=someone)

    assert Contact.objects.get(pk=contact.pk).needs_raised is None
    assert "Beaten behind the bus station" not in staff.get(incident_url).content.decode()
    incident.refresh_from_db()
    assert (incident.notes, incident.kind) == (None, "physical")  # still a count
    complaint.refresh_from_db()
    assert (complaint.person, complaint.description, complaint.resolution) == (None, "", None)
    need.refresh_from_db()
    assert (need.title, need.details, need.status) == ("", "", Need.Status.WITHDRAWN)
    assert not Comment.objects.exists()
    # Members no longer see the withdrawn need; a coordinator sees that it was withdrawn.
    need_url = reverse("programmes:need_detail", args=[need.pk])
    assert client_for(member).get(need_url).status_code == 404
    assert "A withdrawn need" in staff.get(need_url).content.decode()


@pytest.mark.django_db
def test_erasure_removes_what_hangs_on_the_login(someone: Person, coordinator: User) -> None:
    from allauth.mfa.models import Authenticator
    from django.contrib.admin.models import CHANGE, LogEntry
    from django.contrib.contenttypes.models import ContentType

    from members.models import Assignment, NotificationPreference, Reminder

    user = someone.user
    NotificationPreference.objects.create(user=user, sender_name="Aunt Rosa")
    Reminder.objects.create(user=user, kind="round_opened", due_on=timezone.localdate())
    Authenticator.objects.create(user=user, type="totp", data={"secret": "x"})
    for about, name in ((User, USERNAME), (Assignment, f"{USERNAME} @ Test market")):
        LogEntry.objects.create(
            user=coordinator,
            content_type=ContentType.objects.get_for_model(about),
            object_id="1",
            object_repr=name,
            action_flag=CHANGE,
        )

    services.person_erase(actor=coordinator, person=someone)

    assert not NotificationPreference.objects.exists()
    assert not Reminder.objects.exists()
    assert not Authenticator.objects.filter(user=user).exists()
    assert list(LogEntry.objects.values_list("object_repr", flat=True)) == ["", ""]


@pytest.mark.django_db
def test_erasure_wipes_a_record_merged_into_theirs(
    someone: Person, coordinator: User, hotspot: Hotspot
) -> None:
    older = make_person(hotspot, "OLDR0277", nickname="Canary-Old-Nick", phone="+10000000078")
    services.person_merge(actor=coordinator, keep=someone, remove=older)

    services.person_erase(actor=coordinator, person=someone)

    older.refresh_from_db()
    assert (older.nickname, older.phone, older.erased_at is not None) == ("", None, True)
    assert older.uic_hash != uic_hash("OLDR0277")
