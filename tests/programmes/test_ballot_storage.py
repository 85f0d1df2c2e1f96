"""Where a ballot can be found on a PostgreSQL server, read as someone holding the machine would
read it (tests/programmes/pg_storage.py): a dump, the write-ahead log (WAL), the data files.
PostgreSQL only, on this machine, as a superuser; each test also checks that its search finds
what is there, so none passes by looking in the wrong place.

- During voting a pg_dump holds each voter's ciphertext and roll row, and none of their choices
  in any JSON form (once counted, the same search finds every ballot in the dump).
- During voting the WAL written by the casts holds each ciphertext (one heap INSERT per voter
  into the encrypted ballots' file, by pg_waldump) and none of the choices: not as JSON text,
  nor as the padded plain text that is sealed, nor in jsonb's binary form (the WAL of the count
  shows that form for every ballot).
- After the count and a CHECKPOINT no file of any programmes_ table, index or TOAST table holds
  a ciphertext or a 32-byte piece of one (before it, the same scan finds each of them), the
  encrypted table is empty and its former file is gone: also while another connection holds a
  snapshot through the count, and for 500 ballots.
- The counted ballots' order, in the file and by id, is not the cast order (Spearman's rank
  correlation within chance), and two counts of the same ballots cast in the same order come
  out in two different orders: a shuffle replaced by any fixed order fails.
- Nothing joins a tracker to a counted ballot: the counted ballot is its id, round and choices,
  the tracker its id, round and code, written sorted; one tracker per voter, each voter's among
  them, and every counted ballot written by the count's one transaction, none at a cast."""

from __future__ import annotations

import itertools
import json
import math
import random
import re
import secrets
from collections.abc import Callable
from contextlib import nullcontext
from typing import Any

import pytest
from django.db import connection

from members.models import User
from programmes import ballot_crypto, services
from programmes.models import EncryptedBallot, Round
from tests.programmes import pg_storage
from tests.programmes.pg_storage import byte_forms, jsonb_array, plain_forms
from tests.programmes.round_helpers import count, make_round, make_voters, option_ids

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="reads PostgreSQL's dump, WAL and data files: set DATABASE_URL to PostgreSQL",
    ),
    pytest.mark.django_db(transaction=True),  # committed, so the dump, WAL and files see it
]

VOTERS = 30
# Every combination of 2 to 8 of the 8 options (247): a voter's choices tell them apart.
COMBINATIONS = [
    list(combo) for size in range(2, 9) for combo in itertools.combinations(range(8), size)
]


@pytest.fixture(autouse=True)
def _local_server_with_distinct_ids(transactional_db: None) -> None:
    """Skip unless the server's files are readable here; then start option ids at a random
    ten-digit number, so that no other number in the cluster (another test database, another
    round's count) reads like these ballots."""
    pg_storage.data_directory()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence('programmes_option', 'id'), %s)",
            [10**9 + secrets.randbelow(10**9)],
        )


def voting_round(coordinator: User) -> Round:
    return make_round(coordinator, options=8, max_choices=8)


def unique_choices(round_: Round, count_: int, seed: int) -> list[list[int]]:
    """`count_` different combinations of the round's options (ids), in random order."""
    ids = option_ids(round_)
    picks = random.Random(seed).sample(COMBINATIONS, count_)
    return [[ids[i] for i in pick] for pick in picks]


def cast_all(round_: Round, voters: list[User], choices: list[list[int]]) -> list[str]:
    """Each voter casts their choices, in this order; returns their trackers."""
    return [
        services.ballot_cast(round=round_, member=voter, choices=picked)
        for voter, picked in zip(voters, choices, strict=True)
    ]


def sealed_by_tracker(round_: Round) -> dict[str, bytes]:
    rows = EncryptedBallot.objects.filter(round=round_).values_list("ciphertext", flat=True)
    return {ballot_crypto.tracker(bytes(c)): bytes(c) for c in rows}


def copy_rows(dump: str, table: str) -> list[dict[str, str]]:
    """The rows of `table` in a pg_dump (COPY ... FROM stdin blocks), as column -> text."""
    match = re.search(
        rf"^COPY public\.{table} \((.*?)\) FROM stdin;\n(.*?)^\\\.$", dump, re.M | re.S
    )
    assert match is not None, f"the dump has no {table}"
    columns = match.group(1).split(", ")
    return [dict(zip(columns, line.split("\t"), strict=True)) for line in match[2].splitlines()]


