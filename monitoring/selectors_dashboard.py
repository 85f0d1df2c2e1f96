"""Reads for the coordinator dashboard: the hotspots and workers its filter offers, the period a
filter asks for, the trend charts as SVG path data, and the indicator table as exported, with
small counts of people hidden (common.suppression). Past the filter's choices, pure functions:
the figures come from monitoring.indicators."""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from common.periods import Period, last_full_month
from common.suppression import SuppressedTable, suppress
from members.access import hotspots_visible_to
from members.models import Hotspot, User
from monitoring.indicators import (
    AREAS,
    COUNT,
    SHARE,
    Area,
    Figure,
    Group,
    Row,
    reporting_year_start,
)

# --- The filter's choices ----------------------------------------------------------------------


def hotspots_to_filter_by(viewer: User) -> QuerySet[Hotspot]:
    """The hotspots `viewer` may see, by name. Names only: the encrypted safety notes are not
    decrypted to fill a menu. One query when read."""
    return hotspots_visible_to(viewer).only("name").order_by("name")


def workers_to_filter_by() -> QuerySet[User]:
    """Outreach workers and anyone ever assigned to a hotspot, by username (names only). One
    query when read."""
    return (
        User.objects.filter(Q(is_outreach_worker=True) | Q(assignments__isnull=False))
        .distinct()
        .only("username")
        .order_by("username")
    )


# --- Periods -----------------------------------------------------------------------------------


def period_for(kind: str, month: date | None, first: date | None, last: date | None) -> Period:
    """The period a valid filter form asks for; the last full month when it asks for none."""
    if kind == "custom" and first and last:
        return Period(first, last)
    if month is None:
        return last_full_month(timezone.localdate())
    if kind == "quarter":
        start = (month.month - 1) // 3 * 3 + 1
        end = start + 2
        return Period(
            date(month.year, start, 1),
            date(month.year, end, calendar.monthrange(month.year, end)[1]),
        )
    if kind == "year":
        year_start = reporting_year_start(month)
        end_year = year_start.year + 1 if year_start.month > 1 else year_start.year
        end_month = year_start.month - 1 if year_start.month > 1 else 12
        return Period(
            year_start,
            date(end_year, end_month, calendar.monthrange(end_year, end_month)[1]),
        )
    return Period.month(month.year, month.month)


# --- Charts ------------------------------------------------------------------------------------

# The drawing's own units (it scales to the screen's width): room on the left for the values of
# the vertical axis, below for the months.
CHART_WIDTH, CHART_HEIGHT = 320, 150
LEFT, RIGHT, TOP, BOTTOM = 44, 300, 12, 126


@dataclass(frozen=True)
class Tick:
    at: float  # x for a month, y for a value
    label: str


@dataclass(frozen=True)
class Chart:
    path: str
    dots: list[tuple[float, float]]
    values: list[Tick]  # the vertical axis: 0, half way, the top
    months: list[Tick]  # the horizontal axis: every third month and the last
    last: Tick | None  # the latest value, written beside its dot (its y is the dot's)
    last_x: float = 0
    width: int = CHART_WIDTH
    height: int = CHART_HEIGHT
    left: int = LEFT
    right: int = RIGHT
    top: int = TOP
    bottom: int = BOTTOM


def _scale_top(largest: float, *, percent: bool) -> float:
    """The top of the vertical axis: 100 % for shares (so 1 % looks small), else a round number
    at or above the largest value (1, 2 or 5 times a power of ten)."""
    if percent:
        return 1.0
    step = 1.0
    while True:
        for factor in (1, 2, 5):
            if largest <= factor * step:
                return factor * step
        step *= 10


def _label(value: float, *, percent: bool) -> str:
    return f"{round(100 * value)}\u00a0%" if percent else f"{value:g}"


