"""A canary registration on PostgreSQL: a person registered through the real form leaves neither
their code (its parts or the whole) nor their phone nor the notes readable in a database dump,
and looking a code up is an index lookup, not a scan of every person."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.urls import reverse

from members.models import Hotspot, Person, User
from members.uic import build_code, uic_hash

# Typed the way a person might say them; long enough that finding one in a dump means a leak.
PARTS = {
    "mother": "Zéphyra",
    "father": "Quillon",
    "birth_order": "7",
    "birth_year": "1987",
}
PHONE = "+10000000042"
# Tables of the schema's own vocabulary, numbered afresh each time a test empties the database:
# their ids grow through a suite and would sooner or later read like a birth year.
VOCABULARY = ("auth_permission", "django_content_type", "django_migrations")
NOTES = "canary-note-7f3a"


@pytest.mark.django_db(transaction=True)
def test_a_registered_person_leaves_no_code_phone_or_notes_in_a_dump(
    dump: Callable[[], str], client_for: Any, outreach_worker: User, hotspot: Hotspot
) -> None:
    response = client_for(outreach_worker).post(
        reverse("members:person_register"),
        {
            "action": "register",
            **{f"code_{name}": value for name, value in PARTS.items()},
            "nickname": "Canary",
            "age_band": "25-34",
            "typology": "street",
            "hotspot": hotspot.pk,
            "status": "active",
            "phone": PHONE,
            "notes": NOTES,
        },
    )
    person = Person.objects.get(nickname="Canary")
    assert response.status_code == 302
    assert response["Location"] == reverse("outreach:person_detail", args=[person.pk])
    code = build_code(PARTS)
    assert code == "ZEQU0787"
    assert person.uic_hash == uic_hash(code)
    assert (person.phone, person.notes) == (PHONE, NOTES)  # readable with the key

    text = re.sub(
        rf"copy public\.({'|'.join(VOCABULARY)}) .*?\n\\\.\n", "", dump().lower(), flags=re.S
    )
    # The dump did see the new row: its nickname and code hash are there, in the clear.
    assert "canary" in text and person.uic_hash in text
    secrets = [*PARTS.values(), code, PHONE, PHONE.removeprefix("+"), NOTES]
    # Birth order "7" is too short to look for; the full code and year stand for it.
    leaked = [value for value in secrets if len(value) > 1 and value.lower() in text]
    assert leaked == []


@pytest.mark.django_db
def test_a_code_is_found_through_the_index_on_its_hash() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("EXPLAIN output is PostgreSQL's")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = 'members_person' "
            "AND indexdef LIKE %s",
            ["%(uic_hash)%"],
        )
        indexes = [row[0] for row in cursor.fetchall()]
        # On a near-empty table a sequential scan is cheapest and the planner would pick it;
        # with it switched off (for this transaction only) the plan shows whether an index on
        # uic_hash exists and serves the equality lookup at all.
        cursor.execute("SET LOCAL enable_seqscan = off")
    assert indexes
    plan = Person.objects.filter(uic_hash=uic_hash("ABCD0190")).explain()
    assert "Index" in plan and any(name in plan for name in indexes), plan
    assert "Seq Scan" not in plan
