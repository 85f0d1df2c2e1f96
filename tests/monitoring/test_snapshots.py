"""Dashboard snapshots: the page reads precomputed figures in one query and never writes, says how
old they are, offers to compute them for filters nobody asked for before, and beat has a worker
compute again what was asked for (the default view always), or computes it itself when the broker
is unreachable."""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal
from typing import Any
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from common.periods import Period
from config.celery import app as celery_app
from members.models import Hotspot, User
from monitoring import indicators, snapshots
from monitoring.indicators import Figure, Filters, Group
from monitoring.indicators_trends import TrendPoint
from monitoring.models import DashboardSnapshot
from monitoring.selectors_dashboard import period_for
from tests.conftest import make_contact, make_person

pytestmark = pytest.mark.django_db

DASHBOARD = reverse("monitoring:dashboard")
EXPORT = reverse("monitoring:dashboard_export")
COMPUTE = reverse("monitoring:dashboard_compute")
NOVEMBER = {"period": "month", "month": "2026-11"}
NOVEMBER_PERIOD = Period(date(2026, 11, 1), date(2026, 11, 30))
NOT_COMPUTED = "The figures for these filters have not been computed yet."
WRITES = re.compile(r"^\s*(INSERT|UPDATE|DELETE)\b", re.IGNORECASE)


def _reach(client: Any, params: dict[str, Any]) -> str:
    response = client.get(DASHBOARD, params)
    assert response.status_code == 200
    rows = response.context["headline"] + response.context["others"]
    return next(r.display for a in rows for r in a.rows if r.indicator.slug == "reach")


def _in_hotspot(hotspot: Hotspot) -> dict[str, Any]:
    """November at one hotspot: never the default view (no filters), whatever today is."""
    return {**NOVEMBER, "hotspot": hotspot.pk}


def _compute(client: Any, params: dict[str, Any]) -> Any:
    """The page's "Compute the figures now" button: it posts to the page's own filters."""
    page = client.get(DASHBOARD, params).content.decode()
    action = re.search(rf'<form method="post" action="({COMPUTE}[^"]*)"', page)
    assert action is not None, "the page offers no button to compute its figures"
    return client.post(action.group(1).replace("&amp;", "&"))


def _writes(client: Any, url: str, params: dict[str, Any]) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params)
    assert response.status_code in (200, 302)
    return [q["sql"] for q in queries if WRITES.match(q["sql"])]


def _default_row() -> DashboardSnapshot:
    return DashboardSnapshot.objects.get(
        key=snapshots.key_for(period_for("month", None, None, None), Filters())
    )


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


# --- The page only reads ----------------------------------------------------------------------


@pytest.mark.parametrize("url", [DASHBOARD, EXPORT])
def test_a_page_read_writes_nothing_whatever_the_snapshot(
    settings: Any, client_for: Any, coordinator: User, hotspot: Hotspot, url: str
) -> None:
    """Nothing computed yet, then figures older than DASHBOARD_MAX_AGE that nobody asked for in
    a month: a GET of the page or its download leaves the table as it was."""
    settings.DASHBOARD_MAX_AGE = 3600
    client = client_for(coordinator)
    params = {**_in_hotspot(hotspot), "format": "csv"}
    assert _writes(client, url, params) == []
    assert not DashboardSnapshot.objects.exists()
    snapshots.compute_now(NOVEMBER_PERIOD, Filters(hotspot_ids=(hotspot.pk,)))
    long_ago = timezone.now() - timedelta(days=20)
    DashboardSnapshot.objects.update(computed_at=long_ago, asked_at=long_ago)
    assert _writes(client, url, params) == []
    row = DashboardSnapshot.objects.get()
    assert (row.computed_at, row.asked_at) == (long_ago, long_ago)


def test_with_snapshots_off_every_visit_computes_and_stores_nothing(
    client_for: Any, coordinator: User, outreach_worker: User, hotspot: Hotspot
) -> None:
    # The tests' DASHBOARD_MAX_AGE is 0 (tests/conftest.py).
    client = client_for(coordinator)
    make_contact(make_person(hotspot, "LIVE1"), outreach_worker, contacted_on=date(2026, 11, 3))
    assert _reach(client, NOVEMBER) == "1"
    make_contact(make_person(hotspot, "LIVE2"), outreach_worker, contacted_on=date(2026, 11, 4))
    assert _reach(client, NOVEMBER) == "2"
    assert _writes(client, DASHBOARD, NOVEMBER) == []
    assert not DashboardSnapshot.objects.exists()