def counted_in_order(round_: Round, order: str) -> list[tuple[int, ...]]:
    """The round's counted ballots in physical order (ctid) or id order."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT choices FROM programmes_countedballot WHERE round_id = %s ORDER BY {order}",  # noqa: S608 - a fixed word
            [round_.pk],
        )
        # Django reads a jsonb column through a raw cursor as its text.
        return [tuple(sorted(json.loads(row[0]))) for row in cursor.fetchall()]


# --- 1. A dump taken during voting ----------------------------------------------------------


def test_a_dump_during_voting_has_each_ciphertext_and_roll_row_and_no_choice(
    coordinator: User, dump: Callable[[], str], figure: Callable[[str, str, Any], None]
) -> None:
    round_ = voting_round(coordinator)
    voters = make_voters(VOTERS)
    services.round_open(round=round_)
    choices = unique_choices(round_, VOTERS, seed=1)
    trackers = cast_all(round_, voters, choices)
    sealed = sealed_by_tracker(round_)

    during = dump()
    # The padded plain text starts with the compact JSON.
    leaks = [
        f"{voter.username}: {form}"
        for voter, picked in zip(voters, choices, strict=True)
        for form in plain_forms(picked)
        if form in during
    ]
    figure("VT-2", "voters whose choices a dump during voting shows", len(leaks))
    assert not leaks, f"choices in a dump taken during voting: {leaks}"
    # COPY writes a bytea as \\x and its hex digits.
    missing = [
        voter.username
        for voter, code in zip(voters, trackers, strict=True)
        if "\\\\x" + sealed[code][:32].hex() not in during
    ]
    assert not missing, f"the dump has no ciphertext of {missing}"
    voted = {
        row["member_id"]
        for row in copy_rows(during, "programmes_rollentry")
        if row["round_id"] == str(round_.pk) and row["has_voted"] == "t"
    }
    assert voted == {str(voter.pk) for voter in voters}

    # The same search finds the choices where they are: in the counted ballots, once counted.
    count(round_)
    after = dump()
    missing = [picked for picked in choices if plain_forms(picked)[1] not in after]
    assert not missing, f"the search does not find counted ballots in a dump: {missing}"


# --- 2. The WAL written by the casts ----------------------------------------------------------


def test_the_wal_of_voting_has_each_ciphertext_and_no_choice(
    coordinator: User, figure: Callable[[str, str, Any], None]
) -> None:
    round_ = voting_round(coordinator)
    voters = make_voters(VOTERS)
    services.round_open(round=round_)
    choices = unique_choices(round_, VOTERS, seed=2)
    with pg_storage.wal_kept():
        start = pg_storage.wal_position()
        trackers = cast_all(round_, voters, choices)
        end = pg_storage.wal_position()
        wal = pg_storage.wal_bytes(start, end)
        listing = pg_storage.waldump(start, end)
        sealed = sealed_by_tracker(round_)

        leaks = [
            f"{voter.username}: {kind}"
            for voter, picked in zip(voters, choices, strict=True)
            for kind, form in byte_forms(picked).items()
            if form in wal
        ]
        figure("VT-2", "voters whose choices the WAL of voting shows", len(leaks))
        assert not leaks, f"choices in the WAL of voting: {leaks}"
        shown = [form for picked in choices for form in plain_forms(picked) if form in listing]
        assert not shown, f"pg_waldump shows choices: {shown}"
        missing = [
            voter.username
            for voter, code in zip(voters, trackers, strict=True)
            if sealed[code] not in wal
        ]
        assert not missing, f"the WAL read has no ciphertext of {missing}"
        inserts = pg_storage.heap_inserts(listing, "programmes_encryptedballot")
        assert len(inserts) == VOTERS, f"{len(inserts)} INSERTs of encrypted ballots:\n{listing}"

        # The jsonb form searched for is the one PostgreSQL writes: the count's WAL has each.
        start = pg_storage.wal_position()
        count(round_)
        counted = pg_storage.wal_bytes(start, pg_storage.wal_position())
    missing = [picked for picked in choices if jsonb_array(picked) not in counted]
    assert not missing, f"the search does not find counted ballots in the WAL: {missing}"


# --- 3. The data files after the count ---------------------------------------------------------


def pieces(ciphertext: bytes, size: int = 32) -> list[bytes]:
    """The ciphertext cut into runs of `size` bytes, the last one ending with it."""
    cuts = [ciphertext[i : i + size] for i in range(0, len(ciphertext) - size + 1, size)]
    return [*cuts, ciphertext[-size:]]


def files_holding(sealed: list[bytes]) -> dict[str, int]:
    """For each file of a programmes_ relation, how many of these ciphertexts it holds a
    32-byte piece of (files holding none left out)."""
    owner = {piece: n for n, ciphertext in enumerate(sealed) for piece in pieces(ciphertext)}
    found = {}
    for name, path in pg_storage.relation_paths("programmes_").items():
        hits = {owner[piece] for piece in pg_storage.windows(path.read_bytes(), 32) & owner.keys()}
        if hits:
            found[name] = len(hits)
    return found


@pytest.mark.parametrize(
    ("voters", "snapshot"),
    [(VOTERS, False), (VOTERS, True), (500, False)],
    ids=["30 ballots", "30 ballots, a snapshot held", "500 ballots"],
)
def test_after_the_count_no_data_file_holds_a_ciphertext(
    coordinator: User, voters: int, snapshot: bool, figure: Callable[[str, str, Any], None]
) -> None:
    round_ = voting_round(coordinator)
    members = make_voters(voters)
    services.round_open(round=round_)
    ids = option_ids(round_)
    rng = random.Random(voters)
    cast = [[ids[i] for i in rng.choice(COMBINATIONS)] for _ in members]
    cast_all(round_, members, cast)
    sealed = list(sealed_by_tracker(round_).values())
    assert len(sealed) == voters

    # The scan finds every ciphertext where it is before the count.
    pg_storage.checkpoint()
    before = files_holding(sealed)
    assert before.get("programmes_encryptedballot") == voters, before
    former = pg_storage.relation_paths("programmes_encryptedballot")

    # Scanned while the other connection still holds its snapshot, when it holds one.
    with pg_storage.snapshot_held() if snapshot else nullcontext():
        round_ = count(round_)
        pg_storage.checkpoint()
        after = files_holding(sealed)

    assert round_.status == Round.Status.COUNTED
    held = ", a snapshot held" if snapshot else ""
    figure(
        "VT-2", f"ciphertexts in data files after the count ({voters}{held})", sum(after.values())
    )
    assert after == {}, f"files holding ciphertexts after the count: {after}"
    assert not EncryptedBallot.objects.filter(round=round_).exists()
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM programmes_encryptedballot")
        assert cursor.fetchone()[0] == 0
    for name, path in former.items():
        assert not path.exists() or path.stat().st_size == 0, f"{name}'s former file remains"
    # The counted ballots are in their file, in the jsonb form the WAL test looks for.
    written = b"".join(
        path.read_bytes()
        for name, path in pg_storage.relation_paths("programmes_countedballot").items()
        if name.startswith("programmes_countedballot")
    )
    stored = counted_in_order(round_, "ctid")
    assert len(stored) == voters
    assert all(jsonb_array(picked) in written for picked in stored)
    # Nor does the order the counted ballots are stored in follow the casts, here too (a
    # snapshot held, 500 ballots): as many ballots sit where the same choices were cast, forwards
    # or backwards, as chance gives, and no more.
    assert_not_in_cast_order([tuple(sorted(c)) for c in cast], stored)


def assert_not_in_cast_order(cast: list[tuple[int, ...]], stored: list[tuple[int, ...]]) -> None:
    """Choices repeat here, so no rank correlation: the ballots in the same place as a cast with
    the same choices, against what a random order gives (5 standard deviations)."""
    n = len(cast)
    chance = sum((cast.count(c) / n) ** 2 for c in set(cast))
    limit = n * chance + 5 * math.sqrt(n * chance * (1 - chance)) + 1
    forwards = sum(a == b for a, b in zip(cast, stored, strict=True))
    backwards = sum(a == b for a, b in zip(reversed(cast), stored, strict=True))
    assert forwards <= limit, f"{forwards} of {n} stored where cast (chance: {n * chance:.0f})"
    assert backwards <= limit, f"{backwards} of {n} stored in reverse cast order"


# --- 4. No order tied to the cast order --------------------------------------------------------


def spearman(ranks: list[int]) -> float:
    """Spearman's rank correlation between positions 0..n-1 and these ranks (no ties)."""
    n = len(ranks)
    return 1 - 6 * sum((rank - i) ** 2 for i, rank in enumerate(ranks)) / (n * (n * n - 1))


