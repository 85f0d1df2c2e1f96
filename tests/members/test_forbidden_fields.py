"""Privacy rule 1 as a test: no model of ours may hold a legal name, an address, a date of birth,
an ID or passport number, a photo or a precise location. A new field whose name suggests one fails
here; if it truly is something else (a picture of a ballot option, say), allow that one field
below with the reason."""

from __future__ import annotations

import re

import pytest
from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import connection

from members.models import User

OUR_APPS = ["members", "outreach", "programmes", "monitoring"]

# Matched against snake_case names; `(^|_)` and `(_|$)` keep short words from matching inside
# longer ones ("lat" in "translated", "dob" in "adobe"). An e-mail address is a contact detail
# (rule 2, encrypted), not a postal one.
FORBIDDEN = re.compile(
    r"""
      first_?name | last_?name | surname | legal_?name | full_?name | given_?name
    | family_?name | maiden | real_?name
    | (?<!mail)(?<!mail_)address | street | postcode | post_code | postal | (^|_)zip(_?code)?(_|$)
    | birth | (^|_)dob(_|$) | (^|_)age_?years(_|$)
    | national_?id | id_?number | id_?card | identity_?(number|card|document) | passport
    | (^|_)ssn(_|$) | (^|_)nid(_|$) | licen[cs]e_?number
    | photo | picture | image | avatar | selfie | portrait
    | latitude | longitude | (^|_)(lat|lng|lon)(_|$) | gps | geoloc | coordinates | (^|_)geo(_|$)
    """,
    re.VERBOSE,
)

# (model label, field name): why it is not about a person. Empty until a real case comes up.
ALLOWED: dict[tuple[str, str], str] = {}


def our_models() -> list[type]:
    return [model for label in OUR_APPS for model in apps.get_app_config(label).get_models()]


def forbidden(label: str, name: str) -> bool:
    return bool(FORBIDDEN.search(name.lower())) and (label, name) not in ALLOWED


@pytest.mark.parametrize(
    "name",
    [
        "first_name",
        "lastName",
        "legal_name",
        "home_address",
        "ip_address",
        "zip",
        "postcode",
        "date_of_birth",
        "dob",
        "birth_year",
        "national_id",
        "passport_no",
        "photo",
        "profile_picture",
        "avatar",
        "lat",
        "lng",
        "gps_fix",
        "geolocation",
        "coordinates",
    ],
)
def test_the_pattern_catches_identifying_names(name: str) -> None:
    assert FORBIDDEN.search(name.lower())


@pytest.mark.parametrize(
    "name",
    [
        "nickname",
        "name",
        "area",
        "email",
        "email_address",
        "gender_identity",
        "translated",
        "age_band",
        "hotspot",
    ],
)
def test_the_pattern_leaves_harmless_names_alone(name: str) -> None:
    assert not FORBIDDEN.search(name.lower())


def test_no_model_of_ours_has_an_identifying_field() -> None:
    found = [
        f"{model._meta.label}.{field.name}"
        for model in our_models()
        # Forward fields only: a reverse relation belongs to the other model (allauth's
        # "emailaddress" on User), which is checked there if it is ours.
        for field in model._meta.get_fields()
        if field.concrete or not field.auto_created
        if forbidden(model._meta.label, field.name)
        or forbidden(model._meta.label, getattr(field, "column", None) or "")
    ]
    assert found == []


def test_the_user_model_has_no_name_fields() -> None:
    for name in ("first_name", "last_name"):
        with pytest.raises(FieldDoesNotExist):
            User._meta.get_field(name)


@pytest.mark.django_db
def test_no_table_of_ours_has_an_identifying_column() -> None:
    """The tables as migrated, so a column added by raw SQL or a stray migration is caught too."""
    prefixes = tuple(f"{label}_" for label in OUR_APPS)
    with connection.cursor() as cursor:
        tables = [t for t in connection.introspection.table_names(cursor) if t.startswith(prefixes)]
        found = [
            f"{table}.{column.name}"
            for table in tables
            for column in connection.introspection.get_table_description(cursor, table)
            if FORBIDDEN.search(column.name.lower())
        ]
    assert "members_user" in tables
    assert found == []
