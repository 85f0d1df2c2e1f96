"""AZ-2: an outreach worker who asks for the people, contacts and referrals of another hotspot by
number learns nothing: every answer is a 404, byte for byte the same as for a number nobody has,
so the ids of other caseloads cannot even be confirmed to exist."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from members.models import AccessLog, Hotspot, Person, User
from outreach.models import Contact, Partner, Referral, ViolenceIncident
from tests.conftest import PageClient, make_contact, make_person

pytestmark = pytest.mark.django_db

# Objects made on the other side: 16 of each x 13 addresses = 208 requests for real records.
ELSEWHERE = 16
CSRF = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]*"')

# (method, URL name, kind of object, query parameter naming it instead of the path)
ADDRESSES: list[tuple[str, str, str, str]] = [
    ("get", "outreach:person_detail", "person", ""),
    ("get", "members:person_edit", "person", ""),
    ("post", "members:person_edit", "person", ""),
    ("post", "members:person_consent", "person", ""),
    ("post", "members:invitation_create", "person", ""),
    ("get", "outreach:risk_assess", "person", ""),
    ("get", "outreach:referral_create", "person", ""),
    ("get", "outreach:contact_create", "person", "person"),
    ("get", "outreach:incident_create", "contact", ""),
    ("get", "outreach:referral_detail", "referral", ""),
    ("post", "outreach:referral_attended", "referral", ""),
    ("post", "outreach:referral_not_completed", "referral", ""),
    ("post", "outreach:tracing_create", "referral", ""),
]


def address(name: str, pk: int, query: str) -> str:
    if query:
        return f"{reverse(name)}?{query}={pk}"
    key = "person_pk" if name == "outreach:referral_create" else "pk"
    return reverse(name, kwargs={key: pk})


def other_caseload(other_hotspot: Hotspot, other_worker: User) -> dict[str, list[Any]]:
    """People of the other hotspot, each with a contact, a referral and a violence record."""
    partner = Partner.objects.create(name="Elsewhere clinic", kind="health", services=["prep"])
    today = timezone.localdate()
    made: dict[str, list[Any]] = {"person": [], "contact": [], "referral": []}
    for n in range(ELSEWHERE):
        person = make_person(other_hotspot, f"EL{n:02d}XX0190", nickname=f"Elsewhere {n}")
        contact = make_contact(person, other_worker, violence_reported=True)
        ViolenceIncident.objects.create(
            contact=contact, person=person, kind="physical", follow_up_on=today
        )
        referral = Referral.objects.create(
            person=person,
            partner=partner,
            made_by=other_worker,
            made_on=today - timedelta(days=3),
            due_on=today + timedelta(days=4),
            service="prep",
        )
        made["person"].append(person)
        made["contact"].append(contact)
        made["referral"].append(referral)
    return made


def missing_ids(model: type[Any], count: int) -> list[int]:
    """Numbers no row has, just above the highest one, as an attacker would try next."""
    top = model.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    return [top + 1000 + n for n in range(count)]


def test_a_worker_learns_nothing_about_another_hotspots_records(
    outreach_worker: User,
    other_worker: User,
    other_hotspot: Hotspot,
    person: Person,
    figure: Any,
) -> None:
    made = other_caseload(other_hotspot, other_worker)
    models = {"person": Person, "contact": Contact, "referral": Referral}
    client = PageClient()
    client.force_login(outreach_worker)
    before = {
        "contacts": Contact.objects.count(),
        "referrals": list(Referral.objects.values_list("pk", "status").order_by("pk")),
        "log": AccessLog.objects.filter(actor=outreach_worker).count(),
    }

    statuses: dict[str, list[int]] = {"elsewhere": [], "missing": []}
    bodies: dict[str, set[bytes]] = {}
    for method, name, kind, query in ADDRESSES:
        existing = [obj.pk for obj in made[kind]]
        for side, ids in (
            ("elsewhere", existing),
            ("missing", missing_ids(models[kind], ELSEWHERE)),
        ):
            for pk in ids:
                response = getattr(client, method)(address(name, pk, query))
                statuses[side].append(response.status_code)
                bodies.setdefault(f"{method} {name}", set()).add(CSRF.sub(b"", response.content))

    leaked = sum(status != 404 for status in statuses["elsewhere"])
    distinct = max(len(found) for found in bodies.values())
    figure("AZ-2", "requests for another hotspot's records", len(statuses["elsewhere"]))
    figure("AZ-2", "requests for missing records", len(statuses["missing"]))
    figure("AZ-2", "leaked responses", leaked)
    figure("AZ-2", "distinct bodies per address (1: existing = missing)", distinct)
    assert len(statuses["elsewhere"]) >= 200
    assert leaked == 0
    assert set(statuses["missing"]) == {404}
    assert distinct == 1, {name: len(found) for name, found in bodies.items()}
    # Nothing was changed, and no look at someone else's record was logged as if it happened.
    assert Contact.objects.count() == before["contacts"]
    assert list(Referral.objects.values_list("pk", "status").order_by("pk")) == before["referrals"]
    assert AccessLog.objects.filter(actor=outreach_worker).count() == before["log"]


def test_the_same_addresses_open_the_workers_own_records(
    outreach_worker: User, person: Person, partner: Partner
) -> None:
    """The control: the 404s above come from need to know, not from broken addresses."""
    contact = make_contact(person, outreach_worker)
    referral = Referral.objects.create(
        person=person,
        partner=partner,
        made_by=outreach_worker,
        made_on=timezone.localdate(),
        due_on=timezone.localdate() + timedelta(days=7),
        service="hiv_test",
    )
    own = {"person": person.pk, "contact": contact.pk, "referral": referral.pk}
    client = PageClient()
    client.force_login(outreach_worker)
    for method, name, kind, query in ADDRESSES:
        if method == "get":
            response = client.get(address(name, own[kind], query))
            assert response.status_code in (200, 302), name
