"""The reminder address (SPEC privacy rule 2): kept only on the person's record, encrypted, while
they choose e-mail with an open consent; allauth's plain-text e-mail page is closed, and the
migration moves the old plain-text addresses there and blanks every copy."""

from __future__ import annotations

import importlib
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from django.apps import apps
from django.core import mail
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from members import services
from members.models import Consent, NotificationPreference, Person, Reminder, User
from reminders.outbox import dispatch_due, reminder_plan
from tests.conftest import make_person, make_user

pytestmark = pytest.mark.django_db

ADDRESS = "moonbeam.reminders@example.test"
PURPOSE = Consent.Purpose.EMAIL_REMINDERS
migration = importlib.import_module("members.migrations.0007_reminder_address_encrypted")


@pytest.fixture(autouse=True)
def _locmem_email(settings: Any) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.DEFAULT_FROM_EMAIL = "Outreach <no-reply@example.org>"


def stored_email(person: Person) -> str | None:
    """What a database dump would show: the raw column, not decrypted."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT email FROM members_person WHERE id = %s", [person.pk])
        return cursor.fetchone()[0]


def choose_email(client: Any, address: str = ADDRESS, **extra: str) -> Any:
    data = {"by_email": "on", "email_address": address, "sender_name": "Aunt May", **extra}
    return client.post(reverse("reminders:notification_preferences"), data)


def open_consents(person: Person) -> int:
    return person.consents.filter(purpose=PURPOSE, withdrawn_at__isnull=True).count()


# --- The preferences page ------------------------------------------------------------------


def test_the_address_is_stored_as_ciphertext_with_a_consent(client_for: Any, member: User) -> None:
    assert choose_email(client_for(member)).status_code == 302
    person = Person.objects.get(user=member)
    assert person.email == ADDRESS
    raw = stored_email(person)
    assert raw and ADDRESS not in raw and "moonbeam" not in raw
    assert open_consents(person) == 1
    assert NotificationPreference.objects.get(user=member).by_email
    # Nothing in plain text on the login either.
    member.refresh_from_db()
    assert member.email == "" and not EmailAddress.objects.exists()


def test_ticking_e_mail_without_an_address_shows_the_error_beside_the_field(
    client_for: Any, member: User
) -> None:
    response = choose_email(client_for(member), address="", sender_name="Garden club")
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"email_address"}
    content = response.content.decode()
    assert 'id="error_1_id_email_address"' in content
    assert "Give the address to send reminders to, or untick e-mail." in content
    # What was typed stays.
    assert 'value="Garden club"' in content
    person = Person.objects.get(user=member)
    assert person.email is None and open_consents(person) == 0
    assert not NotificationPreference.objects.get(user=member).by_email


def test_a_malformed_address_is_refused_and_kept_on_screen(client_for: Any, member: User) -> None:
    response = choose_email(client_for(member), address="not-an-address")
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"email_address"}
    assert 'value="not-an-address"' in response.content.decode()
    assert Person.objects.get(user=member).email is None


def test_unticking_deletes_the_address_and_withdraws_the_consent(
    client_for: Any, member: User
) -> None:
    client = client_for(member)
    choose_email(client)
    page = client.get(reverse("reminders:notification_preferences"))
    assert page.context["form"]["email_address"].value() == ADDRESS
    assert page.context["form"]["by_email"].value() is True

    response = client.post(
        reverse("reminders:notification_preferences"),
        {"email_address": ADDRESS, "sender_name": "Aunt May"},
    )
    assert response.status_code == 302
    person = Person.objects.get(user=member)
    assert person.email is None and stored_email(person) is None
    assert open_consents(person) == 0
    consent = person.consents.get(purpose=PURPOSE)
    assert consent.given_at <= consent.withdrawn_at
    assert not NotificationPreference.objects.get(user=member).by_email
    # A person's own change is not in the access log: it records staff.
    assert not person.access_log.exists()


def test_a_consent_withdrawn_on_the_own_data_page_unticks_the_box(
    client_for: Any, member: User
) -> None:
    client = client_for(member)
    choose_email(client)
    client.post(reverse("members:own_consent"), {"purpose": PURPOSE, "given": "0"})
    page = client.get(reverse("reminders:notification_preferences"))
    assert page.context["form"]["by_email"].value() is False


# --- Sending -------------------------------------------------------------------------------


def test_no_e_mail_goes_out_without_an_open_consent(client_for: Any, member: User) -> None:
    client = client_for(member)
    choose_email(client)
    reminder_plan(user=member, kind=Reminder.Kind.ROUND_OPENED, due_on=timezone.localdate())
    assert dispatch_due() == 1
    assert [message.to for message in mail.outbox] == [[ADDRESS]]

    # The consent ends while the address and the choice are still stored (rows from before
    # consent_set deleted the address with it): the channel itself still refuses to send.
    Consent.objects.filter(person__user=member, purpose=PURPOSE).update(withdrawn_at=timezone.now())
    assert Person.objects.get(user=member).email == ADDRESS
    reminder_plan(user=member, kind=Reminder.Kind.RESULTS_OUT, due_on=timezone.localdate())
    assert dispatch_due() == 1
    assert len(mail.outbox) == 1
    assert Reminder.objects.filter(status=Reminder.Status.SENT).count() == 2


def test_erasure_withdraws_the_e_mail_consent(
    client_for: Any, member: User, coordinator: User
) -> None:
    choose_email(client_for(member))
    person = Person.objects.get(user=member)
    services.person_erase(actor=coordinator, person=person)
    person.refresh_from_db()
    assert person.email is None and open_consents(person) == 0


# --- allauth's e-mail page -----------------------------------------------------------------


@pytest.mark.parametrize("method", ["get", "post"])
def test_allauths_e_mail_page_is_closed(client_for: Any, member: User, method: str) -> None:
    for user in (None, member):
        response = getattr(client_for(user), method)(
            reverse("account_email"), {"email": ADDRESS, "action_add": ""}
        )
        assert response.status_code == 302
        assert response["Location"] == reverse("account_login")
    member.refresh_from_db()
    assert member.email == "" and not EmailAddress.objects.exists()


# --- The data migration --------------------------------------------------------------------


def test_the_migration_moves_chosen_addresses_and_blanks_every_plain_copy(
    hotspot: Any,
) -> None:
    def login(
        name: str, *, by_email: bool, person_email: str | None = None, code: str = ""
    ) -> User:
        user = make_user(name, is_member=True)
        User.objects.filter(pk=user.pk).update(email=f"{name}@example.test")
        EmailAddress.objects.create(user=user, email=f"{name}@example.test", primary=True)
        NotificationPreference.objects.create(user=user, by_email=by_email)
        if code:
            make_person(hotspot, code, user=user, email=person_email)
        return user

    chose = login("chose.email", by_email=True, code="AAAA0101")
    did_not_choose = login("no.choice", by_email=False, code="BBBB0202")
    had_one = login("had.one", by_email=True, person_email="kept@example.test", code="CCCC0303")
    no_record = login("no.record", by_email=True)

    migration.move_reminder_addresses(apps, None)

    moved = Person.objects.get(user=chose)
    assert moved.email == "chose.email@example.test"
    assert "chose.email" not in stored_email(moved)
    assert open_consents(moved) == 1
    untouched = Person.objects.get(user=did_not_choose)
    assert untouched.email is None and open_consents(untouched) == 0
    kept = Person.objects.get(user=had_one)
    assert kept.email == "kept@example.test" and open_consents(kept) == 0
    assert not Person.objects.filter(user=no_record).exists()
    assert set(User.objects.values_list("email", flat=True)) == {""}
    assert not EmailAddress.objects.exists()

    # Run twice, nothing changes: the plain copies are gone, the consent stays single.
    migration.move_reminder_addresses(apps, None)
    assert open_consents(moved) == 1
    assert Person.objects.get(user=chose).email == "chose.email@example.test"
