"""The coordinator dashboard and its export: who may open them, the filters, a query count that
does not grow with the data, and what the CSV holds."""

from __future__ import annotations

import csv
import io
from datetime import date
from typing import Any
from uuid import uuid4

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from members.models import Hotspot, Person, User
from outreach.models import Contact, SizeEstimate
from tests.conftest import make_contact, make_person

pytestmark = pytest.mark.django_db

DASHBOARD = reverse("monitoring:dashboard")
EXPORT = reverse("monitoring:dashboard_export")
COMPUTE = reverse("monitoring:dashboard_compute")
NOVEMBER = {"period": "month", "month": "2026-11"}


# --- Access ------------------------------------------------------------------------------------


@pytest.mark.parametrize("url", [DASHBOARD, EXPORT])
def test_anonymous_visitors_are_sent_to_log_in(client_for: Any, url: str) -> None:
    response = client_for(None).get(url)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("url", [DASHBOARD, EXPORT])
@pytest.mark.parametrize("persona", ["member", "outreach_worker", "other_worker"])
def test_everyone_but_coordinators_is_refused(
    client_for: Any, request: pytest.FixtureRequest, url: str, persona: str
) -> None:
    user = request.getfixturevalue(persona)
    assert client_for(user).get(url).status_code == 403


@pytest.mark.parametrize("persona", ["member", "outreach_worker", "other_worker"])
def test_only_coordinators_have_figures_computed(
    client_for: Any, request: pytest.FixtureRequest, persona: str
) -> None:
    user = request.getfixturevalue(persona)
    assert client_for(user).post(COMPUTE).status_code == 403
    assert client_for(None).post(COMPUTE).status_code == 302  # to log in


def test_a_coordinator_sees_the_dashboard(client_for: Any, coordinator: User) -> None:
    response = client_for(coordinator).get(DASHBOARD)
    assert response.status_code == 200
    assert "<h1" in response.content.decode()
    assert response.content.decode().count("<h1") == 1


def test_a_coordinator_downloads_the_export(client_for: Any, coordinator: User) -> None:
    response = client_for(coordinator).get(EXPORT, {"format": "csv", **NOVEMBER})
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="export-2026-11.csv"'
    assert response["Cache-Control"] == "no-store"


def test_the_page_title_reveals_nothing(client_for: Any, coordinator: User) -> None:
    content = client_for(coordinator).get(DASHBOARD).content.decode()
    title = content.split("<title>")[1].split("</title>")[0]
    assert "sex" not in title.lower()
    assert "hotspot" not in title.lower()


# --- Filters -----------------------------------------------------------------------------------


def _people(hotspot: Hotspot, count: int, prefix: str) -> list[Person]:
    return [make_person(hotspot, f"{prefix}{i:04d}") for i in range(count)]


def test_the_filters_narrow_the_figures_to_a_hotspot(
    client_for: Any,
    coordinator: User,
    outreach_worker: User,
    other_worker: User,
    hotspot: Hotspot,
    other_hotspot: Hotspot,
) -> None:
    # 6 people at the market and 7 at the lounge, one contact each in November.
    for person in _people(hotspot, 6, "MARK"):
        make_contact(person, outreach_worker, contacted_on=date(2026, 11, 5))
    for person in _people(other_hotspot, 7, "LOUN"):
        make_contact(person, other_worker, contacted_on=date(2026, 11, 6))
    client = client_for(coordinator)
    everyone = client.get(DASHBOARD, NOVEMBER).context["headline"][0].rows[0].figure
    assert everyone.numerator == 13
    market = client.get(DASHBOARD, {**NOVEMBER, "hotspot": hotspot.pk})
    assert market.context["headline"][0].rows[0].figure.numerator == 6
    # The form keeps what was chosen.
    assert f'value="{hotspot.pk}" selected' in market.content.decode()


def test_a_quarter_and_a_year_are_periods_too(client_for: Any, coordinator: User) -> None:
    client = client_for(coordinator)
    quarter = client.get(DASHBOARD, {"period": "quarter", "month": "2026-11"}).context["period"]
    assert (quarter.first, quarter.last) == (date(2026, 10, 1), date(2026, 12, 31))
    year = client.get(DASHBOARD, {"period": "year", "month": "2026-11"}).context["period"]
    assert (year.first, year.last) == (date(2026, 10, 1), date(2027, 9, 30))
    custom = client.get(
        DASHBOARD, {"period": "custom", "date_from": "2026-11-03", "date_to": "2026-11-20"}
    ).context["period"]
    assert (custom.first, custom.last) == (date(2026, 11, 3), date(2026, 11, 20))


def test_dates_the_wrong_way_round_are_shown_beside_the_field(
    client_for: Any, coordinator: User
) -> None:
    response = client_for(coordinator).get(
        DASHBOARD, {"period": "custom", "date_from": "2026-11-20", "date_to": "2026-11-03"}
    )
    assert response.status_code == 400
    content = response.content.decode()
    assert "The end comes before the start." in content
    assert 'value="2026-11-20"' in content


def test_the_default_period_is_the_last_full_month(client_for: Any, coordinator: User) -> None:
    period = client_for(coordinator).get(DASHBOARD).context["period"]
    assert period.is_month
    assert period.last < date.today()
    assert (date.today() - period.last).days <= 31


# --- Query count -------------------------------------------------------------------------------


