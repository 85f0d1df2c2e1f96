"""Phone numbers and plates as keyed hashes (members.identifiers)."""

from __future__ import annotations

from typing import Any

from members.identifiers import (
    Use,
    identifier_hash,
    last_digits,
    normalise_phone,
    normalise_plate,
    plate_part_hashes,
)


def test_a_number_typed_either_way_is_the_same_number(settings: Any) -> None:
    settings.PHONE_REGION = "GB"
    assert normalise_phone("07700 900123") == "+447700900123"
    assert normalise_phone("+44 7700-900-123") == "+447700900123"
    assert normalise_phone("not a number") is None
    assert normalise_phone("12") is None
    settings.PHONE_REGION = None
    assert normalise_phone("07700 900123") is None  # no country to read it in
    assert normalise_phone("+447700900123") == "+447700900123"


def test_a_plate_is_letters_and_digits_in_capitals() -> None:
    assert normalise_plate(" kx 12-3a ") == "KX123A"


def test_each_use_hashes_apart_and_the_key_decides(settings: Any) -> None:
    number = "+447700900123"
    assert identifier_hash(Use.ALERT_PHONE, number) != identifier_hash(Use.SMS_STOP, number)
    assert number not in identifier_hash(Use.ALERT_PHONE, number)
    before = identifier_hash(Use.ALERT_PHONE, number)
    settings.IDENTIFIER_HMAC_KEY = "another-key"
    assert identifier_hash(Use.ALERT_PHONE, number) != before
    assert last_digits(number) == "123"


def test_part_of_a_plate_is_found_from_the_whole_plate() -> None:
    reported = identifier_hash(Use.ALERT_PLATE, "123")
    assert reported in plate_part_hashes("KX123A")
    assert identifier_hash(Use.ALERT_PLATE, "12") not in plate_part_hashes("KX123A")  # too short
    assert plate_part_hashes("KX") == []
