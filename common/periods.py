"""Periods and months: pure date arithmetic every app uses (the dashboard's periods, staffing by
month, reassessment dates, trend lines). No database, no app imports."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta


@dataclass(frozen=True)
class Period:
    """Whole days from `first` to `last`, both included; either end may be open."""

    first: date | None = None
    last: date | None = None

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        first = date(year, month, 1)
        return cls(first, last_of_month(first))

    def __contains__(self, day: date) -> bool:
        return (self.first is None or day >= self.first) and (self.last is None or day <= self.last)

    @property
    def is_month(self) -> bool:
        return (
            self.first is not None
            and self.first.day == 1
            and self == Period.month(self.first.year, self.first.month)
        )

    @property
    def slug(self) -> str:
        """Names an export file: "2026-11" for a month, "2026-11-03_2026-12-01" for dates."""
        if self.first is not None and self.is_month:
            return f"{self.first:%Y-%m}"
        start = f"{self.first:%Y-%m-%d}" if self.first else "start"
        end = f"{self.last:%Y-%m-%d}" if self.last else "now"
        return f"{start}_{end}"


def first_of_month(day: date) -> date:
    return day.replace(day=1)


def last_of_month(month: date) -> date:
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


def add_months(month: date, count: int) -> date:
    """The first day of the month `count` months after `month`'s (before it, when negative)."""
    index = month.year * 12 + month.month - 1 + count
    return date(index // 12, index % 12 + 1, 1)


def parse_month(value: str) -> date | None:
    """'2026-03' -> 1 March 2026; None for anything else (including years no one means)."""
    year, dash, month = value.partition("-")
    if not (
        dash
        and len(year) == 4
        and len(month) == 2
        and (year + month).isascii()
        and year.isdigit()
        and month.isdigit()
    ):
        return None
    if not (1900 <= int(year) <= 2999 and 1 <= int(month) <= 12):
        return None
    return date(int(year), int(month), 1)


def months_later(day: date, months: int) -> date:
    """The same day `months` later, or the month's last day (31 August + 6 months: 28/29 Feb)."""
    month = add_months(day, months)
    return month.replace(day=min(day.day, last_of_month(month).day))


def months_between(first: date, last: date) -> list[date]:
    """The first day of every month from `first`'s to `last`'s, both included."""
    months, month = [], first_of_month(first)
    while month <= last:
        months.append(month)
        month = add_months(month, 1)
    return months


def last_months(end: date, count: int = 12) -> list[date]:
    """The first day of the `count` months that end with `end`'s."""
    return months_between(add_months(end, -(count - 1)), end)


def last_full_month(today: date) -> Period:
    previous = first_of_month(today) - timedelta(days=1)
    return Period.month(previous.year, previous.month)
