"""Logging in from a browser test, as a person would, including the second factor."""

from __future__ import annotations

import time

from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from playwright.sync_api import Page

from members.adapters import MFAAdapter
from members.models import User
from tests.conftest import PASSWORD


def log_in(page: Page, base: str, user: User) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def current_code(user: User) -> str:
    """The authenticator app's code for `user` right now."""
    stored = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP).data["secret"]
    secret = MFAAdapter().decrypt(stored)
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))
