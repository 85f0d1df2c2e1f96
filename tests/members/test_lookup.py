"""Looking a code up: a look-up that tells a worker someone is registered at another hotspot is
written to that person's access log, and every page that looks codes up counts them against one
allowance per login."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from members.models import AccessLog, Hotspot, Person, User
from outreach.models import GroupActivity
from tests.conftest import make_person

pytestmark = pytest.mark.django_db

FIND = reverse("members:person_find")
# The parts of the `person` fixture's code "MAFA0195".
SUNNY_PARTS = {
    "code_mother": "ma",
    "code_father": "fa",
    "code_birth_order": "1",
    "code_birth_year": "95",
}


def code_of(n: int) -> dict[str, str]:
    """The n-th of many made-up codes nobody has."""
    return {**SUNNY_PARTS, "code_mother": "zz", "code_birth_year": f"{n % 100:02d}"}


def allowance() -> int:
    return int(settings.ACCOUNT_RATE_LIMITS["code_lookup"].split("/")[0])


# --- The access log --------------------------------------------------------------------------


def test_finding_someone_registered_at_another_hotspot_is_logged(
    client_for: Any, other_worker: User, person: Person
) -> None:
    response = client_for(other_worker).post(FIND, {**SUNNY_PARTS, "action": "find"})
    assert "Registered at another hotspot" in response.content.decode()
    entry = AccessLog.objects.get()
    assert (entry.actor, entry.person, entry.action) == (
        other_worker,
        person,
        AccessLog.Action.LOOKUP,
    )
    assert (entry.detail, entry.reason) == ("", "")


def test_registering_with_a_code_known_elsewhere_is_logged_too(
    client_for: Any, other_worker: User, person: Person, other_hotspot: Hotspot
) -> None:
    client_for(other_worker).post(
        reverse("members:person_register"),
        {**SUNNY_PARTS, "action": "register", "nickname": "Sol", "hotspot": other_hotspot.pk},
    )
    assert AccessLog.objects.get(action=AccessLog.Action.LOOKUP).person == person
    assert Person.objects.count() == 1


def test_finding_ones_own_people_or_nobody_writes_no_lookup_line(
    client_for: Any, outreach_worker: User, coordinator: User, person: Person
) -> None:
    client_for(outreach_worker).post(FIND, {**SUNNY_PARTS, "action": "find"})
    client_for(coordinator).post(FIND, {**SUNNY_PARTS, "action": "find"})
    client_for(outreach_worker).post(FIND, {**code_of(1), "action": "find"})
    assert not AccessLog.objects.filter(action=AccessLog.Action.LOOKUP).exists()


def test_each_record_elsewhere_with_the_code_gets_its_own_line(
    client_for: Any, other_worker: User, person: Person, hotspot: Hotspot
) -> None:
    twin = make_person(hotspot, "MAFA0195", nickname="Twin")
    client_for(other_worker).post(FIND, {**SUNNY_PARTS, "action": "find"})
    logged = set(
        AccessLog.objects.filter(action=AccessLog.Action.LOOKUP).values_list("person", flat=True)
    )
    assert logged == {person.pk, twin.pk}


# --- One allowance per login -----------------------------------------------------------------


def test_look_ups_over_the_allowance_wait_and_are_told_when_to_try_again(
    client_for: Any, outreach_worker: User, other_worker: User
) -> None:
    client = client_for(outreach_worker)
    answered = [
        client.post(FIND, {**code_of(n), "action": "find"}).status_code for n in range(allowance())
    ]
    assert set(answered) == {200}

    refused = client.post(FIND, {**SUNNY_PARTS, "action": "find"})
    assert refused.status_code == 429
    page = refused.content.decode()
    assert "Try again in 10 minutes." in page
    assert "429" not in page

    # Another login is not held back by this one's look-ups.
    assert client_for(other_worker).post(FIND, {**code_of(0), "action": "find"}).status_code == 200


def test_the_contact_form_and_the_attendance_list_share_the_allowance(
    client_for: Any, outreach_worker: User, coordinator: User, settings: Any
) -> None:
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "code_lookup": "3/10m/user"}
    activity = GroupActivity.objects.create(
        hotspot=None,
        facilitator=coordinator,
        kind=GroupActivity.Kind.SUPPORT_GROUP,
        title="Open circle",
        held_on=timezone.localdate(),
    )
    client = client_for(outreach_worker)
    contact = reverse("outreach:contact_create")
    attendance = reverse("outreach:attendance_add", args=[activity.pk])
    assert client.post(FIND, {**code_of(1), "action": "find"}).status_code == 200
    assert client.post(contact, {**code_of(2), "kind": "one_to_one"}).status_code == 200
    assert client.post(attendance, code_of(3)).status_code == 200
    for url, data in ((FIND, {"action": "find"}), (contact, {}), (attendance, {})):
        assert client.post(url, {**code_of(4), **data}).status_code == 429


def test_an_incomplete_code_is_explained_and_not_counted(
    client_for: Any, outreach_worker: User, settings: Any
) -> None:
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "code_lookup": "1/10m/user"}
    client = client_for(outreach_worker)
    half = {**code_of(1), "code_mother": "z"}
    assert client.post(FIND, {**half, "action": "find"}).status_code == 200
    assert client.post(FIND, {**code_of(1), "action": "find"}).status_code == 200
    assert client.post(FIND, {**code_of(2), "action": "find"}).status_code == 429


def test_a_hundred_look_ups_in_a_row(client: Client, outreach_worker: User) -> None:
    """The review's measure: 100 look-ups as fast as a script sends them."""
    client.force_login(outreach_worker)
    statuses = [client.post(FIND, {**code_of(n), "action": "find"}).status_code for n in range(100)]
    assert 429 in statuses
    assert statuses.count(200) == allowance()
    assert statuses.count(429) == 100 - allowance()
