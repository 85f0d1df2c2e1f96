"""The benchmark's server side (benchmarks/run.py): production-like settings and keys shared by
every process of a run, the machine's facts, and gunicorn started and stopped on a free port."""

from __future__ import annotations

import base64
import json
import os
import platform
import secrets
import shlex
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

BASE_DIR = Path(__file__).resolve().parent.parent
BIN_DIR = Path(sys.executable).parent


class BenchError(Exception):
    """The run cannot go on: a page answered wrongly, a step failed. Said loudly, exit 1."""


SECRETS = (
    "SECRET_KEY",
    "UIC_HMAC_KEY",
    "IDENTIFIER_HMAC_KEY",
    "FIELD_ENCRYPTION_KEYS",
    "MFA_ENCRYPTION_KEYS",
)
# The keys of the benchmark database, kept so that a later run can reuse its data: encrypted
# fields and code hashes are only readable with the keys they were made with.
KEYS_FILE = BASE_DIR / "var" / "bench-keys.json"


def make_keys() -> dict[str, str]:
    def fernet() -> str:
        return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()

    return {
        "SECRET_KEY": secrets.token_urlsafe(50),
        "UIC_HMAC_KEY": secrets.token_urlsafe(32),
        "IDENTIFIER_HMAC_KEY": secrets.token_urlsafe(32),
        "FIELD_ENCRYPTION_KEYS": fernet(),
        "MFA_ENCRYPTION_KEYS": fernet(),
    }


def stored_keys(path: Path) -> tuple[dict[str, str], bool]:
    """The benchmark's keys from `path`, or new ones written there; and whether they are new
    (then no data made before can be read, and the generator must not reuse it)."""
    try:
        keys = json.loads(path.read_text())
        if set(SECRETS) <= set(keys):
            return keys, False
    except (OSError, ValueError):
        pass
    keys = make_keys()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.touch(mode=0o600)
    path.write_text(json.dumps(keys, indent=2) + "\n")
    return keys, True


def bench_environment(base: dict[str, str], keys: dict[str, str]) -> dict[str, str]:
    """Production-like settings, shared by this process, the generator and gunicorn: secrets
    from the environment when given, otherwise the benchmark's own."""
    env = dict(base)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "benchmarks.settings",
            "ENV_FILE": "/dev/null",  # the checkout's .env is for the local demo
            "DEBUG": "false",
            "DEMO_MODE": "false",
            "SECURE_SSL_REDIRECT": "false",
            "ALLOWED_HOSTS": "127.0.0.1",
            "LOG_LEVEL": base.get("LOG_LEVEL", "WARNING"),
            # Snapshots computed before the timing stay fresh while the pages are measured.
            "DASHBOARD_MAX_AGE": base.get("DASHBOARD_MAX_AGE", "7200"),
            "PYTHONUNBUFFERED": "1",
        }
    )
    for name in SECRETS:
        env.setdefault(name, keys[name])
    return env


def machine_facts() -> dict[str, Any]:
    from django.db import connection

    cpu = platform.processor() or platform.machine()
    ram_gb: float | None = None
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                ram_gb = round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        postgresql = cursor.fetchone()[0]
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "ram_gb": ram_gb,
        "postgresql": postgresql,
        "python": platform.python_version(),
    }


def manage(env: dict[str, str], *args: str) -> None:
    command = [sys.executable, str(BASE_DIR / "manage.py"), *args]
    print(f"$ {shlex.join(['manage.py', *args])}", flush=True)
    done = subprocess.run(command, cwd=BASE_DIR, env=env, check=False)  # noqa: S603
    if done.returncode != 0:
        raise BenchError(f"manage.py {args[0]} failed with status {done.returncode}")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def gunicorn(env: dict[str, str], log: Path) -> Iterator[str]:
    """gunicorn with 2 workers on a free loopback port, stopped whatever happens. gthread
    workers, because sync workers close every connection and a phone keeps its connection."""
    port = free_port()
    command = [
        str(BIN_DIR / "gunicorn"),
        "config.wsgi",
        "--workers=2",
        "--worker-class=gthread",
        "--threads=1",
        "--keep-alive=30",
        f"--bind=127.0.0.1:{port}",
    ]
    base = f"http://127.0.0.1:{port}"
    with log.open("wb") as out:
        process = subprocess.Popen(  # noqa: S603
            command,
            cwd=BASE_DIR,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        _wait_until_up(base, process, log)
        yield base
    finally:
        _stop(process)


def _wait_until_up(base: str, process: subprocess.Popen[bytes], log: Path) -> None:
    import requests

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise BenchError(f"gunicorn stopped at start:\n{log.read_text()[-3000:]}")
        try:
            if requests.get(f"{base}/bench/floor/", timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.3)
    raise BenchError(f"gunicorn did not answer within 60 s:\n{log.read_text()[-3000:]}")


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is not None:
        return
    process.terminate()  # gunicorn's master stops its workers on SIGTERM
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
