"""Backups that keep the database and the keys apart. A backup is one tar file holding the
PostgreSQL dump (pg_dump's custom format) and a key check: for each key, a value that shows
whether the key given at restore is the one the backup was made with, without holding the key.
A restore checks the keys before it writes anything, restores only into an empty database, reads
back every encrypted value, and empties the database again when it cannot."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
import shutil
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from allauth.mfa.models import Authenticator
from cryptography.fernet import InvalidToken, MultiFernet
from django.conf import settings
from django.core.management.base import CommandError
from django.db import connection, models, transaction
from django.db.backends.postgresql.client import DatabaseClient
from django.db.migrations.executor import MigrationExecutor
from django.db.models.functions import Cast
from django.utils import timezone

from members.crypto import field_fernet, mfa_fernet
from members.fields import EncryptedField
from members.keys import encrypted_fields

MANIFEST = "keycheck.json"
DUMP = "database.dump"
FORMAT = 1
# Every key the data depends on; SECRET_KEY is not among them (a new one only signs people out).
KEY_NAMES = ("FIELD_ENCRYPTION_KEYS", "MFA_ENCRYPTION_KEYS", "UIC_HMAC_KEY", "IDENTIFIER_HMAC_KEY")
NOTHING_KEPT = "Nothing was kept: the database is empty again."

# Everything a fresh `createdb` does not hold, with the DROP that removes each (names quoted by
# PostgreSQL itself), in an order that works: tables take their views, identity sequences and
# triggers with them (an identity sequence cannot be dropped on its own).
OBJECTS_SQL = r"""
SELECT 1, 'EXTENSION', quote_ident(extname) FROM pg_extension WHERE extname <> 'plpgsql'
UNION ALL
SELECT 2, 'SCHEMA', quote_ident(nspname) FROM pg_namespace
 WHERE nspname NOT IN ('public', 'information_schema') AND nspname NOT LIKE 'pg\_%'
UNION ALL
SELECT CASE WHEN relkind IN ('r', 'p', 'f') THEN 3 WHEN relkind = 'S' THEN 5 ELSE 4 END,
 CASE relkind WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW' WHEN 'S' THEN 'SEQUENCE'
 WHEN 'f' THEN 'FOREIGN TABLE' ELSE 'TABLE' END, oid::regclass::text
 FROM pg_class WHERE relnamespace = 'public'::regnamespace
 AND relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
UNION ALL
SELECT 6, 'ROUTINE', oid::regprocedure::text FROM pg_proc
 WHERE pronamespace = 'public'::regnamespace
UNION ALL
SELECT 7, 'TYPE', oid::regtype::text FROM pg_type
 WHERE typnamespace = 'public'::regnamespace AND (typtype IN ('e', 'd', 'r')
 OR typrelid IN (SELECT oid FROM pg_class WHERE relkind = 'c'))
ORDER BY 1, 3
"""


class BackupError(CommandError):
    """An expected failure: Django's command runner tells it to the operator in one plain line,
    without a traceback, and exits with status 1."""


@dataclass(frozen=True)
class Restored:
    database: str
    tables: int
    values_read: int
    migrations_due: int


# --- Keys -----------------------------------------------------------------------------------


def _configured(name: str) -> list[str]:
    value = getattr(settings, name)
    return [str(key) for key in value] if isinstance(value, list | tuple) else [str(value)]


def _check_value(key: str, *, name: str, salt: bytes) -> str:
    """scrypt, not a plain hash: a weak key typed by hand is not quickly guessed from a stolen
    backup; the salt is fresh for each backup, so no work done against one serves another."""
    return hashlib.scrypt(key.encode(), salt=salt + name.encode(), n=2**14, r=8, p=1).hex()


def key_checks(salt: bytes) -> dict[str, list[str]]:
    """The check value of every configured key, newest first, under each key's name."""
    return {
        name: [_check_value(key, name=name, salt=salt) for key in _configured(name)]
        for name in KEY_NAMES
    }


def keys_not_matching(manifest: dict[str, Any]) -> list[str]:
    """The names of the keys that differ from those the backup was made with. Of a key list only
    the backup's newest key must be there: values under older keys are proven after the
    restore, by decrypting every one of them."""
    current = key_checks(bytes.fromhex(manifest["salt"]))
    return [
        name
        for name in KEY_NAMES
        if not any(hmac.compare_digest(manifest["keys"][name][0], made) for made in current[name])
    ]


# --- PostgreSQL and its tools ---------------------------------------------------------------


def _require_postgresql() -> None:
    if connection.vendor != "postgresql":
        raise BackupError(
            "Backup and restore need PostgreSQL (DATABASE_URL=postgres://...). This is the local "
            "SQLite database: stop the application and copy the file "
            f"{connection.settings_dict['NAME']} instead."
        )


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(f"{name} is not installed: it comes with PostgreSQL's client tools.")
    return found


