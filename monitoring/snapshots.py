"""The dashboard's figures as snapshots. At 2,000,000 contacts every indicator and the two 12-month
trends take seconds to compute, far over the dashboard's 300 ms budget, so the page reads the latest
snapshot for its period and filters in one query and says when it was computed.

The page only reads. Snapshots are written by beat, which every minute keeps the default view (the
last full month, no filters) ready and has a worker compute again what a coordinator asked for in
the last week once it is older than DASHBOARD_MAX_AGE; and by the page's "Compute the figures now"
button (a POST), which computes them in the request, the way forward for filters nobody asked for
before. The request never talks to the broker: a hung Redis cannot hold the page.
DASHBOARD_MAX_AGE = 0 turns snapshots off: every visit computes its own figures and stores nothing.

A snapshot holds counts and labels already shown on the dashboard (hotspots, workers' usernames,
partners), never anything about one person."""

from __future__ import annotations

import hashlib
import json
import logging
import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import TypeAlias, TypedDict, TypeVar

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from common.periods import Period, last_months
from monitoring import indicators
from monitoring.indicators import Figure, Filters, Group
from monitoring.indicators_trends import TrendPoint, coverage_trend, reach_trend
from monitoring.models import DashboardSnapshot
from monitoring.selectors_dashboard import period_for

logger = logging.getLogger(__name__)

# Part of every key: change it when what a snapshot holds changes, and old ones are recomputed.
VERSION = 1
# A refresh asked for but not done after this is asked for again (the worker may have died).
RETRY_AFTER = timedelta(minutes=2)
# Beat keeps refreshing what someone asked for within this time; older snapshots are dropped.
KEEP_REFRESHING = timedelta(days=7)
DROP_AFTER = timedelta(days=30)


def max_age() -> timedelta:
    return timedelta(seconds=settings.DASHBOARD_MAX_AGE)


@dataclass(frozen=True)
class Snapshot:
    figures: dict[str, Figure]
    coverage_trend: list[TrendPoint]
    reach_trend: list[TrendPoint]
    computed_at: datetime
    seconds: float | None
    stale: bool
    # Beat computes it again once stale: the default view, or asked for in the last week.
    kept_fresh: bool


# --- Encoding ----------------------------------------------------------------------------------


class EncodedDecimal(TypedDict):
    """JSON has no decimals: money keeps its digits as text."""

    decimal: str


# A count (money is a Decimal) and a figure's value, as JSON holds them.
EncodedCount: TypeAlias = int | EncodedDecimal | None
EncodedValue: TypeAlias = float | EncodedDecimal | None
# Label, numerator, denominator, key (JSON arrays: read back as lists).
EncodedGroup: TypeAlias = tuple[str, EncodedCount, EncodedCount, str]
# Month (ISO date), value, numerator, denominator.
EncodedTrend: TypeAlias = list[tuple[str, float | None, int | None, int | None]]


class EncodedFigure(TypedDict):
    value: EncodedValue
    numerator: EncodedCount
    denominator: EncodedCount
    groups: list[EncodedGroup]
    protects: str | None
    recorded: bool


class EncodedSnapshot(TypedDict):
    """What DashboardSnapshot.figures holds."""

    figures: dict[str, EncodedFigure]
    coverage_trend: EncodedTrend
    reach_trend: EncodedTrend


# A count is an int, a value a float: the type a number goes in with is the one it comes out with.
N = TypeVar("N", int, float)


def _number(value: N | Decimal | None) -> N | EncodedDecimal | None:
    return {"decimal": str(value)} if isinstance(value, Decimal) else value


def _from_number(value: N | EncodedDecimal | None) -> N | Decimal | None:
    return Decimal(value["decimal"]) if isinstance(value, dict) else value


def _group(group: Group) -> EncodedGroup:
    return (group.label, _number(group.numerator), _number(group.denominator), group.key)


def _from_group(data: EncodedGroup) -> Group:
    label, numerator, denominator, key = data
    if key in indicators.GOODS_LABELS:
        label = str(indicators.GOODS_LABELS[key])  # in the language of whoever reads it
    return Group(label, _from_number(numerator), _from_number(denominator), key)


def _figure(figure: Figure) -> EncodedFigure:
    return {
        "value": _number(figure.value),
        "numerator": _number(figure.numerator),
        "denominator": _number(figure.denominator),
        "groups": [_group(g) for g in figure.groups],
        "protects": figure.protects,
        "recorded": figure.recorded,
    }


def _from_figure(data: EncodedFigure) -> Figure:
    return Figure(
        _from_number(data["value"]),
        _from_number(data["numerator"]),
        _from_number(data["denominator"]),
        tuple(_from_group(g) for g in data["groups"]),
        data["protects"],
        data["recorded"],
    )


def _trend(points: list[TrendPoint]) -> EncodedTrend:
    return [(p.month.isoformat(), p.value, p.numerator, p.denominator) for p in points]


def _from_trend(data: EncodedTrend) -> list[TrendPoint]:
    return [TrendPoint(date.fromisoformat(m), v, n, d) for m, v, n, d in data]


def encode(
    figures: dict[str, Figure], coverage: list[TrendPoint], reach: list[TrendPoint]
) -> EncodedSnapshot:
    return {
        "figures": {slug: _figure(f) for slug, f in figures.items()},
        "coverage_trend": _trend(coverage),
        "reach_trend": _trend(reach),
    }


