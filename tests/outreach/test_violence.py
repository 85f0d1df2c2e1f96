"""The short violence record of a contact and its follow-up: restricted to the person's outreach
workers and coordinators, one per contact, never shown to members."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from members.models import AccessLog, Person, User
from outreach import services
from outreach.models import Contact, ViolenceIncident
from tests.conftest import make_contact, make_person

pytestmark = pytest.mark.django_db


@pytest.fixture
def contact(person: Person, outreach_worker: User) -> Contact:
    return make_contact(person, outreach_worker, violence_reported=True)


@pytest.fixture
def incident(contact: Contact) -> ViolenceIncident:
    return ViolenceIncident.objects.create(
        contact=contact,
        person=contact.person,
        kind="police",
        notes="Phone taken at the checkpoint",
        follow_up_on=timezone.localdate() + timedelta(days=2),
    )


def data(**fields: Any) -> dict[str, Any]:
    return {
        "kind": "physical",
        "notes": "Needs a clinic visit",
        "follow_up_on": (timezone.localdate() + timedelta(days=3)).isoformat(),
        **fields,
    }


# --- Access matrix ---------------------------------------------------------------------------

MATRIX = [("member", 403), ("outreach_worker", 200), ("other_worker", 404), ("coordinator", 200)]


@pytest.mark.parametrize(("persona", "status"), MATRIX)
def test_the_form_opens_for_the_persons_workers_and_coordinators(
    request: Any, client_for: Any, contact: Contact, persona: str, status: int
) -> None:
    user = request.getfixturevalue(persona)
    url = reverse("outreach:incident_create", args=[contact.pk])
    assert client_for(user).get(url).status_code == status


@pytest.mark.parametrize(("persona", "status"), MATRIX)
def test_the_record_is_read_only_by_the_persons_workers_and_coordinators(
    request: Any, client_for: Any, incident: ViolenceIncident, persona: str, status: int
) -> None:
    user = request.getfixturevalue(persona)
    url = reverse("outreach:incident_detail", args=[incident.pk])
    assert client_for(user).get(url).status_code == status


@pytest.mark.parametrize(
    "page", ["outreach:incident_create", "outreach:incident_detail", "outreach:incident_follow_up"]
)
def test_anonymous_visitors_are_sent_to_log_in(
    client: Client, incident: ViolenceIncident, page: str
) -> None:
    pk = incident.contact_id if page == "outreach:incident_create" else incident.pk
    response = client.get(reverse(page, args=[pk]))
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize("page", ["outreach:incident_create", "outreach:incident_detail"])
def test_a_worker_of_another_hotspot_cannot_tell_it_exists(
    client_for: Any, other_worker: User, incident: ViolenceIncident, page: str
) -> None:
    pk = incident.contact_id if page == "outreach:incident_create" else incident.pk
    client = client_for(other_worker)
    existing = client.get(reverse(page, args=[pk]))
    missing = client.get(reverse(page, args=[pk + 1000]))
    assert existing.status_code == missing.status_code == 404
    assert existing.content == missing.content


def test_a_worker_of_another_hotspot_cannot_mark_it_followed_up(
    client_for: Any, other_worker: User, incident: ViolenceIncident
) -> None:
    url = reverse("outreach:incident_follow_up", args=[incident.pk])
    assert client_for(other_worker).post(url).status_code == 404
    incident.refresh_from_db()
    assert incident.followed_up_at is None


def test_a_member_never_sees_it_even_about_themself(
    client_for: Any, member: User, outreach_worker: User
) -> None:
    own = Person.objects.get(user=member)
    contact = make_contact(own, outreach_worker, violence_reported=True)
    record = ViolenceIncident.objects.create(
        contact=contact, person=own, follow_up_on=timezone.localdate()
    )
    client = client_for(member)
    assert client.get(reverse("outreach:incident_detail", args=[record.pk])).status_code == 403
    assert client.get(reverse("outreach:incident_create", args=[contact.pk])).status_code == 403


# --- Opening the record ----------------------------------------------------------------------


def test_the_follow_up_is_due_in_two_days_by_default(
    client_for: Any, outreach_worker: User, contact: Contact
) -> None:
    response = client_for(outreach_worker).get(
        reverse("outreach:incident_create", args=[contact.pk])
    )
    due = timezone.localdate() + timedelta(days=services.VIOLENCE_FOLLOW_UP_DAYS)
    assert response.context["form"]["follow_up_on"].value() == due
    assert "Prefer not to say" in response.content.decode()


def test_a_worker_records_it_and_it_shows_on_the_persons_page(
    client_for: Any, outreach_worker: User, contact: Contact, person: Person
) -> None:
    client = client_for(outreach_worker)
    response = client.post(reverse("outreach:incident_create", args=[contact.pk]), data())
    assert response["Location"] == reverse("outreach:person_detail", args=[person.pk])
    incident = ViolenceIncident.objects.get()
    assert (incident.contact, incident.person, incident.kind) == (contact, person, "physical")
    assert incident.notes == "Needs a clinic visit"
    page = client.get(response["Location"]).content.decode()
    assert reverse("outreach:incident_detail", args=[incident.pk]) in page


def test_prefer_not_to_say_is_an_answer(
    client_for: Any, outreach_worker: User, contact: Contact
) -> None:
    client_for(outreach_worker).post(
        reverse("outreach:incident_create", args=[contact.pk]), data(kind="", notes="")
    )
    incident = ViolenceIncident.objects.get()
    assert incident.kind == ""
    assert incident.get_kind_display() == "Prefer not to say"


def test_a_second_tap_keeps_one_record(
    client_for: Any, outreach_worker: User, contact: Contact
) -> None:
    client = client_for(outreach_worker)
    url = reverse("outreach:incident_create", args=[contact.pk])
    client.post(url, data())
    again = client.post(url, data(notes="second"))
    incident = ViolenceIncident.objects.get()
    assert again["Location"] == reverse("outreach:incident_detail", args=[incident.pk])
    assert incident.notes == "Needs a clinic visit"


def test_the_service_opens_one_record_per_contact_and_marks_the_contact(
    outreach_worker: User, person: Person
) -> None:
    contact = make_contact(person, outreach_worker)
    day = timezone.localdate()
    first, created = services.incident_open(
        worker=outreach_worker, contact=contact, kind="", notes="", follow_up_on=day
    )
    again, created_again = services.incident_open(
        worker=outreach_worker, contact=contact, kind="sexual", notes="x", follow_up_on=day
    )
    assert (created, created_again) == (True, False)
    assert again.pk == first.pk
    contact.refresh_from_db()
    assert contact.violence_reported


def test_a_past_follow_up_day_is_explained_and_the_notes_kept(
    client_for: Any, outreach_worker: User, contact: Contact
) -> None:
    yesterday = (timezone.localdate() - timedelta(days=1)).isoformat()
    response = client_for(outreach_worker).post(
        reverse("outreach:incident_create", args=[contact.pk]),
        data(follow_up_on=yesterday, notes="Kept as typed"),
    )
    assert response.status_code == 200
    assert "follow_up_on" in response.context["form"].errors
    assert "Kept as typed" in response.content.decode()
    assert not ViolenceIncident.objects.exists()


def test_the_access_log_says_nothing_about_violence(
    client_for: Any, outreach_worker: User, contact: Contact, person: Person
) -> None:
    client = client_for(outreach_worker)
    client.post(reverse("outreach:incident_create", args=[contact.pk]), data())
    client.get(reverse("outreach:incident_detail", args=[ViolenceIncident.objects.get().pk]))
    details = set(AccessLog.objects.filter(person=person).values_list("detail", flat=True))
    assert details == {services.FOLLOW_UP_LOG_DETAIL}
    assert not any("violence" in d for d in details)


# --- Following up ----------------------------------------------------------------------------


def test_a_worker_marks_it_followed_up_once(
    client_for: Any, outreach_worker: User, incident: ViolenceIncident
) -> None:
    client = client_for(outreach_worker)
    url = reverse("outreach:incident_follow_up", args=[incident.pk])
    response = client.post(url)
    assert response["Location"] == reverse("outreach:incident_detail", args=[incident.pk])
    incident.refresh_from_db()
    first = incident.followed_up_at
    assert first is not None
    client.post(url)
    incident.refresh_from_db()
    assert incident.followed_up_at == first


def test_marking_needs_a_post(
    client_for: Any, outreach_worker: User, incident: ViolenceIncident
) -> None:
    url = reverse("outreach:incident_follow_up", args=[incident.pk])
    assert client_for(outreach_worker).get(url).status_code == 405


def test_a_followed_up_record_leaves_the_persons_open_list(
    client_for: Any, coordinator: User, incident: ViolenceIncident, person: Person
) -> None:
    client = client_for(coordinator)
    detail = reverse("outreach:incident_detail", args=[incident.pk])
    person_page = reverse("outreach:person_detail", args=[person.pk])
    assert detail in client.get(person_page).content.decode()
    client.post(reverse("outreach:incident_follow_up", args=[incident.pk]))
    assert detail not in client.get(person_page).content.decode()


def test_records_of_people_elsewhere_stay_hidden_from_the_persons_page(
    client_for: Any, outreach_worker: User, other_worker: User, other_hotspot: Any
) -> None:
    elsewhere = make_person(other_hotspot, "ELSE0190", nickname="Elsewhere")
    contact = make_contact(elsewhere, other_worker, violence_reported=True)
    record = ViolenceIncident.objects.create(
        contact=contact, person=elsewhere, follow_up_on=timezone.localdate()
    )
    url = reverse("outreach:incident_detail", args=[record.pk])
    assert client_for(outreach_worker).get(url).status_code == 404
