"""Restore a backup into a new, empty database, and say done only once everything it holds can
be read with the keys in the environment."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from members.backup import backup_restore


class Command(BaseCommand):
    help = (
        "Restore a file made by `backup` into DATABASE_URL's database, which must be empty; checks "
        "the keys first and every encrypted value after."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="the file `backup` wrote")

    def handle(self, *args: Any, path: Path, **options: Any) -> None:
        # An expected failure raises a CommandError: one plain line, exit status 1.
        restored = backup_restore(path=path)
        self.stdout.write(
            f"Restored {path} into {restored.database}: {restored.tables} tables; the keys are "
            f"the ones it was made with and all {restored.values_read} encrypted values decrypt."
        )
        if restored.migrations_due:
            self.stdout.write(
                f"The backup is older than this version: run `python manage.py migrate` "
                f"({restored.migrations_due} migrations) before starting the services."
            )
        self.stdout.write("Done.")
