"""Builders shared by the tests of priority rounds and of the secret ballot: a round with its
options, and voters with a login, a record and voting consent."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from members.models import Hotspot, User
from members.services import consent_set
from programmes import services
from programmes.models import Option, Round
from tests.conftest import make_person, make_user

# Titles no page shows anywhere but the ballot, the confirmation and, once counted, the results.
OPTIONS = [
    ("Legal aid clinic", "scales"),
    ("Safer night transport", "shield"),
    ("Peer health checks", "heart"),
    ("Emergency fund", "coins"),
    ("Housing advice", "house"),
    ("Drop-in evenings", "people"),
    ("Phone credit", "phone"),
    ("Reading circle", "book"),
]


def make_round(creator: User, *, options: int = 4, budget: Any = None, **fields: Any) -> Round:
    """A round being prepared, open since an hour ago until tomorrow, with `options` options
    (costs 100, 200, ... when it has a budget)."""
    now = timezone.now()
    fields = {
        "title": "Spring priorities",
        "question": "What should we do first?",
        "opens_at": now - timedelta(hours=1),
        "closes_at": now + timedelta(days=1),
        "min_turnout": 5,
        "max_choices": 3,
        **fields,
    }
    round_ = Round.objects.create(created_by=creator, budget=budget, **fields)
    for position, (title, pictogram) in enumerate(OPTIONS[:options], 1):
        Option.objects.create(
            round=round_,
            title=title,
            plain_text=f"{title}, in plain words.",
            pictogram=pictogram,
            position=position,
            cost=Decimal(100 * position) if budget is not None else None,
        )
    return round_


def give_voting_consent(user: User) -> None:
    consent_set(person=user.person, purpose="voting", given=True)


def make_voter(username: str, hotspot: Hotspot | None = None, *, consent: bool = True) -> User:
    user = make_user(username, is_member=True)
    make_person(hotspot, f"CODE-{username}", user=user, is_member=True)
    if consent:
        give_voting_consent(user)
    return user


def make_voters(count: int, hotspot: Hotspot | None = None, prefix: str = "voter") -> list[User]:
    return [make_voter(f"{prefix}{n:03d}", hotspot) for n in range(count)]


def option_ids(round_: Round) -> list[int]:
    return list(round_.options.order_by("position").values_list("pk", flat=True))


def open_with_votes(round_: Round, votes: list[list[int]], prefix: str = "voter") -> list[str]:
    """Open the round with one voter per ballot in `votes` (indexes into the options) and cast
    them all. Returns the receipts."""
    voters = make_voters(len(votes), prefix=prefix)
    services.round_open(round=round_)
    ids = option_ids(round_)
    return [
        services.ballot_cast(round=round_, member=voter, choices=[ids[i] for i in picks])
        for voter, picks in zip(voters, votes, strict=True)
    ]
