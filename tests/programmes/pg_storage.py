"""What a local PostgreSQL server keeps on disk, read the way someone holding the machine would:
the files of the data directory, the raw write-ahead log (WAL) between two positions and
pg_waldump's listing of it; and every form a ballot's choices could take there (JSON text, the
padded plain text that is sealed, jsonb's binary format). For tests/programmes/
test_ballot_storage.py. Needs the server on this machine, its data directory readable by the
tests (root or the postgres user) and a superuser connection; skips otherwise, which CI turns
into a failure (tests/ci_skips.py)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psycopg
import pytest
from django.db import connection

from programmes.ballot_crypto import PLAINTEXT_BYTES

WAL_PAGE_HEADER = 24  # MAXALIGN(sizeof(XLogPageHeaderData))
WAL_LONG_PAGE_HEADER = 40  # the first page of each segment: MAXALIGN(XLogLongPageHeaderData)


def _one(sql: str, params: Iterable[Any] = ()) -> Any:
    with connection.cursor() as cursor:
        cursor.execute(sql, list(params))
        return cursor.fetchone()[0]


def data_directory() -> Path:
    """The server's data directory, when it is on this machine and readable; skips otherwise."""
    if connection.vendor != "postgresql":
        pytest.skip("reads PostgreSQL's files: set DATABASE_URL to a local PostgreSQL")
    if not _one("SELECT rolsuper FROM pg_roles WHERE rolname = current_user"):
        pytest.skip("needs a PostgreSQL superuser (data_directory, CHECKPOINT, pg_switch_wal)")
    path = Path(_one("SHOW data_directory"))
    if not os.access(path / "pg_wal", os.R_OK | os.X_OK) or not (path / "PG_VERSION").is_file():
        pytest.skip(f"PostgreSQL's data directory {path} is not on this machine or not readable")
    return path


def connect(**options: Any) -> psycopg.Connection[Any]:
    """A second connection to the test database, outside Django's."""
    db = connection.settings_dict
    params = {"dbname": db["NAME"], "host": db.get("HOST"), "port": db.get("PORT")}
    params |= {"user": db.get("USER"), "password": db.get("PASSWORD")}
    return psycopg.connect(**{k: v for k, v in params.items() if v}, **options)


# --- The forms of a ballot's choices --------------------------------------------------------


def _numeric(value: int) -> bytes:
    """A non-negative integer as PostgreSQL's numeric_in stores it (short format, 4-byte
    varlena header): base-10000 digits, trailing zero digits dropped, the weight in the header."""
    digits = []
    while value:
        value, digit = divmod(value, 10000)
        digits.insert(0, digit)
    weight = len(digits) - 1 if digits else 0
    while digits and digits[-1] == 0:
        digits.pop()
    body = (0x8000 | (weight & 0x3F)).to_bytes(2, "little")
    body += b"".join(d.to_bytes(2, "little") for d in digits)
    return ((4 + len(body)) << 2).to_bytes(4, "little") + body


def jsonb_array(values: Iterable[int]) -> bytes:
    """The jsonb binary form of a list of non-negative integers as it lies in a heap tuple or a
    WAL record, without its varlena header (1 or 4 bytes depending on where it is): the array
    header, one JEntry per element (every 32nd one an offset), then the numerics, each aligned
    to 4 bytes (src/backend/utils/adt/jsonb_util.c, convertJsonbArray)."""
    values = list(values)
    entries, data, total = [], b"", 0
    for i, value in enumerate(values):
        # Offsets in `data` count from the container's start, whose varlena header is 4 bytes
        # while it is built: alignment is relative to that.
        start = 4 + 4 + 4 * len(values) + len(data)
        padding = -start % 4
        number = _numeric(value)
        data += b"\0" * padding + number
        length = padding + len(number)
        total += length
        # JENTRY_ISNUMERIC, with the end offset (JENTRY_HAS_OFF) every 32nd, else the length
        entry = 0x10000000 | (0x80000000 | total if i % 32 == 0 else length)
        entries.append(entry.to_bytes(4, "little"))
    header = (len(values) | 0x40000000).to_bytes(4, "little")
    return header + b"".join(entries) + data


