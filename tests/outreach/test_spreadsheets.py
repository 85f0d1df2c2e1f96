"""The one guard of the downloads against formulas (CSV injection): a text a spreadsheet would
run goes out behind an apostrophe, in the contacts' CSV and in the dashboard's CSV and Excel.
Real numbers and dates are not text: they go out as themselves, numeric cells in Excel."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse
from django.utils.functional import lazy

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


def test_real_numbers_and_dates_go_out_as_themselves() -> None:
    values = [7, -2, 0.25, -0.5, Decimal("-3.25"), date(2026, 11, 5), True, None]
    assert spreadsheet_row(values) == values


def test_a_text_that_looks_like_a_number_stays_guarded_text() -> None:
    assert spreadsheet_row(["-2", "+10005550123", "0042", "12.5"]) == [
        "'-2",
        "'+10005550123",
        "0042",
        "12.5",
    ]


def test_a_text_that_is_not_a_str_is_guarded_as_the_text_it_is_written_as() -> None:
    formula = lazy(lambda: "=HYPERLINK(1)", str)()
    assert spreadsheet_row([formula]) == ["'=HYPERLINK(1)"]


# Through the dashboard's real download (view, guard, csv / openpyxl), with lines holding both
# texts and real numbers.
FORMULAS = ["=SUM(A1)", "+SUM(A1)", "-2+3", "@SUM(A1)", "\tSUM(A1)", "\rSUM(A1)"]
NUMBERS: list[int | float | Decimal] = [7, -2, 0.25, -0.5, Decimal("12.50"), Decimal("-3.25")]
LOOK_LIKE_NUMBERS = ["+10005550123", "-5", "0042"]


def _download(client: Any, export_format: str, monkeypatch: pytest.MonkeyPatch) -> Any:
    lines: list[list[object]] = [["Text", "Number", "Date"]]
    lines += [[t, n, date(2026, 11, 5)] for t, n in zip(FORMULAS, NUMBERS, strict=True)]
    lines += [[text, None, None] for text in LOOK_LIKE_NUMBERS]
    monkeypatch.setattr("monitoring.views.dashboard.indicator_lines", lambda areas: lines)
    response = client.get(
        reverse("monitoring:dashboard_export"),
        {"format": export_format, "period": "month", "month": "2026-11"},
    )
    assert response.status_code == 200
    return response


@pytest.mark.django_db
def test_the_excel_download_has_number_cells_for_numbers_and_guarded_text_cells(
    client_for: Any, coordinator: User, hotspot: Hotspot, monkeypatch: pytest.MonkeyPatch
) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    response = _download(client_for(coordinator), "xlsx", monkeypatch)
    rows = list(openpyxl.load_workbook(io.BytesIO(response.content)).active.iter_rows())
    figures, looks = rows[1 : 1 + len(FORMULAS)], rows[1 + len(FORMULAS) :]

    # XML reads a carriage return inside a text back as a line feed: the apostrophe is what counts.
    assert [(row[0].value, row[0].data_type) for row in figures] == [
        (f"'{text}".replace("\r", "\n"), "s") for text in FORMULAS
    ]
    assert [(row[1].value, row[1].data_type) for row in figures] == [
        (float(number), "n") for number in NUMBERS
    ]
    assert figures[1][1].value == -2 and figures[1][1].data_type == "n"  # negative: a number
    assert all(row[2].is_date and row[2].value == datetime(2026, 11, 5) for row in figures)
    assert [(row[0].value, row[0].data_type) for row in looks] == [
        ("'+10005550123", "s"),
        ("'-5", "s"),
        ("0042", "s"),
    ]


@pytest.mark.django_db
def test_the_csv_download_writes_real_numbers_plainly_and_guards_text(
    client_for: Any, coordinator: User, hotspot: Hotspot, monkeypatch: pytest.MonkeyPatch
) -> None:
    response = _download(client_for(coordinator), "csv", monkeypatch)
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    figures, looks = rows[1 : 1 + len(FORMULAS)], rows[1 + len(FORMULAS) :]
    assert [row[0] for row in figures] == [f"'{text}" for text in FORMULAS]
    assert [row[1] for row in figures] == [str(number) for number in NUMBERS]
    assert [row[0] for row in looks] == ["'+10005550123", "'-5", "0042"]


@pytest.mark.django_db
def test_the_dashboard_excel_download_has_number_cells_for_its_figures(
    client_for: Any, coordinator: User, outreach_worker: User, hotspot: Hotspot
) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    SizeEstimate.objects.create(hotspot=hotspot, number=40, estimated_on=date(2026, 1, 1))
    for i in range(8):
        person = make_person(hotspot, f"FORM02{i:02d}")
        make_contact(person, outreach_worker, contacted_on=date(2026, 11, 5))
    response = client_for(coordinator).get(
        reverse("monitoring:dashboard_export"),
        {"format": "xlsx", "period": "month", "month": "2026-11"},
    )
    header, *rows = openpyxl.load_workbook(io.BytesIO(response.content)).active.iter_rows()
    columns = [i for i, cell in enumerate(header) if cell.value in ("Numerator", "Value")]
    cells = [row[i] for row in rows for i in columns]
    assert any(cell.data_type == "n" and cell.value for cell in cells)
    numbers_as_text = [
        cell.value
        for cell in cells
        if isinstance(cell.value, str) and re.fullmatch(r"-?\d+(\.\d+)?", cell.value)
    ]
    assert numbers_as_text == []
