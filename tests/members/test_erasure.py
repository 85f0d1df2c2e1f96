"""Erasure (own data, rule 7): everything that identifies the person is wiped, their login can no
longer be used or recognised, and the record stays so contacts remain as anonymous counts. On
PostgreSQL a full dump of the database proves nothing identifying is left anywhere."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

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
    Invitation,
    OutsideAccess,
    Person,
    PossibleDuplicate,
    User,
)
from members.uic import uic_hash
from outreach.models import Hotspot, Partner, Referral
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
