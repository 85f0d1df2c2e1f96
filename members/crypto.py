"""Keys from the environment, newest first, so they can rotate and never sit in the database
beside what they protect (and are not derived from SECRET_KEY)."""

from __future__ import annotations

import hashlib
import hmac
from functools import cache

from cryptography.fernet import Fernet, MultiFernet
from django.conf import settings


@cache
def _multifernet(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(key) for key in keys])


def field_fernet() -> MultiFernet:
    """For contact details and notes about people."""
    return _multifernet(tuple(settings.FIELD_ENCRYPTION_KEYS))


def mfa_fernet() -> MultiFernet:
    """For the TOTP secrets and recovery-code seeds allauth stores."""
    return _multifernet(tuple(settings.MFA_ENCRYPTION_KEYS))


def keyed_hash(text: str, *, key: str) -> str:
    return hmac.new(key.encode(), text.encode(), hashlib.sha256).hexdigest()
