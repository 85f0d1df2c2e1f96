"""Password reset codes: staff hand the owner of a login without e-mail a single-use code; the
owner types it on a public page and chooses a new password. And the e-mail reset page sends
nothing to an address that has no account."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any
from unittest import mock

import pytest
from allauth.account.models import EmailAddress
from allauth.usersessions.models import UserSession
from django.core import mail
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from members import services
from members.models import AccessLog, PasswordResetCode, User
from tests.conftest import PASSWORD, make_person, make_user

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "amber-willow-compass"
CODE_SHAPE = re.compile(r"^[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{2}$")
REFUSED = "This code does not work."


@pytest.fixture(autouse=True)
def _no_earlier_tries() -> None:
    """The rate limits live in the cache, which outlives browser tests' transactions."""
    cache.clear()


def create_url(login: User) -> str:
    return reverse("members:reset_code_create", args=[login.pk])


def redeem(
    client: Client, code: str, address: str = "127.0.0.1", follow: bool = False, **fields: str
) -> Any:
    data = {"code": code, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD, **fields}
    return client.post(
        reverse("members:reset_code_redeem"), data, REMOTE_ADDR=address, follow=follow
    )


def logged_in_phone(user: User, password: str = PASSWORD) -> Client:
    """A real login through allauth, so the session is tracked like a phone's would be."""
    phone = Client()
    response = phone.post(reverse("account_login"), {"login": user.username, "password": password})
    assert response.status_code == 302
    return phone


def can_log_in(user: User, password: str) -> bool:
    response = Client().post(
        reverse("account_login"), {"login": user.username, "password": password}
    )
    return response.status_code == 302


@pytest.fixture
def code(outreach_worker: User, member: User) -> str:
    return services.password_reset_code_create(actor=outreach_worker, login=member)[1]


# --- The service -----------------------------------------------------------------------------


def test_a_code_is_ten_unambiguous_characters_and_only_its_keyed_hash_is_kept(
    outreach_worker: User, member: User
) -> None:
    reset, code = services.password_reset_code_create(actor=outreach_worker, login=member)
    assert CODE_SHAPE.match(code)
    row = PasswordResetCode.objects.filter(pk=reset.pk).values().get()
    assert not any(code.replace("-", "") in str(value) for value in row.values())
    assert reset.code_hash == services.password_reset_code_hash(code)
    # Another purpose, another key: an invitation hash of the same code is different.
    assert reset.code_hash != services.invitation_code_hash(code)


def test_it_expires_after_the_configured_hours(
    outreach_worker: User, member: User, settings: Any
) -> None:
    settings.RESET_CODE_HOURS = 24
    reset, code = services.password_reset_code_create(actor=outreach_worker, login=member)
    assert reset.expires_at - reset.created_at == timedelta(hours=24)
    with (
        mock.patch("django.utils.timezone.now", return_value=reset.expires_at + timedelta(1)),
        pytest.raises(services.CodeRefused),
    ):
        services.password_reset_code_redeem(code=code, password=NEW_PASSWORD)


def test_a_new_code_stops_the_older_ones(outreach_worker: User, member: User) -> None:
    _first, first = services.password_reset_code_create(actor=outreach_worker, login=member)
    _second, second = services.password_reset_code_create(actor=outreach_worker, login=member)
    with pytest.raises(services.CodeRefused):
        services.password_reset_code_redeem(code=first, password=NEW_PASSWORD)
    services.password_reset_code_redeem(code=second, password=NEW_PASSWORD)


def test_a_code_works_once_and_sets_the_password(code: str, member: User) -> None:
    user = services.password_reset_code_redeem(code=code.lower(), password=NEW_PASSWORD)
    assert user == member
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    with pytest.raises(services.CodeRefused):
        services.password_reset_code_redeem(code=code, password="another-long-passphrase")


def test_every_session_of_the_login_ends(code: str, member: User) -> None:
    phone, laptop = logged_in_phone(member), logged_in_phone(member)
    services.password_reset_code_redeem(code=code, password=NEW_PASSWORD)
    assert not UserSession.objects.filter(user=member).exists()
    for client in (phone, laptop):
        assert client.get(reverse("home"))["Location"].startswith(reverse("account_login"))


def test_a_weak_password_is_refused_and_the_code_stays_usable(code: str, member: User) -> None:
    """Checked against the login's own username too, which only the code names."""
    with pytest.raises(ValidationError):
        services.password_reset_code_redeem(code=code, password="member.test1")
    services.password_reset_code_redeem(code=code, password=NEW_PASSWORD)


