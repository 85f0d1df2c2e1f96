"""The scale generator behind the benchmarks: exact sizes, reproducible from a seed, consistent
with the access rules, real encryption, and a round counted by the project's own services."""

from __future__ import annotations

import hashlib
from collections import Counter
from datetime import timedelta
from io import StringIO
from typing import Any

import pytest
from allauth.mfa.models import Authenticator
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from demo import scale
from members.models import Assignment, Hotspot, Person, User
from outreach.models import Contact, RiskAssessment, SizeEstimate
from programmes.models import CountedBallot, EncryptedBallot, Result, RollEntry, Round, Tracker

pytestmark = pytest.mark.django_db

SIZE = {"people": 60, "contacts": 600, "hotspots": 6}


def generate(seed: int = 7, *extra: str, **size: int) -> tuple[str, str]:
    """Run the command as the benchmark runner does; returns (stdout, stderr)."""
    wanted = {**SIZE, **size}
    out, err = StringIO(), StringIO()
    call_command(
        "generate_scale",
        *[f"--{name}={value}" for name, value in wanted.items()],
        f"--seed={seed}",
        "--yes-this-is-a-benchmark-db",
        *extra,
        stdout=out,
        stderr=err,
    )
    return out.getvalue(), err.getvalue()


def fingerprint() -> str:
    """What the seed decides, in the order it was written (ciphertexts and ballot ids aside)."""
    people = Person.objects.order_by("pk").values_list(
        "nickname", "uic_hash", "age_band", "hotspot__name", "is_member", "registered_at"
    )
    contacts = Contact.objects.order_by("pk").values_list(
        "person__nickname",
        "contacted_on",
        "kind",
        "male_condoms",
        "female_condoms",
        "lubricant",
        "self_test_kits",
        "idempotency_key",
    )
    text = repr((list(people), list(contacts)))
    return hashlib.sha256(text.encode()).hexdigest()


def test_it_makes_exactly_the_sizes_asked_for() -> None:
    out, _err = generate()

    assert Person.objects.count() == 60
    assert Contact.objects.count() == 600
    assert Hotspot.objects.count() == 6
    assert SizeEstimate.objects.values("hotspot").distinct().count() == 6
    assert RiskAssessment.objects.count() == 60
    assert "Bench logins: bench.worker, bench.coordinator, bench.member" in out


