"""Figures from contacts: goods given per commodity and unique people reached, for a period, and
the same by hotspot and month for the coordinator's export. Each function takes a queryset of
contacts already scoped to the reader (outreach.access.contacts_visible_to)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db.models import Count, Func, QuerySet, Sum
from django.db.models.functions import Coalesce, TruncMonth

from common.periods import Period, months_between
from outreach.models import Contact

# The goods a contact records, named here only (the contact form, My week and the exports take
# them from here). Each counted on its own: male and female condoms never make one figure.
COMMODITIES = ("male_condoms", "female_condoms", "lubricant", "self_test_kits")


def in_period(contacts: QuerySet[Contact], period: Period | None) -> QuerySet[Contact]:
    # Compared on the indexed date column itself, both ends included.
    if period is None:
        return contacts
    if period.first is not None:
        contacts = contacts.filter(contacted_on__gte=period.first)
    if period.last is not None:
        contacts = contacts.filter(contacted_on__lte=period.last)
    return contacts


def _sums() -> dict[str, Func]:
    # Aliased: an annotation may not share a field's name.
    return {f"sum_{name}": Coalesce(Sum(name), 0) for name in COMMODITIES}


def _named(row: Mapping[str, Any], *grouped_by: str) -> dict[str, int]:
    """A row's figures under their own names, without the columns it is grouped by."""
    return {key.removeprefix("sum_"): value for key, value in row.items() if key not in grouped_by}


def goods_given(contacts: QuerySet[Contact], period: Period | None = None) -> dict[str, int]:
    """One query: each commodity's total, zero when nothing was given."""
    return _named(in_period(contacts, period).order_by().aggregate(**_sums()))


def people_reached(contacts: QuerySet[Contact], period: Period | None = None) -> int:
    """One query: how many different people had at least one of these contacts."""
    counted = in_period(contacts, period).order_by().aggregate(n=Count("person", distinct=True))
    return counted["n"]


def _figures() -> dict[str, Func]:
    return {"contacts": Count("pk"), "people": Count("person", distinct=True), **_sums()}


@dataclass
class HotspotMonthFigures:
    """Contacts, people reached (each counted once per line) and goods, by hotspot and month,
    with totals per hotspot, per month and overall. People are not additive: someone reached in
    two months counts once in their hotspot's total."""

    hotspot_ids: list[int] = field(default_factory=list)
    months: list[date] = field(default_factory=list)
    cells: dict[tuple[int, date], dict[str, int]] = field(default_factory=dict)
    by_hotspot: dict[int, dict[str, int]] = field(default_factory=dict)
    by_month: dict[date, dict[str, int]] = field(default_factory=dict)
    overall: dict[str, int] = field(default_factory=dict)

    def cell(self, hotspot_id: int, month: date) -> dict[str, int]:
        return self.cells.get((hotspot_id, month)) or _named(dict.fromkeys(_figures(), 0))


def _as_date(value: date) -> date:
    # TruncMonth of a date column is a date on PostgreSQL and SQLite alike; should a backend
    # hand back a datetime, its date is the month.
    return value.date() if isinstance(value, datetime) else value


def by_hotspot_and_month(
    contacts: QuerySet[Contact], period: Period | None = None
) -> HotspotMonthFigures:
    """Four queries, however many contacts: the cells, the hotspot totals, the month totals and
    the overall total. Months run over the whole period (or the months with contacts when it is
    open), so a month without contacts shows as zeros rather than missing."""
    scoped = in_period(contacts, period).order_by()
    monthly = scoped.annotate(month=TruncMonth("contacted_on"))
    figures = HotspotMonthFigures()
    for row in monthly.values("hotspot_id", "month").annotate(**_figures()):
        cell = (row["hotspot_id"], _as_date(row["month"]))
        figures.cells[cell] = _named(row, "hotspot_id", "month")
    for hotspot_row in scoped.values("hotspot_id").annotate(**_figures()):
        figures.by_hotspot[hotspot_row["hotspot_id"]] = _named(hotspot_row, "hotspot_id")
    for month_row in monthly.values("month").annotate(**_figures()):
        figures.by_month[_as_date(month_row["month"])] = _named(month_row, "month")
    figures.overall = _named(scoped.aggregate(**_figures()))
    figures.hotspot_ids = list(figures.by_hotspot)
    seen = sorted(figures.by_month)
    first = period.first if period and period.first else (seen[0] if seen else None)
    last = period.last if period and period.last else (seen[-1] if seen else None)
    if first is not None and last is not None:
        figures.months = months_between(first, last)
    return figures
