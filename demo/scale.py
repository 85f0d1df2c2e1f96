"""Fictional data at the scale of a national programme, for the benchmarks (issue 8).

Everything comes from one `random.Random(seed)`, so a seed gives the same people, contacts and
goods every time (only ciphertexts, keys, ballot ids, trackers and TOTP codes differ). The big
tables go in through PostgreSQL `COPY`; elsewhere through `bulk_create` in batches. Encrypted
fields go through the field's own encryption, and the closed round's tellers, key, encrypted
ballots and count go through programmes.services and programmes.ballot_crypto, so what the
pages read is what the application would have written."""

from __future__ import annotations

import random
import sys
import time
import uuid
from bisect import bisect
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from itertools import accumulate
from typing import Any

from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX, make_password
from django.core.exceptions import ValidationError
from django.db import connection, models, transaction
from django.db.models import Max
from django.utils import timezone

from demo.scale_copy import BATCH, Progress, Sink, Stream
from demo.scale_words import (
    FEEDBACK_COMMENTS,
    HOURS,
    NEEDS_RAISED,
    NICKNAMES,
    OUTCOMES,
    PARTNER_SPECS,
    PERSON_NOTES,
    PLACE_KINDS,
    PLACE_WORDS,
    ROUND_OPTIONS,
    SAFETY_NOTES,
    TYPOLOGY_WEIGHTS,
    split_words,
)
from members.models import Assignment, Consent, Employment, Hotspot, Person, Typology, User
from members.uic import PARTS, build_code, uic_hash
from monitoring.models import Feedback, Place
from outreach.models import (
    Contact,
    Partner,
    Referral,
    RiskAssessment,
    RiskFactor,
    SizeEstimate,
    ViolenceIncident,
)
from programmes import ballot_crypto
from programmes import services as programme_services
from programmes.models import (
    CountedBallot,
    EncryptedBallot,
    Option,
    Result,
    RollEntry,
    Round,
    ShareGiven,
    Teller,
    Tracker,
)

BENCH_WORKER = "bench.worker"
BENCH_COORDINATOR = "bench.coordinator"
BENCH_MEMBER = "bench.member"
BENCH_LOGINS = (BENCH_WORKER, BENCH_COORDINATOR, BENCH_MEMBER)
DEFAULT_PASSWORD = "bench-password-2026"  # noqa: S105 - a benchmark database only
# Every bulk login starts with this, so --replace removes exactly the users it made.
BULK_PREFIX = "scale."

DAYS = 730  # contacts over the last 24 months

# What --replace empties, children first (the order SQLite needs; PostgreSQL truncates at once).
DOMAIN_MODELS: list[type[models.Model]] = [
    Tracker,
    CountedBallot,
    EncryptedBallot,
    ShareGiven,
    Teller,
    Result,
    RollEntry,
    Option,
    Round,
    Feedback,
    ViolenceIncident,
    Referral,
    Contact,
    RiskAssessment.factors.through,
    RiskAssessment,
    Consent,
    Person,
    SizeEstimate,
    Assignment,
    Employment,
    Partner,
    Hotspot,
]


@dataclass(frozen=True)
class ScaleSpec:
    people: int
    contacts: int
    hotspots: int
    seed: int
    password: str = DEFAULT_PASSWORD


@dataclass
class Summary:
    counts: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)


def _next_id(model: type[models.Model]) -> int:
    return (model.objects.aggregate(top=Max("pk"))["top"] or 0) + 1  # type: ignore[attr-defined]


def _pick(cumulative: Sequence[float], rng: random.Random) -> int:
    """An index drawn with the weights whose running totals are `cumulative`."""
    return bisect(cumulative, rng.random() * cumulative[-1])


def _weighted(rng: random.Random, weights: dict[Any, int]) -> Any:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


# --- Reading the database ------------------------------------------------------------------


def domain_counts() -> dict[str, int]:
    return {
        "people": Person.objects.count(),
        "contacts": Contact.objects.count(),
        "hotspots": Hotspot.objects.count(),
    }


