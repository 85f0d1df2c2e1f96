"""For coordinators: every indicator for a period, with its definition beside it, 12-month trends
of coverage and reach, the hotspots under the coverage alert, and the same table as a download
with small counts of people hidden. The pages only read snapshots of the figures; a button computes
them for filters nobody asked for before (monitoring.snapshots)."""

from __future__ import annotations

import csv
import io
from typing import Any, TypedDict

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from common.periods import Period
from members.models import Typology
from members.roles import LoggedInRequest, Role, role_required
from monitoring import indicators, snapshots
from monitoring.forms import DashboardFilterForm
from monitoring.indicators_trends import TrendPoint
from monitoring.selectors_dashboard import (
    Cell,
    Chart,
    hotspots_to_filter_by,
    indicator_lines,
    line_chart,
    period_for,
    workers_to_filter_by,
)
from outreach.spreadsheets import spreadsheet_row
from safety.selectors import SHARED_WITH, incident_counts, shared_report_lines

# Hotspots under the coverage alert listed on the page; the download has them all.
ALERTS_SHOWN = 25
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _filter_form(request: LoggedInRequest) -> DashboardFilterForm:
    return DashboardFilterForm(
        request.GET or None,
        hotspots=hotspots_to_filter_by(request.user),
        workers=workers_to_filter_by(),
        typologies=Typology.choices,
    )


def _narrowed_to(form: DashboardFilterForm) -> list[str]:
    """The hotspot, kind of place and worker the figures are narrowed to, as the page names them
    beside its folded filters."""
    if not form.is_bound or not form.is_valid():
        return []
    data = form.cleaned_data
    typology = dict(Typology.choices).get(data.get("typology") or "")
    return [str(x) for x in (data.get("hotspot"), typology, data.get("worker")) if x]


def _chosen(form: DashboardFilterForm) -> tuple[Period, indicators.Filters]:
    """The period and filters of a valid form, or the defaults of an empty one."""
    data = form.cleaned_data if form.is_bound else {}
    period = period_for(
        data.get("period") or "month", data.get("month"), data.get("date_from"), data.get("date_to")
    )
    hotspot, worker = data.get("hotspot"), data.get("worker")
    filters = indicators.Filters(
        hotspot_ids=(hotspot.pk,) if hotspot else (),
        typology=data.get("typology") or "",
        worker_id=worker.pk if worker else None,
    )
    return period, filters


def _page_for(request: HttpRequest) -> str:
    """The dashboard with the filters of this request's address (not the download's format)."""
    query = request.GET.copy()
    query.pop("format", None)
    page = reverse("monitoring:dashboard")
    return f"{page}?{query.urlencode()}" if query else page


class Trend(TypedDict):
    chart: Chart
    points: list[TrendPoint]
    percent: bool


def _trend(points: list[TrendPoint], percent: bool) -> Trend:
    values = [float(p.value) if p.value is not None else None for p in points]
    months = [formats.date_format(p.month, "M") for p in points]
    return {
        "chart": line_chart(values, months, percent=percent),
        "points": points,
        "percent": percent,
    }


@require_GET
@role_required(Role.COORDINATOR)
def dashboard(request: LoggedInRequest) -> HttpResponse:
    # Queries: the hotspots and workers of the filter and the snapshot of the figures
    # (monitoring.snapshots); none grows with the data, and none writes.
    form = _filter_form(request)
    if form.is_bound and not form.is_valid():
        return render(request, "monitoring/dashboard.html", {"form": form}, status=400)
    period, filters = _chosen(form)
    page: dict[str, Any] = {"form": form, "period": period, "narrowed_to": _narrowed_to(form)}
    snapshot = snapshots.latest(period, filters)
    if snapshot is not None:  # else never computed for these filters: the page offers to it
        page.update(_figures(snapshot))
    return render(request, "monitoring/dashboard.html", page)


def _figures(snapshot: snapshots.Snapshot) -> dict[str, Any]:
    """What the page shows of a snapshot: the five areas first, the rest, alerts and trends."""
    areas = indicators.arrange(snapshot.figures)
    alerts = indicators.hotspots_below_alert(snapshot.figures["coverage"])
    return {
        "snapshot": snapshot,
        "headline": [a for a in areas if a.slug in indicators.HEADLINE_AREAS],
        "others": [a for a in areas if a.slug not in indicators.HEADLINE_AREAS],
        "alerts": alerts[:ALERTS_SHOWN],
        "alerts_hidden": max(len(alerts) - ALERTS_SHOWN, 0),
        "alerts_count": len(alerts),
        "coverage_alert": indicators.COVERAGE_ALERT,
        "coverage_trend": _trend(snapshot.coverage_trend, True),
        "reach_trend": _trend(snapshot.reach_trend, False),
        "xlsx": "xlsx" in _formats(),
        # Bad-date reports of the last 12 months, counts only (three queries).
        "incidents": incident_counts(),
    }


@require_POST
@role_required(Role.COORDINATOR)
def dashboard_compute(request: LoggedInRequest) -> HttpResponse:
    """Compute the figures of the page's period and filters (in its address) now, then show them:
    seconds at national scale, which is why a page read never does it."""
    form = _filter_form(request)
    if form.is_bound and not form.is_valid():
        return render(request, "monitoring/dashboard.html", {"form": form}, status=400)
    snapshots.compute_now(*_chosen(form))
    return redirect(_page_for(request))


def _csv(lines: list[list[Cell]], filename: str) -> HttpResponse:
    buffer = io.StringIO()
    buffer.write("\ufeff")  # so a spreadsheet reads accented headers as UTF-8
    writer = csv.writer(buffer)
    for line in lines:
        writer.writerow(spreadsheet_row(line))
    return HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")


def _xlsx(lines: list[list[Cell]], filename: str) -> HttpResponse:
    from openpyxl import Workbook  # imported here: only this download needs it

    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Indicators"))
    for line in lines:
        sheet.append(spreadsheet_row(line))
    buffer = io.BytesIO()
    book.save(buffer)
    return HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)


def _formats() -> tuple[str, ...]:
    try:
        import openpyxl  # noqa: F401
    except ImportError:
        return ("csv",)
    return ("csv", "xlsx")


@require_GET
@role_required(Role.COORDINATOR)
def dashboard_export(request: LoggedInRequest) -> HttpResponse:
    form = _filter_form(request)
    export_format = request.GET.get("format", "csv")
    if (form.is_bound and not form.is_valid()) or export_format not in _formats():
        # The download links carry the dashboard's filters: a broken one shows the form.
        return render(request, "monitoring/dashboard.html", {"form": form}, status=400)
    period, filters = _chosen(form)
    # The figures on the page, so the download and the dashboard agree.
    snapshot = snapshots.latest(period, filters)
    if snapshot is None:
        return redirect(_page_for(request))  # where they can be computed
    lines = indicator_lines(indicators.arrange(snapshot.figures))
    # A neutral name: a downloads folder tells nothing about what the file holds.
    filename = f"export-{period.slug}.{export_format}"
    response = (_xlsx if export_format == "xlsx" else _csv)(lines, filename)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


@require_GET
@role_required(Role.COORDINATOR)
def incidents_export(request: LoggedInRequest) -> HttpResponse:
    """The bad-date reports their people agreed to share with partner organizations or with the
    police (`?with=`), for the coordinator to pass on: never who reported, never a number."""
    audience = request.GET.get("with", "")
    if audience not in SHARED_WITH:
        return HttpResponse(_("Choose who the reports are for."), status=400)
    filename = f"reports-{audience}.csv"
    response = _csv(shared_report_lines(audience), filename)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response
