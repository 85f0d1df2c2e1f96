"""SE-2..SE-5: sessions end when they should (idle staff, 8 hours after login, logout, a new
password, a suspended login, a coordinator's revoke), and their cookies carry every flag."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from http.cookies import Morsel
from pathlib import Path
from typing import Any

import pytest
from allauth.usersessions.models import UserSession
from django.conf import settings as django_settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from members import sessions
from members.models import User
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

BASE_DIR = Path(__file__).resolve().parents[2]
NEW_PASSWORD = "a-fresh-long-passphrase-7"


class Clock:
    """The session clock of members.sessions, moved by hand instead of waiting."""

    def __init__(self, start: int) -> None:
        self.now = start

    def __call__(self) -> int:
        return self.now

    def advance(self, seconds: int) -> None:
        self.now += seconds


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    fake = Clock(sessions._now())
    monkeypatch.setattr(sessions, "_now", fake)
    return fake


def logged_in_device(user: User) -> Client:
    """A real login through allauth, so the session is tracked as a phone's would be."""
    device = Client()
    response = device.post(reverse("account_login"), {"login": user.username, "password": PASSWORD})
    assert response.status_code == 302, "the login itself failed"
    return device


def served(device: Client, url: str | None = None) -> bool:
    """Whether a page was served to a logged-in person (not sent to the login page)."""
    response = device.get(url or reverse("home"))
    return response.status_code == 200 and response.wsgi_request.user.is_authenticated


def surviving_sessions(user: User) -> int:
    """Stored sessions still holding `user`, whatever allauth's own list says."""
    return sum(
        1
        for stored in Session.objects.all()
        if stored.get_decoded().get("_auth_user_id") == str(user.pk)
    )


# --- SE-2: idle and absolute expiry -----------------------------------------------------------


def test_a_staff_session_ends_after_fifteen_quiet_minutes(
    clock: Clock, outreach_worker: User, figure: Callable[..., None]
) -> None:
    device = logged_in_device(outreach_worker)
    assert served(device)
    clock.advance(django_settings.STAFF_IDLE_TIMEOUT - 60)
    assert served(device), "ended before the idle time ran out"

    clock.advance(django_settings.STAFF_IDLE_TIMEOUT + 1)
    urls = [reverse("home"), reverse("members:person_list"), reverse("outreach:contact_create")]
    after = [served(device, url) for url in urls]
    response = device.get(reverse("home"))

    assert after == [False, False, False]
    assert response["Location"].startswith(reverse("account_login"))
    assert surviving_sessions(outreach_worker) == 0
    figure("SE-2", "requests served after idle expiry", sum(after))


def test_the_login_page_says_the_session_ended(clock: Clock, outreach_worker: User) -> None:
    device = logged_in_device(outreach_worker)
    device.get(reverse("home"))
    clock.advance(django_settings.STAFF_IDLE_TIMEOUT + 61)

    response = device.get(reverse("members:person_list"), follow=True)

    assert response.redirect_chain[-1][0].startswith(reverse("account_login"))
    assert "Your session has ended. Please log in again." in response.content.decode()


def test_a_busy_staff_session_stays_open_and_writes_last_seen_once_a_minute(
    clock: Clock, outreach_worker: User
) -> None:
    device = logged_in_device(outreach_worker)
    login_at = device.session[sessions.LOGIN_AT]
    for _ in range(6):  # an hour of work, a page every ten minutes
        clock.advance(10 * 60)
        assert served(device)
    assert device.session[sessions.SEEN_AT] == clock.now

    clock.advance(30)
    assert served(device)
    assert device.session[sessions.SEEN_AT] == clock.now - 30, "written twice in a minute"
    clock.advance(31)
    assert served(device)
    assert device.session[sessions.SEEN_AT] == clock.now
    assert device.session[sessions.LOGIN_AT] == login_at


def test_a_members_session_has_no_idle_limit(clock: Clock, member: User) -> None:
    device = logged_in_device(member)
    clock.advance(3 * 60 * 60)
    assert served(device)


