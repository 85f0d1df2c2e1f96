"""Issue 20: `manage.py backup` and `restore`, run as an operator runs them, in processes of
their own. A database with people, contacts, encrypted fields, a second factor and a counted
round comes back in a new, empty database with every row and every decrypted value equal; with
other keys, or a key missing, the restore says so in one plain line naming the key and leaves
the new database empty; a database that is not empty is refused."""

from __future__ import annotations

import shutil
import subprocess
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

import psycopg
import pytest
from allauth.mfa.models import Authenticator
from cryptography.fernet import Fernet
from django.conf import settings
from django.db import connection
from django.utils import timezone
from psycopg import sql

from members.backup import KEY_NAMES
from members.crypto import mfa_fernet
from members.keys import encrypted_fields
from members.models import Hotspot, User
from outreach import services
from outreach.models import Partner
from programmes.models import CountedBallot
from tests.config.test_required_settings import fresh_keys, run
from tests.conftest import make_contact, make_person
from tests.programmes.round_helpers import count, make_round, open_with_votes

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql" or shutil.which("pg_dump") is None,
    reason="needs PostgreSQL and its client tools (set DATABASE_URL)",
)


# --- Databases, keys and commands -----------------------------------------------------------


def database_url(name: str) -> str:
    """DATABASE_URL for another database on the test database's server."""
    db = connection.settings_dict
    login = quote(db.get("USER") or "", safe="")
    if db.get("PASSWORD"):
        login += ":" + quote(db["PASSWORD"], safe="")
    return f"postgres://{login}@{db.get('HOST') or 'localhost'}:{db.get('PORT') or 5432}/{name}"


def connect(name: str) -> psycopg.Connection[Any]:
    return psycopg.connect(database_url(name))


@contextmanager
def fresh_database(prefix: str = "restore") -> Iterator[str]:
    """A new, empty database on the same server, dropped afterwards whatever happens."""
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    with connect("postgres") as server:
        server.autocommit = True
        server.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield name
    finally:
        with connect("postgres") as server:
            server.autocommit = True
            drop = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)")
            server.execute(drop.format(sql.Identifier(name)))


def these_keys(**other: str) -> dict[str, str]:
    """The keys this test process encrypts with, as environment variables."""
    keys = {"SECRET_KEY": settings.SECRET_KEY}
    for name in KEY_NAMES:
        value = getattr(settings, name)
        keys[name] = ",".join(value) if isinstance(value, list) else value
    return keys | other


