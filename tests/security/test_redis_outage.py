"""RL-1, RL-2: with the broker stopped, then frozen (``kill -STOP``), the web keeps saving
contacts and logging people in at its normal speed, rate limits included: the request path never
talks to Redis. The app's own Celery app is pointed at a throwaway redis-server on a free port,
with eager mode off, so a request that did publish would really wait on it; the shared Redis is
never touched."""

from __future__ import annotations

import os
import shutil
import socket
import statistics
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any
from uuid import uuid4

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from config.celery import app as celery_app
from members.models import Person, User
from outreach.models import Contact
from tests.conftest import PASSWORD, make_user
from tests.redis_server import ThrowawayRedis, answers

CONTACTS = 200
LOGINS = 50
# 2 cores shared with other jobs: p95 may be twice the baseline plus this much (seconds).
ALLOWANCE = 0.020
# A request this slow waited on something: the broker's socket timeout is 2 s.
HUNG = 1.0

pytestmark = pytest.mark.skipif(
    shutil.which("redis-server") is None and not os.environ.get("CI"),
    reason="needs redis-server (CI installs it)",
)


@pytest.fixture
def redis(tmp_path: Path) -> Iterator[ThrowawayRedis]:
    with ThrowawayRedis(tmp_path) as server:
        yield server


def test_its_own_redis_starts_while_another_program_holds_the_old_fixed_port(
    redis: ThrowawayRedis,
) -> None:
    # Port 6390 was fixed here once; anything listening on it made these proofs fail.
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as squatter:
        try:
            squatter.bind(("127.0.0.1", 6390))
            squatter.listen()
        except OSError:
            pass  # something else holds it already: the same situation
        redis.start()
        assert redis.port != 6390
        assert answers(redis.port)


@pytest.fixture
def app_on_redis(redis: ThrowawayRedis, settings: Any) -> Iterator[None]:
    """The application's Celery app, configured as in production, on the throwaway Redis."""
    options = {"socket_timeout": 2, "socket_connect_timeout": 2, "max_retries": 1}
    saved = {
        key: celery_app.conf[key]
        for key in ("broker_url", "broker_transport_options", "task_always_eager")
    }
    settings.REDIS_URL = settings.CELERY_BROKER_URL = redis.url
    celery_app.conf.update(
        broker_url=redis.url,
        broker_transport_options={**options, "visibility_timeout": 3600},
        task_always_eager=False,
    )
    celery_app._after_fork()  # drop pooled connections made with the old settings
    try:
        yield
    finally:
        celery_app.conf.update(saved)
        celery_app._after_fork()


def _broker_reachable() -> tuple[bool, float]:
    """Can the app's Celery reach its broker, and how long did it take to find out?"""
    started = time.monotonic()
    try:
        with celery_app.connection_for_write() as connection:
            connection.ensure_connection(max_retries=1, timeout=3)
            connection.default_channel.client.ping()
        return True, time.monotonic() - started
    except Exception:  # any error means "not reachable", which is what is measured
        return False, time.monotonic() - started


def _p95(seconds: list[float]) -> float:
    return statistics.quantiles(seconds, n=20, method="inclusive")[-1]


def _dashboard_seconds(coordinator: User) -> tuple[int, float]:
    """A coordinator opens the dashboard on figures older than DASHBOARD_MAX_AGE: the page shows
    them and leaves the refresh to beat, so it never waits on the broker."""
    from django.utils import timezone

    from monitoring.models import DashboardSnapshot

    DashboardSnapshot.objects.all().delete()
    client = Client(raise_request_exception=False)
    client.force_login(coordinator)
    client.post(reverse("monitoring:dashboard_compute"))  # "Compute the figures now"
    DashboardSnapshot.objects.update(computed_at=timezone.now() - timedelta(hours=1))
    started = time.monotonic()
    status = client.get(reverse("monitoring:dashboard")).status_code
    return status, time.monotonic() - started


def _run_load(phase: str, worker: User, member: User, person: Person) -> dict[str, Any]:
    """200 contact saves and 50 logins: 44 right, 5 wrong for another name, then that name
    with the right password, which the rate limit (5 failures per 5 minutes) must refuse."""
    cache.clear()  # the per-IP limit would otherwise carry over from the previous phase
    before = Contact.objects.count()
    saver = Client(raise_request_exception=False)
    saver.force_login(worker)
    timings: list[float] = []
    login_timings: list[float] = []
    statuses: list[int] = []
    for _ in range(CONTACTS):
        data = {
            "person": str(person.pk),
            "form_key": str(uuid4()),
            "contacted_on": timezone.localdate().isoformat(),
            "kind": "one_to_one",
            "male_condoms": "3",
            "female_condoms": "0",
            "lubricant": "0",
            "self_test_kits": "0",
        }
        started = time.monotonic()
        statuses.append(saver.post(reverse("outreach:contact_create"), data).status_code)
        timings.append(time.monotonic() - started)

    locked = make_user(f"locked.{phase}", is_member=True)
    attempts = [(member.username, PASSWORD)] * (LOGINS - 6)
    attempts += [(locked.username, "wrong-password")] * 5 + [(locked.username, PASSWORD)]
    logged_in: list[bool] = []
    for number, (username, password) in enumerate(attempts):
        # People log in from their own phones: one address each, except the guessing one, whose
        # failures the per-name limit must catch whatever the address.
        address = "10.0.0.1" if username == locked.username else f"10.1.{number // 250}.{number}"
        client = Client(raise_request_exception=False, REMOTE_ADDR=address)
        started = time.monotonic()
        response = client.post(reverse("account_login"), {"login": username, "password": password})
        login_timings.append(time.monotonic() - started)
        statuses.append(response.status_code)
        logged_in.append(response.status_code == 302 and "_auth_user_id" in client.session)
    return {
        "5xx": sum(status >= 500 for status in statuses),
        "saved": Contact.objects.count() - before,
        "p95": _p95(timings),
        "login p95": _p95(login_timings),
        "slowest": max(timings + login_timings),
        "hung": sum(t > HUNG for t in timings + login_timings),
        "logins": sum(logged_in),
        "rate limit enforced": logged_in[-1] is False and all(logged_in[: LOGINS - 6]),
    }


