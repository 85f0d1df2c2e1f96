"""Issue 17: what members read is written in short, plain sentences. Every English message of the
pages and forms members use, of five words or more, scores at most grade 6 on the Flesch-Kincaid
scale (textstat); shorter ones are labels, which a grade formula cannot judge. The exceptions are
listed below, each with its reason. The messages are read from the catalogue, with the files that
use each, so a new message on a member's page is measured as soon as it is extracted."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

textstat = pytest.importorskip("textstat")

GRADE = 6
SHORTEST = 5  # words: below this a message is a label or a button
CATALOGUE = Path(__file__).resolve().parents[1] / "locale" / "es" / "LC_MESSAGES" / "django.po"

# Where members read: their pages, and the forms, messages and rules those pages show.
MEMBER_FILES = {
    "templates/members/user_home.html",
    "templates/members/own_data.html",
    "templates/members/erasure_request_confirm.html",
    "templates/programmes/need_list.html",
    "templates/programmes/need_detail.html",
    "templates/programmes/need_form.html",
    "templates/programmes/round_list.html",
    "templates/programmes/round_vote.html",
    "templates/programmes/round_confirm.html",
    "templates/programmes/round_thanks.html",
    "templates/programmes/round_results.html",
    "templates/programmes/programme_list.html",
    "templates/programmes/programme_detail.html",
    "templates/programmes/programme_you_asked.html",
    "templates/monitoring/feedback_form.html",
    "templates/monitoring/feedback_thanks.html",
    "templates/monitoring/feedback_tap_field.html",
    "templates/monitoring/community_results.html",
    "templates/reminders/reminder_list.html",
    "templates/reminders/notification_preferences.html",
    "templates/includes/listen.html",
    "templates/includes/quick_exit.html",
    "templates/safety/home.html",
    "templates/safety/report_form.html",
    "templates/safety/report_detail.html",
    "templates/safety/alert_detail.html",
    "templates/safety/_alert.html",
    "templates/safety/check.html",
    "templates/safety/removal_form.html",
    "templates/safety/removal_sent.html",
    "safety/forms.py",
    "safety/models.py",
    "safety/views.py",
    "programmes/forms.py",
    "programmes/models.py",
    "programmes/rules.py",
    "programmes/services.py",
    "programmes/views/needs.py",
    "programmes/views/rounds.py",
    "monitoring/forms.py",
    "monitoring/views/feedback.py",
    "reminders/forms.py",
    "members/views/own_data.py",
}

# Messages of those files that members never read, or that cannot be said more simply.
EXCEPTIONS = {
    # Staff only: forms and messages of coordinators and outreach workers in the same files.
    "Only coordinators see this reason.": "the moderator's form hiding a need or comment",
    "An outreach worker or a coordinator.": "a programme activity's form (staff)",
    "Other members see only how many; coordinators see who.": "a programme stage's form (staff)",
    "Shortlisted for the next priority round.": "told to the coordinator who shortlists",
    "Members on the planning committee": "a programme stage's form (staff)",
    "The priority members voted for that this programme serves.": "a programme's form (staff)",
    "Leave empty if this money serves no voted priority.": "a budget line's form (staff)",
    "There are more paper ballots (%(papers)d) than people marked as voting in person and not "
    "yet entered (%(waiting)d).": "the coordinator entering paper ballots",
    "Only members can sit on the planning committee.": "a programme stage's form (staff)",
    "The comment is hidden. Only coordinators can see it now.": "told to the moderator",
    "members on the planning committee": "a programme stage's field, on the staff's form",
    "How the programme serves the community: coverage, quality, engagement, cohesion and "
    "acceptance.": "the coordinator's card of the home page, naming the dashboard's five areas",
}


def messages() -> Iterator[tuple[str, set[str]]]:
    """Each message of the catalogue with the files that use it."""
    for block in CATALOGUE.read_text(encoding="utf-8").split("\n\n"):
        places = re.findall(r"^#: (.*)$", block, re.M)
        files = {place.rsplit(":", 1)[0] for line in places for place in line.split()}
        found = re.search(r'^msgid ((?:".*"\n?)+)', block, re.M)
        if found and not block.lstrip().startswith("#~"):
            text = "".join(re.findall(r'"(.*)"', found.group(1)))
            text = text.replace('\\"', '"').replace("\\n", " ")
            if text:
                yield text, files


def grade(text: str) -> float:
    """Flesch-Kincaid grade of a message, a placeholder read as a short number."""
    plain = re.sub(r"%\(\w+\)[sd]|%[sd]|\{\{ ?\w+ ?\}\}", "3", text)
    return float(textstat.flesch_kincaid_grade(plain))


@pytest.fixture(autouse=True)
def _syllables_without_network(monkeypatch: pytest.MonkeyPatch) -> None:
    # textstat looks English words up in NLTK's CMU dictionary, which it downloads on first use;
    # without it (no network here) syllables come from pyphen's hyphenation, textstat's own
    # fallback for words the dictionary does not hold.
    from textstat.backend.counts import _count_syllables

    monkeypatch.setattr(_count_syllables, "get_cmudict", lambda lang: None)


def test_members_read_short_plain_sentences() -> None:
    measured = []
    hard = []
    for text, files in messages():
        if not files & MEMBER_FILES or len(text.split()) < SHORTEST or text in EXCEPTIONS:
            continue
        score = grade(text)
        measured.append(score)
        if round(score, 1) > GRADE:
            hard.append(f"grade {score:.1f}: {text}")
    assert len(measured) > 100, "too few messages measured: are the files right?"
    assert hard == [], "\n".join(hard)


def test_every_exception_is_still_a_message() -> None:
    known = {text for text, _files in messages()}
    assert set(EXCEPTIONS) <= known, set(EXCEPTIONS) - known


def test_the_measure_tells_hard_from_plain() -> None:
    """A control: a sentence of long words scores far above grade 6, a plain one below."""
    assert grade("Participation necessitates comprehensive institutional authorization.") > 12
    assert grade("Tell us how a service was. We read every answer.") <= GRADE
