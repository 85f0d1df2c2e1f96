"""Fictional demo data for `make run`. Safe to run twice: existing rows are left as they are."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from members.models import User
from outreach.models import Hotspot, Typology

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


class Command(BaseCommand):
    help = "Create fictional hotspots and demo logins (demo mode only; safe to run twice)."

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEMO_MODE:
            raise CommandError(
                "seed_demo runs only with DEMO_MODE=true: it creates known passwords."
            )
        created = 0
        with transaction.atomic():
            for name, area, typology in HOTSPOTS:
                _, new = Hotspot.objects.get_or_create(
                    name=name, defaults={"area": area, "typology": typology}
                )
                created += new
            for username, flags in LOGINS.items():
                user, new = User.objects.get_or_create(username=username, defaults=flags)
                if new:
                    user.set_password(DEMO_PASSWORD)
                    user.save(update_fields=["password"])
                created += new
        self.stdout.write(f"Demo data ready ({created} new rows).")
