"""Logging a contact: the service (exactly once per key), the form on a phone, the condom
suggestion, need to know, and the contact history on the person's page."""

from __future__ import annotations

import re
import threading
from datetime import timedelta
from typing import Any
from uuid import uuid4

import pytest
from django.db import connection, connections
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from members.models import AccessLog, Assignment, Hotspot, Person, User
from outreach import rules, services
from outreach.models import Contact, RiskAssessment
from tests.conftest import key_on, make_contact, make_person, make_user

pytestmark = pytest.mark.django_db

URL = reverse("outreach:contact_create")
# The parts of the `person` fixture's code "MAFA0195", as someone might say them.
SUNNY_PARTS = {
    "code_mother": "ma",
    "code_father": "FA",
    "code_birth_order": "1",
    "code_birth_year": "1995",
}


def contact_data(**fields: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "form_key": str(uuid4()),
        "contacted_on": timezone.localdate().isoformat(),
        "kind": "one_to_one",
        "male_condoms": "0",
        "female_condoms": "0",
        "lubricant": "0",
        "self_test_kits": "0",
    }
    data.update(fields)
    return data


def fields(**extra: Any) -> dict[str, Any]:
    """Keyword arguments for the service, as the form cleans them."""
    base: dict[str, Any] = {
        "contacted_on": timezone.localdate(),
        "kind": "one_to_one",
        "male_condoms": 0,
        "female_condoms": 0,
        "lubricant": 0,
        "self_test_kits": 0,
    }
    return {**base, **extra}


def assess(person: Person, worker: User, *, priority: bool) -> RiskAssessment:
    today = timezone.localdate()
    return RiskAssessment.objects.create(
        person=person,
        reassess_on=today + timedelta(days=180),
        assessed_by=worker,
        is_priority=priority,
    )


# --- Access matrix ---------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_log_in(client: Client, person: Person) -> None:
    response = client.get(f"{URL}?person={person.pk}")
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize(
    ("persona", "status"),
    [("member", 403), ("outreach_worker", 200), ("other_worker", 404), ("coordinator", 200)],
)
def test_the_form_for_a_person_opens_for_their_workers_and_coordinators(
    request: Any, client_for: Any, person: Person, persona: str, status: int
) -> None:
    user = request.getfixturevalue(persona)
    assert client_for(user).get(f"{URL}?person={person.pk}").status_code == status


@pytest.mark.parametrize(
    ("persona", "status"),
    [("member", 403), ("outreach_worker", 200), ("other_worker", 200), ("coordinator", 200)],
)
def test_the_form_without_a_person_opens_for_staff(
    request: Any, client_for: Any, persona: str, status: int
) -> None:
    user = request.getfixturevalue(persona)
    assert client_for(user).get(URL).status_code == status


def test_a_worker_of_another_hotspot_cannot_tell_the_person_exists(
    client_for: Any, other_worker: User, person: Person
) -> None:
    client = client_for(other_worker)
    existing = client.get(f"{URL}?person={person.pk}")
    missing = client.get(f"{URL}?person={person.pk + 1000}")
    assert existing.status_code == missing.status_code == 404
    assert existing.content == missing.content


def test_a_worker_of_another_hotspot_cannot_log_a_contact_for_the_person(
    client_for: Any, other_worker: User, person: Person
) -> None:
    response = client_for(other_worker).post(URL, contact_data(person=person.pk))
    assert response.status_code == 404
    assert not Contact.objects.exists()


def test_coordinators_see_the_form_but_only_workers_save(
    client_for: Any, coordinator: User, person: Person
) -> None:
    client = client_for(coordinator)
    page = client.get(f"{URL}?person={person.pk}").content.decode()
    assert "Save contact" not in page
    assert client.post(URL, contact_data(person=person.pk)).status_code == 403
    assert not Contact.objects.exists()


def test_the_workers_menu_links_to_the_form(client_for: Any, outreach_worker: User) -> None:
    page = client_for(outreach_worker).get(reverse("home")).content.decode()
    assert f'href="{URL}"' in page


# --- The form --------------------------------------------------------------------------------


