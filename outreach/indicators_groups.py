"""Cohesion indicators from group activities: activities held (by kind) and people attending at
least one. Pure functions over rows already fetched, so a page or export costs one query each and
the period boundaries are tested without a database. Periods are the contacts figures' own
(whole days, both ends included), so every outreach figure counts the same days."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import date
from typing import Protocol

from common.periods import Period


class HeldActivity(Protocol):
    """A GroupActivity, or anything with its kind and date:
    `GroupActivity.objects.only("kind", "held_on")`."""

    kind: str
    held_on: date


class AttendanceRow(Protocol):
    """One person at one activity:
    `Attendance.objects.annotate(held_on=F("activity__held_on")).only("person")`."""

    person_id: int
    held_on: date


def activities_held(activities: Iterable[HeldActivity], period: Period) -> dict[str, int]:
    """How many activities of each kind were held in the period. Kinds with none are absent."""
    return dict(Counter(a.kind for a in activities if a.held_on in period))


def people_attending_at_least_one(attendance: Iterable[AttendanceRow], period: Period) -> int:
    """Unique people registered at one or more activities held in the period: someone who came
    to three meetings counts once. Others who came without being registered are not people we
    can tell apart, so they are not counted here."""
    return len({row.person_id for row in attendance if row.held_on in period})
