"""The pseudonymous code (UIC): built from facts a person can repeat and that appear on no
document. The parts are typed by the outreach worker as the person says them, normalised, joined
and hashed with a key from the environment; neither the parts nor the code are ever stored."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from members.crypto import keyed_hash

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


@dataclass(frozen=True)
class Part:
    name: str
    label: StrOrPromise  # translated when the form is shown
    length: int
    digits: bool  # digits only, otherwise letters only


# The recipe is a setting (UIC_RECIPE names parts from this list, in order).
PARTS = {
    "mother": Part("mother", _("First two letters of your mother's first name"), 2, digits=False),
    "father": Part("father", _("First two letters of your father's first name"), 2, digits=False),
    "birth_order": Part(
        "birth_order", _("Your place among your mother's children (1, 2, ...)"), 2, digits=True
    ),
    "birth_year": Part("birth_year", _("Last two digits of your year of birth"), 2, digits=True),
}


def recipe() -> list[Part]:
    return [PARTS[name] for name in settings.UIC_RECIPE]


def normalise_part(part: Part, raw: str) -> str:
    """Case, accents and spaces do not matter: "  é" and "E" give the same letter."""
    text = unicodedata.normalize("NFKD", raw)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).upper()
    text = re.sub(r"[^0-9]" if part.digits else r"[^A-Z]", "", text)
    if part.digits:
        # "7" is birth order "07"; a year typed as "1995" is "95".
        return text[-part.length :].zfill(part.length) if text else ""
    return text[: part.length]


def is_complete(part: Part, normalised: str) -> bool:
    return len(normalised) == part.length


def build_code(parts: dict[str, str]) -> str:
    return "".join(normalise_part(part, parts[part.name]) for part in recipe())


def uic_hash(code: str) -> str:
    return keyed_hash(code, key=settings.UIC_HMAC_KEY)
