"""The one guard of the downloads against formulas (CSV injection): a text a spreadsheet would
run goes out behind an apostrophe, in the contacts' CSV and in the dashboard's CSV and Excel."""

from __future__ import annotations

import csv
import io
from datetime import date
from typing import Any

import pytest
from django.urls import reverse

from members.models import Hotspot, User
from outreach import spreadsheets
from outreach.models import SizeEstimate
from outreach.spreadsheets import spreadsheet_row
from tests.conftest import make_contact, make_person


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_a_text_a_spreadsheet_would_run_is_kept_as_text(start: str) -> None:
    assert spreadsheet_row([f"{start}SUM(A1)", "Market", 3, None, -2]) == [
        f"'{start}SUM(A1)",
        "Market",
        3,
        None,
        -2,
    ]


@pytest.mark.django_db
def test_every_download_goes_through_the_one_guard(
    client_for: Any,
    coordinator: User,
    outreach_worker: User,
    hotspot: Hotspot,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A second copy of the guard would not know about "!": only the one guard is changed here.
    monkeypatch.setattr(spreadsheets, "FORMULA_STARTS", (*spreadsheets.FORMULA_STARTS, "!"))
    hotspot.name = "!Market"
    hotspot.save()
    SizeEstimate.objects.create(hotspot=hotspot, number=40, estimated_on=date(2026, 1, 1))
    make_contact(make_person(hotspot, "FORM0101"), outreach_worker, contacted_on=date(2026, 11, 5))
    client = client_for(coordinator)

    response = client.get(
        reverse("outreach:contact_export"), {"format": "rows", "month": "2026-11"}
    )
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert list(csv.reader(io.StringIO(body)))[1][3] == "'!Market"

    dashboard = {"period": "month", "month": "2026-11"}
    response = client.get(reverse("monitoring:dashboard_export"), {"format": "csv", **dashboard})
    cells = {
        cell
        for row in csv.reader(io.StringIO(response.content.decode("utf-8-sig")))
        for cell in row
    }
    assert "'!Market" in cells
    assert "!Market" not in cells

    openpyxl = pytest.importorskip("openpyxl")
    response = client.get(reverse("monitoring:dashboard_export"), {"format": "xlsx", **dashboard})
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    cells = {cell.value for row in sheet.iter_rows() for cell in row}
    assert "'!Market" in cells
    assert "!Market" not in cells
