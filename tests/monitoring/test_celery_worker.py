"""One test with a real worker and a real Redis broker: the task travels through Redis."""

from __future__ import annotations

import os
import time

import pytest
from celery.contrib.testing.worker import start_worker

from config.celery import app
from monitoring.models import Heartbeat
from monitoring.tasks import heartbeat


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs REDIS_URL (CI sets it)")
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_runs_the_periodic_job_through_redis() -> None:
    assert app.conf.broker_url.startswith("redis://")
    app.conf.task_always_eager = False
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        # A fresh connection: other tests may have left the app's pool on other settings.
        with app.connection_for_write() as connection:
            heartbeat.apply_async(connection=connection)
        deadline = time.monotonic() + 20
        while not Heartbeat.objects.exists() and time.monotonic() < deadline:
            time.sleep(0.2)
    assert Heartbeat.objects.get().runs == 1


def test_the_beat_schedule_runs_the_heartbeat_every_minute() -> None:
    entry = app.conf.beat_schedule["heartbeat"]
    assert entry["task"] == heartbeat.name
    assert entry["schedule"] == 60.0
