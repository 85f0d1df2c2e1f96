from __future__ import annotations

import os
from datetime import timedelta
from typing import Any
from unittest import mock

import pytest
from django.db import OperationalError
from django.urls import reverse
from django.utils import timezone

from members.models import Reminder
from monitoring.models import Heartbeat
from monitoring.tasks import heartbeat

pytestmark = pytest.mark.django_db


@pytest.fixture
def file_broker(settings: Any, tmp_path: Any) -> None:
    settings.CELERY_BROKER_URL = "filesystem://"
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {"data_folder_in": str(tmp_path)}


def test_it_reports_database_and_broker(client: Any, file_broker: None) -> None:
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json() == {
        "database": "ok",
        "broker": "ok",
        "heartbeat": None,
        "heartbeat_age_seconds": None,
        "oldest_reminder_waiting_seconds": None,
    }


def test_it_shows_when_the_periodic_job_last_ran(client: Any, file_broker: None) -> None:
    heartbeat.delay()
    heartbeat.delay()
    beat = Heartbeat.objects.get()
    assert beat.runs == 2
    assert client.get(reverse("healthz")).json()["heartbeat"] == beat.last_run_at.isoformat()


def test_it_answers_503_when_the_database_does_not(client: Any, file_broker: None) -> None:
    with mock.patch("monitoring.health.connection.cursor", side_effect=OperationalError):
        response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["database"] == "error"


def test_a_missing_broker_is_reported_but_the_site_stays_up(client: Any, settings: Any) -> None:
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:9/0"  # nothing listens on the discard port
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 1, "socket_timeout": 1}
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json()["broker"] == "error"


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs REDIS_URL")
def test_a_running_redis_is_reported_ok(client: Any) -> None:
    assert client.get(reverse("healthz")).json()["broker"] == "ok"


def test_it_says_how_old_the_heartbeat_and_the_oldest_waiting_reminder_are(
    client: Any, file_broker: None, member: Any
) -> None:
    """What an operator alerts on (README): a heartbeat minutes old, a reminder waiting long."""
    heartbeat.delay()
    Heartbeat.objects.update(last_run_at=timezone.now() - timedelta(minutes=10))
    Reminder.objects.create(
        user=member,
        kind=Reminder.Kind.ROUND_OPENED,
        due_on=timezone.localdate(),
        send_after=timezone.now() - timedelta(hours=2),
    )
    Reminder.objects.create(  # not due yet: not waiting
        user=member,
        kind=Reminder.Kind.RESULTS_OUT,
        due_on=timezone.localdate(),
        send_after=timezone.now() + timedelta(hours=5),
    )
    body = client.get(reverse("healthz")).json()
    assert 600 <= body["heartbeat_age_seconds"] < 660
    assert 7200 <= body["oldest_reminder_waiting_seconds"] < 7260