def test_a_worker_logs_a_contact_and_returns_to_the_persons_page(
    client_for: Any, outreach_worker: User, person: Person, hotspot: Hotspot
) -> None:
    client = client_for(outreach_worker)
    form_page = client.get(f"{URL}?person={person.pk}").content.decode()
    assert "Sunny" in form_page
    response = client.post(
        URL,
        contact_data(
            person=person.pk,
            male_condoms="10",
            female_condoms="2",
            lubricant="5",
            self_test_kits="1",
            topics=["prep", "rights"],
            needs_raised="Wants a PrEP appointment",
            stated_monthly_need="30",
            weekly_acts="5",
            back="person",  # opened from the person's page: back there
        ),
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("outreach:person_detail", args=[person.pk])
    contact = Contact.objects.get()
    assert (contact.person, contact.worker, contact.hotspot) == (person, outreach_worker, hotspot)
    assert contact.topics == ["prep", "rights"]
    assert contact.needs_raised == "Wants a PrEP appointment"
    assert (contact.stated_monthly_need, contact.weekly_acts) == (30, 5)
    history = client.get(response["Location"]).content.decode()
    assert "Contact saved." in history
    assert "10 male condoms" in history
    assert "PrEP" in history


def test_each_commodity_is_saved_on_its_own_and_never_double_counted(
    client_for: Any, outreach_worker: User, person: Person
) -> None:
    client_for(outreach_worker).post(
        URL,
        contact_data(
            person=person.pk,
            male_condoms="7",
            female_condoms="3",
            lubricant="4",
            self_test_kits="2",
        ),
    )
    contact = Contact.objects.get()
    assert contact.male_condoms == 7
    assert contact.female_condoms == 3
    assert contact.lubricant == 4
    assert contact.self_test_kits == 2
    assert contact.condoms == 10


def test_an_emptied_count_means_none_given(
    client_for: Any, outreach_worker: User, person: Person
) -> None:
    client_for(outreach_worker).post(
        URL, contact_data(person=person.pk, female_condoms="", lubricant="")
    )
    contact = Contact.objects.get()
    assert (contact.female_condoms, contact.lubricant) == (0, 0)


def test_the_form_page_takes_a_key_of_its_own_in_its_address(
    outreach_worker: User, person: Person
) -> None:
    client = Client()
    client.force_login(outreach_worker)
    response = client.get(f"{URL}?person={person.pk}")
    assert response.status_code == 302
    address = response["Location"]
    assert address.startswith(f"{URL}?person={person.pk}&key=")
    page = client.get(address)
    assert timezone.localdate().isoformat() in page.content.decode()
    assert key_on(page) == address.rsplit("key=", 1)[1]
    # Asked for again without a key (a new start): another key.
    assert client.get(f"{URL}?person={person.pk}")["Location"] != address


def test_going_back_to_a_sent_form_says_so_and_sending_it_again_saves_once(
    client_for: Any, outreach_worker: User, person: Person
) -> None:
    client = client_for(outreach_worker)
    form = client.get(f"{URL}?person={person.pk}")
    address = form.request["PATH_INFO"] + "?" + form.request["QUERY_STRING"]
    data = contact_data(person=person.pk, form_key=key_on(form), male_condoms="4")
    client.post(URL, data)
    back = client.get(address)  # Back: the same address, so the same key
    assert key_on(back) == data["form_key"]
    assert "This form was already sent and saved." in back.content.decode()
    again = client.post(URL, data)
    assert Contact.objects.count() == 1
    assert "This was already saved." in client.get(again["Location"]).content.decode()


def test_a_second_contact_started_minutes_later_is_always_saved(
    client_for: Any, outreach_worker: User, person: Person
) -> None:
    """The review's case: Log a contact, save; Log a contact again, Phone, 3 female condoms."""
    client = client_for(outreach_worker)
    first = client.get(f"{URL}?person={person.pk}")
    client.post(URL, contact_data(person=person.pk, form_key=key_on(first)))
    second = client.get(f"{URL}?person={person.pk}")  # the person's page link, tapped again
    assert key_on(second) != key_on(first)
    saved = client.post(
        URL,
        contact_data(person=person.pk, form_key=key_on(second), kind="phone", female_condoms="3"),
        follow=True,
    )
    assert "Contact saved." in saved.content.decode()
    assert sorted(Contact.objects.values_list("kind", "female_condoms")) == [
        ("one_to_one", 0),
        ("phone", 3),
    ]


def test_the_same_form_sent_again_with_other_answers_is_saved_with_an_undo(
    client_for: Any, outreach_worker: User, person: Person
) -> None:
    client = client_for(outreach_worker)
    data = contact_data(person=person.pk, male_condoms="4")
    client.post(URL, data)
    changed = client.post(URL, {**data, "male_condoms": "9"}, follow=True)
    page = changed.content.decode()
    assert "Saved as a new contact." in page
    assert sorted(Contact.objects.values_list("male_condoms", flat=True)) == [4, 9]
    newest = Contact.objects.get(male_condoms=9)
    undo = reverse("outreach:contact_undo", args=[newest.pk])
    assert f'action="{undo}"' in page
    # The offer is shown once, like a message.
    assert (
        undo not in client.get(reverse("outreach:person_detail", args=[person.pk])).content.decode()
    )
    undone = client.post(undo, follow=True)
    assert "Undone: that contact is deleted." in undone.content.decode()
    assert list(Contact.objects.values_list("male_condoms", flat=True)) == [4]


def test_a_new_contact_that_looks_the_same_as_one_just_saved_is_kept_with_an_undo(
    client_for: Any, outreach_worker: User, person: Person
) -> None:
    client = client_for(outreach_worker)
    client.post(URL, contact_data(person=person.pk, male_condoms="4"))
    twin = client.post(URL, contact_data(person=person.pk, male_condoms="4"), follow=True)
    page = twin.content.decode()
    assert Contact.objects.count() == 2
    assert "It looks the same as the one you saved at" in page
    assert "Undo: delete what was just saved" in page


def test_only_its_worker_undoes_a_contact_and_only_for_minutes(
    client_for: Any, outreach_worker: User, other_worker: User, person: Person
) -> None:
    contact = make_contact(person, outreach_worker)
    undo = reverse("outreach:contact_undo", args=[contact.pk])
    assert client_for(other_worker).post(undo).status_code == 404
    Contact.objects.update(created_at=timezone.now() - timedelta(minutes=11))
    late = client_for(outreach_worker).post(undo, follow=True)
    assert "can no longer be undone" in late.content.decode()
    assert Contact.objects.count() == 1


def test_bad_input_is_explained_beside_the_field_and_everything_typed_is_kept(
    client_for: Any, outreach_worker: User, person: Person
) -> None:
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    data = contact_data(
        person=person.pk,
        contacted_on=tomorrow,
        male_condoms="-3",
        lubricant="6",
        needs_raised="Asked about the support group",
        topics=["testing"],
    )
    response = client_for(outreach_worker).post(URL, data)
    assert response.status_code == 200
    form = response.context["form"]
    assert "contacted_on" in form.errors
    assert "male_condoms" in form.errors
    page = response.content.decode()
    assert "A contact cannot be dated in the future." in page
    assert "Asked about the support group" in page
    assert f'value="{tomorrow}"' in page
    assert 'value="6"' in page
    assert f'value="{data["form_key"]}"' in page
    assert not Contact.objects.exists()


@pytest.mark.parametrize(
    ("back", "lands_on"),
    [
        ("", "my_week"),
        ("week", "my_week"),
        ("person", "person"),
        ("https://evil.example/", "my_week"),
    ],
)
def test_a_saved_contact_leads_back_where_the_worker_came_from(
    client_for: Any, outreach_worker: User, person: Person, back: str, lands_on: str
) -> None:
    client = client_for(outreach_worker)
    form = client.get(f"{URL}?person={person.pk}&back={back}").content.decode()
    assert f'name="back" value="{back if back in ("week", "person") else "week"}"' in form
    response = client.post(URL, contact_data(person=person.pk, male_condoms="2", back=back))
    expected = {
        "my_week": reverse("outreach:my_week"),
        "person": reverse("outreach:person_detail", args=[person.pk]),
    }[lands_on]
    assert response["Location"] == expected
    assert "Contact saved." in client.get(expected).content.decode()


def test_a_worker_finds_the_person_by_typing_their_code(
    client_for: Any, outreach_worker: User, person: Person
) -> None:
    response = client_for(outreach_worker).post(URL, contact_data(male_condoms="3", **SUNNY_PARTS))
    assert response["Location"] == reverse("outreach:my_week")
    assert Contact.objects.get().person == person


def test_an_unknown_code_is_said_beside_the_code_and_offers_registering(
    client_for: Any, outreach_worker: User
) -> None:
    data = contact_data(
        code_mother="zz", code_father="yy", code_birth_order="9", code_birth_year="1980"
    )
    response = client_for(outreach_worker).post(URL, {**data, "needs_raised": "kept"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "None of your people has this code." in page
    assert reverse("members:person_register") in page
    assert 'value="zz"' in page
    assert "kept" in page
    assert not Contact.objects.exists()


def test_register_them_takes_the_parts_just_typed_to_the_register_page(
    client_for: Any, outreach_worker: User
) -> None:
    """Issue 17: "Register them" after a code is not found dropped the 4 parts just typed. It
    is now a form of its own that posts them (never in an address) to the register page."""
    client = client_for(outreach_worker)
    parts = {"code_mother": "zz", "code_father": "yy", "code_birth_order": "9"}
    parts["code_birth_year"] = "1980"
    page = client.post(URL, contact_data(**parts)).content.decode()
    register = page[page.index('id="register-them"') :]
    register = register[: register.index("</form>")]
    assert f'action="{reverse("members:person_register")}"' in page
    assert 'form="register-them"' in page
    hidden = dict(re.findall(r'name="(code_\w+)" value="([^"]*)"', register))
    assert hidden == parts
    sent = dict(re.findall(r'name="(\w+)" value="([^"]*)"', register))
    landed = client.post(reverse("members:person_register"), sent)
    assert landed.status_code == 200
    shown = landed.content.decode()
    assert "No one has this code yet. Add their details to register them." in shown
    for value in parts.values():
        assert f'value="{value}"' in shown
    assert all(value not in landed.request["QUERY_STRING"] for value in parts.values())


def test_a_code_registered_at_another_hotspot_is_not_found(
    client_for: Any, other_worker: User, person: Person
) -> None:
    response = client_for(other_worker).post(URL, contact_data(**SUNNY_PARTS))
    assert "None of your people has this code." in response.content.decode()
    assert "Sunny" not in response.content.decode()
    assert not Contact.objects.exists()


def test_violence_reported_leads_to_the_short_violence_form(
    client_for: Any, outreach_worker: User, person: Person
) -> None:
    response = client_for(outreach_worker).post(
        URL, contact_data(person=person.pk, violence_reported="on")
    )
    contact = Contact.objects.get()
    assert contact.violence_reported
    assert response["Location"] == reverse("outreach:incident_create", args=[contact.pk])


def test_the_read_and_the_save_are_in_the_access_log(
    client_for: Any, outreach_worker: User, person: Person
) -> None:
    client = client_for(outreach_worker)
    client.get(f"{URL}?person={person.pk}")
    client.post(URL, contact_data(person=person.pk))
    actions = list(
        AccessLog.objects.filter(person=person).order_by("at", "pk").values_list("action", "detail")
    )
    assert actions == [("view", ""), ("change", "contact")]


# --- Exactly once ----------------------------------------------------------------------------


def test_the_same_form_sent_twice_makes_one_contact(
    client_for: Any, outreach_worker: User, person: Person
) -> None:
    client = client_for(outreach_worker)
    data = contact_data(person=person.pk, male_condoms="4")
    first = client.post(URL, data)
    again = client.post(URL, data)
    assert first.status_code == again.status_code == 302
    assert again["Location"] == first["Location"]
    assert Contact.objects.get().male_condoms == 4
    assert "This was already saved." in client.get(again["Location"]).content.decode()


def test_the_service_returns_the_first_contact_for_a_repeated_key_and_answers(
    outreach_worker: User, person: Person
) -> None:
    key = uuid4()
    first, created = services.contact_log(
        worker=outreach_worker, person=person, idempotency_key=key, **fields(male_condoms=2)
    )
    again, created_again = services.contact_log(
        worker=outreach_worker, person=person, idempotency_key=key, **fields(male_condoms=2)
    )
    assert (created, created_again) == (True, False)
    assert again.pk == first.pk


def test_a_key_reused_with_other_answers_is_refused_never_dropped(
    outreach_worker: User, person: Person
) -> None:
    key = uuid4()
    services.contact_log(
        worker=outreach_worker, person=person, idempotency_key=key, **fields(male_condoms=2)
    )
    with pytest.raises(services.ContactKeyReused):
        services.contact_log(
            worker=outreach_worker, person=person, idempotency_key=key, **fields(male_condoms=5)
        )
    assert Contact.objects.get().male_condoms == 2


def test_a_key_reused_for_someone_else_changes_nothing_and_is_refused(
    outreach_worker: User, person: Person, hotspot: Hotspot
) -> None:
    other = make_person(hotspot, "ZZYY0380", nickname="Other")
    key = uuid4()
    services.contact_log(
        worker=outreach_worker, person=person, idempotency_key=key, **fields(male_condoms=2)
    )
    with pytest.raises(services.ContactKeyReused):
        services.contact_log(
            worker=outreach_worker, person=other, idempotency_key=key, **fields(male_condoms=8)
        )
    contact = Contact.objects.get()
    assert (contact.person, contact.male_condoms) == (person, 2)


def test_a_key_reused_by_another_worker_is_refused(
    outreach_worker: User, person: Person, hotspot: Hotspot
) -> None:
    colleague = make_user("worker.colleague", is_outreach_worker=True)
    Assignment.objects.create(worker=colleague, hotspot=hotspot)
    key = uuid4()
    services.contact_log(worker=outreach_worker, person=person, idempotency_key=key, **fields())
    with pytest.raises(services.ContactKeyReused):
        services.contact_log(worker=colleague, person=person, idempotency_key=key, **fields())
    assert Contact.objects.get().worker == outreach_worker


def test_the_form_sent_again_for_someone_else_saves_both_without_naming_anyone(
    client_for: Any, outreach_worker: User, person: Person, hotspot: Hotspot
) -> None:
    other = make_person(hotspot, "ZZYY0380", nickname="Otherone")
    client = client_for(outreach_worker)
    data = contact_data(person=person.pk, back="person")  # lands on Otherone's page
    client.post(URL, data)
    response = client.post(URL, {**data, "person": other.pk, "male_condoms": "3"}, follow=True)
    page = response.content.decode()
    assert "Saved as a new contact." in page
    assert "Sunny" not in page
    assert sorted(Contact.objects.values_list("person__nickname", flat=True)) == [
        "Otherone",
        "Sunny",
    ]


def test_the_contact_takes_the_workers_only_hotspot_when_the_person_has_none(
    outreach_worker: User, hotspot: Hotspot, coordinator: User
) -> None:
    nowhere = make_person(None, "NONE0101", nickname="Nowhere")
    contact, _ = services.contact_log(
        worker=outreach_worker, person=nowhere, idempotency_key=uuid4(), **fields()
    )
    assert contact.hotspot == hotspot
    with pytest.raises(services.ContactWithoutHotspot):
        services.contact_log(
            worker=coordinator, person=nowhere, idempotency_key=uuid4(), **fields()
        )


def test_the_service_refuses_a_date_in_the_future(outreach_worker: User, person: Person) -> None:
    tomorrow = timezone.localdate() + timedelta(days=1)
    with pytest.raises(ValueError, match="future"):
        services.contact_log(
            worker=outreach_worker,
            person=person,
            idempotency_key=uuid4(),
            **fields(contacted_on=tomorrow),
        )


def _post_in_threads(users: list[User], payloads: list[dict[str, Any]]) -> list[int]:
    """Post every payload at the same moment, each from its own thread and connection."""
    barrier = threading.Barrier(len(payloads))
    statuses: list[int] = []
    clients = [Client() for _ in payloads]
    for client, user in zip(clients, users, strict=True):
        client.force_login(user)

    def post(client: Client, data: dict[str, Any]) -> None:
        try:
            barrier.wait()
            statuses.append(client.post(URL, data).status_code)
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=post, args=(client, data))
        for client, data in zip(clients, payloads, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses


@pytest.mark.django_db(transaction=True)
def test_fifty_identical_submissions_at_once_make_one_contact(
    outreach_worker: User, person: Person
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises every write")
    data = contact_data(person=person.pk, male_condoms="5")
    statuses = _post_in_threads([outreach_worker] * 50, [data] * 50)
    assert statuses == [302] * 50
    assert Contact.objects.count() == 1
    assert Contact.objects.get().male_condoms == 5
    assert AccessLog.objects.filter(person=person, action="change").count() == 1


@pytest.mark.django_db(transaction=True)
def test_fifty_different_submissions_at_once_make_fifty_contacts(
    outreach_worker: User, person: Person
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises every write")
    payloads = [contact_data(person=person.pk) for _ in range(50)]
    statuses = _post_in_threads([outreach_worker] * 50, payloads)
    assert statuses == [302] * 50
    assert Contact.objects.count() == 50


# --- The condom suggestion -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("need", "priority", "suggested"),
    [(None, False, None), (None, True, None), (40, False, 40), (40, True, 10), (41, True, 11)],
)
def test_the_suggestion_covers_the_time_until_the_next_contact(
    need: int | None, priority: bool, suggested: int | None
) -> None:
    assert rules.condoms_to_give(need, priority=priority) == suggested


@pytest.mark.parametrize(
    ("stated", "weekly", "need"), [(30, 5, 30), (10, 5, 20), (None, 6, 24), (12, None, 12)]
)
def test_the_monthly_need_is_the_larger_of_what_they_say_and_clients_times_four(
    stated: int | None, weekly: int | None, need: int
) -> None:
    assert rules.monthly_need(stated, weekly) == need
    assert Contact(stated_monthly_need=stated, weekly_acts=weekly).monthly_need == need


def test_the_weeks_in_a_month_are_written_once_for_the_model_the_suggestion_and_the_page(
    client_for: Any, outreach_worker: User, person: Person, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Were "x 4" written again anywhere, that copy would stay at 4 here.
    monkeypatch.setattr(rules, "WEEKS_PER_MONTH", 5)
    assert Contact(stated_monthly_need=20, weekly_acts=6).monthly_need == 30
    assert rules.condoms_to_give(30, priority=True) == 6
    make_contact(person, outreach_worker, weekly_acts=6)
    response = client_for(outreach_worker).get(f"{URL}?person={person.pk}")
    assert response.context["suggestion"] == 30
    # The script reads the number from the page: it has none of its own.
    assert 'data-weeks-per-month="5"' in response.content.decode()


def test_the_form_suggests_a_months_need_from_the_last_contact(
    client_for: Any, outreach_worker: User, person: Person
) -> None:
    make_contact(person, outreach_worker, stated_monthly_need=20, weekly_acts=10)
    response = client_for(outreach_worker).get(f"{URL}?person={person.pk}")
    assert response.context["suggestion"] == 40
    assert "Enough for one month" in response.content.decode()


def test_a_priority_person_is_given_a_weeks_worth(
    client_for: Any, outreach_worker: User, person: Person
) -> None:
    make_contact(person, outreach_worker, stated_monthly_need=20, weekly_acts=10)
    assess(person, outreach_worker, priority=True)
    response = client_for(outreach_worker).get(f"{URL}?person={person.pk}")
    assert response.context["suggestion"] == 10
    assert "Enough for one week" in response.content.decode()


def test_the_suggestion_follows_what_was_typed_when_the_form_comes_back(
    client_for: Any, outreach_worker: User, person: Person
) -> None:
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    response = client_for(outreach_worker).post(
        URL, contact_data(person=person.pk, contacted_on=tomorrow, weekly_acts="7")
    )
    assert response.context["suggestion"] == 28


def test_the_counts_carry_the_stepper_buttons_names_for_the_script(
    client_for: Any, outreach_worker: User, person: Person
) -> None:
    page = client_for(outreach_worker).get(f"{URL}?person={person.pk}").content.decode()
    assert 'data-stepper-more="More male condoms"' in page
    assert "js/stepper" in page
    assert "<script>" not in page
    assert "style=" not in page


# --- The person's page -----------------------------------------------------------------------


def test_the_persons_page_shows_the_history_and_the_way_to_log(
    client_for: Any, outreach_worker: User, person: Person
) -> None:
    make_contact(person, outreach_worker, male_condoms=6, topics=["testing"], kind="phone")
    page = (
        client_for(outreach_worker)
        .get(reverse("outreach:person_detail", args=[person.pk]))
        .content.decode()
    )
    assert f"{URL}?person={person.pk}" in page
    assert reverse("outreach:risk_assess", args=[person.pk]) in page
    assert "6 male condoms" in page
    assert "Testing" in page
    assert "Phone" in page


def test_the_persons_page_costs_the_same_queries_however_many_contacts(
    client_for: Any,
    outreach_worker: User,
    person: Person,
    django_assert_max_num_queries: Any,
) -> None:
    client = client_for(outreach_worker)
    url = reverse("outreach:person_detail", args=[person.pk])
    make_contact(person, outreach_worker)
    assess(person, outreach_worker, priority=False)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for n in range(30):
        make_contact(person, outreach_worker, male_condoms=n, topics=["prep"])
    # The outreach section adds four: the latest contacts, the assessment, its factors and the
    # open follow-ups, whatever the number of contacts.
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url).status_code == 200
