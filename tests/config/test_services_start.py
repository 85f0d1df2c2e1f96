"""Issue 20: the README's deployment starts. Every variable step 3 of "Running it on one server"
lists, filled with fresh values (`generate_keys`) and DEBUG off, against a new PostgreSQL
database and Redis; the three services of step 5, run with the README's own commands; /healthz
answers 200 with a heartbeat made by this worker and beat; all three stop cleanly on SIGTERM;
and `check --deploy` passes with the same variables."""

from __future__ import annotations

import http.client
import json
import os
import re
import shlex
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import redis
from django.db import connection

from benchmarks.server import free_port
from tests.config.test_backup import database_url, fresh_database
from tests.config.test_required_settings import ROOT, deployment, fresh_keys, run

BIN = Path(sys.executable).parent
HOST = "portal.example.org"  # ALLOWED_HOSTS of deployment()
REDIS_DB = 14  # a number of its own: emptied first, so only this beat can have sent a heartbeat

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql" or not os.environ.get("REDIS_URL"),
    reason="needs PostgreSQL and Redis (set DATABASE_URL and REDIS_URL; CI does)",
)

# Beat runs an every-minute job for the first time a minute after it first starts. A schedule
# file whose heartbeat last ran two minutes ago, as after a restart during an upgrade, makes it
# due at once: the heartbeat comes in seconds, still sent by this beat, run by this worker.
BEAT_RESTARTED = """
from datetime import timedelta
from celery.beat import PersistentScheduler
from django.conf import settings
from config.celery import app
beat = PersistentScheduler(app=app, schedule_filename=settings.CELERY_BEAT_SCHEDULE_FILENAME)
entry = beat.schedule["heartbeat"]
entry.last_run_at = entry.default_now() - timedelta(minutes=2)
beat.close()
"""


def readme_services(port: int, schedule: Path) -> list[list[str]]:
    """The three commands of step 5 of the README's "Running it on one server", on a free port
    and with a schedule file of this test's own."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Running it on one server", 1)[1].split("\n## ", 1)[0]
    step = section.split("\n5. ", 1)[1].split("\n6. ", 1)[0]
    commands = re.findall(r"^ +- `([^`]+)`", step, re.M)
    commands = [re.sub(r"--bind \S+", f"--bind 127.0.0.1:{port}", c) for c in commands]
    commands = [re.sub(r"--schedule \S+", f"--schedule {schedule}", c) for c in commands]
    assert [c.split()[:3] for c in commands] == [
        ["gunicorn", "config.wsgi", "--workers"],
        ["celery", "-A", "config"],
        ["celery", "-A", "config"],
    ], step
    return [[str(BIN / argv[0]), *argv[1:]] for argv in map(shlex.split, commands)]


def environment(database: str, schedule: Path) -> dict[str, str]:
    """The README's variables with fresh keys, this test's database and a Redis of its own."""
    redis_url = urlsplit(os.environ["REDIS_URL"])._replace(path=f"/{REDIS_DB}").geturl()
    redis.Redis.from_url(redis_url).flushdb()
    env = deployment(fresh_keys())
    assert env["DEBUG"] == "false" and env["ALLOWED_HOSTS"] == HOST
    env |= {"DATABASE_URL": database_url(database), "REDIS_URL": redis_url}
    return env | {"CELERY_BEAT_SCHEDULE_FILENAME": str(schedule), "PYTHONUNBUFFERED": "1"}


@contextmanager
def services(commands: list[list[str]], env: dict[str, str], logs: Path) -> Iterator[list[Any]]:
    """The services running; each stopped by its own process id whatever happens."""
    started: list[subprocess.Popen[bytes]] = []
    try:
        for command in commands:
            with (logs / f"{len(started)}.log").open("wb") as log:
                started.append(
                    subprocess.Popen(  # noqa: S603 - the README's commands, our own binaries
                        command,
                        cwd=ROOT,
                        env={"PATH": os.environ["PATH"], "ENV_FILE": "/dev/null", **env},
                        stdout=log,
                        stderr=subprocess.STDOUT,
                        start_new_session=True,
                    )
                )
        yield started
    finally:
        for process in started:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)


def get(port: int, path: str, **headers: str) -> tuple[int, dict[str, str], bytes]:
    """A request as the monitoring sends it: to the port, for the site's host name."""
    client = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        client.request("GET", path, headers={"Host": HOST, **headers})
        response = client.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        client.close()


def fresh_heartbeat(port: int, since: datetime, started: list[Any], logs: Path) -> dict[str, Any]:
    """/healthz once it answers 200 with a heartbeat made after `since`; fails with the
    services' logs when one stops or 45 s pass."""
    deadline = time.monotonic() + 45
    while time.monotonic() < deadline:
        stopped = [n for n, process in enumerate(started) if process.poll() is not None]
        assert not stopped, (logs / f"{stopped[0]}.log").read_text()[-3000:]
        try:
            status, _, body = get(port, "/healthz")
        except OSError:
            status, body = 0, b""  # gunicorn is still starting
        health = json.loads(body) if status == 200 else {}
        if health.get("heartbeat") and datetime.fromisoformat(health["heartbeat"]) >= since:
            return health
        time.sleep(0.5)
    logs_text = "\n".join(p.read_text()[-1500:] for p in sorted(logs.glob("*.log")))
    pytest.fail(f"no fresh heartbeat within 45 s:\n{logs_text}")


def stop(started: list[Any]) -> list[int | None]:
    """SIGTERM, as systemd stops a service: each must finish its work and exit 0."""
    for process in reversed(started):
        process.terminate()
    codes = []
    for process in started:
        try:
            codes.append(process.wait(timeout=20))
        except subprocess.TimeoutExpired:
            codes.append(None)
    return codes


def test_the_readmes_deployment_starts_and_reports_a_fresh_heartbeat(tmp_path: Path) -> None:
    port, schedule = free_port(), tmp_path / "celerybeat-schedule"
    with fresh_database("services") as database:
        env = environment(database, schedule)
        for step in (["migrate", "--noinput"], ["shell", "-c", BEAT_RESTARTED]):
            done = run(*step, env=env)
            assert done.returncode == 0, done.stdout + done.stderr
        checked = run("check", "--deploy", "--fail-level", "WARNING", env=env)
        assert checked.returncode == 0, checked.stdout + checked.stderr

        since = datetime.now().astimezone()
        with services(readme_services(port, schedule), env, tmp_path) as started:
            health = fresh_heartbeat(port, since, started, tmp_path)
            # Plain HTTP straight to gunicorn, as a monitor probes it: /healthz answers (it is
            # exempt from the HTTPS redirect), every other page sends the visitor to HTTPS.
            assert health["database"] == "ok" and health["broker"] == "ok"
            assert 0 <= health["heartbeat_age_seconds"] <= 60
            status, headers, _ = get(port, "/accounts/login/")
            assert (status, headers["Location"]) == (301, f"https://{HOST}/accounts/login/")
            # Through the proxy, which says the visitor came over HTTPS (BEHIND_PROXY=true).
            status, headers, _ = get(port, "/", **{"X-Forwarded-Proto": "https"})
            assert status == 302 and headers["Location"].startswith("/accounts/login/")
            assert stop(started) == [0, 0, 0]
        assert "Sending due task heartbeat" in (tmp_path / "2.log").read_text()
