"""Phone numbers and vehicle plates, kept only as keyed hashes under IDENTIFIER_HMAC_KEY (a key
of its own, apart from people's codes): a stolen database cannot be searched by trying numbers.
Each kind of use hashes under its own label, so a number on the text-message stop list cannot be
matched against the numbers in safety alerts."""

from __future__ import annotations

import re
from enum import Enum

import phonenumbers
from django.conf import settings

from members.crypto import keyed_hash

# A part of a plate shorter than this would match too many cars to mean anything.
PLATE_PART_MIN = 3
PLATE_MAX = 10


class Use(Enum):
    ALERT_PHONE = "alert-phone"
    ALERT_PLATE = "alert-plate"
    SMS_STOP = "sms-stop"


def normalise_phone(raw: str) -> str | None:
    """The number in E.164 (+254700000000), or None when it is not a possible number. Without a
    +country code it is read as a number of PHONE_REGION."""
    try:
        number = phonenumbers.parse(raw, settings.PHONE_REGION)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def normalise_plate(raw: str) -> str:
    """Letters and digits only, upper case: "kx 12-3" and "KX123" are the same plate."""
    return re.sub(r"[^0-9A-Z]", "", raw.upper())[:PLATE_MAX]


def identifier_hash(use: Use, normalised: str) -> str:
    return keyed_hash(f"{use.value}:{normalised}", key=settings.IDENTIFIER_HMAC_KEY)


def last_digits(normalised: str, count: int = 3) -> str:
    """What may be shown of a number or plate: its last few characters."""
    return normalised[-count:]


def plate_part_hashes(plate: str) -> list[str]:
    """The hashes of every run of PLATE_PART_MIN or more characters of a normalised plate, so a
    report of part of a plate is found from the whole plate (or a longer part) typed later."""
    parts = {
        plate[start:end]
        for start in range(len(plate))
        for end in range(start + PLATE_PART_MIN, len(plate) + 1)
    }
    return sorted(identifier_hash(Use.ALERT_PLATE, part) for part in parts)