def test_hotspot_sizes_are_uneven() -> None:
    generate(people=600, contacts=600, hotspots=12)

    sizes = sorted(Counter(Person.objects.values_list("hotspot", flat=True)).values())
    assert sizes[-1] >= 2 * sizes[len(sizes) // 2]
    assert sizes[-1] >= 4 * sizes[0]


def test_the_same_seed_gives_the_same_data_and_another_seed_other_data() -> None:
    generate(seed=7)
    first = fingerprint()
    generate(7, "--replace")
    again = fingerprint()
    generate(8, "--replace")
    other = fingerprint()

    assert again == first
    assert other != first
    assert Person.objects.count() == 60  # replaced, not added


def test_every_contact_is_by_a_worker_assigned_to_its_hotspot() -> None:
    generate()

    assigned = set(Assignment.objects.current().values_list("worker", "hotspot"))
    contacts = list(Contact.objects.values_list("worker", "hotspot", "person__hotspot"))
    assert all((worker, hotspot) in assigned for worker, hotspot, _home in contacts)
    assert all(hotspot == home for _worker, hotspot, home in contacts)
    assert set(Hotspot.objects.values_list("pk", flat=True)) == {h for _w, h in assigned}


def test_contacts_span_the_last_24_months() -> None:
    generate()

    today = timezone.localdate()
    dates = list(Contact.objects.values_list("contacted_on", flat=True))
    assert min(dates) >= today - timedelta(days=730)
    assert min(dates) <= today - timedelta(days=700)
    assert max(dates) >= today - timedelta(days=30)
    assert max(dates) <= today


def test_priority_people_are_seen_more_often() -> None:
    generate(people=200, contacts=4000)

    priority = set(RiskAssessment.objects.filter(is_priority=True).values_list("person", flat=True))
    seen = Counter(Contact.objects.values_list("person", flat=True))
    people = list(Person.objects.values_list("pk", flat=True))
    others = [p for p in people if p not in priority]
    assert priority and others

    def mean(group: Any) -> float:
        return sum(seen[p] for p in group) / len(group)

    assert mean(priority) > 1.5 * mean(others)


def test_encrypted_fields_are_ciphertext_in_the_table_and_plain_through_the_model() -> None:
    generate()

    person = Person.objects.filter(phone__isnull=False).order_by("pk").first()
    assert person is not None and person.phone.startswith("+999 5550 ")
    with connection.cursor() as cursor:
        cursor.execute("SELECT phone FROM members_person WHERE id = %s", [person.pk])
        raw = cursor.fetchone()[0]
    assert raw.startswith("gAAAA")  # a Fernet token
    assert person.phone not in raw

    contact = Contact.objects.filter(needs_raised__isnull=False).first()
    assert contact is not None and contact.needs_raised in scale.NEEDS_RAISED
    with connection.cursor() as cursor:
        cursor.execute("SELECT needs_raised FROM outreach_contact WHERE id = %s", [contact.pk])
        assert cursor.fetchone()[0].startswith("gAAAA")


def test_the_closed_round_is_counted_from_its_ballots() -> None:
    """Cast encrypted, counted by the services with two of its tellers' words: one tracker and
    one counted ballot per voter, and no ciphertext left."""
    generate()

    closed = Round.objects.get()
    result = Result.objects.get(round=closed)
    ballots = list(CountedBallot.objects.filter(round=closed).values_list("choices", flat=True))
    counted = Counter(option for choices in ballots for option in choices)
    voters = RollEntry.objects.filter(round=closed, has_voted=True).count()

    assert closed.status == Round.Status.COUNTED and closed.public_key
    assert result.ballots_counted == len(ballots) == voters >= 10
    assert Tracker.objects.filter(round=closed).count() == voters
    assert not EncryptedBallot.objects.exists()
    assert result.approvals == {str(o.pk): counted[o.pk] for o in closed.options.all()}
    assert RollEntry.objects.filter(round=closed).count() > voters  # not everyone voted
    tellers = closed.tellers.select_related("user")
    assert {t.user.username for t in tellers} == set(scale.BENCH_LOGINS)
    assert all(t.accepted_at is not None and t.share_box is None for t in tellers)


def test_it_refuses_a_database_that_already_holds_people(person: Person) -> None:
    with pytest.raises(CommandError, match="--replace"):
        generate()

    assert Person.objects.count() == 1
    assert not Contact.objects.exists()


def test_it_refuses_what_may_be_a_production_database(settings: Any) -> None:
    settings.DEBUG = False
    settings.DEMO_MODE = False
    with pytest.raises(CommandError, match="--yes-this-is-a-benchmark-db"):
        call_command("generate_scale", "--people=6", "--contacts=6", "--hotspots=2")

    assert not Hotspot.objects.exists()


def test_reuse_leaves_a_database_of_the_same_size_alone() -> None:
    generate()
    before = fingerprint()

    out, _err = generate(9, "--reuse")

    assert out.strip() == "reusing"
    assert fingerprint() == before


def test_reuse_generates_when_the_size_differs() -> None:
    generate()

    out, _err = generate(7, "--reuse", "--replace", people=70)

    assert "reusing" not in out
    assert Person.objects.count() == 70


def test_reuse_generates_again_when_the_data_was_encrypted_with_other_keys(
    settings: Any,
) -> None:
    from cryptography.fernet import Fernet

    generate()
    # Another checkout's keys: what this one stored no longer opens.
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]

    out, _err = generate(7, "--reuse", "--replace")

    assert "reusing" not in out
    assert any(Person.objects.values_list("notes", flat=True))  # readable again


def test_progress_goes_to_stderr() -> None:
    _out, err = generate()

    assert "\rcontacts" in err
    assert "600/600  100%" in err


def test_the_bench_logins_can_log_in() -> None:
    generate()

    for username in scale.BENCH_LOGINS:
        client = Client()
        assert client.login(username=username, password=scale.DEFAULT_PASSWORD), username
    coordinator = User.objects.get(username="bench.coordinator")
    assert Authenticator.objects.filter(user=coordinator, type=Authenticator.Type.TOTP).exists()
    client = Client()
    client.force_login(coordinator)
    response = client.get(reverse("home"))
    assert response.status_code != 302 or "mfa" not in response["Location"]
    # Bulk logins cannot log in at all: no password was ever set for them.
    bulk = User.objects.filter(username__startswith=scale.BULK_PREFIX).first()
    assert bulk is not None and not bulk.has_usable_password()


def test_the_bench_member_and_worker_meet_at_the_largest_hotspot() -> None:
    generate()

    member = Person.objects.get(user__username="bench.member")
    worker = User.objects.get(username="bench.worker")
    hotspots = set(Assignment.objects.filter(worker=worker).values_list("hotspot", flat=True))
    assert member.is_member
    assert member.hotspot_id in hotspots and len(hotspots) == 3
    assert RollEntry.objects.filter(member=member.user).exists()
    assert Person.objects.visible_to(worker).filter(pk=member.pk).exists()
