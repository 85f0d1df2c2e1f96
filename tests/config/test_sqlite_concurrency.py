"""The embedded default (`make run` with no DATABASE_URL) serves a few people at once: SQLite makes
a second writer wait for the first instead of answering "database is locked" with an HTTP 500.
The server here is the one `make run` starts, on a SQLite file of this test's own, and 20 saves
reach it at the same moment over HTTP."""

from __future__ import annotations

import http.cookiejar
import os
import re
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from uuid import uuid4

import pytest
from django.utils import timezone

from benchmarks.server import free_port

ROOT = Path(__file__).resolve().parents[2]
SAVES = 20
SETUP = """
from members.models import Person, User
from members.uic import uic_hash
from members.models import Assignment, Hotspot
hotspot = Hotspot.objects.create(name="Test market", area="Test district", typology="street")
worker = User.objects.create_user("worker.test", password="correct-horse-battery",
                                  is_outreach_worker=True, is_member=True)
Assignment.objects.create(worker=worker, hotspot=hotspot)
print(Person.objects.create(uic_hash=uic_hash("MAFA0195"), hotspot=hotspot, nickname="Sunny").pk)
"""


@dataclass(frozen=True)
class Server:
    base: str
    person: int
    database: Path


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    """`manage.py runserver`, as `make run` starts it, on a fresh SQLite file with one worker and
    one person."""
    database = tmp_path / "db.sqlite3"
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{database}",
        "DEBUG": "true",
        "DEMO_MODE": "false",
    }
    manage = [sys.executable, str(ROOT / "manage.py")]
    # Fixed arguments and the test's own interpreter: no untrusted input in these commands.
    subprocess.run([*manage, "migrate", "-v0"], env=env, check=True, timeout=300)  # noqa: S603
    made = subprocess.run(  # noqa: S603
        [*manage, "shell", "-c", SETUP], env=env, check=True, capture_output=True, text=True
    )
    person = int(made.stdout.strip().splitlines()[-1])
    port = free_port()
    process = subprocess.Popen(  # noqa: S603
        [*manage, "runserver", "--noreload", f"127.0.0.1:{port}"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                time.sleep(0.1)
        yield Server(base=f"http://127.0.0.1:{port}", person=person, database=database)
    finally:
        process.terminate()
        process.wait(timeout=10)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


def login(base: str) -> tuple[urllib.request.OpenerDirector, str]:
    """A logged-in session over HTTP, as a browser gets one; returns it and its CSRF token."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect)
    page = opener.open(f"{base}/accounts/login/").read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert token is not None
    data = {"csrfmiddlewaretoken": token.group(1), "login": "worker.test"}
    data["password"] = "correct-horse-battery"
    try:
        opener.open(f"{base}/accounts/login/", urllib.parse.urlencode(data).encode())
    except urllib.error.HTTPError as answer:
        assert answer.code == 302, answer.code
    csrf = next(cookie.value for cookie in jar if cookie.name == "csrftoken")
    return opener, csrf


def contact(person: int, csrf: str) -> bytes:
    today = timezone.localdate().isoformat()
    data = {
        "csrfmiddlewaretoken": csrf,
        "person": person,
        "form_key": str(uuid4()),
        "contacted_on": today,
        "kind": "one_to_one",
        "male_condoms": 5,
        "female_condoms": 0,
        "lubricant": 0,
        "self_test_kits": 0,
    }
    return urllib.parse.urlencode(data).encode()


def test_twenty_saves_at_once_on_sqlite_all_succeed(server: Server) -> None:
    sessions = [login(server.base) for _ in range(4)]
    barrier = threading.Barrier(SAVES)
    statuses: list[int] = []

    def save(index: int) -> None:
        opener, csrf = sessions[index % len(sessions)]
        url = f"{server.base}/outreach/contacts/new/"
        # The test's own server on loopback, over http.
        request = urllib.request.Request(  # noqa: S310
            url, data=contact(server.person, csrf), headers={"Referer": url}
        )
        barrier.wait()
        try:
            statuses.append(opener.open(request, timeout=60).status)
        except urllib.error.HTTPError as answer:
            statuses.append(answer.code)

    threads = [threading.Thread(target=save, args=(i,)) for i in range(SAVES)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    # Every save answered with its redirect to the person's page, none with a 500.
    assert sorted(statuses) == [302] * SAVES
    with sqlite3.connect(server.database) as db:
        (rows,) = db.execute("SELECT COUNT(*) FROM outreach_contact").fetchone()
    assert rows == SAVES