@pytest.mark.parametrize("when", ["before", "after"])
def test_a_suspended_login_cannot_be_reset(
    outreach_worker: User, coordinator: User, member: User, when: str
) -> None:
    code = ""
    if when == "after":
        code = services.password_reset_code_create(actor=outreach_worker, login=member)[1]
    services.user_suspend(actor=coordinator, user=member)
    if when == "before":
        with pytest.raises(ValueError, match="suspended or erased"):
            services.password_reset_code_create(actor=outreach_worker, login=member)
        return
    with pytest.raises(services.CodeRefused):
        services.password_reset_code_redeem(code=code, password=NEW_PASSWORD)
    member.refresh_from_db()
    assert member.check_password(PASSWORD)


def test_an_erased_members_code_stops_working(
    outreach_worker: User, coordinator: User, member: User
) -> None:
    code = services.password_reset_code_create(actor=outreach_worker, login=member)[1]
    services.person_erase(actor=coordinator, person=member.person)
    with pytest.raises(services.CodeRefused):
        services.password_reset_code_redeem(code=code, password=NEW_PASSWORD)


def test_an_administrators_login_never_gets_a_code(coordinator: User, administrator: User) -> None:
    with pytest.raises(ValueError, match="administrator"):
        services.password_reset_code_create(actor=coordinator, login=administrator)
    assert not PasswordResetCode.objects.exists()


# --- Handing out a code: who may, from where -------------------------------------------------


def test_a_worker_hands_a_member_of_their_hotspot_a_code_from_the_record(
    client_for: Any, outreach_worker: User, member: User
) -> None:
    client = client_for(outreach_worker)
    page = client.get(reverse("outreach:person_detail", args=[member.person.pk]))
    assert create_url(member) in page.content.decode()

    response = client.post(create_url(member))
    assert response.status_code == 200  # rendered, not redirected: the code is in no URL
    body = response.content.decode()
    code = response.context["code"]
    assert CODE_SHAPE.match(code) and code in body
    assert "This code is shown only once." in body
    assert reverse("members:reset_code_redeem") in body
    slip = body.split('class="invitation-slip')[1].split("</section>")[0]
    assert code in slip and member.person.nickname not in slip and member.username not in slip
    assert response["Cache-Control"] == "no-store"
    entry = AccessLog.objects.get(action=AccessLog.Action.RESET_CODE)
    assert (entry.actor, entry.login, entry.person) == (outreach_worker, member, member.person)


def test_a_coordinator_hands_out_codes_from_logins_and_sessions(
    client_for: Any, coordinator: User, member: User, outreach_worker: User, administrator: User
) -> None:
    other_coordinator = make_user("coordinator.two", is_coordinator=True)
    client = client_for(coordinator)
    page = client.get(reverse("members:user_list")).content.decode()
    for login in (member, outreach_worker, other_coordinator):
        assert create_url(login) in page
    for login in (coordinator, administrator):
        assert create_url(login) not in page

    response = client.post(create_url(outreach_worker))
    assert response.status_code == 200
    assert reverse("members:user_list") in response.content.decode()
    entry = AccessLog.objects.get(action=AccessLog.Action.RESET_CODE)
    assert (entry.actor, entry.login, entry.person) == (coordinator, outreach_worker, None)


@pytest.mark.parametrize(
    ("persona", "target", "status"),
    [
        ("outreach_worker", "member", 200),
        # Need to know: the other hotspot's worker does not know this login exists.
        ("other_worker", "member", 404),
        ("member", "member", 403),
        # Never a staff login: a worker could take over a colleague's account.
        ("outreach_worker", "colleague", 403),
        ("outreach_worker", "coordinator", 404),
        # Their own login has no record in their hotspot: they do not know it there.
        ("outreach_worker", "outreach_worker", 404),
        ("coordinator", "member", 200),
        ("coordinator", "colleague", 200),
        ("coordinator", "coordinator", 403),
        ("coordinator", "administrator", 403),
    ],
)
def test_who_may_hand_out_a_code_for_whom(
    request: Any,
    client_for: Any,
    hotspot: Any,
    persona: str,
    target: str,
    status: int,
) -> None:
    if target == "colleague":
        login = make_user("worker.colleague", is_outreach_worker=True, is_member=True)
        make_person(hotspot, "COLL0190", nickname="Colleague", user=login, is_member=True)
    else:
        login = request.getfixturevalue(target)
    response = client_for(request.getfixturevalue(persona)).post(create_url(login))
    assert response.status_code == status
    assert PasswordResetCode.objects.count() == (1 if status == 200 else 0)
    assert AccessLog.objects.filter(action=AccessLog.Action.RESET_CODE).count() == (
        1 if status == 200 else 0
    )


def test_a_colleagues_record_offers_no_reset_code(
    client_for: Any, outreach_worker: User, hotspot: Any
) -> None:
    login = make_user("worker.colleague", is_outreach_worker=True, is_member=True)
    colleague = make_person(hotspot, "COLL0190", nickname="Colleague", user=login)
    page = client_for(outreach_worker).get(reverse("outreach:person_detail", args=[colleague.pk]))
    assert create_url(login) not in page.content.decode()


