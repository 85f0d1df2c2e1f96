"""The dashboard's figures as snapshots. At 2,000,000 contacts every indicator and the two 12-month
trends take seconds to compute, far over the dashboard's 300 ms budget, so the page reads the latest
snapshot for its period and filters in one query and says when it was computed. Beat looks every
minute for snapshots someone viewed that are older than DASHBOARD_MAX_AGE and has a worker compute
them again. The request itself never talks to the broker: a hung Redis cannot hold the page. The
first visit for new filters computes its figures in the request (seconds at national scale, once).
DASHBOARD_MAX_AGE = 0 turns snapshots off: the figures are computed on every visit.

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
from typing import Any

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from monitoring import indicators
from monitoring.indicators import Figure, Filters, Group
from monitoring.indicators_trends import TrendPoint, coverage_trend, last_months, reach_trend
from monitoring.models import DashboardSnapshot
from outreach.indicators_contacts import Period

logger = logging.getLogger(__name__)

# Part of every key: change it when what a snapshot holds changes, and old ones are recomputed.
VERSION = 1
# A refresh asked for but not done after this is asked for again (the worker may have died).
RETRY_AFTER = timedelta(minutes=2)
# Beat keeps refreshing what someone looked at within this time; older snapshots are dropped.
KEEP_REFRESHING = timedelta(days=7)
DROP_AFTER = timedelta(days=30)
# Writing "viewed" on every request would cost a query per page; once an hour is enough.
VIEWED_EVERY = timedelta(hours=1)


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


# --- Encoding ----------------------------------------------------------------------------------


def _number(value: Any) -> Any:
    return {"decimal": str(value)} if isinstance(value, Decimal) else value


def _from_number(value: Any) -> Any:
    return Decimal(value["decimal"]) if isinstance(value, dict) else value


def _group(group: Group) -> list[Any]:
    return [group.label, _number(group.numerator), _number(group.denominator), group.key]


def _from_group(data: list[Any]) -> Group:
    label, numerator, denominator, key = data
    if key in indicators.GOODS_LABELS:
        label = str(indicators.GOODS_LABELS[key])  # in the language of whoever reads it
    return Group(label, _from_number(numerator), _from_number(denominator), key)


def _figure(figure: Figure) -> dict[str, Any]:
    return {
        "value": _number(figure.value),
        "numerator": _number(figure.numerator),
        "denominator": _number(figure.denominator),
        "groups": [_group(g) for g in figure.groups],
        "protects": figure.protects,
        "recorded": figure.recorded,
    }


def _from_figure(data: dict[str, Any]) -> Figure:
    return Figure(
        _from_number(data["value"]),
        _from_number(data["numerator"]),
        _from_number(data["denominator"]),
        tuple(_from_group(g) for g in data["groups"]),
        data["protects"],
        data["recorded"],
    )


def _trend(points: list[TrendPoint]) -> list[list[Any]]:
    return [[p.month.isoformat(), p.value, p.numerator, p.denominator] for p in points]


def _from_trend(data: list[list[Any]]) -> list[TrendPoint]:
    return [TrendPoint(date.fromisoformat(m), v, n, d) for m, v, n, d in data]


def encode(
    figures: dict[str, Figure], coverage: list[TrendPoint], reach: list[TrendPoint]
) -> dict[str, Any]:
    return {
        "figures": {slug: _figure(f) for slug, f in figures.items()},
        "coverage_trend": _trend(coverage),
        "reach_trend": _trend(reach),
    }


def decode(row: DashboardSnapshot) -> Snapshot:
    data = row.figures
    return Snapshot(
        {slug: _from_figure(f) for slug, f in data["figures"].items()},
        _from_trend(data["coverage_trend"]),
        _from_trend(data["reach_trend"]),
        row.computed_at,  # type: ignore[arg-type]
        row.seconds,
        stale=bool(max_age()) and row.computed_at < timezone.now() - max_age(),  # type: ignore[operator]
    )


# --- Computing ---------------------------------------------------------------------------------


def _filters_data(filters: Filters) -> dict[str, Any]:
    return {
        "hotspot_ids": list(filters.hotspot_ids),
        "typology": filters.typology,
        "worker_id": filters.worker_id,
        "age_band": filters.age_band,
    }


def key_for(period: Period, filters: Filters) -> str:
    described = [VERSION, str(period.first), str(period.last), _filters_data(filters)]
    return hashlib.sha256(json.dumps(described, sort_keys=True).encode()).hexdigest()


def compute(period: Period, filters: Filters) -> dict[str, Any]:
    """Every indicator and both trends, encoded for a snapshot."""
    months = last_months(period.last or period.first)  # type: ignore[arg-type]
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
    """Compute a snapshot in this process: the demo data and the benchmark prepare theirs."""
    refresh(_row(period, filters).pk)


def latest(period: Period, filters: Filters) -> Snapshot:
    """The newest figures for a period and filters: one query when a snapshot exists, however old
    (beat refreshes it); computed here the first time, or every time when DASHBOARD_MAX_AGE is 0."""
    row = _row(period, filters)
    now = timezone.now()
    if row.figures is None or not max_age():
        refresh(row.pk)
        row.refresh_from_db()
    elif row.viewed_at < now - VIEWED_EVERY:
        # Keeps beat refreshing it (refresh_recent).
        DashboardSnapshot.objects.filter(pk=row.pk).update(viewed_at=now)
    return decode(row)


def refresh_recent() -> int:
    """Beat's part: ask for fresh figures for every snapshot viewed recently that is older than
    DASHBOARD_MAX_AGE, and drop those nobody has looked at for a month. Returns how many."""
    now = timezone.now()
    DashboardSnapshot.objects.filter(viewed_at__lt=now - DROP_AFTER).delete()
    if not max_age():
        return 0  # snapshots are off: every visit computes its own figures
    stale = DashboardSnapshot.objects.filter(viewed_at__gte=now - KEEP_REFRESHING).filter(
        Q(computed_at__isnull=True) | Q(computed_at__lt=now - max_age())
    )
    rows = list(stale.order_by("-viewed_at").only("pk", "refresh_requested_at"))
    for row in rows:
        request_refresh(row)
    return len(rows)