def plain_forms(choices: Iterable[int]) -> list[str]:
    """The text forms a copy of these choices would take: compact JSON (how they are sealed),
    JSON with spaces (how PostgreSQL prints a jsonb, and json.dumps's default)."""
    picked = sorted(choices)
    return [json.dumps(picked, separators=(",", ":")), json.dumps(picked)]


def byte_forms(choices: Iterable[int]) -> dict[str, bytes]:
    """Every form a copy of these choices would take in a file, by name: the text forms, the
    padded plain text that is sealed, and jsonb's binary form."""
    picked = sorted(choices)
    compact, spaced = (form.encode() for form in plain_forms(picked))
    return {
        "compact JSON": compact,
        "JSON": spaced,
        "padded plain text": compact + b" " * (PLAINTEXT_BYTES - len(compact)),
        "jsonb": jsonb_array(picked),
    }


# --- The write-ahead log ----------------------------------------------------------------------


def _lsn(text: str) -> int:
    high, low = text.split("/")
    return (int(high, 16) << 32) + int(low, 16)


def lsn_text(lsn: int) -> str:
    return f"{lsn >> 32:X}/{lsn & 0xFFFFFFFF:X}"


def wal_position() -> int:
    """Where the WAL is written up to now (everything committed before is at or before it)."""
    return _lsn(_one("SELECT pg_current_wal_lsn()::text"))


@contextmanager
def wal_kept() -> Iterator[None]:
    """Keep every WAL segment from now on (a temporary replication slot on a connection of its
    own, gone when it closes), so a checkpoint cannot recycle what a test is about to read; and
    full-page images uncompressed on Django's connection, so they hold the raw bytes."""
    with connect(autocommit=True) as keeper:
        keeper.execute(
            "SELECT pg_create_physical_replication_slot(%s, true, true)",
            [f"ballot_storage_{os.getpid()}"],
        )
        with connection.cursor() as cursor:
            cursor.execute("SET wal_compression = off")
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute("RESET wal_compression")


