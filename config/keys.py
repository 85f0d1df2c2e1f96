"""The keys the application cannot start without: made fresh (`python manage.py generate_keys`,
which needs no settings), and read from the environment with a plain line naming the one that is
missing or malformed and how to make it, instead of a traceback."""

from __future__ import annotations

import binascii
import secrets
import sys
from typing import Any

from cryptography.fernet import Fernet

MAKE = "`python manage.py generate_keys` prints fresh values for every key"

# name: where it must be kept (printed beside each fresh value)
KEYS = {
    "SECRET_KEY": "signs sessions and forms; a new one only signs everybody out",
    "MFA_ENCRYPTION_KEYS": "encrypts two-factor secrets; lost, every two-factor set-up is lost",
    "FIELD_ENCRYPTION_KEYS": "encrypts phone numbers, e-mail and notes; lost, so are they",
    "UIC_HMAC_KEY": "turns people's codes into what is stored; lost or changed, no code is found",
    "IDENTIFIER_HMAC_KEY": (
        "turns phone numbers and plates in safety alerts, and numbers that asked for no more text "
        "messages, into what is stored; lost or changed, none of them is found again"
    ),
}


def stop(message: str) -> None:
    """End the start with one plain line on standard error (exit status 1), no traceback."""
    raise SystemExit(f"Cannot start: {message}")


def secret(env: Any, name: str) -> str:
    value = str(env.str(name, default=""))
    if not value:
        stop(f"{name} is not set. {MAKE}.")
    return value


def fernet_keys(env: Any, name: str) -> list[str]:
    keys = [str(k) for k in env.list(name, default=[])]
    if not keys:
        stop(f"{name} is not set. {MAKE}.")
    for key in keys:
        try:
            Fernet(key)
        except (ValueError, binascii.Error):
            stop(
                f"{name} holds a value that is not a Fernet key (44 characters of URL-safe "
                f"base64). {MAKE}."
            )
    return keys


def fresh() -> dict[str, str]:
    return {
        "SECRET_KEY": secrets.token_urlsafe(50),
        "MFA_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        "FIELD_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        "UIC_HMAC_KEY": secrets.token_urlsafe(32),
        "IDENTIFIER_HMAC_KEY": secrets.token_urlsafe(32),
    }


def main() -> None:
    """Print fresh keys as environment lines, each with where it must be kept."""
    out = sys.stdout
    out.write(
        "# Fresh keys. Keep them in the service's environment file (readable by its user only)\n"
        "# and a copy offline in the organization's safe; never in the database or its backups.\n"
    )
    for name, value in fresh().items():
        out.write(f"# {name}: {KEYS[name]}.\n{name}={value}\n")