def two_rounds_with_the_same_ballots(coordinator: User, voters: int) -> tuple[Round, Round, list]:
    """Two rounds, the same voters casting the same different combinations in the same order
    in each; both counted. Returns the rounds and the combinations (option positions)."""
    first, second = voting_round(coordinator), voting_round(coordinator)
    members = make_voters(voters)
    services.round_open(round=first)
    services.round_open(round=second)
    picks = random.Random(voters).sample(COMBINATIONS, voters)
    for round_ in (first, second):
        ids = option_ids(round_)
        cast_all(round_, members, [[ids[i] for i in pick] for pick in picks])
        count(round_)
    return first, second, picks


def test_the_counted_order_is_not_the_cast_order(
    coordinator: User, figure: Callable[[str, str, Any], None]
) -> None:
    voters = 40
    rounds = two_rounds_with_the_same_ballots(coordinator, voters)
    picks = rounds[2]
    # 5 standard deviations: chance exceeds it about once in 3 million; a cast order kept or
    # reversed gives 1 or -1.
    limit = 5 / math.sqrt(voters - 1)
    largest = 0.0
    for round_ in rounds[:2]:
        ids = option_ids(round_)
        cast_index = {tuple(sorted(ids[i] for i in pick)): n for n, pick in enumerate(picks)}
        for order in ("ctid", "id"):
            ranks = [cast_index[ballot] for ballot in counted_in_order(round_, order)]
            assert sorted(ranks) == list(range(voters))
            rho = spearman(ranks)
            largest = max(largest, abs(rho))
            assert abs(rho) < limit, f"counted in {order} order follows the casts: rho={rho:.2f}"
    figure(
        "VT-2", "largest rank correlation, cast and counted order (40 ballots)", round(largest, 2)
    )


