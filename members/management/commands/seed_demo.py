"""Fictional demo data for `make run`. Safe to run twice: existing rows are left as they are."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from members import services
from members.models import Employment, Person, User
from members.uic import uic_hash
from outreach.models import Assignment, Hotspot, Typology

# Shared by every demo login and printed in the README: demo mode only, never real people.
DEMO_PASSWORD = "demo-password-2026"  # noqa: S105

HOTSPOTS = [
    ("Riverside market", "North district", Typology.STREET),
    ("Blue Door lounge", "Old town", Typology.VENUE),
    ("Hillside flats", "East district", Typology.HOME_BASED),
    ("Chat groups", "Online", Typology.ONLINE),
]

# username -> role flags
LOGINS: dict[str, dict[str, bool]] = {
    "admin": {"is_superuser": True, "is_staff": True},
    "coordinator": {"is_coordinator": True, "is_member": True},
    "worker.river": {"is_outreach_worker": True, "is_member": True},
    "worker.hill": {"is_outreach_worker": True, "is_member": True},
    "worker.online": {"is_outreach_worker": True, "is_member": True},
    "member.sun": {"is_member": True},
    "member.moon": {"is_member": True},
    "member.star": {"is_member": True},
}

ASSIGNMENTS = {
    "worker.river": ["Riverside market", "Blue Door lounge"],
    "worker.hill": ["Hillside flats"],
    "worker.online": ["Chat groups"],
}

# Code (as typed, normalised by members.uic), nickname, hotspot, age band, registering worker,
# login. The README gives the first code so a visitor can try "Find by code".
PEOPLE = [
    ("SUNO0199", "Sunflower", "Riverside market", "25-34", "worker.river", "member.sun"),
    ("MOLA0292", "Moonbeam", "Riverside market", "35-44", "worker.river", "member.moon"),
    ("STRI0300", "Starfish", "Hillside flats", "18-24", "worker.hill", "member.star"),
    ("PEBA0188", "Pebble", "Blue Door lounge", "45+", "worker.river", None),
    ("WIRO0297", "Willow", "Hillside flats", "25-34", "worker.hill", None),
    ("CLOU0195", "Cloud", "Chat groups", "25-34", "worker.online", None),
    # Same nickname, hotspot and age band as Willow: shows the duplicate review queue.
    ("WIMA0497", "Willow", "Hillside flats", "25-34", "worker.hill", None),
]

# username, role, community member, monthly pay (None: volunteer), hours a week, started, ended.
# worker.hill volunteered first, then took a paid post: one ended post shows turnover.
POSTS = [
    ("coordinator", Employment.Role.COORDINATOR, True, "1400.00", 40, date(2024, 1, 8), None),
    ("worker.river", Employment.Role.OUTREACH_WORKER, True, "950.00", 30, date(2024, 3, 4), None),
    (
        "worker.hill",
        Employment.Role.OUTREACH_WORKER,
        True,
        None,
        10,
        date(2024, 3, 4),
        date(2024, 8, 31),
    ),
    ("worker.hill", Employment.Role.OUTREACH_WORKER, True, "950.00", 30, date(2024, 9, 2), None),
    ("worker.online", Employment.Role.OUTREACH_WORKER, True, "800.00", 24, date(2025, 2, 3), None),
    ("staff.liaison", Employment.Role.OTHER, False, "1250.00", 20, date(2024, 6, 3), None),
]


class Command(BaseCommand):
    help = "Create fictional hotspots, people and demo logins (demo mode only; safe to run twice)."

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEMO_MODE:
            raise CommandError("seed_demo needs DEMO_MODE=true: it creates known passwords.")
        created = 0
        with transaction.atomic():
            hotspots = {}
            for name, area, typology in HOTSPOTS:
                hotspots[name], new = Hotspot.objects.get_or_create(
                    name=name, defaults={"area": area, "typology": typology}
                )
                created += new
            users = {}
            for username, flags in LOGINS.items():
                users[username], new = User.objects.get_or_create(username=username, defaults=flags)
                if new:
                    users[username].set_password(DEMO_PASSWORD)
                    users[username].save(update_fields=["password"])
                created += new
            for username, names in ASSIGNMENTS.items():
                for name in names:
                    _, new = Assignment.objects.get_or_create(
                        worker=users[username], hotspot=hotspots[name]
                    )
                    created += new
            for code, nickname, hotspot, age_band, worker, login in PEOPLE:
                if Person.objects.filter(uic_hash=uic_hash(code)).exists():
                    continue
                person = services.person_register(
                    actor=users[worker],
                    uic_hash=uic_hash(code),
                    nickname=nickname,
                    hotspot=hotspots[hotspot],
                    age_band=age_band,
                    typology=hotspots[hotspot].typology,
                    is_member=login is not None,
                    user=users[login] if login else None,
                )
                if login:
                    services.consent_set(person=person, purpose="voting", given=True)
                created += 1
            # A post holder who never logs in in the demo.
            users["staff.liaison"], new = User.objects.get_or_create(username="staff.liaison")
            if new:
                users["staff.liaison"].set_unusable_password()
                users["staff.liaison"].save(update_fields=["password"])
            for username, role, community, pay, hours, started, ended in POSTS:
                _, new = Employment.objects.get_or_create(
                    user=users[username],
                    role=role,
                    started_on=started,
                    defaults={
                        "is_community_member": community,
                        "is_paid": pay is not None,
                        "monthly_pay": Decimal(pay) if pay else None,
                        "hours_per_week": hours,
                        "ended_on": ended,
                    },
                )
                created += new
        self.stdout.write(f"Demo data ready ({created} new rows).")
