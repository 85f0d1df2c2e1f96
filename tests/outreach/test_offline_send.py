"""What a phone sends after working offline (outreach.views.offline): records sealed to the
server's key are saved once however often they come, through the same forms and look-ups as
online; what cannot be saved is answered with the reason and saves nothing; only the worker
who saved a record can send or reopen it. Sealed here as static/js/outbox-store.js seals."""

from __future__ import annotations

import base64
import json
import os
from datetime import timedelta
from typing import Any
from uuid import uuid4

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.urls import reverse
from django.utils import timezone

from members.models import Person, User
from outreach import offline
from outreach.models import Contact, Partner, Referral

pytestmark = pytest.mark.django_db

CODE = [("code_mother", "MA"), ("code_father", "FA"), ("code_birth_order", "01")]


def seal(worker: User, kind: str, answers: list[tuple[str, str]], form_key: str = "") -> Any:
    key = offline.current_key()
    public = serialization.load_der_public_key(base64.b64decode(key.public_key))
    assert isinstance(public, RSAPublicKey)
    content = {
        "v": 1,
        "kind": kind,
        "worker": worker.pk,
        "form_key": form_key or str(uuid4()),
        "answers": [list(pair) for pair in answers],
    }
    aes, iv = AESGCM.generate_key(bit_length=256), os.urandom(12)
    oaep = padding.OAEP(
        mgf=padding.MGF1(algorithm=hashes.SHA256()), algorithm=hashes.SHA256(), label=None
    )

    def b64(raw: bytes) -> str:
        return base64.b64encode(raw).decode()

    return {
        "key": key.pk,
        "wrapped": b64(public.encrypt(aes, oaep)),
        "iv": b64(iv),
        "data": b64(AESGCM(aes).encrypt(iv, json.dumps(content).encode(), None)),
    }


def contact_answers(person: Person | None, **changes: str) -> list[tuple[str, str]]:
    answers = {
        "contacted_on": timezone.localdate().isoformat(),
        "kind": "one_to_one",
        "male_condoms": "10",
        "female_condoms": "0",
        "lubricant": "2",
        "self_test_kits": "0",
        "needs_raised": "A night clinic",
        "person": str(person.pk) if person else "",
        **changes,
    }
    return list(answers.items())