def test_two_counts_of_the_same_ballots_give_two_orders(coordinator: User) -> None:
    first, second, picks = two_rounds_with_the_same_ballots(coordinator, VOTERS)
    orders = []
    for round_ in (first, second):
        position = {option: n for n, option in enumerate(option_ids(round_))}
        orders.append(
            [tuple(position[o] for o in ballot) for ballot in counted_in_order(round_, "ctid")]
        )
    assert sorted(orders[0]) == sorted(orders[1]) == sorted(tuple(p) for p in picks)
    assert orders[0] != orders[1], "two counts of the same ballots came out in the same order"


# --- 5. Nothing joins a tracker to a counted ballot --------------------------------------------


def test_a_tracker_joins_no_counted_ballot(coordinator: User) -> None:
    round_ = voting_round(coordinator)
    voters = make_voters(VOTERS)
    services.round_open(round=round_)
    choices = unique_choices(round_, VOTERS, seed=5)
    trackers = cast_all(round_, voters, choices)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(DISTINCT xmin::text) FROM programmes_encryptedballot WHERE round_id = %s",
            [round_.pk],
        )
        assert cursor.fetchone()[0] == VOTERS  # one transaction per cast
    count(round_)

    with connection.cursor() as cursor:
        columns = {
            table: [c.name for c in connection.introspection.get_table_description(cursor, table)]
            for table in ("programmes_countedballot", "programmes_tracker")
        }
        links = connection.introspection.get_relations(cursor, "programmes_countedballot")
        cursor.execute(
            "SELECT code FROM programmes_tracker WHERE round_id = %s ORDER BY ctid", [round_.pk]
        )
        published = [row[0] for row in cursor.fetchall()]
        cursor.execute(
            "SELECT count(*), count(DISTINCT xmin::text) FROM programmes_countedballot "
            "WHERE round_id = %s",
            [round_.pk],
        )
        ballots, transactions = cursor.fetchone()
    assert sorted(columns["programmes_countedballot"]) == ["choices", "id", "round_id"]
    assert sorted(columns["programmes_tracker"]) == ["code", "id", "round_id"]
    assert {table for _column, table in links.values()} == {"programmes_round"}
    assert len(published) == VOTERS
    assert set(trackers) <= set(published)
    assert published == sorted(published), "the trackers are stored in another order than sorted"
    assert ballots == VOTERS, f"{ballots} counted ballots for {VOTERS} voters"
    assert transactions == 1, "counted ballots were written outside the count's transaction"
    # Nor does position: the n-th published tracker and the n-th counted ballot (by ctid or id)
    # are not the same voter's, beyond chance. Each voter's place in the tracker list against
    # their ballot's place among the counted ones: a count written in tracker order gives 1.
    limit = 5 / math.sqrt(VOTERS - 1)  # as in test_the_counted_order_is_not_the_cast_order
    voter_of_tracker = {tracker: n for n, tracker in enumerate(trackers)}
    by_tracker = [voter_of_tracker[code] for code in published]
    for order in ("ctid", "id"):
        counted = counted_in_order(round_, order)
        place = {ballot: n for n, ballot in enumerate(counted)}
        ranks = [place[tuple(sorted(choices[voter]))] for voter in by_tracker]
        rho = spearman(ranks)
        assert abs(rho) < limit, f"counted ballots in {order} order pair with trackers: {rho:.2f}"