def _pg_environment() -> dict[str, str]:
    """Where pg_dump and pg_restore connect: DATABASE_URL's server, with the password in the
    environment rather than on a command line others can see."""
    db = connection.settings_dict
    _, client_env = DatabaseClient.settings_to_cmd_args_env(db, [])
    target = {"PGHOST": db.get("HOST"), "PGPORT": db.get("PORT"), "PGUSER": db.get("USER")}
    target["PGDATABASE"] = db["NAME"]
    return {**os.environ, **(client_env or {}), **{k: str(v) for k, v in target.items() if v}}


def _failed(tool: str, stderr: str) -> BackupError:
    lines = [line for line in stderr.strip().splitlines() if line.strip()]
    return BackupError(f"{tool} failed: {lines[-1] if lines else 'no message'}")


def database_objects() -> list[tuple[str, str]]:
    """What the database holds beyond a fresh `createdb`: (kind, name), in the order to drop."""
    with connection.cursor() as cursor:
        cursor.execute(OBJECTS_SQL)
        return [(kind, name) for _, kind, name in cursor.fetchall()]


def database_clear() -> None:
    """Drop everything a restore made, so the database is as `createdb` left it."""
    with transaction.atomic(), connection.cursor() as cursor:
        for kind, name in database_objects():
            # Kind and name come from PostgreSQL's catalogue, quoted by PostgreSQL.
            cursor.execute(f"DROP {kind} IF EXISTS {name} CASCADE")


# --- Backup ---------------------------------------------------------------------------------


def _manifest() -> dict[str, Any]:
    salt = secrets.token_bytes(16)
    return {
        "format": FORMAT,
        "made_at": timezone.now().isoformat(),
        "database": connection.settings_dict["NAME"],
        "salt": salt.hex(),
        "keys": key_checks(salt),
    }


