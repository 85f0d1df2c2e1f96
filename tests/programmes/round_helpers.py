"""Builders shared by the tests of priority rounds and of the secret ballot: a round with its
options, and voters with a login, a record and voting consent."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from members.models import Hotspot, User
from members.services import consent_set
from programmes import ballot_crypto, services
from programmes.models import Option, Round, Teller
from tests.conftest import PASSWORD, make_person, make_user

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


def make_round(
    creator: User, *, options: int = 4, budget: Any = None, tellers: int = 3, **fields: Any
) -> Round:
    """A round being prepared, open since an hour ago until tomorrow, with `options` options
    (costs 100, 200, ... when it has a budget) and `tellers` tellers who have agreed, 2 of
    whom are needed to count."""
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
    if tellers:
        name_tellers(round_, [make_user(f"teller{round_.pk}x{n}") for n in range(1, tellers + 1)])
    return round_


def name_tellers(round_: Round, users: list[User], needed: int = 2) -> list[Teller]:
    """Name `users` as the round's tellers, each of whom agrees with their password."""
    named = services.tellers_name(round=round_, users=users, needed=needed)
    return [services.teller_accept(teller=teller, password=PASSWORD) for teller in named]


_WORDS: dict[tuple[int, bytes], list[str]] = {}


def teller_words(round_: Round) -> list[str]:
    """Every teller's words, as each would see them once (tests only: a real teller sees only
    their own, and the coordinator none); kept here so a test may ask twice."""
    round_.refresh_from_db(fields=["public_key", "tellers_needed"])
    key = (round_.pk, bytes(round_.public_key or b""))
    if key not in _WORDS:
        tellers = round_.tellers.select_related("user").order_by("index")
        _WORDS[key] = [services.teller_share_reveal(teller=t, password=PASSWORD) for t in tellers]
    return _WORDS[key]


def decrypted(round_: Round) -> list[list[int]]:
    """The choices of the round's encrypted ballots, opened with two tellers' words (tests
    only), in stored order."""
    label = bytes(round_.public_key).hex()
    shares = [ballot_crypto.share_from_words(w, label) for w in teller_words(round_)[:2]]
    stored = round_.encrypted_ballots.values_list("ciphertext", flat=True)
    return ballot_crypto.ballots_open(shares, bytes(round_.public_key), [bytes(c) for c in stored])


def count(round_: Round, words: list[str] | None = None) -> Round:
    """Close the round (if open) and have enough tellers enter their words."""
    services.round_close(round=round_)
    for given in (words or teller_words(round_))[: round_.tellers_needed]:
        services.share_give(round=round_, words=given)
    round_.refresh_from_db()
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
    them all. Returns the trackers."""
    voters = make_voters(len(votes), prefix=prefix)
    services.round_open(round=round_)
    ids = option_ids(round_)
    return [
        services.ballot_cast(round=round_, member=voter, choices=[ids[i] for i in picks])
        for voter, picks in zip(voters, votes, strict=True)
    ]
