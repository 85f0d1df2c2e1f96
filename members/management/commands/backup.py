"""Write the database to one file for safekeeping. The keys are never in it: a backup is only
useful with the keys kept apart from it, and a stolen backup without them reads nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from members.backup import backup_write


class Command(BaseCommand):
    help = (
        "Write DATABASE_URL's PostgreSQL database to a new file: its dump and a check of the keys, "
        "never the keys themselves."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "path", type=Path, help="the new file, e.g. /var/backups/outreach-2026-12-07.backup"
        )

    def handle(self, *args: Any, path: Path, **options: Any) -> None:
        # An expected failure raises a CommandError: one plain line, exit status 1.
        size = backup_write(path=path)
        self.stdout.write(
            f"Backed up to {path} ({size / 1_000_000:.1f} MB). The keys are not in it: keep them "
            "apart from it, as `restore` needs them."
        )
