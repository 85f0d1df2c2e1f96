"""DP-1, DP-2, DP-3: what a stolen backup, a log file or a mailbox would show of people.

DP-1 round-trips values through every encrypted field type and rotates the key of every row;
DP-2 plants a unique canary in every sensitive field of 50 people through the real forms, runs
the flows (contacts, violence follow-ups, referrals, complaints, feedback, reminders planned and
sent by e-mail, an export) and greps the ``pg_dump``, the logs and the e-mail outbox; DP-3 enrols
a coordinator's second factor and greps the dump for its secrets."""

from __future__ import annotations

import base64
import logging
import secrets
import string
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any
from uuid import uuid4

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from cryptography.fernet import Fernet
from django.core import mail
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, example, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from members.fields import (
    EncryptedBooleanField,
    EncryptedCharField,
    EncryptedField,
    EncryptedIntegerField,
    EncryptedTextField,
)
from members.keys import encrypted_fields, rotate_field_keys
from members.models import Consent, Hotspot, NotificationPreference, Person, Reminder, User
from members.services import consent_set
from members.uic import build_code
from monitoring.models import Complaint, Feedback
from outreach import offline
from outreach.models import Contact, OfflineKey, Partner, Referral, ViolenceIncident
from reminders.outbox import dispatch_due
from reminders.planning import plan_all
from safety.models import RemovalRequest, Report
from tests.conftest import make_person, make_user

PEOPLE = 50
# Examples per field type: enough to meet empty, zero, false, NUL and astral characters in every
# run, few enough to keep CI short (reference/security.md asks 10,000; see SECURITY.md).
EXAMPLES = 300
ANY_TEXT = st.text(alphabet=st.characters(exclude_categories=()))

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="pg_dump needs PostgreSQL (set DATABASE_URL)"
)


def canary(kind: str) -> str:
    """A string that cannot occur by chance: one hit anywhere is a leak."""
    return f"CANARY-{kind}-{uuid4().hex}"


def letters(count: int) -> str:
    """Random capital letters: a part of a person's code, unique enough to grep for."""
    return "".join(secrets.choice(string.ascii_uppercase) for _ in range(count))


def hits(canaries: list[str], *texts: str) -> list[str]:
    haystack = "\n".join(texts).lower()
    return [value for value in canaries if value.lower() in haystack]


# --- DP-1: every encrypted field type round-trips, every row survives a rotation ---------------


def _round_trip(field: EncryptedField, value: Any) -> Any:
    return field.from_db_value(field.get_prep_value(value), None, connection)


@pytest.mark.django_db
def test_dp1_every_encrypted_field_type_gives_back_exactly_what_went_in(
    figure: Callable[[str, str, Any], None],
) -> None:
    tried: list[Any] = []
    mismatches: list[Any] = []

    def check(field: EncryptedField, value: Any) -> None:
        tried.append(value)
        result = _round_trip(field, value)
        if result != value or type(result) is not type(value):
            mismatches.append((type(field).__name__, value, result))
        assert (result, type(result)) == (value, type(value))

    runs = hypothesis_settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture],
    )

    @runs
    @given(value=st.none() | ANY_TEXT)
    @example(value="")
    @example(value=None)
    @example(value="\x00\ud800 é 😀")
    def text(value: str | None) -> None:
        check(EncryptedCharField(null=True), value)
        check(EncryptedTextField(null=True), value)

    @runs
    @given(value=st.none() | st.integers())
    @example(value=0)
    def integer(value: int | None) -> None:
        check(EncryptedIntegerField(null=True), value)

    @runs
    @given(value=st.none() | st.booleans())
    @example(value=False)
    def boolean(value: bool | None) -> None:
        check(EncryptedBooleanField(null=True), value)

    # Through a real row too: what the database driver does to the token counts.
    @runs
    @given(phone=st.none() | ANY_TEXT, notes=st.none() | ANY_TEXT)
    @example(phone="", notes=None)
    def row(phone: str | None, notes: str | None) -> None:
        person = Person.objects.create(uic_hash="0" * 64, phone=phone, notes=notes)
        fresh = Person.objects.get(pk=person.pk)
        tried.append((phone, notes))
        if (fresh.phone, fresh.notes) != (phone, notes):
            mismatches.append(("Person", (phone, notes), (fresh.phone, fresh.notes)))
        assert (fresh.phone, fresh.notes) == (phone, notes)
        person.delete()

    try:
        for run in (text, integer, boolean, row):
            run()
    finally:
        figure("DP-1", "examples per field type", EXAMPLES)
        figure("DP-1", "round trips", len(tried))
        figure("DP-1", "mismatches", len(mismatches))
    assert mismatches == []