def test_a_suspended_login_gets_no_code(client_for: Any, coordinator: User, member: User) -> None:
    services.user_suspend(actor=coordinator, user=member)
    client = client_for(coordinator)
    assert create_url(member) not in client.get(reverse("members:user_list")).content.decode()
    response = client.post(create_url(member), follow=True)
    assert "suspended" in response.content.decode()
    assert not PasswordResetCode.objects.exists()


def test_handing_out_a_code_is_a_post_only(
    client_for: Any, outreach_worker: User, member: User
) -> None:
    assert client_for(outreach_worker).get(create_url(member)).status_code == 405
    assert not PasswordResetCode.objects.exists()


# --- Typing the code: the public page --------------------------------------------------------


def test_the_login_and_email_reset_pages_lead_to_the_code_page(client: Client) -> None:
    for page in ("account_login", "account_reset_password"):
        body = client.get(reverse(page)).content.decode()
        assert reverse("members:reset_code_redeem") in body, page
    body = client.get(reverse("account_reset_password")).content.decode()
    assert "Please contact us" not in body
    assert "No e-mail?" in body


def test_the_owner_sets_a_new_password_and_logs_in_with_it(
    client: Client, code: str, member: User
) -> None:
    phone = logged_in_phone(member)
    response = redeem(client, code.lower().replace("-", " "), follow=True)
    assert response.redirect_chain[-1][0] == reverse("account_login")
    assert "Log in with your username, member.test." in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert phone.get(reverse("home"))["Location"].startswith(reverse("account_login"))
    assert can_log_in(member, NEW_PASSWORD)
    assert not can_log_in(member, PASSWORD)


def test_a_wrong_code_says_nothing_about_any_login(
    client: Client, code: str, outreach_worker: User, hotspot: Any
) -> None:
    other = make_user("other.member", is_member=True)
    expired_row, expired = services.password_reset_code_create(actor=outreach_worker, login=other)
    PasswordResetCode.objects.filter(pk=expired_row.pk).update(expires_at=timezone.now())
    redeem(client, code)
    answers = [
        redeem(Client(), typed).context["form"].errors for typed in ("ABCD-EFGH-JK", code, expired)
    ]
    assert answers[0] == answers[1] == answers[2]
    assert list(answers[0]) == ["code"] and answers[0]["code"][0].startswith(REFUSED)


def test_refused_forms_keep_the_code_but_not_the_passwords(client: Client, code: str) -> None:
    response = redeem(client, code, password2="something-different-1")
    body = response.content.decode()
    assert "The two passwords are not the same." in response.context["form"].errors["password2"]
    assert f'value="{code}"' in body
    assert NEW_PASSWORD not in body


def test_guessing_reset_codes_is_slowed_down(client: Client, code: str, member: User) -> None:
    for n in range(10):
        wrong = f"ABCD-EFGH-J{services.INVITATION_ALPHABET[n]}"
        assert redeem(client, wrong).context["form"].errors["code"][0].startswith(REFUSED)
    response = redeem(client, code)
    assert response.status_code == 429
    assert "Too many tries" in response.content.decode()
    member.refresh_from_db()
    assert member.check_password(PASSWORD)


def test_wrong_codes_on_the_join_page_count_here_too(client: Client, code: str) -> None:
    """One count for both pages: alternating between them gains nothing."""
    for n in range(10):
        response = client.post(
            reverse("members:invitation_redeem"),
            {
                "code": f"ABCD-EFGH-J{services.INVITATION_ALPHABET[n]}",
                "username": f"someone.{n}",
                "password1": NEW_PASSWORD,
                "password2": NEW_PASSWORD,
            },
        )
        assert response.context["form"].errors["code"][0].startswith(REFUSED)
    assert redeem(client, code).status_code == 429


def test_someone_logged_in_is_sent_home(client_for: Any, member: User, code: str) -> None:
    client = client_for(member)
    assert redeem(client, code)["Location"] == reverse("home")
    member.refresh_from_db()
    assert member.check_password(PASSWORD)


# --- The e-mail reset page -------------------------------------------------------------------


def test_an_address_without_an_account_gets_no_email(client: Client, settings: Any) -> None:
    response = client.post(reverse("account_reset_password"), {"email": "nobody-here@example.org"})
    assert response.status_code == 302
    assert mail.outbox == []


def test_an_address_with_an_account_gets_the_link(client: Client, member: User) -> None:
    """The same page still works for the logins that have an address."""
    member.email = "moon@example.org"
    member.save()
    EmailAddress.objects.create(user=member, email=member.email, verified=True, primary=True)
    response = client.post(reverse("account_reset_password"), {"email": "moon@example.org"})
    assert response.status_code == 302
    assert [message.to for message in mail.outbox] == [["moon@example.org"]]
