"""A year of fictional outreach for the demo, so the dashboard has something to say: people met
at each hotspot month after month (coverage between about 40 and 90 % of each size estimate),
their goods, talks and a few referrals. One `random.Random`, so every run writes the same; a
second run finds its people and adds nothing. Everything goes in through the models, so it works
on the embedded SQLite default as on PostgreSQL."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from uuid import NAMESPACE_URL, UUID, uuid5

from django.utils import timezone

from common.periods import last_of_month, months_later
from demo.scale import _code
from demo.scale_words import NICKNAMES
from members import services
from members.models import Hotspot, Person, User
from members.uic import uic_hash
from monitoring.dhis2 import kp_prev_figure, programme_figure
from monitoring.kp_prev import TESTING, TYPES
from monitoring.models import ReportMapping
from monitoring.programme_report import FIGURES
from outreach.models import Contact, Partner, Referral

SEED = 2026
MONTHS = 12
# hotspot, its worker, people known there, the share of them met one to one in a month, and the
# share of those contacts made by phone or online instead (not counted as coverage).
YEAR = [
    ("Riverside market", "worker.river", 44, 0.8, 0.05),
    ("Blue Door lounge", "worker.river", 16, 0.85, 0.05),
    ("Hillside flats", "worker.hill", 26, 0.7, 0.1),
    ("Chat groups", "worker.online", 40, 0.85, 0.2),
]
AGE_BANDS = ["18-24", "25-34", "25-34", "35-44", "45+"]
TOPICS = [t.value for t in Contact.Topic]
SERVICES = {"Harbour health clinic": ["hiv_test", "sti_checkup", "prep"]}


def _people(rng: random.Random, hotspot: Hotspot, worker: User, count: int) -> list[Person]:
    taken = set(Person.objects.filter(hotspot=hotspot).values_list("nickname", flat=True))
    names = [n for n in NICKNAMES if n not in taken]
    people = []
    for nickname in rng.sample(names, count):
        code = _code(rng, rng.randint(1975, 2006))
        people.append(
            services.person_register(
                actor=worker,
                uic_hash=uic_hash(code),
                nickname=nickname,
                hotspot=hotspot,
                age_band=rng.choice(AGE_BANDS),
                typology=hotspot.typology,
            )
        )
    return people


def _contact(rng: random.Random, person: Person, worker: User, day: date, kind: str) -> Contact:
    need = rng.choice([None, 20, 30, 40, 60])
    male = need or rng.choice([10, 20, 30])
    return Contact(
        person=person,
        worker=worker,
        hotspot=person.hotspot,
        contacted_on=day,
        kind=kind,
        male_condoms=male if kind == Contact.Kind.ONE_TO_ONE else 0,
        female_condoms=rng.choice([0, 0, 0, 5]),
        lubricant=rng.choice([0, 5, 10]),
        self_test_kits=1 if rng.random() < 0.1 else 0,
        stated_monthly_need=need,
        topics=rng.sample(TOPICS, rng.randint(0, 2)),
        created_at=timezone.make_aware(datetime.combine(day, time(21, 0))),
    )


def year_of_activity(users: dict[str, User], hotspots: dict[str, Hotspot]) -> int:
    """The people and a year of their contacts and referrals; 0 when they are there already."""
    if Contact.objects.filter(idempotency_key=_key(0)).exists():
        return 0
    rng = random.Random(SEED)  # noqa: S311 - reproducible fiction, not secrets
    today = timezone.localdate()
    this_month = today.replace(day=1)
    contacts: list[Contact] = []
    registered = 0
    for name, worker_name, count, share, remote in YEAR:
        worker = users[worker_name]
        people = _people(rng, hotspots[name], worker, count)
        registered += len(people)
        for back in range(MONTHS, -1, -1):
            start = months_later(this_month, -back)
            last = min(last_of_month(start), today)
            for person in people:
                if rng.random() >= share:
                    continue
                day = start + timedelta(days=rng.randint(0, (last - start).days))
                kind = Contact.Kind.ONE_TO_ONE
                if rng.random() < remote:
                    kind = rng.choice([Contact.Kind.PHONE, Contact.Kind.ONLINE])
                contacts.append(_contact(rng, person, worker, day, kind))
    for n, contact in enumerate(contacts):
        contact.idempotency_key = _key(n)  # the first one tells a second run it is done
    Contact.objects.bulk_create(contacts, batch_size=500)
    return registered + len(contacts) + _referrals(rng, contacts)


def _key(n: int) -> UUID:
    return uuid5(NAMESPACE_URL, f"demo-year-contact-{n}")


def _referrals(rng: random.Random, contacts: list[Contact]) -> int:
    """About one contact in twenty leads to a referral; most are attended within days."""
    clinic = Partner.objects.filter(name__in=SERVICES).first()
    if clinic is None:
        return 0
    today = timezone.localdate()
    referrals = []
    for contact in contacts:
        if contact.kind != Contact.Kind.ONE_TO_ONE or rng.random() >= 0.05:
            continue
        made = contact.contacted_on
        attended = made + timedelta(days=rng.randint(1, 10)) if rng.random() < 0.7 else None
        referrals.append(
            Referral(
                person=contact.person,
                contact=contact,
                partner=clinic,
                service=rng.choice(SERVICES[clinic.name]),
                made_by=contact.worker,
                made_on=made,
                due_on=made + timedelta(days=14),
                status="attended" if attended and attended <= today else "made",
                attended_on=attended if attended and attended <= today else None,
            )
        )
    Referral.objects.bulk_create(referrals)
    return len(referrals)


def report_mappings() -> int:
    """Where each figure of the reports would go in a national system, with made-up codes, so the
    demo's reports page offers its downloads (an administrator sets the real ones)."""
    created = 0
    for kind in TYPES:
        for status in TESTING:
            _, new = ReportMapping.objects.get_or_create(
                figure=kp_prev_figure(kind, status),
                defaults={
                    "data_set": "DEMO_KP_DATASET",
                    "org_unit": "DEMO_DISTRICT",
                    "data_element": "DEMO_KP_PREV",
                    "category_option_combo": f"DEMO_{kind}_{status.upper()}",
                    "adx_disaggregation": f"KP_TYPE={kind} HIV_STATUS={status.upper()}",
                },
            )
            created += new
    for name in FIGURES:
        _, new = ReportMapping.objects.get_or_create(
            figure=programme_figure(name),
            defaults={
                "data_set": "DEMO_PROGRAMME_DATASET",
                "org_unit": "DEMO_DISTRICT",
                "data_element": f"DEMO_{name.upper()}",
                "category_option_combo": "DEMO_DEFAULT",
            },
        )
        created += new
    return created
