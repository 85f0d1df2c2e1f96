"""Benchmark: a round of 10,000 encrypted ballots decrypted, sealed and counted, under 5 s on
PostgreSQL (SPEC.md). `make bench-seal` with DATABASE_URL set to a migrated PostgreSQL database,
never the live one.

Setup, not timed: a throwaway round (8 options, a budget) with three tellers who agree with a
password (the real Argon2id cost) and open it through programmes.services; two of them see their
words; a roll of 10,000 "bench-<n>" users, all marked as voted, and 10,000 ballots encrypted to the
round's key with programmes.ballot_crypto.ballot_seal, bulk-inserted as ballot_cast would write
them; then the round is closed. Timed: the two tellers' words entered through
programmes.services.share_give, the second of which rebuilds the key, decrypts every ballot,
shuffles them, writes the counted ballots and the sorted trackers, counts (approvals and Equal
Shares) and destroys the ciphertexts with TRUNCATE, in one transaction. Then it checks the count
and that every counted ballot and tracker was written by one transaction (one `xmin`), and
deletes what it created. Exit status 1 if the count is over budget or a check fails."""

from __future__ import annotations

import os
import secrets
import sys
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth.hashers import make_password  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from members.models import User  # noqa: E402
from programmes import ballot_crypto, services  # noqa: E402
from programmes.models import (  # noqa: E402
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
from programmes.rules import ROUND_OPTIONS_MAX  # noqa: E402

BALLOTS = 10_000
OPTIONS = ROUND_OPTIONS_MAX  # the longest ballot a round may have
TELLERS = 3
BUDGET_SECONDS = 5.0
BATCH = 2000
rng = secrets.SystemRandom()


def bench_users() -> tuple[list[int], list[int]]:
    """The ids of the bench voters, and of those made by this run (the others are reused)."""
    wanted = [f"bench-{n}" for n in range(BALLOTS)]
    present = set(User.objects.filter(username__in=wanted).values_list("username", flat=True))
    missing = [User(username=u, password=make_password(None)) for u in wanted if u not in present]
    User.objects.bulk_create(missing, batch_size=BATCH)
    rows = list(User.objects.filter(username__in=wanted).values_list("pk", "username"))
    return [pk for pk, _ in rows], [pk for pk, name in rows if name not in present]


def teller_users(password: str) -> list[User]:
    """Three tellers made for this run, with a password of this run only."""
    stamp = secrets.token_hex(4)
    hashed = make_password(password)
    return User.objects.bulk_create(
        [User(username=f"bench-teller-{stamp}-{n}", password=hashed) for n in range(TELLERS)]
    )


def build_round(
    member_ids: list[int], tellers: list[User], password: str
) -> tuple[Round, list[str]]:
    """The round, open, with its tellers' words (two of them), 10,000 encrypted ballots and a
    roll of 10,000 voters; then closed. Returns the round and the words."""
    now = timezone.now()
    round_ = services.round_save(
        round=Round(
            title="Benchmark round",
            question="Which matter most?",
            opens_at=now - timedelta(hours=1),
            closes_at=now + timedelta(days=1),
            budget=Decimal(15_000),
            min_turnout=5,
            created_by_id=member_ids[0],
        )
    )
    options = Option.objects.bulk_create(
        Option(round=round_, title=f"Option {n}", pictogram="heart", cost=1000 * n, position=n)
        for n in range(1, OPTIONS + 1)
    )
    option_ids = [option.pk for option in options]
    named = services.tellers_name(round=round_, users=tellers, needed=2)
    for teller in named:
        services.teller_accept(teller=teller, password=password)
    # The roll is whoever is eligible in this database (often nobody) plus the bench voters.
    services.round_open(round=round_)
    words = [services.teller_share_reveal(teller=t, password=password) for t in named[:2]]
    if round_.public_key is None:
        raise RuntimeError("The round opened without a key.")
    public_key = bytes(round_.public_key)
    ballots = [
        EncryptedBallot(
            round=round_,
            ciphertext=ballot_crypto.ballot_seal(
                public_key, rng.sample(option_ids, rng.randint(1, 3))
            ),
        )
        for _ in range(BALLOTS)
    ]
    # What 10,000 calls of ballot_cast leave behind, written at once.
    with transaction.atomic():
        RollEntry.objects.bulk_create(
            (RollEntry(round=round_, member_id=pk, has_voted=True) for pk in member_ids),
            batch_size=BATCH,
        )
        EncryptedBallot.objects.bulk_create(ballots, batch_size=BATCH)
    services.round_close(round=round_)
    return round_, words


def distinct_xmin(table: str, round_: Round) -> int:
    with connection.cursor() as cursor:
        # xid has no ordering operator, so DISTINCT needs it as text. The table is one of two
        # names written below, never input.
        cursor.execute(
            f"SELECT count(DISTINCT xmin::text) FROM {table} WHERE round_id = %s",  # noqa: S608  # nosec B608
            [round_.pk],
        )
        row = cursor.fetchone()
        return int(row[0]) if row else 0


def without_round(table: str, round_: Round) -> None:
    """Ballots refuse DELETE row by row (a trigger): keep the other rounds' rows aside, empty
    the table with TRUNCATE and put them back, as the count itself does."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMPORARY TABLE bench_kept ON COMMIT DROP AS "  # noqa: S608  # nosec B608
            f"SELECT * FROM {table} WHERE round_id <> %s",
            [round_.pk],
        )
        cursor.execute(f"TRUNCATE {table}")
        cursor.execute(f"INSERT INTO {table} SELECT * FROM bench_kept")  # noqa: S608  # nosec B608
        cursor.execute("DROP TABLE bench_kept")


def clean_up(round_: Round | None, made_users: list[int], tellers: list[User]) -> None:
    with transaction.atomic():
        if round_ is not None:
            for table in ("programmes_countedballot", "programmes_encryptedballot"):
                without_round(table, round_)
            Tracker.objects.filter(round=round_).delete()
            Result.objects.filter(round=round_).delete()
            ShareGiven.objects.filter(round=round_).delete()
            Teller.objects.filter(round=round_).delete()
            RollEntry.objects.filter(round=round_).delete()
            round_.delete()
        User.objects.filter(pk__in=made_users + [t.pk for t in tellers]).delete()


def main() -> int:
    if connection.vendor != "postgresql":
        print("Set DATABASE_URL to a migrated PostgreSQL database: the budget is for PostgreSQL.")
        return 2
    password = secrets.token_urlsafe(16)
    member_ids, made_users = bench_users()
    tellers = teller_users(password)
    round_ = None
    try:
        started = time.perf_counter()
        round_, words = build_round(member_ids, tellers, password)
        print(
            f"Setup: {BALLOTS} encrypted ballots, {TELLERS} tellers (key cost "
            f"{settings.TELLER_KEY_COST!r}) in {time.perf_counter() - started:.2f} s"
        )
        started = time.perf_counter()
        waiting = services.share_give(round=round_, words=words[0])
        first_at = time.perf_counter()
        result = services.share_give(round=round_, words=words[1])
        counted_at = time.perf_counter()
        total = counted_at - started
        round_.refresh_from_db()
        counted = CountedBallot.objects.filter(round=round_).count()
        trackers = Tracker.objects.filter(round=round_).count()
        left = EncryptedBallot.objects.filter(round=round_).count()
        xmins = (
            distinct_xmin("programmes_countedballot", round_),
            distinct_xmin("programmes_tracker", round_),
        )
        print(f"First teller's words: {first_at - started:.2f} s (kept, no count yet)")
        funded = len(result.selected) if result else 0
        print(
            f"Second teller's words, decrypt, shuffle, write, count and TRUNCATE: "
            f"{counted_at - first_at:.2f} s ({funded} options funded)"
        )
        print(f"Total: {total:.2f} s (budget {BUDGET_SECONDS:.0f} s)")
        print(
            f"Counted ballots {counted}, trackers {trackers}, ciphertexts left {left}, "
            f"status {round_.status}; xmins (counted ballots, trackers): {xmins} (must be 1, 1)"
        )
        checks = (
            waiting is None
            and result is not None
            and result.ballots_counted == counted == trackers == BALLOTS
            and left == 0
            and round_.status == Round.Status.COUNTED
            and xmins == (1, 1)
        )
        if not checks:
            print("A check failed.")
        return 0 if total < BUDGET_SECONDS and checks else 1
    finally:
        clean_up(round_, made_users, tellers)


if __name__ == "__main__":
    sys.exit(main())
