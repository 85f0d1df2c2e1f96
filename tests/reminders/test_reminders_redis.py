"""A Redis outage: the web keeps working (it never talks to Redis), reminders falling due meanwhile
wait in the database and go out once Redis is back, each once. Uses a throwaway redis-server of
its own on a free port; the main Redis is never touched."""

from __future__ import annotations

import os
import shutil
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from uuid import uuid4

import pytest
from celery import Celery
from celery.app.task import Task
from celery.contrib.testing.worker import start_worker
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from kombu.exceptions import OperationalError

from config.celery import app as main_app
from members.models import Person, Reminder, User
from outreach.models import Contact
from reminders import channels
from reminders.outbox import reminder_plan
from tests.conftest import PASSWORD
from tests.redis_server import ThrowawayRedis
from tests.reminders.test_reminder_dispatch import CountingChannel

pytestmark = [
    pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs REDIS_URL (CI sets it)"),
    pytest.mark.skipif(shutil.which("redis-server") is None, reason="needs redis-server"),
]


@pytest.fixture
def redis(tmp_path: Path) -> Iterator[ThrowawayRedis]:
    with ThrowawayRedis(tmp_path) as server:
        yield server


@pytest.fixture
def broker(redis: ThrowawayRedis) -> Iterator[Celery]:
    """A second Celery app, configured like production, pointed at the throwaway Redis."""
    second = Celery("reminders_outage", set_as_current=False)
    second.conf.update(
        broker_url=redis.url,
        broker_transport_options={
            "socket_timeout": 2,
            "socket_connect_timeout": 2,
            "max_retries": 1,
            "visibility_timeout": 3600,
        },
        broker_connection_timeout=2,
        broker_connection_retry_on_startup=False,
        task_ignore_result=True,
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        accept_content=["json"],
        task_serializer="json",
        worker_hijack_root_logger=False,
    )
    # members.tasks is a shared task: this app has it too.
    import members.tasks  # noqa: F401

    second.finalize()
    try:
        yield second
    finally:
        # start_worker makes its app the current and default one: give them back.
        main_app.set_current()
        main_app.set_default()


def contact_data(person: Person) -> dict[str, Any]:
    return {
        "person": str(person.pk),
        "form_key": str(uuid4()),
        "contacted_on": timezone.localdate().isoformat(),
        "kind": "one_to_one",
        "male_condoms": "3",
        "female_condoms": "0",
        "lubricant": "0",
        "self_test_kits": "0",
    }


@pytest.mark.django_db(transaction=True)
def test_reminders_planned_during_a_redis_outage_go_out_once_when_it_is_back(
    redis: ThrowawayRedis,
    broker: Celery,
    client_for: Any,
    outreach_worker: User,
    member: User,
    person: Person,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    counting = CountingChannel()
    monkeypatch.setattr(channels, "CHANNELS", [*channels.CHANNELS, counting])
    task = broker.tasks["reminders.tasks.dispatch_reminders"]

    # Redis down: the throwaway server was up once and is gone now.
    redis.start()
    redis.stop()
    with pytest.raises(OperationalError):
        task.apply_async(retry=False)

    # The web never sends a task: any attempt would fail loudly here.
    def no_broker(*_: Any, **__: Any) -> None:
        raise AssertionError("a web request talked to the broker")

    monkeypatch.setattr(Task, "apply_async", no_broker)
    response = client_for(outreach_worker).post(
        reverse("outreach:contact_create"), contact_data(person)
    )
    assert response.status_code == 302
    assert Contact.objects.filter(person=person).count() == 1
    login = Client().post(
        reverse("account_login"), {"login": member.username, "password": PASSWORD}
    )
    assert login.status_code == 302
    assert login["Location"] == reverse("home")
    # Reminders fall due meanwhile, planned in their causes' transactions.
    for number in range(20):
        with transaction.atomic():
            reminder_plan(
                user=outreach_worker,
                kind=Reminder.Kind.REFERRAL_FOLLOW_UP,
                object_key=f"referral:{number}",
                due_on=timezone.localdate(),
            )
    monkeypatch.undo()
    monkeypatch.setattr(channels, "CHANNELS", [*channels.CHANNELS, counting])
    assert Reminder.objects.filter(status=Reminder.Status.PENDING).count() == 20

    # Redis is back: a real worker, and the dispatch task sent twice (two beats by mistake).
    redis.start()
    with start_worker(broker, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        with broker.connection_for_write() as connection:
            task.apply_async(connection=connection)
            task.apply_async(connection=connection)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and (
            Reminder.objects.exclude(status=Reminder.Status.SENT).exists()
            or sum(counting.counts.values()) < 20
        ):
            time.sleep(0.2)
        # Give the second task time to run too, so a duplicate would show.
        time.sleep(1)
    ids = Reminder.objects.values_list("pk", flat=True)
    assert Reminder.objects.filter(status=Reminder.Status.SENT).count() == 20
    assert counting.counts == Counter(dict.fromkeys(ids, 1))