def wal_bytes(start: int, end: int) -> bytes:
    """The WAL between two positions as read from the files of pg_wal, with the page headers
    taken out so that a record split across two pages reads as one run of bytes."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_switch_wal()")  # everything up to `end` is on disk now
        cursor.execute("SELECT pg_walfile_name(%s::pg_lsn)", [lsn_text(start)])
        timeline = int(cursor.fetchone()[0][:8], 16)
        cursor.execute(
            "SELECT setting::bigint * (CASE unit WHEN 'MB' THEN 1048576 ELSE 1 END) "
            "FROM pg_settings WHERE name = 'wal_segment_size'"
        )
        segment_size = int(cursor.fetchone()[0])
        page_size = int(_one("SHOW wal_block_size"))
    pg_wal = data_directory() / "pg_wal"
    per_id = 0x100000000 // segment_size
    out = bytearray()
    for segment in range(start // segment_size, (end - 1) // segment_size + 1):
        name = f"{timeline:08X}{segment // per_id:08X}{segment % per_id:08X}"
        raw = (pg_wal / name).read_bytes()
        base = segment * segment_size
        for page in range(0, segment_size, page_size):
            header = WAL_LONG_PAGE_HEADER if page == 0 else WAL_PAGE_HEADER
            first, last = max(base + page + header, start), min(base + page + page_size, end)
            if first < last:
                out += raw[first - base : last - base]
    return bytes(out)


def waldump(start: int, end: int) -> str:
    """pg_waldump's listing of the records between two positions (its version is the
    server's); fails the test if it does not run through."""
    version = int(_one("SHOW server_version_num")) // 10000
    candidates = [
        Path(f"/usr/lib/postgresql/{version}/bin/pg_waldump"),
        Path(f"/usr/pgsql-{version}/bin/pg_waldump"),
    ]
    config = shutil.which("pg_config")
    if config:
        bindir = subprocess.run(  # noqa: S603 - a fixed executable, no input
            [config, "--bindir"], capture_output=True, text=True, check=False
        ).stdout.strip()
        candidates.insert(0, Path(bindir) / "pg_waldump")
    found = [str(path) for path in candidates if path.is_file()]
    found += [shutil.which("pg_waldump") or ""]
    executable = next((path for path in found if path), None)
    if executable is None:
        pytest.skip(f"pg_waldump {version} is not installed (it comes with the server)")
    pg_wal = data_directory() / "pg_wal"
    result = subprocess.run(  # noqa: S603 - the server's own tool over its own files
        [executable, "-p", str(pg_wal), "-s", lsn_text(start), "-e", lsn_text(end)],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert result.returncode == 0, f"pg_waldump failed: {result.stderr}"
    return result.stdout


def heap_inserts(listing: str, table: str) -> list[str]:
    """The single-row INSERT records of pg_waldump's listing that write into `table`'s file."""
    database = _one("SELECT oid FROM pg_database WHERE datname = current_database()")
    filenode = _one("SELECT pg_relation_filenode(%s::regclass)", [table])
    record = re.compile(rf"^rmgr: Heap\s.*desc: INSERT\b.*\brel \d+/{database}/{filenode}\b")
    return [line for line in listing.splitlines() if record.search(line)]


# --- Data files -------------------------------------------------------------------------------


def checkpoint() -> None:
    """Write every changed page to the data files."""
    with connection.cursor() as cursor:
        cursor.execute("CHECKPOINT")


def relation_paths(prefix: str) -> dict[str, Path]:
    """The main-fork files (every 1 GB segment) of each relation whose name starts with `prefix`
    (tables, indexes, sequences), with their TOAST tables and TOAST indexes."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            WITH named AS (
                SELECT oid, reltoastrelid FROM pg_class
                WHERE relname LIKE %s AND relnamespace = current_schema()::regnamespace
            ), every AS (
                SELECT oid FROM named
                UNION SELECT reltoastrelid FROM named WHERE reltoastrelid <> 0
                UNION SELECT indexrelid FROM pg_index
                    WHERE indrelid IN (SELECT reltoastrelid FROM named)
            )
            SELECT oid::regclass::text, pg_relation_filepath(oid) FROM every
            WHERE pg_relation_filepath(oid) IS NOT NULL
            """,
            [prefix.replace("_", r"\_") + "%"],
        )
        rows = cursor.fetchall()
    base = data_directory()
    paths = {}
    for name, relative in rows:
        for segment, path in enumerate(segments(base / relative)):
            paths[f"{name}.{segment}" if segment else name] = path
    return paths


def segments(path: Path) -> list[Path]:
    """A relation's main file and its further 1 GB segments (path.1, path.2, ...) that exist."""
    found = [path] if path.exists() else []
    while found and (more := Path(f"{path}.{len(found)}")).exists():
        found.append(more)
    return found


def windows(data: bytes, size: int) -> set[bytes]:
    """Every run of `size` bytes in `data`."""
    return {data[i : i + size] for i in range(len(data) - size + 1)}


@contextmanager
def snapshot_held() -> Iterator[None]:
    """Another connection in a REPEATABLE READ transaction that has read an unrelated table
    (members_user), so it holds a snapshot, and with it back VACUUM, for as long as this lasts
    (it does not lock the ballots' table, so it does not hold up a TRUNCATE)."""
    with connect() as other:
        other.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        other.execute("SELECT count(*) FROM members_user").fetchone()
        holds = _one(
            "SELECT backend_xmin IS NOT NULL FROM pg_stat_activity WHERE pid = %s",
            [other.info.backend_pid],
        )
        assert holds, "the other connection holds no snapshot"
        try:
            yield
        finally:
            other.rollback()
