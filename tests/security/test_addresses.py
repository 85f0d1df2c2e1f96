"""DP-8: the sessions list keeps the network a login came from, never the device's full address."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from allauth.usersessions.models import UserSession
from django.test import Client
from django.urls import reverse

from members.models import User
from members.sessions import coarse_ip
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("address", "stored"),
    [
        ("198.51.100.77", "198.51.100.0"),
        ("2001:db8:1234:5678:9abc::1", "2001:db8:1234::"),
    ],
)
def test_a_login_stores_only_the_network_it_came_from(
    member: User, address: str, stored: str, figure: Callable[[str, str, Any], None]
) -> None:
    client = Client(REMOTE_ADDR=address)
    response = client.post(
        reverse("account_login"), {"login": member.username, "password": PASSWORD}
    )
    assert response.status_code == 302
    client.get(reverse("home"))  # a later request updates the same row
    ips = list(UserSession.objects.filter(user=member).values_list("ip", flat=True))
    assert ips == [stored]
    figure("DP-8", f"full addresses stored (IPv{4 if '.' in address else 6})", ips.count(address))


def test_an_address_that_is_not_one_is_stored_as_nothing() -> None:
    assert coarse_ip("not an address") == "0.0.0.0"  # noqa: S104 - a stored placeholder


def test_sessions_listed_before_keep_only_their_network(member: User) -> None:
    import importlib

    from django.apps import apps

    migration = importlib.import_module("members.migrations.0008_coarse_session_addresses")
    UserSession.objects.bulk_create(  # bulk_create skips the pre_save receiver, as old rows did
        [UserSession(user=member, session_key="k" * 32, ip="203.0.113.9", user_agent="old")]
    )
    migration.coarsen(apps, None)
    assert list(UserSession.objects.values_list("ip", flat=True)) == ["203.0.113.0"]
