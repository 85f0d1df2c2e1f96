"""The "no contacts today" report: a worker's day without contacts still counts as reported."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from members.models import Person, User
from outreach.models import ZeroReport
from outreach.services import ZeroReportRefused, zero_report_create
from tests.conftest import make_contact

pytestmark = pytest.mark.django_db

URL = "/outreach/week/zero-report/"


# --- Service ----------------------------------------------------------------------------------


def test_a_day_is_reported_once_however_many_times(outreach_worker: User) -> None:
    today = timezone.localdate()
    first, created = zero_report_create(worker=outreach_worker, day=today)
    again, created_again = zero_report_create(worker=outreach_worker, day=today)
    assert created and not created_again
    assert first == again
    assert ZeroReport.objects.filter(worker=outreach_worker).count() == 1


def test_a_day_with_a_contact_cannot_be_reported_empty(
    outreach_worker: User, person: Person
) -> None:
    today = timezone.localdate()
    make_contact(person, outreach_worker, contacted_on=today)
    with pytest.raises(ZeroReportRefused):
        zero_report_create(worker=outreach_worker, day=today)
    assert not ZeroReport.objects.exists()


def test_contacts_of_other_days_or_other_workers_do_not_matter(
    outreach_worker: User, other_worker: User, person: Person
) -> None:
    today = timezone.localdate()
    make_contact(person, outreach_worker, contacted_on=today - timedelta(days=1))
    make_contact(person, other_worker, contacted_on=today)
    _report, created = zero_report_create(worker=outreach_worker, day=today)
    assert created


# --- Access matrix ----------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_log_in(client: Client) -> None:
    response = client.post(reverse("outreach:zero_report"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert not ZeroReport.objects.exists()


@pytest.mark.parametrize("persona", ["member", "coordinator"])
def test_only_outreach_workers_report_their_days(
    request: Any, client_for: Any, persona: str
) -> None:
    user = request.getfixturevalue(persona)
    assert client_for(user).post(URL).status_code == 403
    assert not ZeroReport.objects.exists()


def test_it_takes_a_post(client_for: Any, outreach_worker: User) -> None:
    assert client_for(outreach_worker).get(URL).status_code == 405
    assert not ZeroReport.objects.exists()


@pytest.mark.parametrize("persona", ["outreach_worker", "other_worker"])
def test_a_worker_reports_their_own_day_and_returns_to_their_week(
    request: Any, client_for: Any, persona: str
) -> None:
    user = request.getfixturevalue(persona)
    client = client_for(user)
    response = client.post(URL)
    assert response.status_code == 302
    assert response["Location"] == reverse("outreach:my_week")
    assert ZeroReport.objects.get().worker == user
    page = client.get(response["Location"]).content.decode()
    assert "Today is reported as a day without contacts." in page
    # Reported: the button is gone, and a second tap changes nothing.
    assert f'action="{URL}"' not in page
    assert "already reported" in client.post(URL, follow=True).content.decode()
    assert ZeroReport.objects.count() == 1


def test_the_button_shows_only_on_a_day_without_contacts(
    client_for: Any, outreach_worker: User, person: Person
) -> None:
    client = client_for(outreach_worker)
    assert f'action="{URL}"' in client.get(reverse("outreach:my_week")).content.decode()
    make_contact(person, outreach_worker, contacted_on=timezone.localdate())
    page = client.get(reverse("outreach:my_week")).content.decode()
    assert f'action="{URL}"' not in page
    # A report sent from a page opened before the contact was logged is refused politely.
    response = client.post(URL, follow=True)
    assert "You logged a contact today" in response.content.decode()
    assert not ZeroReport.objects.exists()
