"""Every message of the interface is translated into Spanish and French: a catalogue entry left
empty or marked fuzzy (a guess of makemessages) fails here, so English never shows through on a
Spanish or French page. Run `make messages` after changing text, then translate what it added."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
LANGUAGES = ("es", "fr")


def _entries(text: str) -> list[dict[str, str | bool]]:
    """The live entries of a .po file: msgid, whether any msgstr is empty, whether fuzzy."""
    entries = []
    for block in re.split(r"\n\s*\n", text):
        lines = [line for line in block.splitlines() if not line.startswith("#~")]
        if not any(line.startswith("msgid ") for line in lines):
            continue
        fuzzy = any(line.startswith("#,") and "fuzzy" in line for line in lines)
        strings: dict[str, str] = {}
        current = ""
        for line in lines:
            match = re.match(r'^(msgid|msgid_plural|msgstr(?:\[\d+\])?) "(.*)"$', line)
            if match:
                current = match.group(1)
                strings[current] = match.group(2)
            elif line.startswith('"') and current:
                strings[current] += line[1:-1]
        if strings.get("msgid") == "":
            continue  # the header
        translations = [v for k, v in strings.items() if k.startswith("msgstr")]
        entries.append(
            {
                "msgid": strings["msgid"],
                "empty": not translations or any(v == "" for v in translations),
                "fuzzy": fuzzy,
            }
        )
    return entries


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_is_translated(language: str) -> None:
    catalogue = ROOT / "locale" / language / "LC_MESSAGES" / "django.po"
    entries = _entries(catalogue.read_text())
    assert len(entries) > 1000  # the parser read the catalogue
    untranslated = [e["msgid"] for e in entries if e["empty"] or e["fuzzy"]]
    assert untranslated == []


def test_the_parser_sees_an_empty_and_a_fuzzy_entry() -> None:
    """The control: the check can fail."""
    sample = (
        'msgid ""\nmsgstr ""\n\n'
        'msgid "Hello"\nmsgstr ""\n\n'
        '#, fuzzy\nmsgid "Bye"\nmsgstr "Adiós"\n\n'
        'msgid "One"\nmsgid_plural "Many"\nmsgstr[0] "Uno"\nmsgstr[1] ""\n\n'
        'msgid "Done"\nmsgstr "Hecho"\n\n'
        '#~ msgid "Old"\n#~ msgstr ""\n'
    )
    found = {e["msgid"]: (e["empty"], e["fuzzy"]) for e in _entries(sample)}
    assert found == {
        "Hello": (True, False),
        "Bye": (False, True),
        "One": (True, False),
        "Done": (False, False),
    }


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "said"), [("es", "Has entrado como member.test."), ("fr", "Tu es connecté·e")]
)
def test_signing_in_speaks_as_the_project_does(
    client: Any, member: Any, language: str, said: str
) -> None:
    """One register per language: allauth's own Spanish says "usted" ("Ha iniciado sesión"); its
    messages are the project's (templates/account/messages), in "tú" and "tu"."""
    from tests.conftest import PASSWORD

    client.cookies["django_language"] = language
    response = client.post(
        "/accounts/login/", {"login": member.username, "password": PASSWORD}, follow=True
    )
    assert said in response.content.decode()
