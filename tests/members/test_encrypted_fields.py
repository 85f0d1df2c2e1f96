"""The encrypted fields: every value comes back exactly as it went in, the column holds only a
token, old keys keep working until rotate_field_keys has moved everything to the newest one, and
a filter that could only match nothing is refused."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from io import StringIO
from typing import Any

import pytest
from cryptography.fernet import Fernet, InvalidToken
from django.core.exceptions import FieldError, ValidationError
from django.core.management import call_command
from django.db import connection
from hypothesis import HealthCheck, example, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from members.fields import (
    EncryptedBooleanField,
    EncryptedCharField,
    EncryptedField,
    EncryptedIntegerField,
    EncryptedTextField,
)
from members.keys import rotate_field_keys
from members.models import Person

# Any Python string, lone surrogates and NUL included: the database only ever sees the token,
# which is ASCII, so even what a PostgreSQL text column refuses ("\x00") is fine here.
ANY_TEXT = st.text(alphabet=st.characters(exclude_categories=()))
MAYBE_TEXT = st.none() | ANY_TEXT

PURE = hypothesis_settings(max_examples=1000, deadline=None, database=None)
# One row written and read per example: fewer examples keep the PostgreSQL run short.
THROUGH_DB = hypothesis_settings(
    max_examples=200,
    deadline=None,
    database=None,
    # The database fixture is shared by all examples on purpose: each example uses its own row.
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)

TOKEN_PREFIX = "gAAAAA"  # version byte and timestamp of every Fernet token, in base64


def round_trip(field: EncryptedField, value: Any) -> Any:
    return field.from_db_value(field.get_prep_value(value), None, connection)


def stored_columns(person: Person) -> tuple[str | None, str | None, str | None]:
    """What a database dump would show: the raw column values, not decrypted."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT phone, email, notes FROM members_person WHERE id = %s", [person.pk])
        return cursor.fetchone()


@pytest.fixture
def text_column(db: None) -> Iterator[Callable[[str | None], str | None]]:
    """Stores a token in a real text column and reads it back: the integer and boolean fields
    have no model, so their tokens take this trip instead."""
    column_type = EncryptedField().db_type(connection)
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TEMPORARY TABLE encrypted_round_trip (value {column_type} NULL)")

    def store_and_read(token: str | None) -> str | None:
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM encrypted_round_trip")
            cursor.execute("INSERT INTO encrypted_round_trip (value) VALUES (%s)", [token])
            cursor.execute("SELECT value FROM encrypted_round_trip")
            return cursor.fetchone()[0]

    yield store_and_read
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE encrypted_round_trip")


# --- Round trips -------------------------------------------------------------------------------


@pytest.mark.parametrize("field_class", [EncryptedCharField, EncryptedTextField])
@PURE
@given(value=MAYBE_TEXT)
@example(value=None)
@example(value="")
@example(value="\x00\ud800 é 😀")
def test_text_comes_back_exactly(field_class: type[EncryptedField], value: str | None) -> None:
    assert round_trip(field_class(null=True), value) == value


@PURE
@given(value=st.none() | st.integers())
@example(value=None)
@example(value=0)
@example(value=-(2**80))
def test_integers_come_back_exactly(value: int | None) -> None:
    result = round_trip(EncryptedIntegerField(null=True), value)
    assert result == value
    assert type(result) is type(value)


@PURE
@given(value=st.none() | st.booleans())
@example(value=False)
def test_booleans_come_back_exactly(value: bool | None) -> None:
    # `is`, not `==`: False must not come back as None or 0.
    assert round_trip(EncryptedBooleanField(null=True), value) is value


@THROUGH_DB
@given(number=st.none() | st.integers(), flag=st.none() | st.booleans())
@example(number=0, flag=False)
def test_integers_and_booleans_survive_a_text_column(
    text_column: Callable[[str | None], str | None], number: int | None, flag: bool | None
) -> None:
    for field, value in (
        (EncryptedIntegerField(null=True), number),
        (EncryptedBooleanField(null=True), flag),
    ):
        token = text_column(field.get_prep_value(value))
        assert (token is None) == (value is None)
        assert field.from_db_value(token, None, connection) == value
        assert type(field.from_db_value(token, None, connection)) is type(value)


@pytest.mark.django_db
@THROUGH_DB
@given(phone=MAYBE_TEXT, email=MAYBE_TEXT, notes=MAYBE_TEXT)
@example(phone="", email=None, notes="")
def test_contact_details_survive_the_database(
    phone: str | None, email: str | None, notes: str | None
) -> None:
    person = Person.objects.create(uic_hash="0" * 64, phone=phone, email=email, notes=notes)
    fresh = Person.objects.get(pk=person.pk)
    assert (fresh.phone, fresh.email, fresh.notes) == (phone, email, notes)
    for value, stored in zip((phone, email, notes), stored_columns(person), strict=True):
        # Only a missing value is NULL; "" is a token like any other.
        assert (stored is None) == (value is None)
        assert stored is None or stored.startswith(TOKEN_PREFIX)


@pytest.mark.django_db
def test_empty_text_is_not_stored_as_null() -> None:
    person = Person.objects.create(uic_hash="0" * 64, phone="", notes=None)
    assert Person.objects.filter(pk=person.pk, phone__isnull=False, notes__isnull=True).exists()
    assert Person.objects.get(pk=person.pk).phone == ""


