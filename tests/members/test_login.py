from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from members.models import User
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def test_a_person_logs_in_with_username_and_password(client: Any, member: User) -> None:
    response = client.post(
        reverse("account_login"), {"login": member.username, "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert client.get(reverse("home")).context["user"] == member


def test_the_login_page_offers_no_sign_up(client: Any) -> None:
    body = client.get(reverse("account_login")).content.decode()
    assert reverse("account_signup") not in body


def test_sign_up_is_closed_and_creates_nobody(client: Any) -> None:
    assert client.get(reverse("account_signup"))["Location"] == reverse("account_login")
    response = client.post(
        reverse("account_signup"),
        {
            "username": "stranger",
            "password1": "a-long-password-1",
            "password2": "a-long-password-1",
        },
    )
    assert response.status_code in {302, 405}
    assert not User.objects.filter(username="stranger").exists()


def test_the_sixth_wrong_password_is_refused_even_when_right(client: Any, member: User) -> None:
    url = reverse("account_login")
    for _ in range(5):
        response = client.post(url, {"login": member.username, "password": "wrong-password"})
        assert response.status_code == 200
    response = client.post(url, {"login": member.username, "password": PASSWORD})
    assert response.status_code in {200, 429}
    assert "_auth_user_id" not in client.session
    assert "Too many failed login attempts" in response.content.decode()


def test_passwords_shorter_than_ten_characters_are_refused() -> None:
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        validate_password("short-pw1")


def test_passwords_are_hashed_with_argon2(settings: Any) -> None:
    # The autouse fixture swaps in MD5 for speed; the real setting must be argon2.
    from config import settings as real

    assert real.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")


def test_the_admin_login_goes_through_the_site_login(client: Any) -> None:
    response = client.get("/admin/login/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
