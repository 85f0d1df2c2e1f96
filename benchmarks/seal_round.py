"""Benchmark: a round of 10,000 ballots sealed and counted, under 5 s on PostgreSQL (SPEC.md).
`make bench-seal` with DATABASE_URL set to a migrated PostgreSQL database, never the live one.

It builds a throwaway round (8 options, a roll of 10,000 "bench-<n>" users, 10,000 ballots),
times the seal (voting.md R4) and the count (programmes.tally), checks that every sealed ballot
carries the same `xmin`, then deletes what it created. Exit status 1 if either check fails."""

from __future__ import annotations

import os
import secrets
import sys
import time
import uuid
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()

from django.contrib.auth.hashers import make_password  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.db.models import F  # noqa: E402
from django.utils import timezone  # noqa: E402

from members.models import User  # noqa: E402
from programmes import tally  # noqa: E402
from programmes.models import Ballot, Option, Result, RollEntry, Round  # noqa: E402
from programmes.rules import RECEIPT_ALPHABET, RECEIPT_LENGTH, ROUND_OPTIONS_MAX  # noqa: E402

BALLOTS = 10_000
OPTIONS = ROUND_OPTIONS_MAX  # the longest ballot a round may have
BUDGET_SECONDS = 5.0
rng = secrets.SystemRandom()


def bench_users() -> tuple[list[int], list[int]]:
    """The ids of the bench users, and of those made by this run (the others are reused)."""
    wanted = [f"bench-{n}" for n in range(BALLOTS)]
    present = set(User.objects.filter(username__in=wanted).values_list("username", flat=True))
    missing = [User(username=u, password=make_password(None)) for u in wanted if u not in present]
    User.objects.bulk_create(missing, batch_size=2000)
    rows = list(User.objects.filter(username__in=wanted).values_list("pk", "username"))
    return [pk for pk, _ in rows], [pk for pk, name in rows if name not in present]


def build_round(member_ids: list[int]) -> Round:
    now = timezone.now()
    round_ = Round.objects.create(
        title="Benchmark round",
        question="Which matter most?",
        opens_at=now - timedelta(days=7),
        closes_at=now - timedelta(minutes=1),
        budget=Decimal(15_000),
        status=Round.Status.OPEN,
        created_by_id=member_ids[0],
    )
    options = Option.objects.bulk_create(
        Option(round=round_, title=f"Option {n}", pictogram="heart", cost=1000 * n, position=n)
        for n in range(1, OPTIONS + 1)
    )
    option_ids = [option.pk for option in options]
    RollEntry.objects.bulk_create(
        (RollEntry(round=round_, member_id=pk, has_voted=True) for pk in member_ids),
        batch_size=2000,
    )
    receipts: set[str] = set()
    while len(receipts) < BALLOTS:
        receipts.add("".join(rng.choices(RECEIPT_ALPHABET, k=RECEIPT_LENGTH)))
    ballots = [
        Ballot(round=round_, choices=sorted(rng.sample(option_ids, rng.randint(1, 3))), receipt=r)
        for r in receipts
    ]
    # Ten transactions, so that before the seal the ballots carry ten different xmins.
    for start in range(0, BALLOTS, 1000):
        with transaction.atomic():
            Ballot.objects.bulk_create(ballots[start : start + 1000])
    Round.objects.filter(pk=round_.pk).update(status=Round.Status.CLOSED)
    round_.status = Round.Status.CLOSED
    return round_


def seal_inline(*, round: Round) -> int:
    """The steps of R4 when programmes.services.round_seal is not there."""
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL programmes.sealing = 'on'")
        rows = list(Ballot.objects.filter(round=round).values_list("choices", "receipt"))
        rng.shuffle(rows)
        # Receipts are unique per round: the originals go before their copies come in.
        Ballot.objects.filter(round=round).delete()
        Ballot.objects.bulk_create(
            [Ballot(id=uuid.uuid4(), round=round, choices=c, receipt=r) for c, r in rows],
            batch_size=2000,
        )
        RollEntry.objects.filter(round=round).update(has_voted=F("has_voted"))
    return len(rows)


def count(round_: Round) -> list[int]:
    costs = dict(round_.options.values_list("pk", "cost"))
    ballots = list(Ballot.objects.filter(round=round_).values_list("choices", flat=True))
    tally.approvals(ballots, list(costs))
    return tally.equal_shares(ballots, costs, round_.budget, sorted(costs, key=costs.__getitem__))


def distinct_xmin(round_: Round) -> int:
    with connection.cursor() as cursor:
        # xid has no ordering operator, so DISTINCT needs it as text.
        cursor.execute(
            "SELECT count(DISTINCT xmin::text) FROM programmes_ballot WHERE round_id = %s",
            [round_.pk],
        )
        return cursor.fetchone()[0]


def clean_up(round_: Round | None, made_users: list[int]) -> None:
    with transaction.atomic():
        if round_ is not None:
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL programmes.sealing = 'on'")
            Ballot.objects.filter(round=round_).delete()
            Result.objects.filter(round=round_).delete()
            RollEntry.objects.filter(round=round_).delete()
            round_.delete()
        User.objects.filter(pk__in=made_users).delete()


def main() -> int:
    if connection.vendor != "postgresql":
        print("Set DATABASE_URL to a migrated PostgreSQL database: the budget is for PostgreSQL.")
        return 2
    try:
        from programmes.services import round_seal
    except ImportError:
        seal, which = seal_inline, "the inline seal of this script"
    else:
        seal, which = round_seal, "programmes.services.round_seal"

    member_ids, made_users = bench_users()
    round_ = None
    try:
        round_ = build_round(member_ids)
        print(f"{BALLOTS} ballots; xmins before the seal: {distinct_xmin(round_)}")
        started = time.perf_counter()
        sealed = seal(round=round_)
        sealed_at = time.perf_counter()
        funded = count(round_)
        counted_at = time.perf_counter()
        xmins = distinct_xmin(round_)
        total = counted_at - started
        print(f"Seal, with {which}: {sealed_at - started:.2f} s ({sealed} ballots)")
        print(f"Count: {counted_at - sealed_at:.2f} s ({len(funded)} options funded)")
        print(f"Total: {total:.2f} s (budget {BUDGET_SECONDS:.0f} s)")
        print(f"xmins after the seal: {xmins} (must be 1)")
        return 0 if total < BUDGET_SECONDS and xmins == 1 else 1
    finally:
        clean_up(round_, made_users)


if __name__ == "__main__":
    sys.exit(main())