@pytest.mark.parametrize("persona", ["member", "outreach_worker"])
def test_every_session_ends_eight_hours_after_login_however_busy(
    request: Any, clock: Clock, persona: str, figure: Callable[..., None]
) -> None:
    user = request.getfixturevalue(persona)
    device = logged_in_device(user)
    elapsed = 0
    while elapsed + 10 * 60 <= django_settings.SESSION_ABSOLUTE_LIFETIME:
        clock.advance(10 * 60)
        elapsed += 10 * 60
        assert served(device), f"ended after {elapsed} s, before the absolute limit"

    clock.advance(django_settings.SESSION_ABSOLUTE_LIFETIME - elapsed + 1)
    after = [served(device), served(device, reverse("members:own_data"))]

    assert after == [False, False]
    assert surviving_sessions(user) == 0
    figure("SE-2", f"requests served after absolute expiry ({persona})", sum(after))


def test_an_idle_device_ends_alone(clock: Clock, outreach_worker: User) -> None:
    """Expiry is not a logout: the person's busy device keeps working."""
    quiet, busy = logged_in_device(outreach_worker), logged_in_device(outreach_worker)
    for _ in range(4):
        clock.advance(5 * 60)
        assert served(busy)
    assert not served(quiet)
    assert served(busy)


def test_a_new_login_restarts_the_clock(clock: Clock, outreach_worker: User) -> None:
    device = logged_in_device(outreach_worker)
    clock.advance(django_settings.STAFF_IDLE_TIMEOUT + 1)
    assert not served(device)
    device.post(reverse("account_login"), {"login": outreach_worker.username, "password": PASSWORD})
    assert served(device)


# --- SE-3: logout, a new password and a suspended login end every session ------------------


def test_logging_out_on_one_device_ends_every_device(
    outreach_worker: User, figure: Callable[..., None]
) -> None:
    phone, laptop = logged_in_device(outreach_worker), logged_in_device(outreach_worker)
    assert served(phone) and served(laptop)

    phone.post(reverse("account_logout"))

    assert not served(phone)
    assert not served(laptop)
    assert UserSession.objects.filter(user=outreach_worker).count() == 0
    survivors = surviving_sessions(outreach_worker)
    assert survivors == 0
    figure("SE-3", "surviving sessions after logout", survivors)


def test_a_new_password_ends_every_session(
    outreach_worker: User, figure: Callable[..., None]
) -> None:
    phone, laptop = logged_in_device(outreach_worker), logged_in_device(outreach_worker)

    response = phone.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )

    assert response.status_code == 302
    outreach_worker.refresh_from_db()
    assert outreach_worker.check_password(NEW_PASSWORD)
    assert not served(phone)
    assert not served(laptop)
    survivors = surviving_sessions(outreach_worker)
    assert survivors == 0
    figure("SE-3", "surviving sessions after password change", survivors)


def test_suspending_a_login_ends_every_session(
    client_for: Any, coordinator: User, outreach_worker: User, figure: Callable[..., None]
) -> None:
    phone, laptop = logged_in_device(outreach_worker), logged_in_device(outreach_worker)

    client_for(coordinator).post(reverse("members:user_suspend", args=[outreach_worker.pk]))

    assert not served(phone)
    assert not served(laptop)
    survivors = surviving_sessions(outreach_worker)
    assert survivors == 0
    figure("SE-3", "surviving sessions after suspension", survivors)


def test_deactivating_a_login_anywhere_ends_every_session(
    outreach_worker: User, figure: Callable[..., None]
) -> None:
    """The admin or a script sets is_active off with a plain save: the sessions go too."""
    phone, laptop = logged_in_device(outreach_worker), logged_in_device(outreach_worker)

    outreach_worker.is_active = False
    outreach_worker.save()

    survivors = surviving_sessions(outreach_worker)
    assert survivors == 0
    assert not served(phone)
    assert not served(laptop)
    figure("SE-3", "surviving sessions after deactivation", survivors)


# --- SE-5: a coordinator revokes a lost phone ------------------------------------------------


def test_a_revoked_session_is_refused_on_its_very_next_request(
    client_for: Any, coordinator: User, outreach_worker: User, figure: Callable[..., None]
) -> None:
    lost_phone = logged_in_device(outreach_worker)
    assert served(lost_phone)

    response = client_for(coordinator).post(
        reverse("members:user_end_sessions", args=[outreach_worker.pk])
    )
    assert response.status_code == 302

    requests_until_refused = 0
    for attempt in range(1, 6):
        answer = lost_phone.get(reverse("members:person_list"))
        if answer.status_code == 302 and answer["Location"].startswith(reverse("account_login")):
            requests_until_refused = attempt
            break
    assert requests_until_refused == 1
    figure("SE-5", "requests until refused", requests_until_refused)


