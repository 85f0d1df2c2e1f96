"""Re-encrypt contact details and notes under the newest FIELD_ENCRYPTION_KEYS key. Safe to run
twice: values already under the newest key are left as they are."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from members.keys import UndecryptableValue, rotate_field_keys


class Command(BaseCommand):
    help = "Re-encrypt every encrypted field under the first of FIELD_ENCRYPTION_KEYS."

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            rotated = rotate_field_keys()
        except UndecryptableValue as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Rotated {rotated} value(s) to the newest key.")