def _contacts(hotspot: Hotspot, worker: User, count: int) -> None:
    people = Person.objects.bulk_create(
        Person(uic_hash=f"hash-{hotspot.pk}-{i}", hotspot=hotspot) for i in range(count)
    )
    Contact.objects.bulk_create(
        Contact(
            person=person,
            worker=worker,
            hotspot=hotspot,
            contacted_on=date(2026, 11, 1 + i % 30),
            male_condoms=i % 7,
            stated_monthly_need=10,
            idempotency_key=uuid4(),
        )
        for i, person in enumerate(people)
    )


def _queries(client: Any, url: str, params: dict[str, Any]) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(queries)


def test_the_dashboard_costs_the_same_queries_with_10_or_1000_contacts(
    client_for: Any, coordinator: User, outreach_worker: User, hotspot: Hotspot
) -> None:
    # Session and user, the filter's hotspots and workers, then a fixed number per indicator
    # and per trend month (each function in monitoring.indicators names its own).
    SizeEstimate.objects.create(hotspot=hotspot, number=200, estimated_on=date(2026, 1, 1))
    client = client_for(coordinator)
    _contacts(hotspot, outreach_worker, 10)
    # Every visit computes the figures afresh and stores nothing (the tests' DASHBOARD_MAX_AGE
    # is 0); with snapshots on, a visit reads one row (test_snapshots).
    client.get(DASHBOARD, NOVEMBER)
    few = _queries(client, DASHBOARD, NOVEMBER)
    few_export = _queries(client, EXPORT, {"format": "csv", **NOVEMBER})
    _contacts(hotspot, outreach_worker, 990)
    assert Contact.objects.count() == 1000
    assert _queries(client, DASHBOARD, NOVEMBER) == few
    assert _queries(client, EXPORT, {"format": "csv", **NOVEMBER}) == few_export


# --- The CSV -----------------------------------------------------------------------------------


def _rows(response: Any) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_the_csv_hides_small_counts_of_people_by_hotspot(
    client_for: Any,
    coordinator: User,
    outreach_worker: User,
    other_worker: User,
    hotspot: Hotspot,
    other_hotspot: Hotspot,
) -> None:
    # Market: 3 people reached (under 5: hidden); lounge: 9; overall 12, which would give the
    # market's 3 away, so the lounge's 9 is hidden as its complement.
    SizeEstimate.objects.create(hotspot=hotspot, number=40, estimated_on=date(2026, 1, 1))
    SizeEstimate.objects.create(hotspot=other_hotspot, number=60, estimated_on=date(2026, 1, 1))
    for person in _people(hotspot, 3, "MARK"):
        make_contact(person, outreach_worker, contacted_on=date(2026, 11, 5))
    for person in _people(other_hotspot, 9, "LOUN"):
        make_contact(person, other_worker, contacted_on=date(2026, 11, 6))
    rows = _rows(client_for(coordinator).get(EXPORT, {"format": "csv", **NOVEMBER}))
    assert rows[0] == [
        "Indicator",
        "Area",
        "Group",
        "Numerator",
        "Denominator",
        "Value",
        "Definition",
    ]
    coverage = {row[2]: row for row in rows if row[0] == "Coverage"}
    assert coverage["All"][3:6] == ["12", "100", "0.12"]
    assert coverage["Test market"][3] == "<5"
    assert coverage["Test market"][5] == ""
    assert coverage["Test lounge"][3] == ""
    # Goods are not people: shown whole, and last.
    assert rows[-1][0] == "Goods given"
    peers = next(row for row in rows if row[0] == "Brought by peers")
    assert peers[5] == "not recorded yet"


def test_the_same_table_comes_as_a_spreadsheet(
    client_for: Any, coordinator: User, outreach_worker: User, hotspot: Hotspot
) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    for person in _people(hotspot, 2, "XLSX"):
        make_contact(person, outreach_worker, contacted_on=date(2026, 11, 5))
    response = client_for(coordinator).get(EXPORT, {"format": "xlsx", **NOVEMBER})
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="export-2026-11.xlsx"'
    assert response["Cache-Control"] == "no-store"
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0][:3] == ["Indicator", "Area", "Group"]
    reach = next(row for row in rows if row[0] == "Reach this reporting year")
    # 2 people: under 5, hidden in the spreadsheet as in the CSV.
    assert reach[3] == "<5"


def test_an_unknown_format_is_refused(client_for: Any, coordinator: User) -> None:
    response = client_for(coordinator).get(EXPORT, {"format": "pdf", **NOVEMBER})
    assert response.status_code == 400


def test_long_breakdowns_are_cut_on_the_page_and_whole_in_the_download(
    client_for: Any, coordinator: User, monkeypatch: Any
) -> None:
    from monitoring import indicators
    from monitoring.views import dashboard

    monkeypatch.setattr(indicators, "GROUPS_SHOWN", 2)
    monkeypatch.setattr(dashboard, "ALERTS_SHOWN", 1)
    for n in range(4):
        spot = Hotspot.objects.create(name=f"Spot {n}", typology="street")
        SizeEstimate.objects.create(hotspot=spot, number=100, estimated_on=date(2026, 1, 1))
    client = client_for(coordinator)
    page = client.get(DASHBOARD, NOVEMBER).content.decode()
    lines = [f'fw-normal">Spot {n}<' in page for n in range(4)]  # coverage card lines
    assert lines == [True, True, False, False]
    alerts = [f"Spot {n}: 0 / 100" in page for n in range(4)]
    assert alerts == [True, False, False, False]
    assert "And 2 more lines in the download." in page
    assert "And 3 more hotspots: see the coverage lines of the download." in page
    export = client.get(EXPORT, {"format": "csv", **NOVEMBER}).content.decode("utf-8-sig")
    assert all(f"Spot {n}" in export for n in range(4))
