"""Own data: a member sees and downloads what is held about them, changes consent and asks for
erasure, which a coordinator confirms."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from members.models import (
    AccessLog,
    Consent,
    ErasureRequest,
    NotificationPreference,
    Person,
    User,
)
from members.services import access_log_write
from tests.conftest import PASSWORD, make_person, make_user

pytestmark = pytest.mark.django_db

PURPOSE = Consent.Purpose.EMAIL_REMINDERS
# GET pages and POST-only actions of a member's own data.
PAGES = ["members:own_data", "members:own_data_download", "members:erasure_request"]
ACTIONS = ["members:own_consent", "members:erasure_request"]


@pytest.fixture
def own(member: User) -> Person:
    """The member's record, with contact details and a consent."""
    person = member.person
    person.phone, person.email, person.notes = "+000 555 0101", "moon@example.test", "Likes tea"
    person.save()
    Consent.objects.create(person=person, purpose=PURPOSE)
    return person


def test_a_member_sees_everything_held_about_them(
    client_for: Any, member: User, own: Person, outreach_worker: User
) -> None:
    access_log_write(
        actor=outreach_worker, person=own, action=AccessLog.Action.VIEW, reason="checking in"
    )
    body = client_for(member).get(reverse("members:own_data")).content.decode()
    for shown in ["Moonbeam", "+000 555 0101", "moon@example.test", "Likes tea", "Test market"]:
        assert shown in body
    assert "Reminders by e-mail" in body
    # Who looked, as a role: never the worker's login or the reason they typed.
    assert "An outreach worker" in body
    assert outreach_worker.username not in body
    assert "checking in" not in body


def test_reading_ones_own_data_is_not_logged(client_for: Any, member: User, own: Person) -> None:
    client = client_for(member)
    client.get(reverse("members:own_data"))
    client.get(reverse("members:own_data_download"))
    assert not AccessLog.objects.exists()


def test_the_download_holds_their_decrypted_contacts_and_nobody_else(
    client_for: Any, member: User, own: Person, person: Person, coordinator: User
) -> None:
    person.phone = "+000 555 0199"
    person.save()
    access_log_write(actor=coordinator, person=own, action=AccessLog.Action.CHANGE)
    access_log_write(actor=coordinator, person=person, action=AccessLog.Action.VIEW)

    response = client_for(member).get(reverse("members:own_data_download"))
    assert response["Content-Disposition"] == 'attachment; filename="my-data.json"'
    assert response["Cache-Control"] == "no-store"
    data = json.loads(response.content)
    assert data["details"]["phone"] == "+000 555 0101"
    assert data["details"]["email"] == "moon@example.test"
    assert data["details"]["nickname"] == "Moonbeam"
    assert [c["withdrawn_at"] for c in data["consents"]] == [None]
    assert data["access_log"] == [
        {"at": data["access_log"][0]["at"], "action": "Changed", "by": "a coordinator"}
    ]
    text = response.content.decode()
    for other in ["Sunny", "+000 555 0199", coordinator.username]:
        assert other not in text


def test_withdrawing_consent_records_when(client_for: Any, member: User, own: Person) -> None:
    client = client_for(member)
    response = client.post(reverse("members:own_consent"), {"purpose": PURPOSE, "given": "0"})
    assert response["Location"] == reverse("members:own_data") + "#consent"
    consent = own.consents.get()
    assert consent.withdrawn_at is not None
    # Giving it again opens a new consent; the withdrawn one keeps its dates.
    client.post(reverse("members:own_consent"), {"purpose": PURPOSE, "given": "1"})
    assert own.consents.filter(withdrawn_at__isnull=True).count() == 1
    assert own.consents.count() == 2


def test_withdrawing_email_reminders_deletes_the_address_and_stops_email(
    client_for: Any, member: User, own: Person
) -> None:
    NotificationPreference.objects.create(user=member, by_email=True)
    client_for(member).post(reverse("members:own_consent"), {"purpose": PURPOSE, "given": "0"})
    own.refresh_from_db()
    assert own.email is None
    assert own.phone == "+000 555 0101"  # only the address of the purpose withdrawn goes
    assert NotificationPreference.objects.get(user=member).by_email is False


def test_withdrawing_another_purpose_keeps_the_address(
    client_for: Any, member: User, own: Person
) -> None:
    NotificationPreference.objects.create(user=member, by_email=True)
    Consent.objects.create(person=own, purpose=Consent.Purpose.VOTING)
    client = client_for(member)
    client.post(reverse("members:own_consent"), {"purpose": "voting", "given": "0"})
    client.post(reverse("members:own_consent"), {"purpose": PURPOSE, "given": "1"})
    own.refresh_from_db()
    assert own.email == "moon@example.test"
    assert NotificationPreference.objects.get(user=member).by_email is True


