"""Settings are read from the environment: safe when something is forgotten."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_LIKE = {
    "ENV_FILE": "/dev/null",  # ignore the local .env
    "SECRET_KEY": "a-production-like-secret-" + "x" * 40,
    "MFA_ENCRYPTION_KEYS": "0ZAlFZ6yRzqLaaTVuM0h1mYyRz8bS2Mo3fNvP8oVe8E=",
    "FIELD_ENCRYPTION_KEYS": "Y2xZ6c2tW4lq0n1v3pJx8r7dKfB9sHgTuQeWm5oLzAI=",
    "UIC_HMAC_KEY": "a-production-like-uic-key",
    "IDENTIFIER_HMAC_KEY": "a-production-like-identifier-key",
    "ALLOWED_HOSTS": "portal.example.org",
}
READ = (
    "import json, django; from django.conf import settings; django.setup(); print(json.dumps({"
    "'debug': settings.DEBUG, 'cache': settings.CACHES['default']['BACKEND'],"
    "'broker': settings.CELERY_BROKER_URL,"
    "'options': settings.CELERY_BROKER_TRANSPORT_OPTIONS,"
    "'hsts': getattr(settings, 'SECURE_HSTS_SECONDS', 0),"
    "'cookie': settings.SESSION_COOKIE_NAME, 'database': settings.DATABASES['default']['ENGINE']}))"
)


def load(**overrides: str) -> subprocess.CompletedProcess[str]:
    keep = {k: v for k, v in os.environ.items() if k in {"PATH", "HOME", "LANG"}}
    environment = {**keep, "DJANGO_SETTINGS_MODULE": "config.settings", **overrides}
    return subprocess.run(  # noqa: S603 (our own interpreter and code)
        [sys.executable, "-c", READ], cwd=ROOT, env=environment, capture_output=True, text=True
    )


def test_debug_is_off_and_production_defaults_are_strict() -> None:
    result = load(**PRODUCTION_LIKE)
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    assert values["debug"] is False
    assert values["hsts"] >= 31536000
    assert values["cookie"] == "__Host-sid"
    assert values["cache"] == "django.core.cache.backends.db.DatabaseCache"


def test_a_missing_secret_key_fails_at_start() -> None:
    environment = {k: v for k, v in PRODUCTION_LIKE.items() if k != "SECRET_KEY"}
    result = load(**environment)
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_demo_mode_refuses_to_run_without_debug() -> None:
    result = load(**PRODUCTION_LIKE, DEMO_MODE="true")
    assert result.returncode != 0
    assert "DEMO_MODE" in result.stderr


def test_without_services_it_uses_sqlite_and_a_file_broker() -> None:
    values = json.loads(load(**PRODUCTION_LIKE).stdout)
    assert values["database"] == "django.db.backends.sqlite3"
    assert values["broker"] == "filesystem://"


def test_with_redis_the_broker_cannot_hang_on_a_stuck_server() -> None:
    result = load(**PRODUCTION_LIKE, REDIS_URL="redis://127.0.0.1:6379/0")
    values = json.loads(result.stdout)
    assert values["broker"] == "redis://127.0.0.1:6379/0"
    assert 0 < values["options"]["socket_timeout"] <= 5
    assert 0 < values["options"]["socket_connect_timeout"] <= 5


def test_the_cache_is_the_database_never_redis() -> None:
    assert settings.CACHES["default"]["BACKEND"] == "django.core.cache.backends.db.DatabaseCache"


@pytest.mark.django_db
def test_the_cache_table_exists_after_migrating() -> None:
    from django.core.cache import cache

    cache.set("probe", 1)
    assert cache.get("probe") == 1
