"""The reports the organization owes, for coordinators: KP_PREV and the programme's own figures for
a half of the financial year, previewed with their definitions and counts (never a list of
people), downloaded as DHIS2 reads them (dataValueSets JSON, ADX, CSV) through the administrator's
mappings, and sent to the configured DHIS2 after a dry run the coordinator reads."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from common.periods import months_later
from members.models import AccessLog
from members.roles import LoggedInRequest, Role, role_required
from members.services import access_log_write
from monitoring import dhis2, dhis2_push
from monitoring.kp_prev import TESTING, TYPES, HalfYear, KpPrev, kp_prev, last_half_years
from monitoring.programme_report import FIGURES, programme_figures

HALVES_OFFERED = 4
REPORT_SENT = AccessLog.Action.REPORT
DOWNLOADS = {
    "json": ("application/json", "json"),
    "adx": ("application/adx+xml", "xml"),
    "csv": ("text/csv; charset=utf-8", "csv"),
}


@dataclass(frozen=True)
class Line:
    label: str
    cells: list[tuple[str, int]]  # each testing status and its count
    total: int


def _half(asked: str) -> tuple[HalfYear, list[HalfYear]]:
    """The half-year asked for (its first day) among those offered; by default the last."""
    halves = last_half_years(timezone.localdate(), HALVES_OFFERED)
    for half in halves:
        if half.first.isoformat() == asked:
            return half, halves
    if asked:
        raise Http404
    return halves[0], halves


def _lines(report: KpPrev) -> list[Line]:
    return [
        Line(
            str(label),
            [(str(name), report.cells[(kind, s)]) for s, name in TESTING.items()],
            report.by_type(kind),
        )
        for kind, label in TYPES.items()
    ]


def _page(half: HalfYear, halves: list[HalfYear]) -> dict[str, Any]:
    report = kp_prev(half)
    programme = programme_figures(half)
    mapped = dhis2.mappings()
    values = {
        "kp_prev": dhis2.kp_prev_values(report),
        "programme": dhis2.programme_values(programme),
    }
    missing = {
        name: [v.figure for v in vs if v.figure not in mapped] for name, vs in values.items()
    }
    return {
        "half": half,
        "half_label": half_label(half),
        "halves": [(h.first.isoformat(), half_label(h)) for h in halves],
        "report": report,
        "lines": _lines(report),
        "small": settings.SMALL_CELL_MIN,
        "missing": missing["kp_prev"],
        "programme": [
            (label, definition, programme[n]) for n, (label, definition) in FIGURES.items()
        ],
        "programme_missing": missing["programme"],
        "dhis2": dhis2_push.configured(),
    }


@require_GET
@role_required(Role.COORDINATOR)
def reports(request: LoggedInRequest) -> HttpResponse:
    """Eight queries for KP_PREV, three for the programme's figures and one for the mappings,
    whatever the data."""
    half, halves = _half(request.GET.get("half", ""))
    return render(request, "monitoring/reports.html", _page(half, halves))


def _report(asked: str) -> str:
    if asked and asked not in dhis2.REPORTS:
        raise Http404
    return asked or dhis2.REPORTS[0]


def _body(report: str, half: HalfYear) -> tuple[str, dict[str, object]]:
    """The half-year's period name and dataValueSets body (MissingMapping, ValueError)."""
    period = dhis2.dhis2_period(half)
    values = dhis2.report_values(report, half)
    return period, dhis2.data_value_set(values, dhis2.mappings(), period, timezone.localdate())


@require_POST
@role_required(Role.COORDINATOR)
def report_send(request: LoggedInRequest) -> HttpResponse:
    """Check with DHIS2 (a dry run: nothing is saved there), then send the same figures: the
    digest of the checked body must match what is sent, or the figures changed meanwhile."""
    half, halves = _half(request.POST.get("half", ""))
    report = _report(request.POST.get("report", ""))
    back = f"{reverse('monitoring:reports')}?half={half.first.isoformat()}"
    sending = request.POST.get("step") == "send"
    try:
        period, body = _body(report, half)
    except (dhis2.MissingMapping, ValueError) as refused:
        messages.error(request, str(refused))
        return redirect(back)
    digest = hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()
    if sending and request.POST.get("digest") != digest:
        messages.error(request, _("The figures changed since the check: check them again."))
        return redirect(back)
    try:
        summary = dhis2_push.push(body, dry_run=not sending)
    except dhis2_push.PushFailed as failed:
        messages.error(request, str(failed))
        return redirect(back)
    if sending:  # who, when, the period, a hash of what was sent, and DHIS2's summary
        detail = f"{report.upper()} {period} sha256:{digest[:16]} {summary}"
        access_log_write(actor=request.user, login=request.user, action=REPORT_SENT, detail=detail)
    page = _page(half, halves)
    page.update({"summary": summary, "sent": sending, "digest": digest, "sent_report": report})
    return render(request, "monitoring/reports.html", page)


@require_GET
@role_required(Role.COORDINATOR)
def report_download(request: LoggedInRequest) -> HttpResponse:
    """The file for DHIS2 of ?half= in ?format= json, adx or csv."""
    kind = request.GET.get("format", "")
    if kind not in DOWNLOADS:
        raise Http404
    half, _halves = _half(request.GET.get("half", ""))
    report = _report(request.GET.get("report", ""))
    values = dhis2.report_values(report, half)
    mapped, today = dhis2.mappings(), timezone.localdate()
    try:
        period = dhis2.dhis2_period(half)
        if kind == "json":
            body = json.dumps(dhis2.data_value_set(values, mapped, period, today), indent=2)
        elif kind == "adx":
            body = dhis2.adx(values, mapped, dhis2.adx_period(half), today)
        else:
            body = dhis2.data_values_csv(values, mapped, period)
    except (dhis2.MissingMapping, ValueError) as refused:
        messages.error(request, str(refused))
        return redirect(f"{reverse('monitoring:reports')}?half={half.first.isoformat()}")
    content_type, extension = DOWNLOADS[kind]
    response = HttpResponse(body, content_type=content_type)
    # A neutral name: a downloads folder tells nothing about what the file holds.
    name = f"report-{dhis2.REPORTS.index(report) + 1}-{period}.{extension}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "no-store"
    return response


def half_label(half: HalfYear) -> str:
    """April 2026 to September 2026 (an en dash between them), in the page's language."""
    last = months_later(half.first, 5)
    return " \u2013 ".join(formats.date_format(d, "YEAR_MONTH_FORMAT") for d in (half.first, last))