# --- Computing on request ----------------------------------------------------------------------


def test_new_filters_offer_to_compute_their_figures_without_the_broker(
    settings: Any,
    client_for: Any,
    coordinator: User,
    outreach_worker: User,
    hotspot: Hotspot,
    no_worker: Any,
) -> None:
    settings.DASHBOARD_MAX_AGE = 3600
    make_contact(make_person(hotspot, "SNAP4"), outreach_worker, contacted_on=date(2026, 11, 5))
    client = client_for(coordinator)
    params = _in_hotspot(hotspot)
    page = client.get(DASHBOARD, params)
    assert page.status_code == 200
    content = page.content.decode()
    assert NOT_COMPUTED in content
    assert "Compute the figures now" in content
    assert "headline" not in page.context
    # The download of figures never computed leads to the page that computes them.
    export = client.get(EXPORT, {**params, "format": "csv"})
    assert export.status_code == 302
    assert export["Location"] == f"{DASHBOARD}?period=month&month=2026-11&hotspot={hotspot.pk}"
    computed = _compute(client, params)
    assert computed.status_code == 302
    assert computed["Location"] == f"{DASHBOARD}?period=month&month=2026-11&hotspot={hotspot.pk}"
    assert _reach(client, params) == "1"
    assert NOT_COMPUTED not in client.get(DASHBOARD, params).content.decode()
    no_worker.assert_not_called()  # computed in the request, never through the broker


def test_computing_refuses_filters_the_page_would_refuse(
    settings: Any, client_for: Any, coordinator: User
) -> None:
    settings.DASHBOARD_MAX_AGE = 3600
    backwards = "?period=custom&date_from=2026-11-20&date_to=2026-11-03"
    response = client_for(coordinator).post(COMPUTE + backwards)
    assert response.status_code == 400
    assert "The end comes before the start." in response.content.decode()
    assert not DashboardSnapshot.objects.exists()


def test_a_recent_snapshot_is_read_in_one_query_and_dated(
    settings: Any, client_for: Any, coordinator: User, hotspot: Hotspot
) -> None:
    settings.DASHBOARD_MAX_AGE = 3600
    client = client_for(coordinator)
    params = _in_hotspot(hotspot)
    _compute(client, params)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(DASHBOARD, params)
    snapshot_reads = [q for q in queries if "monitoring_dashboardsnapshot" in q["sql"]]
    assert len(snapshot_reads) == 1
    content = response.content.decode()
    assert "As of" in content
    assert "Compute the figures now" not in content  # fresh: nothing to offer
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
    params = _in_hotspot(hotspot)
    _compute(client, params)
    assert _reach(client, params) == "1"
    # Two more people reached, and the snapshot grows old.
    for code in ("SNAP2", "SNAP3"):
        make_contact(make_person(hotspot, code), outreach_worker, contacted_on=date(2026, 11, 4))
    DashboardSnapshot.objects.update(computed_at=timezone.now() - timedelta(hours=2))
    response = client.get(DASHBOARD, params)
    assert "Newer figures are being computed." in response.content.decode()
    assert _reach(client, params) == "1"  # still the old figures, shown with their time
    assert no_worker.call_count == 0  # the request never talks to the broker
    mine = DashboardSnapshot.objects.get(filters__hotspot_ids=[hotspot.pk])
    assert snapshots.refresh_recent() >= 1  # beat, a minute later (the default view too)
    assert snapshots.refresh_recent() >= 1  # asks again, but publishes once per RETRY_AFTER
    asked = [call.args[0][0] for call in no_worker.call_args_list]
    assert asked.count(mine.pk) == 1
    snapshots.refresh(mine.pk)  # the worker's turn
    assert _reach(client, params) == "3"


