from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from members.models import User

pytestmark = pytest.mark.django_db


def test_quick_exit_ends_the_session_and_leaves_for_the_neutral_site(
    settings: Any, client_for: Any, member: User
) -> None:
    settings.QUICK_EXIT_URL = "https://weather.example/"
    client = client_for(member)
    response = client.get(reverse("quick_exit"))
    assert response.status_code == 302
    assert response["Location"] == "https://weather.example/"
    assert response["Clear-Site-Data"] == '"cookies", "storage"'
    assert response["Cache-Control"] == "no-store"
    assert client.get(reverse("home"))["Location"].startswith(reverse("account_login"))


def test_quick_exit_works_for_anyone(client: Any) -> None:
    assert client.get(reverse("quick_exit")).status_code == 302


def test_every_page_offers_the_quick_exit(client_for: Any, member: User) -> None:
    for user in (None, member):
        body = client_for(user).get(reverse("account_login" if user is None else "home"))
        assert f'href="{reverse("quick_exit")}"' in body.content.decode()
