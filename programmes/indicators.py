"""Engagement figures of programmes: how much of the money serves what members voted for, and how
many members take part in planning. Pure functions over rows already fetched (no queries of
their own), so a page costs the same whatever it shows and the rules are tested without a
database."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Protocol


class Spending(Protocol):
    """A BudgetLine, or anything with its amount and the priority it serves (None: no voted
    priority)."""

    amount: Decimal
    priority_id: int | None


class Seat(Protocol):
    pk: int


class Committee(Protocol):
    def all(self) -> Iterable[Seat]: ...


class PlanningStage(Protocol):
    """A Stage with its committee prefetched: `Stage.objects.prefetch_related("committee")`."""

    @property
    def committee(self) -> Committee: ...


class Helper(Protocol):
    """A SignUp: the member who said "I'll help"."""

    member_id: int


def share_of_spending_on_voted_priorities(
    budget_lines: Iterable[Spending],
) -> tuple[Decimal, Decimal, Decimal | None]:
    """(traceable, total, share): the money of the lines linked to a voted priority, all the
    money, and the first over the second (None when there is no money yet, rather than a
    misleading 0 %)."""
    traceable = total = Decimal(0)
    for line in budget_lines:
        total += line.amount
        if line.priority_id is not None:
            traceable += line.amount
    share = traceable / total if total else None
    return traceable, total, share


def members_in_planning(stages: Iterable[PlanningStage], sign_ups: Iterable[Helper]) -> int:
    """Distinct members who take part: on the planning committee of any stage, or signed up to
    help. Someone on two committees who also signed up counts once."""
    people = {seat.pk for stage in stages for seat in stage.committee.all()}
    people.update(sign_up.member_id for sign_up in sign_ups)
    return len(people)