def send(client: Any, *sealed: Any) -> list[dict[str, Any]]:
    records = [{"id": f"r{n}", "sealed": s} for n, s in enumerate(sealed)]
    response = client.post(
        reverse("outreach:offline_send"),
        data=json.dumps({"records": records}),
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    return response.json()["results"]  # type: ignore[no-any-return]


def test_a_contact_is_stored_once_however_often_it_is_sent(
    client_for: Any, outreach_worker: User, person: Person
) -> None:
    sealed = seal(outreach_worker, "contact", contact_answers(person))
    client = client_for(outreach_worker)
    assert send(client, sealed) == [
        {"id": "r0", "status": "stored", "reason": "", "errors": {}, "next": ""}
    ]
    assert [r["status"] for r in send(client, sealed, sealed)] == ["stored", "stored"]
    contact = Contact.objects.get()
    assert (contact.person, contact.worker, contact.male_condoms) == (person, outreach_worker, 10)
    assert contact.needs_raised == "A night clinic"


def test_two_contacts_from_two_forms_are_both_kept(
    client_for: Any, outreach_worker: User, person: Person
) -> None:
    answers = contact_answers(person)
    client = client_for(outreach_worker)
    send(
        client, seal(outreach_worker, "contact", answers), seal(outreach_worker, "contact", answers)
    )
    assert Contact.objects.count() == 2


def test_a_person_found_by_code(client_for: Any, outreach_worker: User, person: Person) -> None:
    answers = [*contact_answers(None), *CODE, ("code_birth_year", "95")]
    assert send(client_for(outreach_worker), seal(outreach_worker, "contact", answers))[0][
        "status"
    ] == ("stored")
    assert Contact.objects.get().person == person


def test_a_code_nobody_has_is_held_with_the_reason(
    client_for: Any, outreach_worker: User, person: Person
) -> None:
    answers = [*contact_answers(None), *CODE, ("code_birth_year", "96")]
    [result] = send(client_for(outreach_worker), seal(outreach_worker, "contact", answers))
    assert result["status"] == "refused"
    assert result["reason"] == "Check the code."
    assert result["errors"] == {"__all__": ["None of your people has this code."]}
    assert Contact.objects.count() == 0


def test_answers_the_form_refuses_come_back_beside_their_field(
    client_for: Any, outreach_worker: User, person: Person
) -> None:
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    answers = contact_answers(person, contacted_on=tomorrow, male_condoms="many")
    [result] = send(client_for(outreach_worker), seal(outreach_worker, "contact", answers))
    assert result["status"] == "refused"
    assert result["errors"]["contacted_on"] == ["A contact cannot be dated in the future."]
    assert "male_condoms" in result["errors"]
    assert Contact.objects.count() == 0


def test_a_person_of_another_hotspot_or_erased_is_refused(
    client_for: Any, outreach_worker: User, other_worker: User, person: Person
) -> None:
    [result] = send(
        client_for(other_worker), seal(other_worker, "contact", contact_answers(person))
    )
    assert result["status"] == "refused"
    assert "no longer among your people" in result["reason"]
    Person.objects.filter(pk=person.pk).update(erased_at=timezone.now())
    [result] = send(
        client_for(outreach_worker), seal(outreach_worker, "contact", contact_answers(person))
    )
    assert result["status"] == "refused"
    assert Contact.objects.count() == 0


def test_a_record_saved_under_another_login_is_refused_and_not_reopened(
    client_for: Any, outreach_worker: User, other_worker: User, person: Person
) -> None:
    sealed = seal(outreach_worker, "contact", contact_answers(person))
    [result] = send(client_for(other_worker), sealed)
    assert result["status"] == "refused"
    assert "another login" in result["reason"]
    response = client_for(other_worker).post(
        reverse("outreach:offline_open"),
        data=json.dumps({"records": [{"id": "r0", "sealed": sealed}]}),
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "A night clinic" not in response.content.decode()
    assert Contact.objects.count() == 0


def test_the_worker_who_saved_a_record_reopens_it_to_fix_it(
    client_for: Any, outreach_worker: User, person: Person
) -> None:
    form_key = str(uuid4())
    sealed = seal(outreach_worker, "contact", contact_answers(person), form_key)
    response = client_for(outreach_worker).post(
        reverse("outreach:offline_open"),
        data=json.dumps({"records": [{"id": "r0", "sealed": sealed}]}),
        content_type="application/json",
    )
    opened = response.json()
    assert (opened["kind"], opened["form_key"]) == ("contact", form_key)
    assert ["needs_raised", "A night clinic"] in opened["answers"]


@pytest.mark.parametrize("damage", ["data", "wrapped", "key", "format"])
def test_a_damaged_record_is_refused_as_unreadable(
    client_for: Any, outreach_worker: User, person: Person, damage: str
) -> None:
    sealed = seal(outreach_worker, "contact", contact_answers(person))
    if damage == "key":
        sealed["key"] = sealed["key"] + 1
    elif damage == "format":
        sealed = "not an envelope"
    else:
        raw = bytearray(base64.b64decode(sealed[damage]))
        raw[-1] ^= 1
        sealed[damage] = base64.b64encode(bytes(raw)).decode()
    [result] = send(client_for(outreach_worker), sealed)
    assert result["status"] == "refused"
    assert "could not be read" in result["reason"]
    assert Contact.objects.count() == 0


def test_a_contact_reporting_violence_leads_to_its_follow_up(
    client_for: Any, outreach_worker: User, person: Person
) -> None:
    answers = contact_answers(person, violence_reported="on")
    [result] = send(client_for(outreach_worker), seal(outreach_worker, "contact", answers))
    contact = Contact.objects.get()
    assert contact.violence_reported
    assert result["next"] == reverse("outreach:incident_create", args=[contact.pk])


def referral_answers(person: Person, partner: Partner) -> list[tuple[str, str]]:
    return [
        ("service", "hiv_test"),
        ("partner", str(partner.pk)),
        ("made_on", timezone.localdate().isoformat()),
        ("due_on", ""),
        ("action", "refer"),
    ]


def test_a_referral_is_made_once_even_when_its_online_sending_had_arrived(
    client_for: Any, outreach_worker: User, person: Person, partner: Partner
) -> None:
    """The phone kept a referral whose sending online arrived but whose answer was lost: the
    same form's key and answers make the same referral, not a second."""
    client = client_for(outreach_worker)
    form_key = str(uuid4())
    answers = referral_answers(person, partner)
    url = reverse("outreach:referral_create", args=[person.pk])
    response = client.post(url, {**dict(answers), "form_key": form_key})
    assert response.status_code == 302
    sealed = seal(outreach_worker, "referral", [*answers, ("person", str(person.pk))], form_key)
    assert [r["status"] for r in send(client, sealed, sealed)] == ["stored", "stored"]
    referral = Referral.objects.get()
    assert (referral.person, referral.partner, referral.service) == (person, partner, "hiv_test")

    # Another form, the same answers: a second referral, deliberately made.
    send(client, seal(outreach_worker, "referral", [*answers, ("person", str(person.pk))]))
    assert Referral.objects.count() == 2


def test_the_service_worker_is_served_at_the_root_and_follows_the_version(
    client: Any, settings: Any
) -> None:
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert "no-store" in response["Cache-Control"]
    body = response.content.decode()
    assert reverse("outreach:offline_contact") in body
    assert "outbox-store.js" in body
    settings.OFFLINE_VERSION = "another"
    assert client.get("/sw.js").content.decode() != body


def test_log_out_asks_the_browser_to_forget_what_the_site_keeps(
    client_for: Any, outreach_worker: User
) -> None:
    response = client_for(outreach_worker).post(reverse("account_logout"))
    assert response.status_code == 302
    assert response["Clear-Site-Data"] == '"storage"'