def line_chart(values: Sequence[float | None], months: Sequence[str], *, percent: bool) -> Chart:
    """A line through `values` (one a month, `months` their short names) on labelled axes from
    zero; a missing value breaks the line. Shares are drawn from 0 to 100 %."""
    known = [v for v in values if v is not None]
    top = _scale_top(max(known, default=0), percent=percent)
    step = (RIGHT - LEFT) / max(len(values) - 1, 1)

    def y_of(value: float) -> float:
        return round(BOTTOM - (BOTTOM - TOP) * value / top, 1)

    commands, dots, pen_down = [], [], False
    last: Tick | None = None
    last_x = 0.0
    for i, value in enumerate(values):
        if value is None:
            pen_down = False
            continue
        x, y = round(LEFT + i * step, 1), y_of(value)
        commands.append(f"{'L' if pen_down else 'M'}{x} {y}")
        dots.append((x, y))
        last, last_x = Tick(y, _label(value, percent=percent)), x
        pen_down = True
    ticks = [Tick(y_of(v), _label(v, percent=percent)) for v in (0, top / 2, top)]
    shown = {i for i in range(0, len(months), 3)} | {len(months) - 1}
    month_ticks = [
        Tick(round(LEFT + i * step, 1), name) for i, name in enumerate(months) if i in shown
    ]
    return Chart(" ".join(commands), dots, ticks, month_ticks, last, last_x)


# --- The exported table ------------------------------------------------------------------------


def _people_table(figure: Figure) -> SuppressedTable | None:
    """The figure's counts of people with their totals, suppressed; None when it counts none."""
    if figure.protects is None or figure.numerator is None:
        return None
    numerator = int(figure.numerator)
    # A figure without groups is a table of one line: its own total.
    groups = figure.groups or (Group("", figure.numerator, figure.denominator),)
    if figure.protects == COUNT:
        cells = [[int(g.numerator or 0)] for g in groups]
        # People are counted once overall: the total may be less than the sum of the lines.
        return suppress(cells, column_totals=[numerator], total=numerator)
    denominator = int(figure.denominator or 0)
    cells = [
        [int(g.numerator or 0), max(int(g.denominator or 0) - int(g.numerator or 0), 0)]
        for g in groups
    ]
    return suppress(
        cells,
        row_totals=[max(int(g.denominator or 0), int(g.numerator or 0)) for g in groups],
        column_totals=[numerator, max(denominator - numerator, 0)],
        total=max(denominator, numerator),
    )


def people_table(figure: Figure) -> SuppressedTable | None:
    return _people_table(figure)


# A spreadsheet cell: figures as numbers (Excel sums them), hidden or missing ones as text.
Cell = str | int | float | Decimal


def _number(value: int | Decimal | None) -> Cell:
    return "" if value is None else value


def _value(value: float | Decimal | None, percent: bool) -> Cell:
    if value is None:
        return ""
    if percent:
        return round(float(value), 3)
    return value


def _line(
    row: Row, group: str, table: SuppressedTable | None, index: int | None, item: Group | Figure
) -> list[Cell]:
    indicator = row.indicator
    numerator, denominator = _number(item.numerator), _number(item.denominator)
    value = _value(item.value, indicator.percent)
    if table is not None:
        numerator = table.cell(index, 0)
        if row.figure.protects == SHARE:
            denominator = table.cell(index, None)
        elif isinstance(item.denominator, int) and 0 < item.denominator < table.minimum:
            # A size estimate is not a count of people known to us, but a tiny one is hidden.
            denominator, value = f"<{table.minimum}", ""
        if table.value(index, 0) is None or (
            row.figure.protects == SHARE and table.value(index, None) is None
        ):
            value = ""
    if not row.figure.recorded:
        value = _("not recorded yet")
    return [
        str(indicator.name),
        str(AREAS[indicator.area]),
        group,
        numerator,
        denominator,
        value,
        str(indicator.definition),
    ]


def indicator_lines(areas: list[Area]) -> list[list[Cell]]:
    """The export: one line per indicator overall and one per group, figures as numbers,
    counts of people under the minimum shown as "<5" and a complement of each left empty."""
    lines: list[list[Cell]] = [
        [
            _("Indicator"),
            _("Area"),
            _("Group"),
            _("Numerator"),
            _("Denominator"),
            _("Value"),
            _("Definition"),
        ]
    ]
    for area in areas:
        for row in area.rows:
            table = _people_table(row.figure)
            lines.append(_line(row, _("All"), table, None, row.figure))
            for i, group in enumerate(row.figure.groups):
                lines.append(_line(row, group.label, table, i, group))
    return lines
