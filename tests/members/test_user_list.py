"""Logins and sessions: a coordinator ends every session of a lost phone at once."""

from __future__ import annotations

from typing import Any

import pytest
from allauth.usersessions.models import UserSession
from django.test import Client
from django.urls import reverse

from members.models import User
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def logged_in_phone(user: User) -> Client:
    """A real login through allauth, so the session is tracked like a phone's would be."""
    phone = Client()
    response = phone.post(reverse("account_login"), {"login": user.username, "password": PASSWORD})
    assert response.status_code == 302
    return phone


@pytest.mark.parametrize(
    ("persona", "status"),
    [("member", 403), ("outreach_worker", 403), ("other_worker", 403), ("coordinator", 200)],
)
def test_only_coordinators_see_the_logins(
    request: Any, client_for: Any, persona: str, status: int
) -> None:
    user = request.getfixturevalue(persona)
    assert client_for(user).get(reverse("members:user_list")).status_code == status


def test_anonymous_visitors_are_sent_to_log_in(client: Client) -> None:
    response = client.get(reverse("members:user_list"))
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize("persona", ["member", "outreach_worker", "other_worker"])
def test_nobody_else_can_end_sessions(
    request: Any, client_for: Any, persona: str, member: User
) -> None:
    logged_in_phone(member)
    user = request.getfixturevalue(persona)
    url = reverse("members:user_end_sessions", args=[member.pk])
    assert client_for(user).post(url).status_code == 404
    assert UserSession.objects.filter(user=member).count() == 1


def test_a_coordinator_ends_every_session_of_a_lost_phone(
    client_for: Any, coordinator: User, member: User
) -> None:
    phone, laptop = logged_in_phone(member), logged_in_phone(member)
    assert phone.get(reverse("home")).status_code == 200

    client = client_for(coordinator)
    page = client.get(reverse("members:user_list")).content.decode()
    assert member.username in page
    response = client.post(reverse("members:user_end_sessions", args=[member.pk]), follow=True)
    assert "2 session(s) of member.test ended." in response.content.decode()

    for device in (phone, laptop):
        assert device.get(reverse("home"))["Location"].startswith(reverse("account_login"))
    assert not UserSession.objects.filter(user=member).exists()


def test_ending_sessions_is_a_post_only(client_for: Any, coordinator: User, member: User) -> None:
    url = reverse("members:user_end_sessions", args=[member.pk])
    assert client_for(coordinator).get(url).status_code == 405


def test_the_list_costs_the_same_queries_however_many_logins(
    client_for: Any, coordinator: User, django_assert_max_num_queries: Any
) -> None:
    client = client_for(coordinator)
    client.get(reverse("members:user_list"))  # warm the session
    for n in range(30):
        User.objects.create_user(username=f"someone.{n}", password=PASSWORD, is_member=True)
    # session, user, authenticator (two-factor check), the users with their session counts.
    with django_assert_max_num_queries(5):  # one more: the inbox bell
        assert client.get(reverse("members:user_list")).status_code == 200


def test_a_coordinator_suspends_a_lost_phone_in_one_step(
    client_for: Any, coordinator: User, member: User
) -> None:
    phone = logged_in_phone(member)
    response = client_for(coordinator).post(
        reverse("members:user_suspend", args=[member.pk]), follow=True
    )
    assert "member.test is suspended; 1 session(s) ended." in response.content.decode()
    member.refresh_from_db()
    assert not member.is_active
    assert phone.get(reverse("home"))["Location"].startswith(reverse("account_login"))
    again = Client()
    again.post(reverse("account_login"), {"login": member.username, "password": PASSWORD})
    assert "_auth_user_id" not in again.session


def test_a_coordinator_cannot_suspend_themself(client_for: Any, coordinator: User) -> None:
    client_for(coordinator).post(reverse("members:user_suspend", args=[coordinator.pk]))
    coordinator.refresh_from_db()
    assert coordinator.is_active


@pytest.mark.parametrize("persona", ["member", "outreach_worker", "other_worker"])
def test_nobody_else_can_suspend(request: Any, client_for: Any, persona: str, member: User) -> None:
    user = request.getfixturevalue(persona)
    response = client_for(user).post(reverse("members:user_suspend", args=[member.pk]))
    assert response.status_code == 404
    member.refresh_from_db()
    assert member.is_active