# --- SE-4: cookie flags with the production settings -------------------------------------------

COOKIE_SETTINGS = [
    "SESSION_COOKIE_NAME",
    "SESSION_COOKIE_SECURE",
    "SESSION_COOKIE_HTTPONLY",
    "SESSION_COOKIE_SAMESITE",
    "CSRF_COOKIE_NAME",
    "CSRF_COOKIE_SECURE",
    "CSRF_COOKIE_SAMESITE",
    "LANGUAGE_COOKIE_NAME",
    "LANGUAGE_COOKIE_SECURE",
    "LANGUAGE_COOKIE_HTTPONLY",
    "LANGUAGE_COOKIE_SAMESITE",
    "MESSAGE_STORAGE",
]


def production_cookie_settings() -> dict[str, Any]:
    """What config/settings.py gives with DEBUG off, read in a process of its own."""
    script = (
        "import json, django; from django.conf import settings; django.setup(); "
        f"print(json.dumps({{n: getattr(settings, n) for n in {COOKIE_SETTINGS!r}}}))"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "ENV_FILE": "/dev/null",
        "DEBUG": "false",
        "DEMO_MODE": "false",
        "SECRET_KEY": "test-only-" + "x" * 50,
        "MFA_ENCRYPTION_KEYS": "0ZAlFZ6yRzqLaaTVuM0h1mYyRz8bS2Mo3fNvP8oVe8E=",
        "FIELD_ENCRYPTION_KEYS": "Y2xZ6c2tW4lq0n1v3pJx8r7dKfB9sHgTuQeWm5oLzAI=",
        "UIC_HMAC_KEY": "test-only-uic-key",
        "IDENTIFIER_HMAC_KEY": "test-only-identifier-key",
        "ALLOWED_HOSTS": "portal.example.org",
    }
    # A fixed interpreter and script: no untrusted input.
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", script],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def cookie_faults(name: str, morsel: Morsel[str]) -> list[str]:
    faults = []
    if not morsel["secure"]:
        faults.append("not Secure")
    if not morsel["samesite"]:
        faults.append("no SameSite")
    if not name.startswith("__Host-"):
        faults.append("no __Host- prefix")
    if morsel["domain"] or morsel["path"] != "/":
        faults.append("a domain or a narrower path (not allowed with __Host-)")
    return faults


def test_every_cookie_is_secure_host_only_and_same_site(
    settings: Any, outreach_worker: User, figure: Callable[..., None]
) -> None:
    production = production_cookie_settings()
    for name, value in production.items():
        setattr(settings, name, value)
    device = Client(enforce_csrf_checks=False)
    # A day's journey: the login page, logging in, a page, another language, logging out.
    steps: list[tuple[str, str, dict[str, str] | None]] = [
        ("get", reverse("account_login"), None),
        ("post", reverse("account_login"), {"login": "worker.test", "password": PASSWORD}),
        ("get", reverse("home"), None),
        ("post", reverse("set_language"), {"language": "es", "next": "/"}),
        ("get", reverse("members:person_list"), None),
        ("post", reverse("account_logout"), {}),
        ("get", reverse("account_login"), None),
    ]
    seen: dict[str, Morsel[str]] = {}
    faults: dict[str, list[str]] = {}
    for method, url, data in steps:
        response = getattr(device, method)(url, data or {}, secure=True)
        assert response.status_code < 500
        for name, morsel in response.cookies.items():
            seen[name] = morsel
            if morsel["max-age"] == 0:
                continue  # a deletion carries no value to protect
            if found := cookie_faults(name, morsel):
                faults[name] = found

    session_cookie = production["SESSION_COOKIE_NAME"]
    assert {session_cookie, production["CSRF_COOKIE_NAME"]} <= set(seen), "the journey set no"
    assert production["LANGUAGE_COOKIE_NAME"] in seen
    assert seen[session_cookie]["httponly"], "the session cookie is readable from scripts"
    assert faults == {}
    figure("SE-4", "non-compliant cookies", len(faults))
    figure("SE-4", "cookies checked", len(seen))