def test_withdrawing_email_reminders_without_preferences_still_deletes_the_address(
    client_for: Any, member: User, own: Person
) -> None:
    client_for(member).post(reverse("members:own_consent"), {"purpose": PURPOSE, "given": "0"})
    own.refresh_from_db()
    assert own.email is None
    assert not NotificationPreference.objects.exists()


def test_withdrawing_sms_reminders_deletes_the_number(
    client_for: Any, member: User, own: Person
) -> None:
    client_for(member).post(
        reverse("members:own_consent"), {"purpose": "sms_reminders", "given": "0"}
    )
    own.refresh_from_db()
    assert own.phone is None
    assert own.email == "moon@example.test"


def test_a_member_changes_only_their_own_consent(
    client_for: Any, member: User, own: Person, person: Person
) -> None:
    Consent.objects.create(person=person, purpose=PURPOSE)
    client_for(member).post(
        reverse("members:own_consent"), {"purpose": PURPOSE, "given": "0", "person": person.pk}
    )
    assert person.consents.get().withdrawn_at is None
    assert own.consents.get().withdrawn_at is not None


def test_a_made_up_purpose_changes_nothing(client_for: Any, member: User, own: Person) -> None:
    client_for(member).post(reverse("members:own_consent"), {"purpose": "sell", "given": "1"})
    assert list(own.consents.values_list("purpose", flat=True)) == [PURPOSE]


def test_the_erasure_page_explains_before_anything_is_sent(
    client_for: Any, member: User, own: Person
) -> None:
    body = client_for(member).get(reverse("members:erasure_request")).content.decode()
    assert "cannot be undone" in body
    assert "anonymous counts" in body
    assert not ErasureRequest.objects.exists()


def test_asking_twice_makes_one_request(client_for: Any, member: User, own: Person) -> None:
    client = client_for(member)
    for _ in range(2):
        assert client.post(reverse("members:erasure_request"))["Location"] == reverse(
            "members:own_data"
        )
    assert ErasureRequest.objects.filter(person=own).count() == 1
    assert "You asked for erasure" in client.get(reverse("members:own_data")).content.decode()


def test_an_erased_member_is_gone_but_still_counted(
    client_for: Any, member: User, own: Person, coordinator: User
) -> None:
    people = Person.objects.count()
    client_for(member).post(reverse("members:erasure_request"))
    erasure = ErasureRequest.objects.get(person=own)

    response = client_for(coordinator).post(
        reverse("members:erasure_confirm", args=[erasure.pk]), follow=True
    )
    assert f"Record #{own.pk} is erased" in response.content.decode()
    own.refresh_from_db()
    assert (own.nickname, own.phone, own.email, own.notes) == ("", None, None, None)
    assert own.user_id is None and own.erased_at is not None
    assert Person.objects.count() == people
    assert not Client().login(username="member.test", password=PASSWORD)
    member.refresh_from_db()
    assert not member.is_active and not member.has_usable_password()


def test_anonymous_visitors_are_sent_to_log_in(client: Client) -> None:
    for name in PAGES:
        assert client.get(reverse(name))["Location"].startswith(reverse("account_login"))
    for name in ACTIONS:
        assert client.post(reverse(name))["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize("persona", ["outreach_worker", "coordinator", "lone_member"])
def test_a_login_without_a_record_has_no_own_data(
    request: Any, client_for: Any, persona: str
) -> None:
    user = (
        make_user("member.lone", is_member=True)
        if persona == "lone_member"
        else request.getfixturevalue(persona)
    )
    client = client_for(user)
    for name in PAGES:
        assert client.get(reverse(name)).status_code == 404
    for name in ACTIONS:
        assert client.post(reverse(name), {"purpose": PURPOSE, "given": "1"}).status_code == 404
    assert not Consent.objects.exists() and not ErasureRequest.objects.exists()


def test_an_outreach_worker_sees_their_own_record_wherever_it_is(
    client_for: Any, outreach_worker: User, other_hotspot: Any
) -> None:
    make_person(other_hotspot, "ABCD0101", nickname="Myself", user=outreach_worker)
    assert client_for(outreach_worker).get(reverse("members:own_data")).status_code == 200


def test_consent_is_changed_by_post_only(client_for: Any, member: User, own: Person) -> None:
    assert client_for(member).get(reverse("members:own_consent")).status_code == 405
