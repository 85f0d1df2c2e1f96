"""People reached: find by code, register, need to know, and the duplicate queue."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from members.models import (
    AccessLog,
    Assignment,
    Hotspot,
    OutsideAccess,
    Person,
    PossibleDuplicate,
    User,
)
from members.uic import uic_hash
from tests.conftest import make_person, make_user

pytestmark = pytest.mark.django_db

# The parts of the `person` fixture's code "MAFA0195", typed as someone might say them.
SUNNY_PARTS = {
    "code_mother": " má ",
    "code_father": "Fa",
    "code_birth_order": "1",
    "code_birth_year": "1995",
}
NEW_PARTS = {
    "code_mother": "ro",
    "code_father": "ju",
    "code_birth_order": "3",
    "code_birth_year": "01",
}
DETAILS = {"nickname": "Starling", "age_band": "18-24", "status": "active"}


def register(client: Client, parts: dict[str, str], hotspot: Hotspot, **extra: str) -> Any:
    data = {**parts, **DETAILS, "hotspot": hotspot.pk, "action": "register", **extra}
    return client.post(reverse("members:person_register"), data)


# --- Access matrix ---------------------------------------------------------------------------

STAFF_PAGES = ["members:person_list", "members:person_register"]


@pytest.mark.parametrize("page", STAFF_PAGES)
@pytest.mark.parametrize(
    ("persona", "status"),
    [("member", 403), ("outreach_worker", 200), ("other_worker", 200), ("coordinator", 200)],
)
def test_staff_pages_open_for_staff_only(
    request: Any, client_for: Any, page: str, persona: str, status: int
) -> None:
    user = request.getfixturevalue(persona)
    assert client_for(user).get(reverse(page)).status_code == status


@pytest.mark.parametrize("page", ["outreach:person_detail", "members:person_edit"])
@pytest.mark.parametrize(
    ("persona", "status"),
    [("member", 403), ("outreach_worker", 200), ("other_worker", 404), ("coordinator", 200)],
)
def test_a_person_is_seen_only_by_their_workers_and_coordinators(
    request: Any, client_for: Any, person: Person, page: str, persona: str, status: int
) -> None:
    user = request.getfixturevalue(persona)
    assert client_for(user).get(reverse(page, args=[person.pk])).status_code == status


@pytest.mark.parametrize("page", ["outreach:person_detail", "members:person_edit"])
def test_anonymous_visitors_are_sent_to_log_in(client: Client, person: Person, page: str) -> None:
    response = client.get(reverse(page, args=[person.pk]))
    assert response["Location"].startswith(reverse("account_login"))


def test_an_outsider_cannot_tell_an_existing_person_from_a_missing_one(
    client_for: Any, other_worker: User, person: Person
) -> None:
    client = client_for(other_worker)
    existing = client.get(reverse("outreach:person_detail", args=[person.pk]))
    missing = client.get(reverse("outreach:person_detail", args=[person.pk + 1000]))
    assert existing.status_code == missing.status_code == 404
    assert existing.content == missing.content


def test_the_list_shows_only_the_workers_hotspots(
    client_for: Any, outreach_worker: User, person: Person, other_hotspot: Hotspot
) -> None:
    make_person(other_hotspot, "ZZZZ0101", nickname="Elsewhere")
    body = client_for(outreach_worker).get(reverse("members:person_list")).content.decode()
    assert "Sunny" in body
    assert "Elsewhere" not in body


def test_the_list_costs_the_same_queries_however_many_people(
    client_for: Any, coordinator: User, hotspot: Hotspot, django_assert_max_num_queries: Any
) -> None:
    client = client_for(coordinator)
    client.get(reverse("members:person_list"))
    for n in range(60):
        make_person(hotspot, f"PEOPLE{n:04d}", nickname=f"P{n}")
    # session, user, authenticator, count, one page of people with hotspots, hotspots.
    with django_assert_max_num_queries(7):
        assert client.get(reverse("members:person_list")).status_code == 200


# --- Find and register -----------------------------------------------------------------------


def test_a_worker_registers_a_person_and_only_the_hash_is_kept(
    client_for: Any, outreach_worker: User, hotspot: Hotspot
) -> None:
    response = register(client_for(outreach_worker), NEW_PARTS, hotspot)
    person = Person.objects.get(nickname="Starling")
    assert response["Location"] == reverse("outreach:person_detail", args=[person.pk])
    assert person.uic_hash == uic_hash("ROJU0301")
    assert "ROJU" not in person.uic_hash
    assert person.registered_by == outreach_worker
    assert AccessLog.objects.filter(person=person, action="create").count() == 1


def test_another_worker_typing_the_same_parts_finds_the_same_person(
    client_for: Any, outreach_worker: User, hotspot: Hotspot
) -> None:
    register(client_for(outreach_worker), NEW_PARTS, hotspot)
    colleague = make_user("worker.colleague", is_outreach_worker=True)
    Assignment.objects.create(worker=colleague, hotspot=hotspot)
    typed_differently = {k: f"  {v.upper()} " for k, v in NEW_PARTS.items()}
    response = client_for(colleague).post(
        reverse("members:person_find"), {**typed_differently, "action": "find"}
    )
    person = Person.objects.get(nickname="Starling")
    assert response["Location"] == reverse("outreach:person_detail", args=[person.pk])
    assert Person.objects.count() == 1


def test_registering_a_known_code_opens_the_existing_person(
    client_for: Any, outreach_worker: User, person: Person, hotspot: Hotspot
) -> None:
    response = register(client_for(outreach_worker), SUNNY_PARTS, hotspot)
    assert response["Location"] == reverse("outreach:person_detail", args=[person.pk])
    assert Person.objects.count() == 1


def test_bad_code_parts_are_explained_beside_the_field_and_kept(
    client_for: Any, outreach_worker: User, hotspot: Hotspot
) -> None:
    parts = {**NEW_PARTS, "code_mother": "r"}
    response = register(client_for(outreach_worker), parts, hotspot)
    assert response.status_code == 200
    form = response.context["code_form"]
    assert form.errors["code_mother"] == ["Type 2 letter(s)."]
    body = response.content.decode()
    assert 'value="Starling"' in body  # the details typed so far are kept
    assert not Person.objects.exists()


def test_a_lookup_with_no_match_invites_registration(
    client_for: Any, outreach_worker: User
) -> None:
    response = client_for(outreach_worker).post(
        reverse("members:person_register"), {**NEW_PARTS, "action": "find"}
    )
    assert "No one has this code yet" in response.content.decode()


def test_same_nickname_hotspot_and_age_band_goes_to_the_review_queue(
    client_for: Any, outreach_worker: User, person: Person, hotspot: Hotspot
) -> None:
    register(client_for(outreach_worker), NEW_PARTS, hotspot, nickname="sunny", age_band="25-34")
    new = Person.objects.get(uic_hash=uic_hash("ROJU0301"))
    pair = PossibleDuplicate.objects.get()
    assert (pair.person, pair.other, pair.reason) == (new, person, "similar")


# --- Outside one's hotspots ------------------------------------------------------------------


def test_a_worker_opens_someone_elsewhere_only_with_a_reason_for_a_few_hours(
    client_for: Any, other_worker: User, person: Person
) -> None:
    client = client_for(other_worker)
    found = client.post(reverse("members:person_find"), {**SUNNY_PARTS, "action": "find"})
    assert "Registered at another hotspot" in found.content.decode()
    assert "Sunny" not in found.content.decode()  # nothing about them before a reason
    token = found.context["elsewhere"][0][1]
    url = reverse("members:person_open_outside", args=[person.pk])

    refused = client.post(url, {"token": token, "reason": ""})
    assert "This field is required." in refused.content.decode()
    assert (
        client.post(url, {"token": token, "reason": "Met at the drop-in centre"}).status_code == 302
    )
    assert client.get(reverse("outreach:person_detail", args=[person.pk])).status_code == 200
    entry = AccessLog.objects.get(person=person, action="open_outside")
    assert entry.reason == "Met at the drop-in centre"

    OutsideAccess.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert client.get(reverse("outreach:person_detail", args=[person.pk])).status_code == 404


def test_a_record_elsewhere_cannot_be_opened_without_finding_it_by_code(
    client_for: Any, other_worker: User, person: Person
) -> None:
    url = reverse("members:person_open_outside", args=[person.pk])
    response = client_for(other_worker).post(url, {"token": "forged", "reason": "curious"})
    assert response.status_code == 404
    assert not OutsideAccess.objects.exists()


# --- Reading and changing --------------------------------------------------------------------


def test_each_staff_read_adds_exactly_one_log_row(
    client_for: Any, outreach_worker: User, person: Person
) -> None:
    client_for(outreach_worker).get(reverse("outreach:person_detail", args=[person.pk]))
    assert (
        AccessLog.objects.filter(person=person, actor=outreach_worker, action="view").count() == 1
    )


def test_a_change_is_logged_with_field_names_not_values(
    client_for: Any, outreach_worker: User, person: Person, hotspot: Hotspot
) -> None:
    data = {
        "nickname": "Sunny",
        "age_band": "25-34",
        "status": "active",
        "hotspot": hotspot.pk,
        "phone": "+10000000007",
    }
    response = client_for(outreach_worker).post(
        reverse("members:person_edit", args=[person.pk]), data
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.phone == "+10000000007"
    entry = AccessLog.objects.get(person=person, action="change")
    assert entry.detail == "phone"
    assert AccessLog.objects.filter(person=person).count() == 1


def test_consent_is_given_and_withdrawn_with_times(
    client_for: Any, outreach_worker: User, person: Person
) -> None:
    client = client_for(outreach_worker)
    url = reverse("members:person_consent", args=[person.pk])
    client.post(url, {"purposes": ["voting", "email_reminders"]})
    assert set(
        person.consents.filter(withdrawn_at__isnull=True).values_list("purpose", flat=True)
    ) == {
        "voting",
        "email_reminders",
    }
    client.post(url, {"purposes": ["voting"]})
    withdrawn = person.consents.get(purpose="email_reminders")
    assert withdrawn.withdrawn_at is not None


def test_staff_unticking_reminders_deletes_the_address_and_number(
    client_for: Any, outreach_worker: User, person: Person
) -> None:
    Person.objects.filter(pk=person.pk).update(email="dawn@example.test", phone="+000 555 0199")
    url = reverse("members:person_consent", args=[person.pk])
    client_for(outreach_worker).post(url, {"purposes": ["voting"]})
    person.refresh_from_db()
    assert (person.email, person.phone) == (None, None)


# --- Duplicates ------------------------------------------------------------------------------


@pytest.fixture
def pair(person: Person, hotspot: Hotspot) -> PossibleDuplicate:
    twin = make_person(hotspot, "MAFA0195", nickname="Sunny B")
    return PossibleDuplicate.objects.create(person=twin, other=person, reason="same_code")


@pytest.mark.parametrize(
    ("persona", "status"),
    [("member", 403), ("outreach_worker", 403), ("other_worker", 403), ("coordinator", 200)],
)
def test_only_coordinators_review_duplicates(
    request: Any, client_for: Any, pair: PossibleDuplicate, persona: str, status: int
) -> None:
    client = client_for(request.getfixturevalue(persona))
    assert client.get(reverse("members:duplicate_list")).status_code == status
    assert client.get(reverse("members:duplicate_resolve", args=[pair.pk])).status_code == status


def test_a_coordinator_merges_two_records(
    client_for: Any, coordinator: User, pair: PossibleDuplicate, person: Person
) -> None:
    twin = pair.person
    twin.consents.create(purpose="voting")
    response = client_for(coordinator).post(
        reverse("members:duplicate_resolve", args=[pair.pk]),
        {"decision": "merge", "keep": str(person.pk)},
    )
    assert response["Location"] == reverse("outreach:person_detail", args=[person.pk])
    twin.refresh_from_db()
    assert twin.merged_into == person
    assert person.consents.filter(purpose="voting").exists()
    pair.refresh_from_db()
    assert pair.resolution == "merged"


def test_a_merge_without_choosing_the_record_to_keep_is_explained(
    client_for: Any, coordinator: User, pair: PossibleDuplicate
) -> None:
    response = client_for(coordinator).post(
        reverse("members:duplicate_resolve", args=[pair.pk]), {"decision": "merge"}
    )
    assert response.context["form"].errors["keep"] == ["Choose the record to keep."]
    assert not Person.objects.filter(merged_into__isnull=False).exists()


def test_a_coordinator_marks_two_records_as_different_people(
    client_for: Any, coordinator: User, pair: PossibleDuplicate
) -> None:
    client_for(coordinator).post(
        reverse("members:duplicate_resolve", args=[pair.pk]), {"decision": "different"}
    )
    pair.refresh_from_db()
    assert pair.resolution == "different"
    assert not Person.objects.filter(merged_into__isnull=False).exists()
