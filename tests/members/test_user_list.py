"""Logins and sessions: a coordinator ends every session of a lost phone at once."""

from __future__ import annotations

from typing import Any

import pytest
from allauth.usersessions.models import UserSession
from django.db import connection
from django.test import Client
from django.urls import reverse

from members import services
from members.models import AccessLog, User
from tests.conftest import PASSWORD, make_user
from tests.programmes.test_ballot_secrecy import in_threads

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


# --- Suspending, reactivating and the access log ---------------------------------------------


def test_suspending_and_reactivating_a_login_are_logged_and_it_works_again(
    client_for: Any, coordinator: User, member: User
) -> None:
    client = client_for(coordinator)
    client.post(reverse("members:user_suspend", args=[member.pk]))
    suspended = AccessLog.objects.get(action=AccessLog.Action.SUSPEND)
    assert (suspended.actor, suspended.login, suspended.person) == (
        coordinator,
        member,
        member.person,
    )
    page = client.get(reverse("members:user_list")).content.decode()
    assert f"Reactivate {member.username}" in page

    response = client.post(reverse("members:user_reactivate", args=[member.pk]), follow=True)
    assert "member.test can log in again." in response.content.decode()
    member.refresh_from_db()
    assert member.is_active
    reactivated = AccessLog.objects.get(action=AccessLog.Action.REACTIVATE)
    assert (reactivated.actor, reactivated.login, reactivated.person) == (
        coordinator,
        member,
        member.person,
    )
    phone = Client()
    phone.post(reverse("account_login"), {"login": member.username, "password": PASSWORD})
    assert "_auth_user_id" in phone.session


def test_ending_all_sessions_is_logged(client_for: Any, coordinator: User, member: User) -> None:
    logged_in_phone(member)
    client_for(coordinator).post(reverse("members:user_end_sessions", args=[member.pk]))
    entry = AccessLog.objects.get(action=AccessLog.Action.END_SESSIONS)
    assert (entry.actor, entry.login, entry.person, entry.detail) == (
        coordinator,
        member,
        member.person,
        "1 session(s)",
    )


def test_a_staff_login_without_a_record_is_logged_by_login_only(
    client_for: Any, coordinator: User, outreach_worker: User
) -> None:
    client_for(coordinator).post(reverse("members:user_suspend", args=[outreach_worker.pk]))
    entry = AccessLog.objects.get(action=AccessLog.Action.SUSPEND)
    assert (entry.login, entry.person) == (outreach_worker, None)


def test_nobody_suspends_an_administrator(
    client_for: Any, coordinator: User, administrator: User
) -> None:
    make_user("member.other", is_member=True)
    client = client_for(coordinator)
    page = client.get(reverse("members:user_list")).content.decode()
    assert "Suspend and sign out: member.other" in page
    assert f"Suspend and sign out: {administrator.username}" not in page
    response = client.post(reverse("members:user_suspend", args=[administrator.pk]), follow=True)
    assert "An administrator&#x27;s login cannot be suspended here." in response.content.decode()
    administrator.refresh_from_db()
    assert administrator.is_active
    assert not AccessLog.objects.exists()


def test_suspending_oneself_is_explained_and_offered_nowhere(
    client_for: Any, coordinator: User
) -> None:
    client = client_for(coordinator)
    page = client.get(reverse("members:user_list")).content.decode()
    assert f"Suspend and sign out: {coordinator.username}" not in page
    response = client.post(reverse("members:user_suspend", args=[coordinator.pk]), follow=True)
    assert "You cannot suspend your own login." in response.content.decode()
    assert not AccessLog.objects.exists()


def test_the_last_active_coordinator_cannot_be_suspended(
    coordinator: User, administrator: User
) -> None:
    """From the pages a coordinator is always there to ask; a script run by an administrator
    meets the same rule in the service."""
    with pytest.raises(services.LoginChangeRefused, match="only active coordinator"):
        services.user_suspend(actor=administrator, user=coordinator)
    coordinator.refresh_from_db()
    assert coordinator.is_active
    second = make_user("coordinator.two", is_coordinator=True)
    assert services.user_suspend(actor=administrator, user=coordinator) == 0
    coordinator.refresh_from_db()
    assert not coordinator.is_active
    with pytest.raises(services.LoginChangeRefused):
        services.user_suspend(actor=administrator, user=second)


def test_an_erased_login_cannot_be_reactivated(
    client_for: Any, coordinator: User, member: User
) -> None:
    services.person_erase(actor=coordinator, person=member.person)
    member.refresh_from_db()
    client = client_for(coordinator)
    page = client.get(reverse("members:user_list")).content.decode()
    assert f"Reactivate {member.username}" not in page
    response = client.post(reverse("members:user_reactivate", args=[member.pk]), follow=True)
    assert "It stays closed." in response.content.decode()
    member.refresh_from_db()
    assert not member.is_active
    assert not AccessLog.objects.filter(action=AccessLog.Action.REACTIVATE).exists()


def test_an_administrators_login_is_not_reactivated_here(
    client_for: Any, coordinator: User, administrator: User
) -> None:
    User.objects.filter(pk=administrator.pk).update(is_active=False)
    client_for(coordinator).post(reverse("members:user_reactivate", args=[administrator.pk]))
    administrator.refresh_from_db()
    assert not administrator.is_active


@pytest.mark.parametrize("persona", ["member", "outreach_worker", "other_worker"])
def test_nobody_else_can_reactivate(request: Any, client_for: Any, persona: str) -> None:
    suspended = make_user("someone.suspended", is_member=True, is_active=False)
    user = request.getfixturevalue(persona)
    response = client_for(user).post(reverse("members:user_reactivate", args=[suspended.pk]))
    assert response.status_code == 404
    suspended.refresh_from_db()
    assert not suspended.is_active


# Rounds of the race: without the lock, most rounds end with no coordinator.
RACES = 10


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs PostgreSQL: SQLite serialises every write"
)
@pytest.mark.django_db(transaction=True)
def test_two_coordinators_suspending_each_other_at_once_leave_one() -> None:
    for race in range(RACES):
        User.objects.filter(is_coordinator=True).update(is_active=False)
        first = make_user(f"coordinator.{race}.a", is_coordinator=True)
        second = make_user(f"coordinator.{race}.b", is_coordinator=True)
        pairs = [(first, second), (second, first)]

        def suspend(i: int, pairs: list[tuple[User, User]] = pairs) -> int:
            actor, target = pairs[i]
            return services.user_suspend(actor=actor, user=target)

        outcomes = in_threads(2, suspend)
        active = User.objects.filter(is_coordinator=True, is_active=True).count()
        assert active == 1, (race, outcomes)
        assert sum(isinstance(o, services.LoginChangeRefused) for o in outcomes) == 1, outcomes
    assert AccessLog.objects.filter(action=AccessLog.Action.SUSPEND).count() == RACES