@pytest.mark.django_db
def test_the_column_never_holds_the_plain_text() -> None:
    person = Person.objects.create(
        uic_hash="0" * 64,
        phone="+10000000099",
        email="plain-email-4b1c@example.org",
        notes="plain-note-about-9d2e",
    )
    stored = stored_columns(person)
    for plain, raw in zip(
        ("+10000000099", "plain-email-4b1c@example.org", "plain-note-about-9d2e"),
        stored,
        strict=True,
    ):
        assert raw.startswith(TOKEN_PREFIX)
        assert plain not in raw
        assert "10000000099" not in raw and "4b1c" not in raw and "9d2e" not in raw
    # Tokens differ on every save, so equal values cannot be spotted in a dump either.
    again = Person.objects.create(uic_hash="0" * 64, phone="+10000000099")
    assert stored_columns(again)[0] != stored[0]


# --- Keys ---------------------------------------------------------------------------------------


@pytest.fixture
def old_key(settings: Any) -> str:
    key = Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [key]
    return key


@pytest.fixture
def new_key() -> str:
    return Fernet.generate_key().decode()


@pytest.mark.django_db
def test_a_value_under_an_old_key_still_reads_after_a_new_key_is_put_first(
    settings: Any, old_key: str, new_key: str
) -> None:
    person = Person.objects.create(uic_hash="0" * 64, phone="+10000000001", notes="")
    settings.FIELD_ENCRYPTION_KEYS = [new_key, old_key]
    fresh = Person.objects.get(pk=person.pk)
    assert (fresh.phone, fresh.notes) == ("+10000000001", "")
    # New writes use the new key at once.
    fresh.email = "someone@example.org"
    fresh.save()
    Fernet(new_key.encode()).decrypt(stored_columns(person)[1].encode())


@pytest.mark.django_db
def test_without_the_old_key_an_unrotated_value_fails_loudly(
    settings: Any, old_key: str, new_key: str
) -> None:
    person = Person.objects.create(uic_hash="0" * 64, phone="+10000000002")
    settings.FIELD_ENCRYPTION_KEYS = [new_key]
    with pytest.raises(ValidationError):
        Person.objects.get(pk=person.pk)


@pytest.mark.django_db
def test_after_rotation_every_row_reads_with_only_the_newest_key(
    settings: Any, old_key: str, new_key: str
) -> None:
    values = [
        ("+10000000003", "a@example.org", "first"),
        ("", None, ""),
        (None, None, None),
        ("+10000000004", None, "ünïcødé 😀"),
    ]
    people = [
        Person.objects.create(uic_hash="0" * 64, phone=p, email=e, notes=n) for p, e, n in values
    ]
    settings.FIELD_ENCRYPTION_KEYS = [new_key, old_key]
    # One written under the new key already: it is left alone.
    Person.objects.create(uic_hash="0" * 64, phone="+10000000005")
    not_null = sum(v is not None for row in values for v in row)

    assert rotate_field_keys() == not_null
    assert rotate_field_keys() == 0  # safe to run twice

    settings.FIELD_ENCRYPTION_KEYS = [new_key]
    for person, row in zip(people, values, strict=True):
        fresh = Person.objects.get(pk=person.pk)
        assert (fresh.phone, fresh.email, fresh.notes) == row
        for raw in stored_columns(person):
            if raw is not None:
                Fernet(new_key.encode()).decrypt(raw.encode())
                with pytest.raises(InvalidToken):
                    Fernet(old_key.encode()).decrypt(raw.encode())


@pytest.mark.django_db
def test_the_command_prints_how_many_values_it_rotated(
    settings: Any, old_key: str, new_key: str
) -> None:
    Person.objects.create(uic_hash="0" * 64, phone="+10000000006", notes="x")
    settings.FIELD_ENCRYPTION_KEYS = [new_key, old_key]
    out = StringIO()
    call_command("rotate_field_keys", stdout=out)
    assert "Rotated 2 value(s)" in out.getvalue()
    out = StringIO()
    call_command("rotate_field_keys", stdout=out)
    assert "Rotated 0 value(s)" in out.getvalue()


# --- Lookups ------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "lookup",
    [
        {"phone": "+10000000007"},
        {"phone__in": ["+10000000007"]},
        {"email__iexact": "a@example.org"},
        {"notes__icontains": "first"},
        {"phone__startswith": "+1"},
        {"phone__gt": ""},
    ],
)
def test_filtering_on_an_encrypted_field_is_refused(lookup: dict[str, Any]) -> None:
    # A fresh token never equals the stored one: such a filter would silently match nothing.
    Person.objects.create(uic_hash="0" * 64, phone="+10000000007")
    with pytest.raises(FieldError):
        list(Person.objects.filter(**lookup))
    with pytest.raises(FieldError):
        list(Person.objects.exclude(**lookup))


@pytest.mark.django_db
def test_only_is_null_may_be_filtered_on() -> None:
    with_phone = Person.objects.create(uic_hash="0" * 64, phone="+10000000008")
    without = Person.objects.create(uic_hash="0" * 64)
    assert list(Person.objects.filter(phone__isnull=False)) == [with_phone]
    assert list(Person.objects.filter(phone__isnull=True)) == [without]


@pytest.mark.parametrize("blank", ["", None])
def test_a_boolean_left_blank_is_stored_as_null(blank: str | None) -> None:
    # A blank form value means "not given": it must be NULL, or `isnull=True` would miss it.
    assert EncryptedBooleanField(null=True).get_prep_value(blank) is None


def test_empty_text_zero_and_false_are_stored_as_tokens() -> None:
    for field, value in (
        (EncryptedCharField(null=True), ""),
        (EncryptedIntegerField(null=True), 0),
        (EncryptedBooleanField(null=True), False),
    ):
        assert field.get_prep_value(value).startswith(TOKEN_PREFIX)
