"""The reports page (monitoring.views.reports): KP_PREV for a half-year, previewed and
downloaded as DHIS2 reads it; a missing mapping says which figures lack one."""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from demo.year import report_mappings
from members.models import Person, Reminder, User
from monitoring.kp_prev import last_half_years
from monitoring.models import ReportMapping
from reminders.planning import plan_monthly_report
from reminders.views import reminder_link
from tests.conftest import make_contact

pytestmark = pytest.mark.django_db


@pytest.fixture
def reached(person: Person, outreach_worker: User) -> str:
    """Sunny, reached in the last full half-year; its first day, as the page names it."""
    half = last_half_years(timezone.localdate(), 1)[0]
    make_contact(person, outreach_worker, contacted_on=half.first + timedelta(days=3))
    return half.first.isoformat()


def test_the_preview_counts_people_and_names_the_missing_mappings(
    client_for: Any, coordinator: User, reached: str
) -> None:
    body = client_for(coordinator).get(reverse("monitoring:reports")).content.decode()
    assert "1 person reached" in body
    assert "KP_PREV/FSW/declined" in body  # no mappings yet: each figure is named
    assert "Data values (DHIS2 JSON)" not in body
    assert "Sunny" not in body and "MAFA" not in body  # counts only


def test_the_files_follow_the_mappings(client_for: Any, coordinator: User, reached: str) -> None:
    report_mappings()
    client = client_for(coordinator)
    page = client.get(reverse("monitoring:reports"), {"half": reached}).content.decode()
    assert "Data values (DHIS2 JSON)" in page
    url = reverse("monitoring:report_download")
    response = client.get(url, {"half": reached, "format": "json"})
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"].startswith('attachment; filename="report-')
    body = json.loads(response.content)
    assert body["dataSet"] == "DEMO_KP_DATASET"
    assert sum(int(v["value"]) for v in body["dataValues"]) == 1
    adx = client.get(url, {"half": reached, "format": "adx"})
    assert adx["Content-Type"] == "application/adx+xml" and b"urn:ihe:qrph:adx:2015" in adx.content
    csv = client.get(url, {"half": reached, "format": "csv"})
    assert csv.content.decode().count("\n") == 16
    assert b"Sunny" not in response.content + adx.content + csv.content


def test_a_missing_mapping_stops_the_download_and_says_which(
    client_for: Any, coordinator: User, reached: str
) -> None:
    report_mappings()
    ReportMapping.objects.filter(figure="KP_PREV/TG/declined").delete()
    client = client_for(coordinator)
    url = reverse("monitoring:report_download")
    response = client.get(url, {"half": reached, "format": "json"}, follow=True)
    assert "No mapping for KP_PREV/TG/declined" in response.content.decode()


@pytest.mark.parametrize(("kind", "half"), [("pdf", ""), ("json", "2001-01-01"), ("json", "x")])
def test_an_unknown_file_or_half_year_is_not_found(
    client_for: Any, coordinator: User, kind: str, half: str
) -> None:
    asked = {"format": kind, **({"half": half} if half else {})}
    url = reverse("monitoring:report_download")
    assert client_for(coordinator).get(url, asked).status_code == 404


def test_the_page_takes_the_same_queries_however_many_people(
    client_for: Any, coordinator: User, reached: str, django_assert_max_num_queries: Any
) -> None:
    client = client_for(coordinator)
    client.get(reverse("monitoring:reports"))
    with django_assert_max_num_queries(20):
        client.get(reverse("monitoring:reports"))


def test_the_monthly_reminder_leads_to_the_reports(coordinator: User) -> None:
    """Beat's monthly reminder (reminders.planning.plan_monthly_report) opens this page; nothing
    is ever sent to DHIS2 without a coordinator confirming there."""
    assert plan_monthly_report(date(2026, 12, 1)) == 1
    reminder = Reminder.objects.get(user=coordinator, kind=Reminder.Kind.MONTHLY_REPORT)
    assert reminder_link(reminder) == reverse("monitoring:reports")
