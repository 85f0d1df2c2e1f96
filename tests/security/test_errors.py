"""HD-0 and HD-4: the deployment checks are clean, and with DEBUG off an error page or a missing
page shows nothing of the code, the settings or the database, and the error log holds no
session id, password or person's code."""

from __future__ import annotations

import logging
import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from cryptography.fernet import Fernet
from django.conf import settings as django_settings
from django.core import mail
from django.http import HttpRequest, HttpResponse
from django.test import Client
from django.urls import include, path, reverse

import config.urls as config_urls
from members.models import Person, User

pytestmark = pytest.mark.django_db

BASE_DIR = Path(__file__).resolve().parents[2]
CANARY_PASSWORD = "canary-pass-Zq81-never-logged"
CANARY_CODE = "QUXO7391"  # a fictional person's code, as a worker would type it


def broken_view(request: HttpRequest) -> HttpResponse:
    """Holds a password, a person's code and the session in its locals, then fails, as a view
    with a bug would: none of that may leave the server."""
    password = request.POST.get("password", "")
    code = request.POST.get("code", "")
    session_key = request.session.session_key
    Person.objects.filter(nickname=code).exists()  # a query ran before the failure
    if password or code or session_key:
        raise RuntimeError(f"broken while handling {len(password) + len(code)} characters")
    return HttpResponse()


# This module is also the test-only urlconf: the site's pages plus one that always fails.
urlpatterns = [path("test-only/broken/", broken_view), path("", include("config.urls"))]
handler500 = config_urls.handler500

LEAK_MARKERS = [
    "Traceback",
    "RuntimeError",
    "broken_view",
    'File "',
    "SECRET_KEY",
    "DATABASES",
    "INSTALLED_APPS",
    "settings.py",
    "SELECT ",
    'FROM "',
    "Using the URLconf",
    "urlpatterns",
    "site-packages",
    "test_errors.py",
]


def leaks(body: str, *secrets: str) -> list[str]:
    return [marker for marker in (*LEAK_MARKERS, *secrets) if marker and marker in body]


# --- HD-0 -------------------------------------------------------------------------------------


def production_environment() -> dict[str, str]:
    """The variables .ci/run gives `check --deploy`: a real deployment's, with fresh secrets."""
    # The test process allows async-unsafe calls for Playwright; a deployment never does.
    inherited = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    return {
        **inherited,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "ENV_FILE": "/dev/null",
        "DEBUG": "false",
        "DEMO_MODE": "false",
        "SECRET_KEY": Fernet.generate_key().decode() + Fernet.generate_key().decode(),
        "MFA_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        "FIELD_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        "UIC_HMAC_KEY": Fernet.generate_key().decode(),
        "IDENTIFIER_HMAC_KEY": Fernet.generate_key().decode(),
        "ALLOWED_HOSTS": "portal.example.org",
    }


def test_the_deployment_checks_are_clean(figure: Callable[..., None]) -> None:
    # A fixed interpreter and command: no untrusted input.
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR,
        env=production_environment(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    output = result.stdout + result.stderr
    found = re.search(r"identified (\d+) issues?", output)
    issues = int(found.group(1)) if found else 0
    figure("HD-0", "warnings and errors", issues)
    figure("HD-0", "exit code", result.returncode)
    assert result.returncode == 0, output
    assert issues == 0, output
    assert "no issues" in output


# --- HD-4 -------------------------------------------------------------------------------------


@pytest.fixture
def production_errors(settings: Any) -> Any:
    settings.DEBUG = False
    settings.ROOT_URLCONF = __name__
    return settings


def test_a_failing_view_shows_a_plain_error_page_and_logs_no_secrets(
    production_errors: Any,
    outreach_worker: User,
    caplog: pytest.LogCaptureFixture,
    figure: Callable[..., None],
) -> None:
    client = Client(raise_request_exception=False)
    client.post(
        reverse("account_login"), {"login": outreach_worker.username, "password": "x"}
    )  # a failed login too: its log lines must not hold the password either
    client.force_login(outreach_worker)
    session_id = client.cookies[django_settings.SESSION_COOKIE_NAME].value

    with caplog.at_level(logging.INFO):
        response = client.post(
            "/test-only/broken/", {"password": CANARY_PASSWORD, "code": CANARY_CODE}
        )

    assert response.status_code == 500
    body = response.content.decode()
    in_body = leaks(body, CANARY_PASSWORD, CANARY_CODE, session_id, django_settings.SECRET_KEY)
    assert in_body == []

    log = caplog.text + "".join(str(record.__dict__) for record in caplog.records)
    assert "Internal Server Error" in caplog.text, "the failure was not logged at all"
    in_log = [s for s in (CANARY_PASSWORD, CANARY_CODE, session_id) if s in log]
    in_mail = [
        s
        for message in mail.outbox
        for s in (CANARY_PASSWORD, CANARY_CODE, session_id)
        if s in message.body
    ]
    assert in_log == []
    assert in_mail == []
    figure("HD-4", "tracebacks or settings leaked in the 500 page", len(in_body))
    figure("HD-4", "secrets in the error log", len(in_log) + len(in_mail))


@pytest.mark.parametrize(
    ("url", "persona"),
    [
        ("/no-such-page/", None),
        ("/no-such-page/", "outreach_worker"),
        ("/outreach/people/987654/", "outreach_worker"),
        ("/static/no-such-file.css", None),
    ],
)
def test_a_missing_page_says_nothing_about_the_site(
    production_errors: Any, request: Any, url: str, persona: str | None, figure: Callable[..., None]
) -> None:
    client = Client(raise_request_exception=False)
    if persona:
        client.force_login(request.getfixturevalue(persona))
    response = client.get(url)
    assert response.status_code == 404
    found = leaks(response.content.decode(), django_settings.SECRET_KEY)
    assert found == []
    figure("HD-4", f"leaks in the answer to {url} ({persona or 'anonymous'})", len(found))


def test_the_error_pages_keep_the_neutral_name_and_the_quick_exit(
    production_errors: Any, outreach_worker: User
) -> None:
    client = Client(raise_request_exception=False)
    client.force_login(outreach_worker)
    for response in (client.get("/no-such-page/"), client.post("/test-only/broken/")):
        body = response.content.decode()
        assert django_settings.SITE_NAME in body
        assert reverse("quick_exit") in body
        assert leaks(body, django_settings.SECRET_KEY) == []
