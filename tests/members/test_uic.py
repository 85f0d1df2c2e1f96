"""The pseudonymous code: the same person gives the same code to any outreach worker however it is
typed, and only a keyed hash of it is ever kept."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest

from members.forms import CodeForm
from members.uic import PARTS, build_code, normalise_part, uic_hash

SAME_PERSON_TYPED_TWICE = (
    {"mother": "  má ", "father": "Fé", "birth_order": "7", "birth_year": "1995"},
    {"mother": "MA", "father": "fe", "birth_order": "07", "birth_year": "95"},
)


@pytest.mark.parametrize("raw", ["  má ", "MA", "ma", "Ma", "m a", "Mà", "MÂ"])
def test_case_accents_and_spaces_do_not_matter(raw: str) -> None:
    assert normalise_part(PARTS["mother"], raw) == "MA"


def test_only_the_first_two_letters_count() -> None:
    assert normalise_part(PARTS["father"], "Frédéric") == "FR"


@pytest.mark.parametrize(
    ("part", "raw", "expected"),
    [
        ("birth_order", "7", "07"),
        ("birth_order", "07", "07"),
        ("birth_order", " 12 ", "12"),
        ("birth_year", "1995", "95"),
        ("birth_year", "95", "95"),
        ("birth_year", "2003", "03"),
        ("birth_year", "\uff13", "03"),  # a full-width 3 from a phone keyboard
    ],
)
def test_digits_are_padded_or_cut_to_two(part: str, raw: str, expected: str) -> None:
    assert normalise_part(PARTS[part], raw) == expected


def test_the_same_parts_typed_differently_give_the_same_hash() -> None:
    first, second = SAME_PERSON_TYPED_TWICE
    assert build_code(first) == build_code(second) == "MAFE0795"
    assert uic_hash(build_code(first)) == uic_hash(build_code(second))


def test_a_different_key_gives_a_different_hash(settings: Any) -> None:
    code = build_code(SAME_PERSON_TYPED_TWICE[0])
    before = uic_hash(code)
    settings.UIC_HMAC_KEY = "another-key"
    assert uic_hash(code) != before


def test_the_hash_is_not_the_code_nor_its_plain_digest() -> None:
    code = build_code(SAME_PERSON_TYPED_TWICE[0])
    hashed = uic_hash(code)
    assert len(hashed) == 64 and int(hashed, 16) >= 0
    assert code not in hashed.upper()
    # Keyed: a stolen database cannot be searched by hashing guessed codes without the key.
    assert hashed != hashlib.sha256(code.encode()).hexdigest()


def test_different_codes_give_different_hashes() -> None:
    first = dict(SAME_PERSON_TYPED_TWICE[0])
    assert uic_hash(build_code(first)) != uic_hash(build_code({**first, "birth_order": "8"}))


# --- The form ------------------------------------------------------------------------------------


def code_data(**parts: str) -> dict[str, str]:
    typed = {"mother": "má", "father": "Fé", "birth_order": "7", "birth_year": "1995", **parts}
    return {f"code_{name}": value for name, value in typed.items()}


def test_the_form_hands_over_only_the_hash() -> None:
    form = CodeForm(data=code_data())
    assert form.is_valid(), form.errors
    assert form.cleaned_data == {"uic_hash": uic_hash("MAFE0795")}


@pytest.mark.parametrize(
    ("field", "typed", "message"),
    [
        ("code_mother", "M", "Type 2 letter(s)."),
        ("code_father", "1é", "Type 2 letter(s)."),  # digits are not letters
        ("code_birth_order", "x", "Type 2 digit(s)."),
    ],
)
def test_the_form_puts_the_error_beside_the_incomplete_part(
    field: str, typed: str, message: str
) -> None:
    form = CodeForm(data=code_data(**{field.removeprefix("code_"): typed}))
    assert not form.is_valid()
    assert form.errors == {field: [message]}
    assert "uic_hash" not in form.cleaned_data


def test_the_form_keeps_no_part_in_its_cleaned_data_even_when_invalid() -> None:
    form = CodeForm(data=code_data(mother="M"))
    form.is_valid()
    assert not any(key.startswith("code_") for key in form.cleaned_data)