def _one_row_per_encrypted_model(worker: User) -> dict[type, list[Any]]:
    """A row in every model with an encrypted field, the fields holding awkward values."""
    awkward = ["", "0", "ünïcødé 😀", "x" * 5000]
    hotspot = Hotspot.objects.create(
        name="Rotation corner", area="Test district", typology="street", safety_notes=""
    )
    people = [
        Person.objects.create(
            uic_hash="0" * 64, hotspot=hotspot, phone=value, email=None, notes=value
        )
        for value in awkward
    ]
    contacts = [
        Contact.objects.create(
            person=person,
            worker=worker,
            hotspot=hotspot,
            idempotency_key=uuid4(),
            needs_raised=value,
            violence_reported=True,
        )
        for person, value in zip(people, awkward, strict=True)
    ]
    incidents = [
        ViolenceIncident.objects.create(
            contact=contact, person=contact.person, notes=value, follow_up_on=timezone.localdate()
        )
        for contact, value in zip(contacts, awkward, strict=True)
    ]
    partner = Partner.objects.create(name="Rotation clinic", kind="health", services=["hiv_test"])
    referrals = [
        Referral.objects.create(
            person=person,
            partner=partner,
            service="hiv_test",
            made_by=worker,
            due_on=timezone.localdate(),
            outcome=value,
        )
        for person, value in zip(people, awkward, strict=True)
    ]
    feedback = [Feedback.objects.create(place="outreach", comment=value) for value in awkward]
    complaints = [
        Complaint.objects.create(place="outreach", description=value or "-", resolution=value)
        for value in awkward
    ]
    reports = [
        Report.objects.create(
            reference=f"ROT{n}",
            happened_on=timezone.localdate(),
            hotspot=hotspot,
            area=value,
            what_happened=value,
            description=value,
            vehicle=value,
        )
        for n, value in enumerate(awkward)
    ]
    removals = [
        RemovalRequest.objects.create(reference="ROT0", reason=value, contact=value)
        for value in awkward
    ]
    return {
        Report: reports,
        RemovalRequest: removals,
        Hotspot: [hotspot],
        Person: people,
        Contact: contacts,
        ViolenceIncident: incidents,
        Referral: referrals,
        Feedback: feedback,
        Complaint: complaints,
        OfflineKey: [offline.current_key()],
    }


@pytest.mark.django_db
def test_dp1_after_a_rotation_every_row_reads_with_only_the_new_key(
    settings: Any, outreach_worker: User, figure: Callable[[str, str, Any], None]
) -> None:
    old_key, new_key = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [old_key]
    rows = _one_row_per_encrypted_model(outreach_worker)
    models_with_fields = {model for model, _field in encrypted_fields()}
    # A new encrypted field in a model this test does not seed fails here, not silently.
    assert models_with_fields == set(rows), models_with_fields ^ set(rows)
    expected = {
        (model, obj.pk, field.attname): getattr(obj, field.attname)
        for model, field in encrypted_fields()
        for obj in rows[model]
    }

    settings.FIELD_ENCRYPTION_KEYS = [new_key, old_key]
    rotated = rotate_field_keys()
    settings.FIELD_ENCRYPTION_KEYS = [new_key]
    unreadable = 0
    mismatches = 0
    for (model, pk, attname), value in expected.items():
        try:
            stored = getattr(model._base_manager.get(pk=pk), attname)
        except Exception:  # an undecryptable value is exactly what is counted here
            unreadable += 1
            continue
        mismatches += stored != value
    figure("DP-1", "values rotated", rotated)
    figure("DP-1", "rows unreadable after rotation", unreadable)
    figure("DP-1", "mismatches after rotation", mismatches)
    assert rotated == sum(value is not None for value in expected.values())
    assert (unreadable, mismatches) == (0, 0)


# --- DP-2: the canary scan -----------------------------------------------------------------


class Canaries:
    """Every planted value, by what it stands for."""

    def __init__(self) -> None:
        self.values: dict[str, list[str]] = {}

    def add(self, kind: str, value: str) -> str:
        self.values.setdefault(kind, []).append(value)
        return value

    def all(self) -> list[str]:
        return [value for values in self.values.values() for value in values]


