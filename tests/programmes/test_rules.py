"""The community's rules live in programmes.rules, and services, forms and views read them there:
the tie-break published before a round opens, the turnout floor, the size of a ballot."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest

from programmes import rules
from programmes.forms import RoundForm
from programmes.models import Need, Option, Round

EARLY, LATE = datetime(2026, 1, 5, tzinfo=UTC), datetime(2026, 3, 9, tzinfo=UTC)


def option(pk: int, position: int, cost: str | None = None, raised: datetime | None = None) -> Any:
    need = Need(pk=100 + pk, created_at=raised) if raised else None
    return Option(pk=pk, position=position, cost=Decimal(cost) if cost else None, need=need)


def test_the_tie_break_puts_the_cheaper_then_the_need_raised_earlier_then_the_ballot_order() -> (
    None
):
    options = [
        option(1, position=1, cost="50"),
        option(2, position=2, cost="10", raised=LATE),
        option(3, position=3, cost="10", raised=EARLY),
        option(4, position=4, cost="10"),  # written on the ballot: after those from needs
        option(5, position=5, cost="10"),
    ]
    assert rules.round_tie_break(options) == [3, 2, 4, 5, 1]


@pytest.mark.parametrize(("asked", "needed"), [(1, 5), (5, 5), (12, 12)])
def test_a_round_needs_its_own_minimum_but_never_fewer_than_the_floor(
    asked: int, needed: int
) -> None:
    assert rules.ROUND_TURNOUT_FLOOR == 5
    assert rules.round_turnout_needed(Round(min_turnout=asked)) == needed


@pytest.mark.django_db
def test_a_member_may_choose_up_to_as_many_options_as_a_ballot_holds() -> None:
    data = {
        "title": "T",
        "question": "Q",
        "opens_at": "2030-01-01T10:00",
        "closes_at": "2030-02-01T10:00",
        "min_turnout": "10",
    }
    assert RoundForm({**data, "max_choices": str(rules.ROUND_OPTIONS_MAX)}).is_valid()
    form = RoundForm({**data, "max_choices": str(rules.ROUND_OPTIONS_MAX + 1)})
    assert form.errors["max_choices"] == [f"Choose a number from 1 to {rules.ROUND_OPTIONS_MAX}."]