def manage(*args: str, database: str, keys: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return run(*args, env={"DATABASE_URL": database_url(database), **keys})


def one_line(result: subprocess.CompletedProcess[str]) -> str:
    """A failed command's whole message, which must be one line and no traceback."""
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


# --- What the databases hold ----------------------------------------------------------------


def table_rows(name: str) -> dict[str, list[str]]:
    """Every row of every table, as PostgreSQL writes the row as text, sorted."""
    with connect(name) as db:
        tables = [
            r[0] for r in db.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        ]
        return {
            table: sorted(
                row[0]
                for row in db.execute(
                    sql.SQL("SELECT t::text FROM public.{} AS t").format(sql.Identifier(table))
                )
            )
            for table in tables
        }


def schema_facts(name: str) -> dict[str, Any]:
    """Where the sequences stand and which triggers guard the tables (the append-only ones)."""
    with connect(name) as db:
        sequences = db.execute("SELECT sequencename, last_value FROM pg_sequences").fetchall()
        triggers = db.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal").fetchall()
    return {"sequences": sorted(sequences), "triggers": sorted(triggers)}


def value(name: str, query: str) -> Any:
    """The one value `query` finds in database `name`."""
    with connect(name) as db:
        row = db.execute(query).fetchone()
    assert row is not None
    return row[0]


def public_relations(name: str) -> int:
    """Tables, sequences and views the database holds: none in a new one."""
    return int(
        value(name, "SELECT count(*) FROM pg_class WHERE relnamespace = 'public'::regnamespace")
    )


def decrypted_in_this_database() -> dict[str, dict[Any, Any]]:
    return {
        f"{model._meta.label}.{field.name}": dict(
            model._base_manager.exclude(**{f"{field.attname}__isnull": True}).values_list(
                "pk", field.attname
            )
        )
        for model, field in encrypted_fields()
    }


def decrypted_in(name: str) -> dict[str, dict[Any, Any]]:
    """Every encrypted value of database `name`, decrypted by the field itself."""
    values = {}
    with connect(name) as db:
        for model, field in encrypted_fields():
            query = sql.SQL("SELECT {}, {} FROM {} WHERE {} IS NOT NULL").format(
                sql.Identifier(model._meta.pk.column),
                sql.Identifier(field.column),
                sql.Identifier(model._meta.db_table),
                sql.Identifier(field.column),
            )
            values[f"{model._meta.label}.{field.name}"] = {
                pk: field.from_db_value(token, None, connection) for pk, token in db.execute(query)
            }
    return values


def totp_secret(name: str) -> str:
    token = value(name, "SELECT data->>'secret' FROM mfa_authenticator WHERE type = 'totp'")
    return mfa_fernet().decrypt(token.encode()).decode()


# --- The community to back up ---------------------------------------------------------------


def fill(hotspot: Hotspot, worker: User, coordinator: User, partner: Partner) -> None:
    """People with contact details and notes (empty ones too, which must come back empty, not
    missing), contacts, a referral with its outcome and a counted priority round."""
    hotspot.safety_notes = "Use the back door after ten."
    hotspot.save()
    fern = make_person(
        hotspot, "FEFE0191", nickname="Fern", phone="+447700900001", email="fern@example.org"
    )
    make_person(hotspot, "MOMO0292", nickname="Moss", phone="", email="", notes="")
    make_person(hotspot, "IVIV0393", nickname="Ivy", notes="Prefers evening visits.")
    today = timezone.localdate()
    contact = make_contact(fern, worker, male_condoms=20, needs_raised="A safe place to sleep.")
    make_contact(fern, worker, contacted_on=today - timedelta(days=30))
    # Through the services, so the append-only access log has rows to carry over too.
    referral = services.referral_make(
        actor=worker, person=fern, partner=partner, service="hiv_test", contact=contact
    )
    services.referral_mark_attended(actor=worker, referral=referral, attended_on=today)
    services.referral_record_outcome(
        actor=worker,
        referral=referral,
        outcome="Negative; retest in three months.",
        outcome_on=today,
    )
    round_ = make_round(coordinator)
    open_with_votes(round_, [[0], [1, 2], [3], [0, 3], [2]])
    count(round_)


@pytest.fixture
def backup(
    tmp_path: Path, hotspot: Hotspot, outreach_worker: User, coordinator: User, partner: Partner
) -> Path:
    """A backup of the test database holding the community above."""
    fill(hotspot, outreach_worker, coordinator, partner)
    path = tmp_path / "outreach.backup"
    made = manage("backup", str(path), database=connection.settings_dict["NAME"], keys=these_keys())
    assert made.returncode == 0, made.stderr
    assert "The keys are not in it" in made.stdout
    return path


# --- The proofs -----------------------------------------------------------------------------


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_a_backup_holds_no_key(backup: Path) -> None:
    held = backup.read_bytes()
    keys = [key for name in KEY_NAMES for key in these_keys()[name].split(",")]
    assert all(key.encode() not in held for key in keys)
    assert oct(backup.stat().st_mode & 0o777) == "0o600"


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_a_restore_brings_back_every_row_and_every_decrypted_value(backup: Path) -> None:
    source = connection.settings_dict["NAME"]
    assert CountedBallot.objects.count() == 5 and Authenticator.objects.exists()
    with fresh_database() as target:
        restored = manage("restore", str(backup), database=target, keys=these_keys())
        assert restored.returncode == 0, restored.stderr
        assert restored.stdout.strip().endswith("Done.")
        assert "migrate" not in restored.stdout  # the backup is of this version

        assert table_rows(target) == table_rows(source)
        assert schema_facts(target) == schema_facts(source)
        values = decrypted_in(target)
        assert values == decrypted_in_this_database()
        assert "+447700900001" in values["members.Person.phone"].values()
        assert "" in values["members.Person.notes"].values()  # empty stays empty, not missing
        assert "Negative; retest in three months." in values["outreach.Referral.outcome"].values()
        assert totp_secret(target) == totp_secret(source)


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_other_keys_are_named_in_one_line_and_the_target_stays_empty(backup: Path) -> None:
    with fresh_database() as target:
        refused = manage("restore", str(backup), database=target, keys=fresh_keys())
        assert one_line(refused) == (
            "BackupError: Wrong keys for this backup: FIELD_ENCRYPTION_KEYS, MFA_ENCRYPTION_KEYS, "
            "UIC_HMAC_KEY and IDENTIFIER_HMAC_KEY are not the ones it was made with. Set the keys "
            "kept for this backup and run restore again; nothing was restored."
        )
        assert public_relations(target) == 0
        other = fresh_keys()
        for name in KEY_NAMES:
            refused = manage(
                "restore", str(backup), database=target, keys=these_keys(**{name: other[name]})
            )
            assert f"Wrong key for this backup: {name} is not the one" in one_line(refused)
            assert public_relations(target) == 0


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_a_value_under_a_key_left_out_fails_the_check_and_the_target_is_emptied_again(
    tmp_path: Path, hotspot: Hotspot, settings: Any
) -> None:
    """The key check passes (the newest key is given) but a value written before a rotation
    that was never finished is under an older key nobody gave: the restore reads it back, fails
    and drops what it restored."""
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [old]
    person = make_person(hotspot, "OLOL0101", nickname="Old", phone="+447700900002")
    settings.FIELD_ENCRYPTION_KEYS = [new, old]
    make_person(hotspot, "NENE0202", nickname="New", phone="+447700900003")
    path = tmp_path / "rotating.backup"
    keys = these_keys(FIELD_ENCRYPTION_KEYS=f"{new},{old}")
    assert (
        manage("backup", str(path), database=connection.settings_dict["NAME"], keys=keys).returncode
        == 0
    )
    with fresh_database() as target:
        refused = manage(
            "restore", str(path), database=target, keys=these_keys(FIELD_ENCRYPTION_KEYS=new)
        )
        assert one_line(refused) == (
            f"BackupError: FIELD_ENCRYPTION_KEYS cannot decrypt members.Person.phone of "
            f"#{person.pk}: it lacks a key this backup needs. Set the FIELD_ENCRYPTION_KEYS kept "
            "for this backup and run restore again. Nothing was kept: the database is empty again."
        )
        assert public_relations(target) == 0
        routines = "SELECT count(*) FROM pg_proc WHERE pronamespace = 'public'::regnamespace"
        assert value(target, routines) == 0


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_a_database_that_is_not_empty_is_refused_and_left_as_it_was(backup: Path) -> None:
    source = connection.settings_dict["NAME"]
    before = table_rows(source)
    refused = manage("restore", str(backup), database=source, keys=these_keys())
    assert f"The database {source} is not empty" in one_line(refused)
    assert table_rows(source) == before


def test_on_sqlite_backup_says_it_needs_postgresql(tmp_path: Path) -> None:
    keys = these_keys()
    refused = run(
        "backup",
        str(tmp_path / "local.backup"),
        env={"DATABASE_URL": f"sqlite:///{tmp_path / 'local.sqlite3'}", **keys},
    )
    assert one_line(refused).startswith(
        "BackupError: Backup and restore need PostgreSQL (DATABASE_URL=postgres://...)."
    )
    assert not (tmp_path / "local.backup").exists()