def _dump(path: Path) -> None:
    command = [_tool("pg_dump"), "--format=custom", f"--file={path}"]
    done = subprocess.run(  # noqa: S603 - a fixed tool and the configured database
        command, env=_pg_environment(), capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise _failed("pg_dump", done.stderr)


def backup_write(*, path: Path) -> int:
    """Write the backup to `path` whole or not at all (an interrupted one leaves no file that
    looks like a backup); never over an existing file. Returns its size in bytes."""
    _require_postgresql()
    if path.exists():
        raise BackupError(f"{path} already exists: name a new file, e.g. with today's date.")
    if not path.parent.is_dir():
        raise BackupError(f"The folder {path.parent} does not exist.")
    with tempfile.TemporaryDirectory(dir=path.parent, prefix=".backup-") as folder:
        work = Path(folder)  # readable by this user only, like the finished file
        _dump(work / DUMP)
        (work / MANIFEST).write_text(json.dumps(_manifest(), indent=2), encoding="utf-8")
        with tarfile.open(work / "backup.tar", "w") as archive:
            # The key check first, so a restore reads it before the dump.
            archive.add(work / MANIFEST, arcname=MANIFEST)
            archive.add(work / DUMP, arcname=DUMP)
        (work / "backup.tar").chmod(0o600)
        os.replace(work / "backup.tar", path)
    return path.stat().st_size


# --- Restore --------------------------------------------------------------------------------


def _contents(archive: tarfile.TarFile, path: Path) -> tuple[dict[str, Any], IO[bytes]]:
    """The backup's key check, checked for shape, and a stream of its dump."""
    not_a_backup = BackupError(f"{path} is not a backup made by `python manage.py backup`.")
    try:
        manifest_file, dump = archive.extractfile(MANIFEST), archive.extractfile(DUMP)
        if manifest_file is None or dump is None:
            raise not_a_backup
        manifest = json.loads(manifest_file.read())
        bytes.fromhex(manifest["salt"])
        checks = manifest["keys"]
    except (tarfile.TarError, KeyError, TypeError, ValueError) as exc:
        raise not_a_backup from exc
    if manifest.get("format") != FORMAT or set(checks) != set(KEY_NAMES):
        raise not_a_backup
    if not all(isinstance(made, list) and made for made in checks.values()):
        raise not_a_backup
    return manifest, dump


@contextmanager
def _opened(path: Path) -> Iterator[tuple[dict[str, Any], IO[bytes]]]:
    try:
        archive = tarfile.open(path, "r:")  # noqa: SIM115 - closed by the `with` below
    except FileNotFoundError as exc:
        raise BackupError(f"{path} does not exist.") from exc
    except (tarfile.TarError, OSError) as exc:
        raise BackupError(f"{path} is not a backup made by `python manage.py backup`.") from exc
    with archive:
        yield _contents(archive, path)


def _pg_restore(dump: IO[bytes]) -> None:
    """One transaction: a restore that fails half-way leaves nothing behind. Objects belong to
    DATABASE_URL's user, whoever owned them where the backup was made."""
    command = [_tool("pg_restore"), "--single-transaction", "--no-owner", "--no-privileges"]
    command.append(f"--dbname={connection.settings_dict['NAME']}")
    with tempfile.TemporaryFile() as errors:
        process = subprocess.Popen(  # noqa: S603 - a fixed tool and the configured database
            command, stdin=subprocess.PIPE, stderr=errors, env=_pg_environment()
        )
        assert process.stdin is not None  # noqa: S101 - Popen's contract with stdin=PIPE
        try:
            shutil.copyfileobj(dump, process.stdin)
            process.stdin.close()
        except BrokenPipeError:
            pass  # pg_restore stopped early; its own message says why
        if process.wait() != 0:
            errors.seek(0)
            raise _failed("pg_restore", errors.read().decode(errors="replace"))


def _columns() -> dict[str, set[str]]:
    """The restored tables and their columns: a backup of an older version lacks what later
    migrations add, and those columns hold nothing to read yet."""
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
        return {
            table: {c.name for c in connection.introspection.get_table_description(cursor, table)}
            for table in tables
        }


def _read_all(name: str, label: str, keys: MultiFernet, tokens: Iterator[Any]) -> int:
    read = 0
    for pk, token in tokens:
        try:
            keys.decrypt(token.encode())
        except InvalidToken as exc:
            raise BackupError(
                f"{name} cannot decrypt {label} of #{pk}: it lacks a key this backup needs. Set "
                f"the {name} kept for this backup and run restore again."
            ) from exc
        read += 1
    return read


def _read_column(model: type[models.Model], field: EncryptedField) -> int:
    rows = model._base_manager.filter(**{f"{field.attname}__isnull": False})
    # Cast to text reads the stored token itself, so a bad one is named, not raised mid-query.
    tokens = rows.values_list("pk", Cast(field.attname, models.TextField())).iterator(2000)
    label = f"{model._meta.label}.{field.name}"
    return _read_all("FIELD_ENCRYPTION_KEYS", label, field_fernet(), tokens)


def _mfa_tokens() -> Iterator[tuple[int, str]]:
    """allauth's encrypted values: TOTP secrets, recovery-code seeds and migrated codes."""
    for pk, data in Authenticator.objects.values_list("pk", "data").iterator(2000):
        values = [data.get("secret"), data.get("seed"), *data.get("migrated_codes", [])]
        yield from ((pk, value) for value in values if value)


def _read_everything(columns: dict[str, set[str]]) -> int:
    """Decrypt every encrypted value the restore brought; the number read."""
    read = sum(
        _read_column(model, field)
        for model, field in encrypted_fields()
        if field.column in columns.get(model._meta.db_table, set())
    )
    if Authenticator._meta.db_table in columns:
        read += _read_all("MFA_ENCRYPTION_KEYS", "a two-factor secret", mfa_fernet(), _mfa_tokens())
    return read


def _migrations_due() -> int:
    executor = MigrationExecutor(connection)
    return len(executor.migration_plan(executor.loader.graph.leaf_nodes()))


def _wrong_keys(wrong: list[str]) -> str:
    if len(wrong) == 1:
        return f"Wrong key for this backup: {wrong[0]} is not the one it was made with."
    names = f"{', '.join(wrong[:-1])} and {wrong[-1]}"
    return f"Wrong keys for this backup: {names} are not the ones it was made with."


def _check_ready(manifest: dict[str, Any]) -> None:
    """Before anything is written: the keys are the backup's and the database is empty."""
    wrong = keys_not_matching(manifest)
    if wrong:
        raise BackupError(
            f"{_wrong_keys(wrong)} Set the keys kept for this backup and run restore again; "
            "nothing was restored."
        )
    found = database_objects()
    if found:
        raise BackupError(
            f"The database {connection.settings_dict['NAME']} is not empty (it holds "
            f"{len(found)} objects, e.g. {found[0][1]}): restore only into a new, empty "
            "database; nothing was restored."
        )


def _restore_and_read(dump: IO[bytes]) -> tuple[int, int]:
    """The tables restored and the values read back; on any failure the database is emptied
    again, so a restore never leaves half a database or one it cannot read."""
    try:
        _pg_restore(dump)
        columns = _columns()
        return len(columns), _read_everything(columns)
    except BaseException as exc:
        # A fresh session: no cursor of the check may hold a table the drop needs.
        connection.close()
        database_clear()
        if isinstance(exc, BackupError):
            raise BackupError(f"{exc} {NOTHING_KEPT}") from exc
        raise


def backup_restore(*, path: Path) -> Restored:
    """Restore the backup at `path` into DATABASE_URL's empty database and read it back."""
    _require_postgresql()
    with _opened(path) as (manifest, dump):
        _check_ready(manifest)
        tables, read = _restore_and_read(dump)
    return Restored(connection.settings_dict["NAME"], tables, read, _migrations_due())