@pytest.mark.django_db
def test_rl1_rl2_contacts_and_logins_carry_on_with_redis_stopped_or_frozen(
    redis: ThrowawayRedis,
    app_on_redis: None,
    outreach_worker: User,
    member: User,
    person: Person,
    figure: Callable[[str, str, Any], None],
) -> None:
    phases: dict[str, dict[str, Any]] = {}
    reachable: dict[str, tuple[bool, float]] = {}
    try:
        redis.start()
        reachable["up"] = _broker_reachable()
        phases["up"] = _run_load("up", outreach_worker, member, person)

        redis.freeze()
        phases["frozen"] = _run_load("frozen", outreach_worker, member, person)
        # After the load: finding out takes the broker's socket timeout.
        reachable["frozen"] = _broker_reachable()
        redis.thaw()

        redis.stop()
        reachable["down"] = _broker_reachable()
        phases["down"] = _run_load("down", outreach_worker, member, person)

        # Up again: the baseline is taken on both sides, so a machine that got busier or
        # quieter meanwhile does not decide the outcome.
        redis.start()
        reachable["up again"] = _broker_reachable()
        phases["up again"] = _run_load("again", outreach_worker, member, person)
    finally:
        redis.stop()  # thaws first; the shared Redis on 6379 is never touched

    baseline = max(phases["up"]["p95"], phases["up again"]["p95"])
    login_baseline = max(phases["up"]["login p95"], phases["up again"]["login p95"])
    bound = 2 * baseline + ALLOWANCE
    login_bound = 2 * login_baseline + ALLOWANCE
    for test_id, phase in (("RL-1", "down"), ("RL-2", "frozen")):
        figure(test_id, "5xx", phases[phase]["5xx"])
        figure(test_id, "contacts saved", f"{phases[phase]['saved']}/{CONTACTS}")
        figure(test_id, "contact p95 ms up", round(baseline * 1000, 1))
        figure(test_id, f"contact p95 ms {phase}", round(phases[phase]["p95"] * 1000, 1))
        figure(test_id, "login p95 ms up", round(login_baseline * 1000, 1))
        figure(test_id, f"login p95 ms {phase}", round(phases[phase]["login p95"] * 1000, 1))
        figure(test_id, "slowest request ms", round(phases[phase]["slowest"] * 1000, 1))
        figure(test_id, "hung requests (> 1 s)", phases[phase]["hung"])
        figure(test_id, "rate limit enforced", phases[phase]["rate limit enforced"])
        figure(test_id, "allowance ms", ALLOWANCE * 1000)

    # The faults were real: the app's broker answered when up, and not when stopped or frozen.
    assert reachable["up"][0] and reachable["up again"][0], reachable
    assert not reachable["down"][0] and not reachable["frozen"][0], reachable
    for name, phase in phases.items():
        assert phase["5xx"] == 0, (name, phase)
        assert phase["saved"] == CONTACTS, (name, phase)
        assert phase["hung"] == 0, (name, phase)
        assert phase["rate limit enforced"], (name, phase)
        assert phase["logins"] == LOGINS - 6, (name, phase)
        assert phase["p95"] <= bound, (name, phase, baseline)
        assert phase["login p95"] <= login_bound, (name, phase, login_baseline)


@pytest.mark.django_db
def test_rl2_the_dashboard_does_not_wait_on_a_frozen_broker(
    settings: Any,
    redis: ThrowawayRedis,
    app_on_redis: None,
    coordinator: User,
    figure: Callable[[str, str, Any], None],
) -> None:
    settings.DASHBOARD_MAX_AGE = 900
    try:
        redis.start()
        up = _dashboard_seconds(coordinator)
        redis.freeze()
        frozen = _dashboard_seconds(coordinator)
    finally:
        redis.stop()
    figure("RL-2", "dashboard ms up", round(up[1] * 1000, 1))
    figure("RL-2", "dashboard ms frozen", round(frozen[1] * 1000, 1))
    assert up[0] < 500 and frozen[0] < 500
    assert frozen[1] <= HUNG