def test_figures_nobody_asked_for_this_week_can_be_computed_again_from_the_page(
    settings: Any,
    client_for: Any,
    coordinator: User,
    outreach_worker: User,
    hotspot: Hotspot,
    no_worker: Any,
) -> None:
    settings.DASHBOARD_MAX_AGE = 3600
    make_contact(make_person(hotspot, "OLD1"), outreach_worker, contacted_on=date(2026, 11, 3))
    client = client_for(coordinator)
    params = _in_hotspot(hotspot)
    _compute(client, params)
    make_contact(make_person(hotspot, "OLD2"), outreach_worker, contacted_on=date(2026, 11, 4))
    long_ago = timezone.now() - timedelta(days=10)
    DashboardSnapshot.objects.update(computed_at=long_ago, asked_at=long_ago)
    content = client.get(DASHBOARD, params).content.decode()
    # Beat has stopped refreshing them: no promise of newer figures, but the button.
    assert "Newer figures are being computed." not in content
    assert "Compute the figures now" in content
    _compute(client, params)
    assert _reach(client, params) == "2"
    assert DashboardSnapshot.objects.get(filters__hotspot_ids=[hotspot.pk]).asked_at > long_ago


# --- Beat --------------------------------------------------------------------------------------


def test_beat_keeps_the_default_view_ready(
    settings: Any, client_for: Any, coordinator: User, outreach_worker: User, hotspot: Hotspot
) -> None:
    """The menu's Dashboard (the last full month, no filters) opens on figures: beat makes them
    before anyone asks, and again once they are old."""
    settings.DASHBOARD_MAX_AGE = 900
    client = client_for(coordinator)
    assert NOT_COMPUTED in client.get(DASHBOARD).content.decode()  # before beat's first run
    assert snapshots.refresh_recent() == 1  # the tests' worker runs at once
    page = client.get(DASHBOARD)
    assert "headline" in page.context
    assert NOT_COMPUTED not in page.content.decode()
    assert snapshots.refresh_recent() == 0  # fresh: nothing to ask for
    DashboardSnapshot.objects.update(
        computed_at=timezone.now() - timedelta(hours=1),
        asked_at=timezone.now() - timedelta(days=29),
    )
    assert snapshots.refresh_recent() == 1  # the default view is always kept fresh
    assert _default_row().computed_at > timezone.now() - timedelta(minutes=1)


def test_without_a_broker_beat_computes_the_figures_itself(settings: Any) -> None:
    settings.DASHBOARD_MAX_AGE = 900
    row = DashboardSnapshot.objects.create(
        key="unreachable",
        period_first=NOVEMBER_PERIOD.first,
        period_last=NOVEMBER_PERIOD.last,
        filters=snapshots._filters_data(Filters(hotspot_ids=(1,))),
    )
    with mock.patch(
        "monitoring.tasks.refresh_dashboard.apply_async", side_effect=OSError("broker down")
    ):
        assert snapshots.refresh_recent() == 2  # this one and the default view
    row.refresh_from_db()
    assert row.figures is not None and row.computed_at is not None
    assert _default_row().figures is not None


def test_beat_refreshes_what_was_asked_for_and_drops_what_was_not(
    settings: Any, no_worker: Any
) -> None:
    settings.DASHBOARD_MAX_AGE = 900
    now = timezone.now()

    def make(key: str, asked: timedelta, computed: timedelta | None) -> DashboardSnapshot:
        return DashboardSnapshot.objects.create(
            key=key,
            asked_at=now - asked,
            computed_at=None if computed is None else now - computed,
            filters=snapshots._filters_data(Filters()),
        )

    stale = make("stale", timedelta(hours=1), timedelta(hours=1))
    fresh = make("fresh", timedelta(hours=1), timedelta(seconds=10))
    never = make("never", timedelta(minutes=1), None)
    forgotten = make("forgotten", timedelta(days=31), timedelta(days=31))
    unasked = make("unasked", timedelta(days=8), timedelta(days=8))
    assert snapshots.refresh_recent() == 3
    default = _default_row()
    asked = sorted(call.args[0][0] for call in no_worker.call_args_list)
    assert asked == sorted([stale.pk, never.pk, default.pk])
    remaining = set(DashboardSnapshot.objects.values_list("pk", flat=True))
    assert remaining == {stale.pk, fresh.pk, never.pk, unasked.pk, default.pk}
    assert forgotten.pk not in remaining


def test_with_snapshots_off_beat_asks_for_nothing(settings: Any, no_worker: Any) -> None:
    settings.DASHBOARD_MAX_AGE = 0
    DashboardSnapshot.objects.create(key="off", filters=snapshots._filters_data(Filters()))
    assert snapshots.refresh_recent() == 0
    no_worker.assert_not_called()
    assert DashboardSnapshot.objects.count() == 1  # no default view made either
