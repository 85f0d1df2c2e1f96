"""CC-1, CC-2, VT-1: double submits and double votes with real threads on PostgreSQL, each thread
on its own connection. The contact and ballot tests prove the behaviour; these record the
figures of reference/security.md section (c) at its sizes (50 submits, 50 clicks, 200 voters)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from members.models import Person, User
from outreach.models import Contact
from programmes import services
from programmes.models import EncryptedBallot, RollEntry
from tests.outreach.test_contact_create import _post_in_threads, contact_data
from tests.programmes.round_helpers import give_voting_consent, make_round, make_voters, option_ids
from tests.programmes.test_ballot_secrecy import in_threads

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs PostgreSQL: SQLite serialises every write"
    ),
    pytest.mark.django_db(transaction=True),
]

SUBMITS = 50
VOTERS = 200
# Voters released at once: 20 threads keep well under PostgreSQL's connection limit.
WAVE = 20


def _failed(statuses: list[int], expected: int) -> int:
    """Responses that were not 2xx/3xx, a thread that died counting as one."""
    return expected - sum(200 <= status < 400 for status in statuses)


def test_cc1_fifty_identical_contact_posts_at_once_make_one_row(
    outreach_worker: User, person: Person, figure: Callable[[str, str, Any], None]
) -> None:
    data = contact_data(person=person.pk, male_condoms="5")
    statuses = _post_in_threads([outreach_worker] * SUBMITS, [data] * SUBMITS)
    rows = Contact.objects.count()
    figure("CC-1", "concurrent posts", SUBMITS)
    figure("CC-1", "rows created", rows)
    figure("CC-1", "non-2xx/3xx responses", _failed(statuses, SUBMITS))
    assert rows == 1
    assert _failed(statuses, SUBMITS) == 0


def test_cc2_fifty_different_contact_posts_at_once_make_fifty_rows(
    outreach_worker: User, person: Person, figure: Callable[[str, str, Any], None]
) -> None:
    payloads = [contact_data(person=person.pk) for _ in range(SUBMITS)]
    statuses = _post_in_threads([outreach_worker] * SUBMITS, payloads)
    rows = Contact.objects.count()
    figure("CC-2", "concurrent posts", SUBMITS)
    figure("CC-2", "rows created", rows)
    figure("CC-2", "non-2xx/3xx responses", _failed(statuses, SUBMITS))
    assert rows == SUBMITS
    assert _failed(statuses, SUBMITS) == 0


def _vote(user: User, url: str, data: dict[str, Any]) -> int:
    client = Client()
    client.force_login(user)
    return client.post(url, data).status_code


def test_vt1_fifty_clicks_of_one_member_make_one_ballot(
    coordinator: User, member: User, figure: Callable[[str, str, Any], None]
) -> None:
    give_voting_consent(member)
    round_ = make_round(coordinator)
    services.round_open(round=round_)
    url = reverse("programmes:round_thanks", args=[round_.pk])
    data = {"choice": [str(option_ids(round_)[0])]}

    outcomes = in_threads(SUBMITS, lambda _: _vote(member, url, data))
    statuses = [o for o in outcomes if isinstance(o, int)]
    ballots = EncryptedBallot.objects.filter(round=round_).count()
    roll = RollEntry.objects.get(round=round_, member=member)
    figure("VT-1", "concurrent votes by one member", SUBMITS)
    figure("VT-1", "ballots of that member", ballots)
    figure("VT-1", "non-2xx/3xx responses (one member)", _failed(statuses, SUBMITS))
    assert ballots == 1
    assert roll.has_voted
    assert _failed(statuses, SUBMITS) == 0


def test_vt1_two_hundred_members_voting_at_once_give_as_many_ballots_as_roll_marks(
    coordinator: User, figure: Callable[[str, str, Any], None]
) -> None:
    voters = make_voters(VOTERS)
    round_ = make_round(coordinator)
    services.round_open(round=round_)
    url = reverse("programmes:round_thanks", args=[round_.pk])
    ids = option_ids(round_)

    statuses: list[Any] = []
    for start in range(0, VOTERS, WAVE):
        wave = voters[start : start + WAVE]
        statuses += in_threads(
            len(wave),
            lambda i, wave=wave, start=start: _vote(
                wave[i], url, {"choice": [str(ids[(start + i) % len(ids)])]}
            ),
        )
    codes = [s for s in statuses if isinstance(s, int)]
    ballots = EncryptedBallot.objects.filter(round=round_).count()
    marks = RollEntry.objects.filter(round=round_, has_voted=True).count()
    figure("VT-1", "members voting concurrently", VOTERS)
    figure("VT-1", "ballots", ballots)
    figure("VT-1", "roll marks", marks)
    figure("VT-1", "non-2xx/3xx responses (200 members)", _failed(codes, VOTERS))
    assert ballots == marks == VOTERS
    assert _failed(codes, VOTERS) == 0