def bench_logins_exist() -> bool:
    return User.objects.filter(username__in=BENCH_LOGINS).exists()


def matches(spec: ScaleSpec) -> bool:
    """The database already holds this size and the bench logins, written with this run's keys:
    nothing to generate."""
    wanted = {"people": spec.people, "contacts": spec.contacts, "hotspots": spec.hotspots}
    logins = User.objects.filter(username__in=BENCH_LOGINS).count()
    return domain_counts() == wanted and logins == len(BENCH_LOGINS) and _readable()


def _readable() -> bool:
    """Encrypted values open with the configured keys: data another checkout generated with its
    own keys would fail on the first page that decrypts it."""
    try:
        list(Person.objects.filter(notes__isnull=False).values_list("notes", flat=True)[:1])
    except ValidationError:
        return False
    return True


def clear() -> None:
    """Empty the domain tables the generator fills and remove the logins it made; migrations,
    sessions and every other login are left alone."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            tables = ", ".join(connection.ops.quote_name(m._meta.db_table) for m in DOMAIN_MODELS)
            with connection.cursor() as cursor:
                # TRUNCATE refuses tables with foreign-key checks still deferred in this
                # transaction (a caller's, as in tests): run them now, then defer again.
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                cursor.execute(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        else:
            for model in DOMAIN_MODELS:
                with connection.cursor() as cursor:
                    table = connection.ops.quote_name(model._meta.db_table)
                    # A model's own table name, quoted: no input reaches this SQL.
                    cursor.execute(f"DELETE FROM {table}")  # noqa: S608 # nosec B608
        generated = User.objects.filter(username__startswith=BULK_PREFIX) | User.objects.filter(
            username__in=BENCH_LOGINS
        )
        generated.delete()


# --- Generation ------------------------------------------------------------------------------


@dataclass
class World:
    """What later steps need to know of earlier ones, by index and id."""

    today: date
    hotspot_ids: list[int] = field(default_factory=list)
    hotspot_typology: list[str] = field(default_factory=list)
    hotspot_weights: list[float] = field(default_factory=list)
    hotspot_workers: list[list[int]] = field(default_factory=list)
    largest: int = 0
    partner_ids: list[int] = field(default_factory=list)
    partner_services: list[list[str]] = field(default_factory=list)
    bench: dict[str, User] = field(default_factory=dict)
    # Per person, by index: id, hotspot index, priority, window (days ago: from, until).
    person_ids: list[int] = field(default_factory=list)
    person_hotspot: list[int] = field(default_factory=list)
    person_priority: list[bool] = field(default_factory=list)
    person_window: list[tuple[int, int]] = field(default_factory=list)


def generate(spec: ScaleSpec, *, stderr: Stream = sys.stderr) -> Summary:
    rng = random.Random(spec.seed)  # noqa: S311 - reproducible fiction, not secrets
    world = World(today=timezone.localdate())
    summary = Summary()
    steps: list[tuple[str, Callable[[], None]]] = [
        ("places", lambda: _places(spec, rng, world)),
        ("staff", lambda: _staff(spec, rng, world)),
        ("people", lambda: _people(spec, rng, world, stderr)),
        ("contacts", lambda: _contacts(spec, rng, world, stderr)),
        ("feedback", lambda: _feedback(spec, rng, world, stderr)),
        ("round", lambda: _round(spec, rng, world)),
    ]
    for name, step in steps:
        started = time.monotonic()
        step()
        summary.seconds[name] = round(time.monotonic() - started, 1)
    started = time.monotonic()
    _finish()
    summary.seconds["analyze"] = round(time.monotonic() - started, 1)
    for model in (Hotspot, User, Person, Contact, Referral, Feedback, RollEntry, CountedBallot):
        summary.counts[model._meta.db_table] = model.objects.count()
    return summary


def _places(spec: ScaleSpec, rng: random.Random, world: World) -> None:
    """Partners, and hotspots of very uneven sizes (lognormal weights), each with an estimate."""
    partners = []
    for n in range(max(6, spec.hotspots // 20)):
        kind, services = PARTNER_SPECS[n % len(PARTNER_SPECS)]
        name = f"{rng.choice(PLACE_WORDS)} {kind.label} centre {n + 1}"
        partners.append(
            Partner(
                name=name,
                kind=kind,
                services=[str(s) for s in services],
                opening_hours=rng.choice(HOURS),
                area=f"District {rng.randint(1, 30)}",
            )
        )
    for partner in Partner.objects.bulk_create(partners, batch_size=BATCH):
        world.partner_ids.append(partner.pk)
        world.partner_services.append(partner.services)
    hotspots = []
    for n in range(spec.hotspots):
        typology = _weighted(rng, TYPOLOGY_WEIGHTS)
        name = f"{rng.choice(PLACE_WORDS)} {rng.choice(PLACE_KINDS[typology])} {n + 1}"
        hotspots.append(
            Hotspot(
                name=name,
                area="Online" if typology == Typology.ONLINE else f"District {rng.randint(1, 30)}",
                typology=typology,
                days_and_hours=rng.choice(HOURS),
                safety_notes=rng.choice(SAFETY_NOTES) if rng.random() < 0.5 else None,
            )
        )
    saved = Hotspot.objects.bulk_create(hotspots, batch_size=BATCH)
    world.hotspot_ids = [h.pk for h in saved]
    world.hotspot_typology = [h.typology for h in saved]


def _staff(spec: ScaleSpec, rng: random.Random, world: World) -> None:
    """About one outreach worker per three hotspots, so that every hotspot is covered; a few
    coordinators; the three bench logins, whose password is hashed once."""
    hashed = make_password(spec.password)
    flags: dict[str, dict[str, Any]] = {
        BENCH_WORKER: {"is_outreach_worker": True, "is_member": True},
        BENCH_COORDINATOR: {"is_coordinator": True},
        BENCH_MEMBER: {"is_member": True},
    }
    for username, roles in flags.items():
        user = User.objects.create_user(username=username, **roles)
        user.password = hashed
        user.save(update_fields=["password"])
        world.bench[username] = user
    secret = "".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567") for _ in range(32))
    TOTP.activate(world.bench[BENCH_COORDINATOR], secret)

    n_workers = max(1, -(-spec.hotspots // 3))
    n_coordinators = max(2, spec.hotspots // 150)
    joined = timezone.now() - timedelta(days=DAYS + 60)
    users = [
        User(
            username=f"{BULK_PREFIX}worker.{n:04d}",
            password=UNUSABLE_PASSWORD_PREFIX,
            is_outreach_worker=True,
            is_member=True,
            date_joined=joined,
        )
        for n in range(1, n_workers + 1)
    ] + [
        User(
            username=f"{BULK_PREFIX}coordinator.{n:02d}",
            password=UNUSABLE_PASSWORD_PREFIX,
            is_coordinator=True,
            date_joined=joined,
        )
        for n in range(1, n_coordinators + 1)
    ]
    saved = User.objects.bulk_create(users, batch_size=BATCH)
    workers, coordinators = saved[:n_workers], saved[n_workers:]

    weights = [rng.lognormvariate(0, 1.0) for _ in world.hotspot_ids]
    world.largest = max(range(len(weights)), key=weights.__getitem__)
    world.hotspot_weights = weights
    order = list(range(len(world.hotspot_ids)))
    rng.shuffle(order)
    world.hotspot_workers = [[] for _ in world.hotspot_ids]
    for position, index in enumerate(order):
        world.hotspot_workers[index].append(workers[position // 3].pk)
    others = [i for i in order if i != world.largest][:2]
    for index in [world.largest, *others]:
        world.hotspot_workers[index].append(world.bench[BENCH_WORKER].pk)
    starts = world.today - timedelta(days=DAYS + 30)
    Assignment.objects.bulk_create(
        [
            Assignment(worker_id=worker, hotspot_id=world.hotspot_ids[index], starts_on=starts)
            for index, ids in enumerate(world.hotspot_workers)
            for worker in ids
        ],
        batch_size=BATCH,
    )
    posts = [(u, Employment.Role.OUTREACH_WORKER) for u in [*workers, world.bench[BENCH_WORKER]]]
    posts += [
        (u, Employment.Role.COORDINATOR) for u in [*coordinators, world.bench[BENCH_COORDINATOR]]
    ]
    employments = []
    for user, role in posts:
        paid = rng.random() < 0.85
        employments.append(
            Employment(
                user=user,
                role=role,
                is_community_member=rng.random() < 0.9,
                is_paid=paid,
                monthly_pay=Decimal(rng.choice([800, 900, 950, 1100, 1400])) if paid else None,
                hours_per_week=rng.choice([20, 24, 30, 40]),
                started_on=starts - timedelta(days=rng.randint(0, 700)),
            )
        )
    Employment.objects.bulk_create(employments, batch_size=BATCH)


def _code(rng: random.Random, birth_year: int) -> str:
    """A code the way a person would say it, normalised by members.uic like any other."""
    letters = "ABCDEFGHIJKLMNOPRSTUVWY"
    raw = {
        "mother": rng.choice(letters) + rng.choice(letters).lower(),
        "father": rng.choice(letters) + rng.choice(letters).lower(),
        "birth_order": str(rng.choice([1, 1, 1, 2, 2, 3, 4, 5])),
        "birth_year": str(birth_year),
    }
    return build_code({name: raw.get(name, "") for name in PARTS})


AGE_BANDS = {"18-24": 22, "25-34": 38, "35-44": 25, "45+": 10, "": 5}
AGE_MIDDLE = {"18-24": 21, "25-34": 29, "35-44": 39, "45+": 50, "": 30}
GENDERS = {"woman": 70, "trans_woman": 12, "man": 9, "non_binary": 3, "trans_man": 1, "": 5}
STATUSES = {"active": 80, "inactive": 15, "left": 5}
LANGUAGES = ["", "en", "en, fr", "pt", "es", "sw", "en, sw", "fr"]
PERSON_FIELDS = split_words(
    "id uic_hash nickname gender_identity age_band typology hotspot_id languages status "
    "is_member member_since user_id phone email notes registered_by_id registered_at "
    "merged_into_id erased_at"
)
USER_FIELDS = split_words(
    "id password username email is_superuser is_staff is_active date_joined is_member "
    "is_outreach_worker is_coordinator is_moderator"
)


def _people(spec: ScaleSpec, rng: random.Random, world: World, stderr: Stream) -> None:
    """People spread over hotspots by the hotspots' weights; about 30% members with a login of
    their own (unusable password), 20% priority; consents and a risk assessment each."""
    cumulative = list(accumulate(world.hotspot_weights))
    now = timezone.now()
    hotspot_of = [_pick(cumulative, rng) for _ in range(spec.people)]
    if spec.people and world.largest not in hotspot_of:
        hotspot_of[0] = world.largest
    bench_index = hotspot_of.index(world.largest) if spec.people else -1

    _estimates(rng, world, hotspot_of)
    first_person, next_user = _next_id(Person), _next_id(User)
    rows: list[tuple[Any, ...]] = []
    users: list[tuple[Any, ...]] = []
    consents: list[tuple[Any, ...]] = []
    assessments: list[tuple[Any, ...]] = []
    codes: set[str] = set()
    for i in range(spec.people):
        h = hotspot_of[i]
        age_band = _weighted(rng, AGE_BANDS)
        code = _code(rng, (world.today.year - AGE_MIDDLE[age_band] - rng.randint(-3, 3)) % 100)
        while code in codes:
            code = _code(rng, rng.randint(0, 99))
        codes.add(code)
        status = _weighted(rng, STATUSES)
        registered_ago = rng.randint(30, DAYS + 400)
        start = min(registered_ago, DAYS)
        until = 0 if status == "active" or start <= 91 else rng.randint(91, start)
        priority = rng.random() < 0.2
        member = i == bench_index or rng.random() < 0.3
        nickname = f"{rng.choice(NICKNAMES)} {rng.randint(1, 99)}"
        registered_on = world.today - timedelta(days=registered_ago)
        worker = rng.choice(world.hotspot_workers[h])
        user_id = None
        if member:
            if i == bench_index:
                user_id = world.bench[BENCH_MEMBER].pk
            else:
                user_id = next_user
                next_user += 1
                stamp = "".join(rng.choice("abcdefghjkmnpqrstuvwxyz23456789") for _ in range(40))
                username = f"{BULK_PREFIX}member.{i + 1:06d}"
                password = UNUSABLE_PASSWORD_PREFIX + stamp
                users.append(
                    (
                        user_id,
                        password,
                        username,
                        "",
                        False,
                        False,
                        True,
                        now,
                        True,
                        False,
                        False,
                        False,
                    )
                )
        phone = f"+999 5550 {rng.randint(0, 999999):06d}" if rng.random() < 0.35 else None
        email = (
            f"{nickname.split()[0].lower()}{i}@example.org"
            if member and rng.random() < 0.2
            else None
        )
        typology = (
            world.hotspot_typology[h] if rng.random() < 0.85 else _weighted(rng, TYPOLOGY_WEIGHTS)
        )
        person_id = first_person + i
        rows.append(
            (
                person_id,
                uic_hash(code),
                nickname,
                _weighted(rng, GENDERS),
                age_band,
                typology,
                world.hotspot_ids[h],
                rng.choice(LANGUAGES),
                status,
                member,
                registered_on + timedelta(days=rng.randint(0, 60)) if member else None,
                user_id,
                phone,
                email,
                rng.choice(PERSON_NOTES) if rng.random() < 0.1 else None,
                worker,
                timezone.make_aware(datetime.combine(registered_on, datetime.min.time()))
                + timedelta(minutes=rng.randint(600, 1380)),
                None,
                None,
            )
        )
        given = timezone.make_aware(datetime.combine(registered_on, datetime.min.time()))
        if member and (i == bench_index or rng.random() < 0.9):
            consents.append((person_id, Consent.Purpose.VOTING.value, given, None))
        if phone:
            consents.append((person_id, Consent.Purpose.SMS_REMINDERS.value, given, None))
        if email:
            consents.append((person_id, Consent.Purpose.EMAIL_REMINDERS.value, given, None))
        assessed = world.today - timedelta(days=rng.randint(until, start))
        assessments.append((person_id, assessed, assessed + timedelta(days=180), worker, priority))
        world.person_ids.append(person_id)
        world.person_hotspot.append(h)
        world.person_priority.append(priority)
        world.person_window.append((start, until))

    with Sink(User, USER_FIELDS, Progress(stderr, "logins", len(users))) as sink:
        for row in users:
            sink.write(row)
    with Sink(Person, PERSON_FIELDS, Progress(stderr, "people", len(rows))) as sink:
        for row in rows:
            sink.write(row)
    fields = ["person_id", "purpose", "given_at", "withdrawn_at"]
    with Sink(Consent, fields, Progress(stderr, "consents", len(consents))) as sink:
        for row in consents:
            sink.write(row)
    _assessments(rng, assessments, stderr)


def _estimates(rng: random.Random, world: World, hotspot_of: list[int]) -> None:
    """Each hotspot's estimated size, a little above the people registered there: coverage is
    high but never complete."""
    registered = [0] * len(world.hotspot_ids)
    for h in hotspot_of:
        registered[h] += 1
    sources = ["Mapping by peers", "Count with the venue manager", "Peer referral chain"]
    SizeEstimate.objects.bulk_create(
        [
            SizeEstimate(
                hotspot_id=hotspot,
                number=max(5, round(registered[h] * rng.uniform(1.1, 1.6))),
                estimated_on=world.today - timedelta(days=rng.randint(60, 400)),
                source=rng.choice(sources),
            )
            for h, hotspot in enumerate(world.hotspot_ids)
        ],
        batch_size=BATCH,
    )


def _assessments(rng: random.Random, assessments: list[tuple[Any, ...]], stderr: Stream) -> None:
    """One assessment a person: a priority has more than PRIORITY_FACTORS of the factors."""
    factors = list(RiskFactor.objects.filter(is_active=True).values_list("pk", flat=True))
    first = _next_id(RiskAssessment)
    links = []
    fields = ["id", "person_id", "assessed_on", "reassess_on", "assessed_by_id", "is_priority"]
    with Sink(RiskAssessment, fields, Progress(stderr, "risk", len(assessments))) as sink:
        for n, (person, assessed, reassess, worker, priority) in enumerate(assessments):
            sink.write((first + n, person, assessed, reassess, worker, priority))
            k = rng.randint(4, 6) if priority else rng.randint(0, 3)
            links += [(first + n, f) for f in rng.sample(factors, min(k, len(factors)))]
    through = RiskAssessment.factors.through
    with Sink(
        through, ["riskassessment_id", "riskfactor_id"], Progress(stderr, "factors", len(links))
    ) as sink:
        for row in links:
            sink.write(row)


TOPICS = [t.value for t in Contact.Topic]
CONTACT_FIELDS = split_words(
    "id person_id worker_id hotspot_id contacted_on kind male_condoms female_condoms "
    "lubricant self_test_kits stated_monthly_need weekly_acts topics needs_raised "
    "violence_reported idempotency_key created_at"
)


def _plan(spec: ScaleSpec, rng: random.Random, world: World) -> Iterator[tuple[int, int]]:
    """(days ago, person index) of every contact, oldest first: each person is first seen when
    their window opens; the rest fall by weight, priority people four times as often."""
    people = len(world.person_ids)
    first = min(spec.contacts, people)
    keys = [(DAYS - world.person_window[i][0]) * people + i for i in range(first)]
    weights = [
        (4 if world.person_priority[i] else 1) * (start - until + 1)
        for i, (start, until) in enumerate(world.person_window)
    ]
    if people:
        cumulative = list(accumulate(weights))
        for _ in range(spec.contacts - first):
            i = _pick(cumulative, rng)
            start, until = world.person_window[i]
            keys.append((DAYS - rng.randint(until, start)) * people + i)
    keys.sort()
    for key in keys:
        offset, i = divmod(key, people)
        yield DAYS - offset, i


def _contacts(spec: ScaleSpec, rng: random.Random, world: World, stderr: Stream) -> None:
    """Contacts over the last 24 months by a worker of the person's hotspot, with goods by kind;
    some lead to a referral, a few report violence (each with its incident record)."""
    days = [world.today - timedelta(days=d) for d in range(DAYS + 1)]
    midnight = [timezone.make_aware(datetime.combine(d, datetime.min.time())) for d in days]
    first = _next_id(Contact)
    referrals, incidents = [], []
    r = rng.random
    with Sink(Contact, CONTACT_FIELDS, Progress(stderr, "contacts", spec.contacts)) as sink:
        for n, (ago, i) in enumerate(_plan(spec, rng, world)):
            h = world.person_hotspot[i]
            online = world.hotspot_typology[h] == Typology.ONLINE
            if online:
                kind = "online" if r() < 0.6 else "phone"
            else:
                roll = r()
                kind = "one_to_one" if roll < 0.75 else "group" if roll < 0.85 else "phone"
            in_person = kind in ("one_to_one", "group")
            violence = r() < 0.008
            topics = rng.sample(TOPICS, rng.randint(0, 2))
            if violence and "violence" not in topics:
                topics.append("violence")
            worker = rng.choice(world.hotspot_workers[h])
            contact_id = first + n
            sink.write(
                (
                    contact_id,
                    world.person_ids[i],
                    worker,
                    world.hotspot_ids[h],
                    days[ago],
                    kind,
                    rng.choice((0, 10, 20, 20, 30, 40, 50)) if in_person else 0,
                    rng.choice((0, 0, 0, 5, 10)) if in_person else 0,
                    rng.choice((0, 5, 10, 10, 20)) if in_person else 0,
                    1 if r() < (0.05 if in_person else 0.02) else 0,
                    rng.choice((20, 30, 40, 60)) if r() < 0.3 else None,
                    rng.randint(2, 15) if r() < 0.3 else None,
                    topics,
                    rng.choice(NEEDS_RAISED) if r() < 0.05 else None,
                    violence,
                    uuid.UUID(int=rng.getrandbits(128), version=4),
                    midnight[ago] + timedelta(minutes=rng.randint(540, 1439)),
                )
            )
            if r() < 0.04:
                referrals.append(_referral(rng, world, contact_id, i, worker, days[ago]))
            if violence:
                incidents.append(_incident(rng, world, contact_id, i, days[ago]))
    fields = split_words(
        "person_id contact_id partner_id service made_by_id made_on due_on status "
        "attended_on outcome outcome_on"
    )
    with Sink(Referral, fields, Progress(stderr, "referrals", len(referrals))) as sink:
        for row in referrals:
            sink.write(row)
    fields = ["contact_id", "person_id", "kind", "notes", "follow_up_on", "followed_up_at"]
    with Sink(ViolenceIncident, fields, Progress(stderr, "incidents", len(incidents))) as sink:
        for row in incidents:
            sink.write(row)


def _referral(
    rng: random.Random, world: World, contact: int, i: int, worker: int, made: date
) -> tuple[Any, ...]:
    """Recent referrals are mostly still open; older ones completed, attended, lost or overdue."""
    p = rng.randrange(len(world.partner_ids))
    today = world.today
    status = "made"
    if (today - made).days > 14:
        status = _weighted(rng, {"completed": 50, "attended": 15, "lost": 15, "made": 20})
    attended = outcome_on = None
    outcome: str | None = None  # not given; Sink encrypts a given one through the field
    if status in ("attended", "completed"):
        attended = min(made + timedelta(days=rng.randint(1, 28)), today)
    if status == "completed":
        outcome = rng.choice(OUTCOMES)
        outcome_on = min(attended + timedelta(days=rng.randint(0, 14)), today)  # type: ignore[operator]
    return (
        world.person_ids[i],
        contact,
        world.partner_ids[p],
        rng.choice(world.partner_services[p]),
        worker,
        made,
        made + timedelta(days=14),
        status,
        attended,
        outcome,
        outcome_on,
    )


def _incident(rng: random.Random, world: World, contact: int, i: int, on: date) -> tuple[Any, ...]:
    follow_up = on + timedelta(days=7)
    done = follow_up < world.today - timedelta(days=3) and rng.random() < 0.8
    followed = (
        timezone.make_aware(datetime.combine(follow_up, datetime.min.time())) if done else None
    )
    kinds = ["", *[k.value for k in ViolenceIncident.Kind]]
    return (contact, world.person_ids[i], rng.choice(kinds), None, follow_up, followed)


def _feedback(spec: ScaleSpec, rng: random.Random, world: World, stderr: Stream) -> None:
    """Feedback, one row for about every five people, never linked to anyone."""
    total = max(20, spec.people // 5)
    cumulative = list(accumulate(world.hotspot_weights))
    places = {Place.OUTREACH.value: 50, Place.DROP_IN.value: 20, Place.PARTNER.value: 30}
    fields = split_words(
        "place partner_id hotspot_id respect confidentiality waiting_time "
        "commodities_available would_recommend comment given_on"
    )

    def rating() -> int | None:
        return None if rng.random() < 0.1 else rng.choice((1, 2, 3, 3, 3))

    def yes_no(yes: float) -> bool | None:
        return None if rng.random() < 0.1 else rng.random() < yes

    with Sink(Feedback, fields, Progress(stderr, "feedback", total)) as sink:
        for _ in range(total):
            place = _weighted(rng, places)
            partner = rng.choice(world.partner_ids) if place == Place.PARTNER else None
            hotspot = world.hotspot_ids[_pick(cumulative, rng)] if place == Place.OUTREACH else None
            sink.write(
                (
                    place,
                    partner,
                    hotspot,
                    rating(),
                    rating(),
                    rating(),
                    yes_no(0.8),
                    yes_no(0.85),
                    rng.choice(FEEDBACK_COMMENTS) if rng.random() < 0.05 else None,
                    world.today - timedelta(days=rng.randint(0, DAYS)),
                )
            )


def _round(spec: ScaleSpec, rng: random.Random, world: World) -> None:
    """A round that closed six weeks ago: its three tellers (the bench logins) agree with their
    password and the round is opened (roll frozen) through the services; about 10% of the roll
    votes (at least ten, so it publishes), each ballot encrypted to the round's key as
    ballot_cast would; then it is closed and two tellers enter their words, so the services
    decrypt, shuffle and count it like any other round."""
    now = timezone.now()
    opens_at = now - timedelta(days=60)
    coordinator = world.bench[BENCH_COORDINATOR]
    closed = programme_services.round_save(
        round=Round(
            title="Our priorities this year",
            question="What should we do first?",
            opens_at=opens_at,
            closes_at=opens_at + timedelta(days=14),
            budget=Decimal(5000),
            min_turnout=5,
            created_by=coordinator,
        )
    )
    options = [
        programme_services.option_save(
            option=Option(round=closed, title=t, plain_text=p, pictogram=pic, cost=Decimal(cost))
        )
        for t, p, pic, cost in ROUND_OPTIONS
    ]
    tellers = programme_services.tellers_name(
        round=closed, users=[world.bench[name] for name in BENCH_LOGINS], needed=2
    )
    for teller in tellers:
        programme_services.teller_accept(teller=teller, password=spec.password)
    programme_services.round_open(round=closed, now=opens_at + timedelta(minutes=5))
    words = [
        programme_services.teller_share_reveal(teller=teller, password=spec.password)
        for teller in tellers[:2]
    ]
    if closed.public_key is None:
        raise RuntimeError("The round opened without a key.")
    public_key = bytes(closed.public_key)
    roll = sorted(RollEntry.objects.filter(round=closed).values_list("member_id", flat=True))
    bench = world.bench[BENCH_MEMBER].pk
    others = [m for m in roll if m != bench]
    wanted = min(len(roll), max(round(len(roll) * 0.1), 10))
    voters = ([bench] if bench in roll else []) + rng.sample(others, max(wanted - 1, 0))
    popularity = [rng.uniform(1, 5) for _ in options]
    ballots = []
    for _ in voters:
        picked: set[int] = set()
        for _pick_n in range(rng.choice((1, 2, 3, 3))):
            picked.add(rng.choices(options, weights=popularity)[0].pk)
        ballots.append(
            EncryptedBallot(round=closed, ciphertext=ballot_crypto.ballot_seal(public_key, picked))
        )
    in_person = set(rng.sample(voters, len(voters) // 10))
    with transaction.atomic():
        # What ballot_cast writes, at once: the encrypted ballots, then their roll rows marked
        # as voted.
        EncryptedBallot.objects.bulk_create(ballots, batch_size=BATCH)
        for start in range(0, len(voters), 500):
            chunk = voters[start : start + 500]
            RollEntry.objects.filter(round=closed, member_id__in=chunk).update(has_voted=True)
        paper = sorted(in_person)
        for start in range(0, len(paper), 500):
            chunk = paper[start : start + 500]
            RollEntry.objects.filter(round=closed, member_id__in=chunk).update(voted_in_person=True)
    programme_services.round_close(round=closed)
    for given in words:
        programme_services.share_give(round=closed, words=given)


# Every table the generator fills.
ALL_MODELS: list[type[models.Model]] = [User, *DOMAIN_MODELS]


def _finish() -> None:
    """After explicit ids, move each sequence past them; then fresh planner statistics."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for model in ALL_MODELS:
            if not isinstance(model._meta.pk, models.AutoField):
                continue
            table = connection.ops.quote_name(model._meta.db_table)
            # A model's own table name, quoted: no input reaches this SQL.
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence(%s, 'id'), "  # noqa: S608
                f"(SELECT COALESCE(MAX(id), 0) + 1 FROM {table}), false)",  # nosec B608
                [model._meta.db_table],
            )
        for model in ALL_MODELS:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