@pytest.fixture
def all_logs(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    """Every logger, down to DEBUG, as a careless deployment would configure it, SQL with its
    parameters included (what DEBUG=True would log)."""
    caplog.set_level(logging.DEBUG)
    # Django's own loggers stop at INFO by default: open every known logger.
    for name in list(logging.root.manager.loggerDict):
        caplog.set_level(logging.DEBUG, logger=name)
    connection.force_debug_cursor = True
    try:
        yield caplog
    finally:
        connection.force_debug_cursor = False


def _register(client: Client, hotspot: Hotspot, canaries: Canaries) -> tuple[Person, dict]:
    parts = {
        "code_mother": canaries.add("code part", letters(8)),
        "code_father": canaries.add("code part", letters(8)),
        "code_birth_order": str(secrets.randbelow(9) + 1),
        "code_birth_year": str(1970 + secrets.randbelow(30)),
    }
    code = build_code({key.removeprefix("code_"): value for key, value in parts.items()})
    canaries.add("code", code)
    nickname = f"Bird{uuid4().hex[:8]}"
    response = client.post(
        reverse("members:person_register"),
        {
            "action": "register",
            **parts,
            "nickname": nickname,
            "age_band": "25-34",
            "typology": "street",
            "hotspot": hotspot.pk,
            "status": "active",
            "phone": canaries.add("phone", f"+9{secrets.randbelow(10**11):011d}"),
            "email": canaries.add("e-mail", f"canary-{uuid4().hex}@example.org"),
            "notes": canaries.add("person notes", canary("notes")),
        },
    )
    assert response.status_code == 302, response.content[:2000]
    return Person.objects.get(nickname=nickname), parts


def _log_contact(client: Client, parts: dict, canaries: Canaries) -> Contact:
    """Found by typing the code again, as in the field; violence reported, so the short
    follow-up form comes next."""
    key = uuid4()
    response = client.post(
        reverse("outreach:contact_create"),
        {
            **parts,
            "form_key": str(key),
            "contacted_on": (timezone.localdate() - timedelta(days=40)).isoformat(),
            "kind": "one_to_one",
            "male_condoms": "5",
            "female_condoms": "0",
            "lubricant": "2",
            "self_test_kits": "0",
            "needs_raised": canaries.add("needs raised", canary("needs")),
            "violence_reported": "on",
        },
    )
    assert response.status_code == 302, response.content[:2000]
    return Contact.objects.get(idempotency_key=key)


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_dp2_no_planted_canary_is_readable_in_the_dump_the_logs_or_the_mail(
    dump: Callable[[], str],
    all_logs: pytest.LogCaptureFixture,
    client_for: Any,
    outreach_worker: User,
    member: User,
    coordinator: User,
    hotspot: Hotspot,
    partner: Partner,
    figure: Callable[[str, str, Any], None],
    settings: Any,
) -> None:
    # One worker registers PEOPLE people here, each after a look-up of their code: more than a
    # worker's allowance of look-ups (tests/members/test_lookup.py proves that limit).
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "code_lookup": "1000/10m/user"}
    canaries = Canaries()
    worker = client_for(outreach_worker)
    boss = client_for(coordinator)
    mail.outbox = []

    response = boss.post(
        reverse("outreach:hotspot_edit", args=[hotspot.pk]),
        {
            "name": hotspot.name,
            "area": hotspot.area,
            "typology": hotspot.typology,
            "days_and_hours": "",
            "safety_notes": canaries.add("hotspot safety notes", canary("safety")),
            "is_active": "on",
        },
    )
    assert response.status_code == 302, response.content[:2000]

    for _ in range(PEOPLE):
        person, parts = _register(worker, hotspot, canaries)
        contact = _log_contact(worker, parts, canaries)
        response = worker.post(
            reverse("outreach:incident_create", args=[contact.pk]),
            {
                "kind": "",  # prefer not to say
                "notes": canaries.add("violence notes", canary("incident")),
                "follow_up_on": (timezone.localdate() + timedelta(days=3)).isoformat(),
            },
        )
        assert response.status_code == 302, response.content[:2000]
        made_on = timezone.localdate() - timedelta(days=30)
        response = worker.post(
            reverse("outreach:referral_create", args=[person.pk]),
            {
                "action": "refer",
                "service": "hiv_test",
                "partner": partner.pk,
                "made_on": made_on.isoformat(),
                "due_on": (made_on + timedelta(days=7)).isoformat(),
                "contact": contact.pk,
            },
        )
        assert response.status_code == 302, response.content[:2000]
        response = worker.post(
            f"{reverse('monitoring:complaint_create')}?person={person.pk}",
            {
                "place": "partner",
                "partner": partner.pk,
                "description": canaries.add("complaint", canary("complaint")),
            },
        )
        assert response.status_code == 302, response.content[:2000]
        complaint = Complaint.objects.latest("pk")
        response = boss.post(
            reverse("monitoring:complaint_update", args=[complaint.pk]),
            {
                "status": "closed",
                "resolution": canaries.add("complaint resolution", canary("resolution")),
            },
        )
        assert response.status_code == 302, response.content[:2000]
        response = client_for(member).post(
            reverse("monitoring:feedback_create"),
            {
                "place": "partner",
                "partner": partner.pk,
                "comment": canaries.add("feedback comment", canary("comment")),
            },
        )
        assert response.status_code == 302, response.content[:2000]

    # Reminders: the worker, a member too, wants them by e-mail (an address that is no canary:
    # it must be in the outbox); the day's planning and a dispatch run.
    own = make_person(
        hotspot, "WOTE0190", user=outreach_worker, is_member=True, email="worker@example.org"
    )
    consent_set(person=own, purpose=Consent.Purpose.EMAIL_REMINDERS, given=True)
    NotificationPreference.objects.create(user=outreach_worker, by_email=True, sender_name="Ana")
    planned = plan_all(timezone.localdate())
    sent = dispatch_due(limit=1000)
    # A coordinator's export: rows and aggregate.
    for export_format in ("rows", "aggregate"):
        export = boss.get(reverse("outreach:contact_export"), {"format": export_format})
        assert export.status_code == 200
        b"".join(export.streaming_content if export.streaming else [export.content])

    assert Person.objects.filter(user__isnull=True).count() == PEOPLE
    assert ViolenceIncident.objects.count() == Referral.objects.count() == PEOPLE
    assert Complaint.objects.filter(status="closed").count() == PEOPLE
    assert sum(planned.values()) > 0 and sent > 0
    assert Reminder.objects.filter(status="sent").exists()
    assert mail.outbox, "the reminders were meant to go out by e-mail too"

    text = dump()
    # The dump did see the rows: the nicknames are there in the clear.
    assert all(person.nickname in text for person in Person.objects.all())
    logs = "\n".join(
        f"{record.name} {record.getMessage()} {record.args!r}" for record in all_logs.records
    )
    outbox = "\n".join(
        "\n".join(
            [
                message.subject,
                message.body,
                repr(message.alternatives),
                repr(message.extra_headers),
                message.from_email,
                message.message().as_string(),
            ]
        )
        for message in mail.outbox
    )
    planted = canaries.all()
    found = {
        "dump": hits(planted, text),
        "logs": hits(planted, logs),
        "e-mail outbox": hits(planted, outbox),
    }
    figure("DP-2", "canaries planted", len(planted))
    figure("DP-2", "fields planted", sorted(canaries.values))
    figure("DP-2", "people", PEOPLE)
    figure("DP-2", "e-mails scanned", len(mail.outbox))
    figure("DP-2", "log records scanned", len(all_logs.records))
    figure("DP-2", "canary hits", sum(len(found_here) for found_here in found.values()))
    assert found == {"dump": [], "logs": [], "e-mail outbox": []}


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_dp2_the_free_text_of_a_referral_outcome_is_not_in_the_dump(
    dump: Callable[[], str],
    client_for: Any,
    outreach_worker: User,
    person: Person,
    partner: Partner,
    figure: Callable[[str, str, Any], None],
) -> None:
    made_on = timezone.localdate() - timedelta(days=3)
    referral = Referral.objects.create(
        person=person,
        partner=partner,
        service="hiv_test",
        made_by=outreach_worker,
        made_on=made_on,
        due_on=made_on + timedelta(days=7),
        status="attended",
        attended_on=made_on,
    )
    outcome = canary("outcome")
    response = client_for(outreach_worker).post(
        reverse("outreach:referral_outcome", args=[referral.pk]),
        {"outcome": outcome, "outcome_on": timezone.localdate().isoformat()},
    )
    assert response.status_code == 302, response.content[:2000]
    text = dump()
    found = ["Referral.outcome"] if hits([outcome], text) else []
    figure("DP-2", "referral outcomes in plain text", len(found))
    assert found == []


