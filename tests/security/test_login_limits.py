"""AU-1: guessing a password. Thirty wrong passwords for one login within a minute: allauth's
limiter (on the database cache) checks only the first few, then refuses even the right one."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.contrib.auth.signals import user_login_failed
from django.test import Client
from django.urls import reverse

from members.models import User
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

ATTEMPTS = 30
LOCKED = "Too many failed login attempts"


@pytest.fixture
def checked_passwords() -> Iterator[list[str]]:
    """Every password Django actually compared (a refused attempt never gets that far)."""
    checked: list[str] = []

    def count(sender: Any, credentials: dict[str, Any], **kwargs: Any) -> None:
        checked.append(credentials.get("username", ""))

    user_login_failed.connect(count, dispatch_uid="tests.au1")
    yield checked
    user_login_failed.disconnect(dispatch_uid="tests.au1")


def guess(client: Client, login: str, password: str, address: str) -> bool:
    """Post one guess; True when it was refused unread (the lock message, or 429 per address)."""
    response = client.post(
        reverse("account_login"), {"login": login, "password": password}, REMOTE_ADDR=address
    )
    assert response.status_code in {200, 429}, "a guess was let in or broke the page"
    return response.status_code == 429 or LOCKED in response.content.decode()


def test_thirty_wrong_passwords_from_one_phone(
    client: Client, outreach_worker: User, checked_passwords: list[str], figure: Callable[..., None]
) -> None:
    refused = [
        guess(client, outreach_worker.username, f"wrong-guess-{n}", "203.0.113.7")
        for n in range(ATTEMPTS)
    ]
    accepted_before_lockout = refused.index(True)

    assert all(refused[accepted_before_lockout:])
    assert accepted_before_lockout <= 5
    assert len(checked_passwords) == accepted_before_lockout
    figure("AU-1", "attempts accepted before lockout", accepted_before_lockout)
    figure("AU-1", "passwords checked out of 30", len(checked_passwords))

    assert guess(client, outreach_worker.username, PASSWORD, "203.0.113.7")
    assert "_auth_user_id" not in client.session
    figure("AU-1", "right password let in while locked", 0)


def test_a_new_address_and_other_casing_for_each_guess_do_not_reset_the_count(
    outreach_worker: User, checked_passwords: list[str], figure: Callable[..., None]
) -> None:
    """The limit is per login too, and the login is compared without case."""
    spellings = [outreach_worker.username, outreach_worker.username.upper(), "Worker.Test"]
    for n in range(ATTEMPTS):
        guess(Client(), spellings[n % 3], f"wrong-guess-{n}", f"198.51.100.{n + 1}")

    assert len(checked_passwords) <= 5
    figure("AU-1", "attempts accepted from 30 addresses", len(checked_passwords))
    right = Client()
    assert guess(right, outreach_worker.username, PASSWORD, "198.51.100.200")
    assert "_auth_user_id" not in right.session


def test_another_login_is_not_locked_by_someone_elses_guesses(
    client: Client, outreach_worker: User, member: User
) -> None:
    """The lock is per login: guesses at one account must not lock out a colleague."""
    for n in range(6):
        guess(client, outreach_worker.username, f"wrong-guess-{n}", "203.0.113.9")
    colleague = Client()
    response = colleague.post(
        reverse("account_login"),
        {"login": member.username, "password": PASSWORD},
        REMOTE_ADDR="203.0.113.10",
    )
    assert response.status_code == 302
