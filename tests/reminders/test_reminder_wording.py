"""Every reminder e-mail template and inbox line is checked against the forbidden words: a
subject or preview on a shared phone must not reveal health, sex work or who sends it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from members.models import Reminder
from reminders import planning

EMAILS = Path(settings.BASE_DIR) / "templates" / "emails"


def test_every_kind_has_an_email_triplet() -> None:
    for kind in Reminder.Kind:
        for part in ("subject.txt", "body.txt", "body.html"):
            assert (EMAILS / f"reminder_{kind.value}_{part}").is_file(), (kind, part)


def test_no_reminder_template_uses_a_forbidden_word() -> None:
    assert planning.lint_directory(EMAILS) == []


def test_no_inbox_text_uses_a_forbidden_word() -> None:
    assert set(planning.KIND_TEXT) == set(Reminder.Kind)
    assert planning.lint_inbox_texts() == []


def test_a_planted_word_makes_the_lint_fail(tmp_path: Path) -> None:
    (tmp_path / "reminder_daily_list_subject.txt").write_text("You have an update\n")
    assert planning.lint_directory(tmp_path) == []
    (tmp_path / "nested").mkdir()
    (tmp_path / "nested" / "reminder_x_body.txt").write_text("Your HIV Test  Result is in.\n")
    assert planning.lint_directory(tmp_path) == [
        "nested/reminder_x_body.txt: hiv",
        "nested/reminder_x_body.txt: test result",
    ]


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Your PrEP refill", ["prep"]),
        ("Please prepare for Sunday", []),
        ("Still waiting", []),
        ("An STI check", ["sti"]),
        ("Sussex and Essex", []),
        ("The Clinic is open", ["clinic"]),
    ],
)
def test_words_match_whole_words_whatever_the_case(text: str, found: list[str]) -> None:
    assert planning.lint_text(text) == found


def test_the_list_can_be_set_in_settings(settings: Any, tmp_path: Path) -> None:
    settings.REMINDER_FORBIDDEN_WORDS = ["update"]
    (tmp_path / "subject.txt").write_text("You have an update\n")
    assert planning.lint_directory(tmp_path) == ["subject.txt: update"]
    assert planning.lint_directory(EMAILS) != []
