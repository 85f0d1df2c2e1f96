"""Fill a benchmark database with fictional data at a chosen scale (demo.scale does it)."""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from demo import scale
from members.models import Person


class Command(BaseCommand):
    help = (
        "Generate fictional people, contacts and hotspots at scale for the benchmarks, "
        "reproducibly from --seed. Refuses to run on a database that already holds people "
        "unless --replace is given."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--people", type=int, required=True)
        parser.add_argument("--contacts", type=int, required=True)
        parser.add_argument("--hotspots", type=int, required=True)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--password", default=scale.DEFAULT_PASSWORD)
        parser.add_argument(
            "--replace", action="store_true", help="Empty the generated tables first."
        )
        parser.add_argument(
            "--reuse",
            action="store_true",
            help="Do nothing when the database already holds exactly this size.",
        )
        parser.add_argument("--yes-this-is-a-benchmark-db", action="store_true", dest="benchmark")

    def handle(self, *args: Any, **options: Any) -> None:
        spec = scale.ScaleSpec(
            people=options["people"],
            contacts=options["contacts"],
            hotspots=options["hotspots"],
            seed=options["seed"],
            password=options["password"],
        )
        if min(spec.people, spec.contacts) < 0 or spec.hotspots < 1:
            raise CommandError(_("Sizes must be positive, with at least one hotspot."))
        if not (settings.DEBUG or settings.DEMO_MODE or options["benchmark"]):
            raise CommandError(
                _(
                    "This looks like a production database (DEBUG and DEMO_MODE are off). "
                    "Pass --yes-this-is-a-benchmark-db if it really is a benchmark database."
                )
            )
        if options["reuse"] and scale.matches(spec):
            self.stdout.write("reusing")
            return
        started = time.monotonic()
        if options["replace"]:
            scale.clear()
        elif Person.objects.exists() or scale.bench_logins_exist():
            raise CommandError(
                _(
                    "The database already holds people. Pass --replace to delete the "
                    "generated data and start again."
                )
            )
        summary = scale.generate(spec, stderr=self.stderr)
        total = time.monotonic() - started
        for table, count in summary.counts.items():
            self.stdout.write(f"{table:<28} {count:>12,}")
        steps = ", ".join(f"{name} {seconds:.1f}s" for name, seconds in summary.seconds.items())
        self.stdout.write(f"Generated in {total:.1f} s ({steps}).")
        self.stdout.write("Bench logins: " + ", ".join(scale.BENCH_LOGINS))