# --- DP-3: no second factor in the dump ------------------------------------------------------


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_dp3_no_totp_secret_or_recovery_code_is_readable_in_the_dump(
    dump: Callable[[], str], figure: Callable[[str, str, Any], None]
) -> None:
    user = make_user("coordinator.mfa", is_coordinator=True)
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    recovery = RecoveryCodes.activate(user)
    codes = recovery.generate_codes()
    seed = recovery.instance.data["seed"]
    assert Authenticator.objects.filter(user=user).count() == 2
    # allauth reads them back through the adapter: enrolment worked.
    assert TOTP(Authenticator.objects.get(user=user, type="totp")).instance.data["secret"]
    raw = base64.b32decode(secret + "=" * (-len(secret) % 8))
    forms = [secret, secret.lower(), raw.hex(), base64.b64encode(raw).decode()]
    # The seed allauth keeps is a token of our adapter; the plain seed is 80 hex digits.
    from members.adapters import MFAAdapter

    plain_seed = MFAAdapter().decrypt(seed)
    assert plain_seed != seed
    forms.append(plain_seed)

    text = dump()
    assert "totp" in text and "recovery_codes" in text  # the rows are in the dump
    found = hits(forms, text)
    # Eight digits each: look for them only in the authenticator rows, where a hit means a leak.
    rows = [line for line in text.splitlines() if "recovery_codes" in line or "totp" in line]
    found += hits(codes, *rows)
    figure("DP-3", "secrets looked for", len(forms) + len(codes))
    figure("DP-3", "hits", len(found))
    assert found == []
