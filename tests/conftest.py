"""Personas and the only place where test settings live."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import urlsplit
from uuid import uuid4

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.db import connection
from django.test import Client
from django.utils import translation

from config.celery import app as celery_app
from members.models import Assignment, Hotspot, Person, User
from members.resend import FIELD, PARAM
from members.uic import uic_hash
from outreach.models import Contact, Partner
from tests import figures

# A skip under CI=true fails the run (tests/ci_skips.py).
pytest_plugins = ["tests.ci_skips"]

# --- Security figures: every proof records the figure it yields; SECURITY.md quotes them -------
# A test calls figure("AZ-1", "unexpected 2xx", 0); at the end of the run every recorded figure is
# merged into var/security-figures.json (so a partial run updates only what it ran) and
# `make security-figures` copies them into SECURITY.md.

_recorded: dict[str, dict[str, Any]] = {}


@pytest.fixture
def figure() -> Callable[[str, str, Any], None]:
    def record(test_id: str, name: str, value: Any) -> None:
        _recorded.setdefault(test_id, {})[name] = value

    return record


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if _recorded:
        figures.merge(_recorded)


# live_server runs in a thread of this process; Playwright's sync API runs an event loop here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

PASSWORD = "correct-horse-battery"


@pytest.fixture(autouse=True)
def _no_logins_counted_yet(request: pytest.FixtureRequest) -> None:
    """A browser test starts with no earlier test's logins counted against its address. They all
    log in from 127.0.0.1 and allauth allows 30 logins a minute per address; the counts live in
    the cache table, which a transactional test's flush does not empty."""
    if request.node.get_closest_marker("browser") is None:
        return
    request.getfixturevalue("transactional_db")
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _language_of_the_settings() -> Iterator[None]:
    """Each test starts in the site's language: a request in French leaves French active in
    the thread (LocaleMiddleware activates it), and a later test reading a form's text outside
    any request would read French."""
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _test_settings(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.TELLER_KEY_COST = "min"
    # Celery reads its configuration once per process, so set it on the app itself.
    celery_app.conf.task_always_eager = True
    celery_app.conf.task_eager_propagates = True
    # Tests see the real rules; the demo switch is tested where it matters.
    settings.DEMO_MODE = False
    # Dashboard figures are computed afresh on each visit (the eager worker runs at once);
    # tests of the snapshots themselves set their own age.
    settings.DASHBOARD_MAX_AGE = 0


def make_user(username: str, **roles: bool) -> User:
    user = User.objects.create_user(username=username, password=PASSWORD, **roles)
    return user


def with_totp(user: User) -> User:
    TOTP.activate(user, generate_totp_secret())
    return user


def make_person(hotspot: Hotspot | None, code: str, **fields: Any) -> Person:
    return Person.objects.create(uic_hash=uic_hash(code), hotspot=hotspot, **fields)


def make_contact(person: Person, worker: User, **fields: Any) -> Contact:
    fields.setdefault("hotspot", person.hotspot)
    return Contact.objects.create(person=person, worker=worker, idempotency_key=uuid4(), **fields)


@pytest.fixture
def partner(db: None) -> Partner:
    return Partner.objects.create(
        name="Test clinic", kind="health", services=["hiv_test", "sti_checkup", "prep"]
    )


@pytest.fixture
def hotspot(db: None) -> Hotspot:
    return Hotspot.objects.create(name="Test market", area="Test district", typology="street")


@pytest.fixture
def other_hotspot(db: None) -> Hotspot:
    return Hotspot.objects.create(name="Test lounge", area="Other district", typology="venue")


@pytest.fixture
def person(hotspot: Hotspot) -> Person:
    """Someone reached at the outreach worker's hotspot, with no login."""
    return make_person(hotspot, "MAFA0195", nickname="Sunny", age_band="25-34")


@pytest.fixture
def member(hotspot: Hotspot) -> User:
    """A member with a login, linked to their own record at the outreach worker's hotspot."""
    user = make_user("member.test", is_member=True)
    make_person(hotspot, "LUPE0290", nickname="Moonbeam", user=user, is_member=True)
    return user


@pytest.fixture
def outreach_worker(hotspot: Hotspot) -> User:
    user = make_user("worker.test", is_outreach_worker=True, is_member=True)
    Assignment.objects.create(worker=user, hotspot=hotspot)
    return user


@pytest.fixture
def other_worker(other_hotspot: Hotspot) -> User:
    """An outreach worker of another hotspot: must not see the first worker's people."""
    user = make_user("worker.other", is_outreach_worker=True, is_member=True)
    Assignment.objects.create(worker=user, hotspot=other_hotspot)
    return user


@pytest.fixture
def coordinator(db: None) -> User:
    return with_totp(make_user("coordinator.test", is_coordinator=True))


@pytest.fixture
def coordinator_without_mfa(db: None) -> User:
    return make_user("coordinator.new", is_coordinator=True)


@pytest.fixture
def administrator(db: None) -> User:
    return with_totp(
        User.objects.create_superuser(username="admin.test", password=PASSWORD, email="")
    )


class PageClient(Client):
    """A test client that, like a browser, follows the one redirect a form page makes to give
    itself a key (members.resend), so tests read the page itself. Tests of that redirect use a
    plain Client."""

    def get(self, path: str, *args: Any, **kwargs: Any) -> Any:  # type: ignore[override]
        response = super().get(path, *args, **kwargs)
        location = response.get("Location", "") if response.status_code == 302 else ""
        target = urlsplit(location)
        if target.path == urlsplit(path).path and f"{PARAM}=" in target.query:
            kwargs.pop("data", None)
            response = super().get(location, **kwargs)
        return response


def key_on(page: Any) -> str:
    """The key a page's creating form carries (its hidden form_key field, members.resend)."""
    match = re.search(rf'name="{FIELD}" value="([^"]+)"', page.content.decode())
    assert match is not None, "the page has no form key"
    return match.group(1)


@pytest.fixture
def client() -> PageClient:
    """pytest-django's `client`, following a form page's key redirect as a browser does."""
    return PageClient()


@pytest.fixture
def client_for() -> Iterator[Any]:
    """client_for(user) gives a test client logged in as that user (None: anonymous)."""

    def make(user: User | None) -> Client:
        client = PageClient()
        if user is not None:
            client.force_login(user)
        return client

    yield make


# --- Database dumps ------------------------------------------------------------------------


@pytest.fixture
def dump() -> Callable[[], str]:
    """The whole test database as pg_dump writes it, as a stolen backup would show it."""
    if connection.vendor != "postgresql":
        pytest.skip("pg_dump needs PostgreSQL")
    executable = shutil.which("pg_dump")
    if executable is None:
        if os.environ.get("CI"):
            pytest.fail("pg_dump is missing; it comes with the PostgreSQL client.")
        pytest.skip("pg_dump is not installed")

    def run() -> str:
        db = connection.settings_dict
        command = [executable, "--data-only", "--no-password", "--dbname", db["NAME"]]
        for option, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
            if db.get(key):
                command += [option, str(db[key])]
        env = {**os.environ, "PGPASSWORD": db.get("PASSWORD") or ""}
        # A fixed executable and the test database's own settings: no untrusted input.
        result = subprocess.run(  # noqa: S603
            command, env=env, capture_output=True, text=True, check=True, timeout=120
        )
        return result.stdout

    return run


# --- Browser tests -------------------------------------------------------------------------

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    """Playwright cannot download its own browser here: drive the system Chromium."""
    if not os.path.exists(CHROMIUM):
        if os.environ.get("CI"):
            pytest.fail("Chromium is missing; .ci/run installs it.")
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    # A cheap phone.
    return {**browser_context_args, "viewport": {"width": 360, "height": 740}}
