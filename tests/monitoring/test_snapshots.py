"""Dashboard snapshots: the page reads precomputed figures in a handful of queries, says how old
they are, asks a worker for fresh ones when they are stale, and computes them itself when the
broker is unreachable."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from config.celery import app as celery_app
from members.models import User
from monitoring import indicators, snapshots
from monitoring.indicators import Figure, Filters, Group
from monitoring.indicators_trends import TrendPoint
from monitoring.models import DashboardSnapshot
from outreach.indicators_contacts import Period
from outreach.models import Hotspot
from tests.conftest import make_contact, make_person

pytestmark = pytest.mark.django_db

DASHBOARD = reverse("monitoring:dashboard")
NOVEMBER = {"period": "month", "month": "2026-11"}
NOVEMBER_PERIOD = Period(date(2026, 11, 1), date(2026, 11, 30))


def _reach(client: Any) -> str:
    response = client.get(DASHBOARD, NOVEMBER)
    assert response.status_code == 200
    rows = response.context["headline"] + response.context["others"]
    return next(r.display for a in rows for r in a.rows if r.indicator.slug == "reach")


@pytest.fixture
def no_worker() -> Any:
    """A broker that takes tasks but no worker running them."""
    celery_app.conf.task_always_eager = False
    with mock.patch("monitoring.tasks.refresh_dashboard.apply_async") as delay:
        yield delay
    celery_app.conf.task_always_eager = True


def test_figures_survive_the_round_trip_through_a_snapshot() -> None:
    figures = {
        "coverage": Figure(0.5, 10, 20, (Group("Harbour", 10, 20),), indicators.COUNT),
        "goods": Figure(None, None, None, (Group("Male condoms", 7, key="male_condoms"),)),
        "money": Figure(Decimal("12.50"), Decimal("12.50"), Decimal("100.00")),
        "brought": Figure(None, recorded=False),
    }
    trend = [
        TrendPoint(date(2026, 10, 1), 0.25, 5, 20),
        TrendPoint(date(2026, 11, 1), None, 0, None),
    ]
    row = DashboardSnapshot(figures=snapshots.encode(figures, trend, trend[:1]))
    row.computed_at = timezone.now()
    decoded = snapshots.decode(row)
    assert decoded.figures == figures
    assert decoded.coverage_trend == trend
    assert decoded.reach_trend == trend[:1]


def test_goods_are_named_in_the_language_of_the_reader() -> None:
    figures = {"goods": Figure(None, groups=(Group("Male condoms", 7, key="male_condoms"),))}
    row = DashboardSnapshot(figures=snapshots.encode(figures, [], []), computed_at=timezone.now())
    with translation.override("es"):
        label = snapshots.decode(row).figures["goods"].groups[0].label
        spanish = str(indicators.GOODS_LABELS["male_condoms"])
    assert label == spanish != "Male condoms"


def test_a_recent_snapshot_is_read_in_one_query_and_dated(
    settings: Any, client_for: Any, coordinator: User
) -> None:
    settings.DASHBOARD_MAX_AGE = 3600
    client = client_for(coordinator)
    client.get(DASHBOARD, NOVEMBER)  # computes it (the tests' worker runs at once)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(DASHBOARD, NOVEMBER)
    snapshot_reads = [q for q in queries if "monitoring_dashboardsnapshot" in q["sql"]]
    assert len(snapshot_reads) == 1
    assert "As of" in response.content.decode()
    assert DashboardSnapshot.objects.count() == 1


def test_a_stale_snapshot_is_shown_while_beat_has_a_worker_compute_a_fresh_one(
    settings: Any,
    client_for: Any,
    coordinator: User,
    outreach_worker: User,
    hotspot: Hotspot,
    no_worker: Any,
) -> None:
    settings.DASHBOARD_MAX_AGE = 3600
    make_contact(make_person(hotspot, "SNAP1"), outreach_worker, contacted_on=date(2026, 11, 3))
    client = client_for(coordinator)
    assert _reach(client) == "1"  # the first visit computes in the request
    # Two more people reached, and the snapshot grows old.
    for code in ("SNAP2", "SNAP3"):
        make_contact(make_person(hotspot, code), outreach_worker, contacted_on=date(2026, 11, 4))
    DashboardSnapshot.objects.update(computed_at=timezone.now() - timedelta(hours=2))
    response = client.get(DASHBOARD, NOVEMBER)
    assert "Newer figures are being computed." in response.content.decode()
    assert _reach(client) == "1"  # still the old figures, shown with their time
    assert no_worker.call_count == 0  # the request never talks to the broker
    assert snapshots.refresh_recent() == 1  # beat, a minute later
    assert snapshots.refresh_recent() == 1  # asks again, but publishes once per RETRY_AFTER
    assert no_worker.call_count == 1
    snapshots.refresh(no_worker.call_args.args[0][0])  # the worker's turn
    assert _reach(client) == "3"


def test_the_first_visit_computes_the_figures_without_the_broker(
    settings: Any,
    client_for: Any,
    coordinator: User,
    outreach_worker: User,
    hotspot: Hotspot,
    no_worker: Any,
) -> None:
    settings.DASHBOARD_MAX_AGE = 3600
    make_contact(make_person(hotspot, "SNAP4"), outreach_worker, contacted_on=date(2026, 11, 5))
    assert _reach(client_for(coordinator)) == "1"
    no_worker.assert_not_called()


def test_without_a_broker_beat_computes_the_figures_itself(settings: Any) -> None:
    settings.DASHBOARD_MAX_AGE = 900
    row = DashboardSnapshot.objects.create(
        key="unreachable",
        period_first=NOVEMBER_PERIOD.first,
        period_last=NOVEMBER_PERIOD.last,
        filters=snapshots._filters_data(Filters()),
    )
    with mock.patch(
        "monitoring.tasks.refresh_dashboard.apply_async", side_effect=OSError("broker down")
    ):
        assert snapshots.refresh_recent() == 1
    row.refresh_from_db()
    assert row.figures is not None and row.computed_at is not None


def test_beat_refreshes_what_was_viewed_and_drops_what_was_not(
    settings: Any, no_worker: Any
) -> None:
    settings.DASHBOARD_MAX_AGE = 900
    now = timezone.now()

    def make(key: str, viewed: timedelta, computed: timedelta | None) -> DashboardSnapshot:
        return DashboardSnapshot.objects.create(
            key=key,
            viewed_at=now - viewed,
            computed_at=None if computed is None else now - computed,
            filters=snapshots._filters_data(Filters()),
        )

    stale = make("stale", timedelta(hours=1), timedelta(hours=1))
    fresh = make("fresh", timedelta(hours=1), timedelta(seconds=10))
    never = make("never", timedelta(minutes=1), None)
    forgotten = make("forgotten", timedelta(days=31), timedelta(days=31))
    unviewed = make("unviewed", timedelta(days=8), timedelta(days=8))
    assert snapshots.refresh_recent() == 2
    asked = sorted(call.args[0][0] for call in no_worker.call_args_list)
    assert asked == sorted([stale.pk, never.pk])
    remaining = set(DashboardSnapshot.objects.values_list("pk", flat=True))
    assert remaining == {stale.pk, fresh.pk, never.pk, unviewed.pk}
    assert forgotten.pk not in remaining


def test_with_snapshots_off_beat_asks_for_nothing(settings: Any, no_worker: Any) -> None:
    settings.DASHBOARD_MAX_AGE = 0
    DashboardSnapshot.objects.create(key="off", filters=snapshots._filters_data(Filters()))
    assert snapshots.refresh_recent() == 0
    no_worker.assert_not_called()
