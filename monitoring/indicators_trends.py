"""The dashboard's 12-month trends: coverage by month and the reporting year's reach at each
month's end, over the same filters as monitoring.indicators."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db.models import Count, Min, QuerySet
from django.db.models.functions import TruncMonth

from common.periods import Period, last_of_month, months_between
from monitoring.indicators import (
    Filters,
    contacts_for,
    hotspots_for,
    one_to_one,
    ratio,
    reporting_year_start,
)
from outreach.indicators_contacts import in_period
from outreach.selectors_hotspots import estimates_for


@dataclass(frozen=True)
class TrendPoint:
    month: date
    value: float | None
    numerator: int | None
    denominator: int | None

    @property
    def as_percent(self) -> str:
        return "\u2014" if self.value is None else f"{round(100 * float(self.value))}\u00a0%"


def coverage_trend(months: list[date], filters: Filters) -> list[TrendPoint]:
    """Two queries plus one per month for that month's estimates (a fixed 12 on the
    dashboard): people reached one-to-one each month / the estimates valid at its end."""
    if not months:
        return []
    last = Period.month(months[-1].year, months[-1].month).last
    window = Period(months[0], last)
    hotspots = list(hotspots_for(filters))
    # The same hotspots as the coverage figure, so the two agree.
    contacts = one_to_one(window, filters).filter(hotspot_id__in=[h.pk for h in hotspots])
    reached = dict(
        _month_rows(
            contacts.annotate(m=TruncMonth("contacted_on"))
            .values("m")
            .annotate(n=Count("person", distinct=True))
        )
    )
    points = []
    for month in months:
        estimates = estimates_for(hotspots, last_of_month(month))
        estimated = sum(e.number for e in estimates.values())
        n = reached.get(month, 0)
        points.append(TrendPoint(month, ratio(n, estimated), n, estimated or None))
    return points


def reach_trend(months: list[date], filters: Filters) -> list[TrendPoint]:
    """The reporting year's reach at each month's end: people first reached this reporting
    year, summed from its first month. At most four queries."""
    if not months:
        return []
    year_start = reporting_year_start(months[0])
    firsts = reached_first_by_month(months_between(year_start, months[-1]), filters)
    points, running = [], 0
    for month in sorted(firsts):
        if month == reporting_year_start(month):
            running = 0
        running += firsts[month]
        if month >= months[0]:
            points.append(TrendPoint(month, running, running, None))
    return points


def reached_first_by_month(months: list[date], filters: Filters) -> dict[date, int]:
    """Per month, people whose first contact of the reporting year fell in it (K1: a contact
    this month and none earlier in the year). Summed from the year's first month, this is the
    year's reach at each month's end. One query per reporting year the months touch."""
    if not months:
        return {}
    month = settings.REPORTING_YEAR_START_MONTH
    split = next((m for m in months[1:] if m.month == month), None)
    if split is not None:
        before = reached_first_by_month([m for m in months if m < split], filters)
        return {**before, **reached_first_by_month([m for m in months if m >= split], filters)}
    start = reporting_year_start(months[0])
    last = Period.month(months[-1].year, months[-1].month).last
    # Each person's first contact of the year, counted by its month: one pass over the year's
    # contacts (a NOT EXISTS per contact took seconds at 2,000,000 contacts).
    firsts = (
        in_period(contacts_for(filters), Period(start, last))
        .values("person")
        .annotate(first=Min("contacted_on"))
        .values_list("first", flat=True)
    )
    counted: dict[date, int] = dict.fromkeys(months, 0)
    for first in firsts:
        month_start = first.replace(day=1)
        if month_start in counted:
            counted[month_start] += 1
    return counted


def _month_rows(rows: QuerySet) -> list[tuple[date, int]]:
    result = []
    for row in rows.order_by():
        value = row["m"]
        result.append((value.date() if hasattr(value, "date") else value, row["n"]))
    return result