def decode(row: DashboardSnapshot) -> Snapshot:
    """A computed row's snapshot (its figures and the time they were computed are set)."""
    data: EncodedSnapshot | None = row.figures
    if data is None or row.computed_at is None:
        raise ValueError(f"Dashboard snapshot {row.pk} was never computed.")
    now = timezone.now()
    return Snapshot(
        {slug: _from_figure(f) for slug, f in data["figures"].items()},
        _from_trend(data["coverage_trend"]),
        _from_trend(data["reach_trend"]),
        row.computed_at,
        row.seconds,
        stale=bool(max_age()) and row.computed_at < now - max_age(),
        kept_fresh=row.asked_at >= now - KEEP_REFRESHING,
    )


# --- Computing ---------------------------------------------------------------------------------


class FiltersData(TypedDict):
    """What DashboardSnapshot.filters holds."""

    hotspot_ids: list[int]
    typology: str
    worker_id: int | None
    age_band: str


def _filters_data(filters: Filters) -> FiltersData:
    return {
        "hotspot_ids": list(filters.hotspot_ids),
        "typology": filters.typology,
        "worker_id": filters.worker_id,
        "age_band": filters.age_band,
    }


def key_for(period: Period, filters: Filters) -> str:
    described = [VERSION, str(period.first), str(period.last), _filters_data(filters)]
    return hashlib.sha256(json.dumps(described, sort_keys=True).encode()).hexdigest()


def compute(period: Period, filters: Filters) -> EncodedSnapshot:
    """Every indicator and both trends, encoded for a snapshot."""
    end = period.last or period.first
    if end is None:
        raise ValueError("The trends need a period with a first or a last day.")
    months = last_months(end)
    return encode(
        indicators.compute_figures(period, filters),
        coverage_trend(months, filters),
        reach_trend(months, filters),
    )


def refresh(snapshot_id: int) -> None:
    """Compute one snapshot again (the Celery task's body)."""
    row = DashboardSnapshot.objects.filter(pk=snapshot_id).first()
    if row is None:
        return
    filters = Filters(**{**row.filters, "hotspot_ids": tuple(row.filters["hotspot_ids"])})
    started = time.monotonic()
    figures = compute(Period(row.period_first, row.period_last), filters)
    DashboardSnapshot.objects.filter(pk=snapshot_id).update(
        figures=figures,
        computed_at=timezone.now(),
        seconds=round(time.monotonic() - started, 3),
        refresh_requested_at=None,
    )


def request_refresh(row: DashboardSnapshot) -> None:
    """Beat's part: ask a worker for fresh figures, once per RETRY_AFTER; compute them here when
    the broker cannot be reached."""
    now = timezone.now()
    unclaimed = Q(refresh_requested_at__isnull=True) | Q(refresh_requested_at__lt=now - RETRY_AFTER)
    claimed = DashboardSnapshot.objects.filter(unclaimed, pk=row.pk).update(
        refresh_requested_at=now
    )
    if not claimed:
        return
    from monitoring.tasks import refresh_dashboard

    try:
        refresh_dashboard.apply_async((row.pk,), retry=False)
    except Exception:  # kombu raises its own and the transport's errors: any means "not queued"
        logger.warning("dashboard: broker unreachable, computing the figures in beat's task")
        refresh(row.pk)


def _row(period: Period, filters: Filters) -> DashboardSnapshot:
    row, _created = DashboardSnapshot.objects.get_or_create(
        key=key_for(period, filters),
        defaults={
            "period_first": period.first,
            "period_last": period.last,
            "filters": _filters_data(filters),
        },
    )
    return row


def compute_now(period: Period, filters: Filters) -> None:
    """Compute a snapshot in this process and keep it fresh for a week: the dashboard's "Compute
    the figures now" button, the demo data and the benchmark."""
    row = _row(period, filters)
    DashboardSnapshot.objects.filter(pk=row.pk).update(asked_at=timezone.now())
    refresh(row.pk)


def _live(period: Period, filters: Filters) -> Snapshot:
    started = time.monotonic()
    row = DashboardSnapshot(figures=compute(period, filters), computed_at=timezone.now())
    row.seconds = round(time.monotonic() - started, 3)
    return decode(row)


def latest(period: Period, filters: Filters) -> Snapshot | None:
    """The newest figures for a period and filters, however old (the page says when they were
    computed), in one query; None when they never were. A pure read: with DASHBOARD_MAX_AGE = 0
    they are computed here and stored nowhere."""
    if not max_age():
        return _live(period, filters)
    row = DashboardSnapshot.objects.filter(
        key=key_for(period, filters), figures__isnull=False
    ).first()
    return decode(row) if row is not None else None


def refresh_recent() -> int:
    """Beat's part: make sure the default view has a snapshot, ask for fresh figures for every
    snapshot asked for recently that is older than DASHBOARD_MAX_AGE, and drop those nobody has
    asked for in a month. Returns how many were asked for."""
    now = timezone.now()
    DashboardSnapshot.objects.filter(asked_at__lt=now - DROP_AFTER).delete()
    if not max_age():
        return 0  # snapshots are off: every visit computes its own figures
    # The menu's Dashboard opens on the last full month with no filters: ready before anyone
    # asks, the first of a month included, when that period changes.
    default = _row(period_for("month", None, None, None), Filters())
    DashboardSnapshot.objects.filter(pk=default.pk).update(asked_at=now)
    stale = DashboardSnapshot.objects.filter(asked_at__gte=now - KEEP_REFRESHING).filter(
        Q(computed_at__isnull=True) | Q(computed_at__lt=now - max_age())
    )
    rows = list(stale.order_by("-asked_at").only("pk", "refresh_requested_at"))
    for row in rows:
        request_refresh(row)
    return len(rows)
