"""Issue 20: the keys the application needs are printed fresh by one command, and a missing or
malformed one stops the start with one plain line naming it and how to make it, not a
traceback. With exactly the variables the README's deployment steps list, filled with fresh
values, and DEBUG off, `check --deploy` passes."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def run(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - our own manage.py
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={"PATH": os.environ["PATH"], "ENV_FILE": "/dev/null", **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def fresh_keys() -> dict[str, str]:
    printed = run("generate_keys", env={})
    assert printed.returncode == 0, printed.stderr
    values = dict(re.findall(r"^([A-Z_]+)=(.+)$", printed.stdout, re.M))
    assert set(values) == {
        "SECRET_KEY",
        "MFA_ENCRYPTION_KEYS",
        "FIELD_ENCRYPTION_KEYS",
        "UIC_HMAC_KEY",
        "IDENTIFIER_HMAC_KEY",
    }
    assert "never in the database or its backups" in printed.stdout
    return values


def readme_variables() -> list[str]:
    """The variables step 3 of the README's "Running it on one server" names."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Running it on one server", 1)[1].split("\n## ", 1)[0]
    step = section.split("\n3. ", 1)[1].split("\n4. ", 1)[0]
    return re.findall(r"`([A-Z][A-Z0-9_]+)(?:=[^`]*)?`", step)


def deployment(keys: dict[str, str]) -> dict[str, str]:
    """Every variable the README lists, with a fresh or plausible value."""
    plausible = {
        "ALLOWED_HOSTS": "portal.example.org",
        "DATABASE_URL": os.environ.get("DATABASE_URL", "sqlite:///" + str(ROOT / "var/x.db")),
        "REDIS_URL": "redis://127.0.0.1:6379/9",
        "DEBUG": "false",
        "EMAIL_HOST": "smtp.example.org",
        "EMAIL_PORT": "587",
        "EMAIL_HOST_USER": "portal",
        "EMAIL_HOST_PASSWORD": "example",
        "EMAIL_USE_TLS": "true",
        "DEFAULT_FROM_EMAIL": "portal@example.org",
        "BEHIND_PROXY": "true",
        "TRUSTED_PROXY_COUNT": "1",
    }
    listed = readme_variables()
    assert set(keys) <= set(listed), "the README leaves out a key generate_keys prints"
    missing = [name for name in listed if name not in keys and name not in plausible]
    assert not missing, f"no test value for {missing}"
    return {name: keys.get(name) or plausible[name] for name in listed}


def test_the_readmes_variables_with_fresh_keys_pass_the_deploy_check() -> None:
    checked = run("check", "--deploy", "--fail-level", "WARNING", env=deployment(fresh_keys()))
    assert checked.returncode == 0, checked.stdout + checked.stderr


@pytest.mark.parametrize(
    "name",
    [
        "SECRET_KEY",
        "MFA_ENCRYPTION_KEYS",
        "FIELD_ENCRYPTION_KEYS",
        "UIC_HMAC_KEY",
        "IDENTIFIER_HMAC_KEY",
    ],
)
def test_a_missing_key_stops_the_start_with_one_plain_line(name: str) -> None:
    env = deployment(fresh_keys())
    del env[name]
    stopped = run("check", env=env)
    assert stopped.returncode == 1
    assert "Traceback" not in stopped.stderr
    assert stopped.stderr.strip().splitlines() == [
        f"Cannot start: {name} is not set. `python manage.py generate_keys` prints fresh values "
        "for every key."
    ]


def test_a_malformed_fernet_key_is_named() -> None:
    env = deployment(fresh_keys())
    env["FIELD_ENCRYPTION_KEYS"] = "not-a-key"
    stopped = run("check", env=env)
    assert stopped.returncode == 1 and "Traceback" not in stopped.stderr
    assert "FIELD_ENCRYPTION_KEYS holds a value that is not a Fernet key" in stopped.stderr
