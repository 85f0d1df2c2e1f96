"""Invitations: staff hand a registered person a single-use code; the person creates their login."""

from __future__ import annotations

import logging
import re
from datetime import timedelta
from typing import Any
from unittest import mock

import pytest
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from members import services
from members.crypto import keyed_hash
from members.models import AccessLog, Invitation, Person, User
from tests.conftest import make_person

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "violet-harbour-lantern"
CODE_SHAPE = re.compile(r"^[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{2}$")
REFUSED = "This code does not work."


@pytest.fixture(autouse=True)
def _no_earlier_guesses() -> None:
    """The count of wrong codes lives in the cache, which outlives browser tests' transactions."""
    cache.clear()


def create_url(person: Person | int) -> str:
    return reverse("members:invitation_create", args=[getattr(person, "pk", person)])


def redeem(
    client: Client,
    code: str,
    username: str = "sunny.new",
    address: str = "127.0.0.1",
    **fields: str,
) -> Any:
    data = {"code": code, "username": username, "password1": NEW_PASSWORD}
    data["password2"] = data["password1"]
    return client.post(
        reverse("members:invitation_redeem"), {**data, **fields}, REMOTE_ADDR=address
    )


# --- The service -----------------------------------------------------------------------------


def test_a_code_is_ten_unambiguous_characters_in_groups(
    outreach_worker: User, person: Person
) -> None:
    _invitation, code = services.invitation_create(actor=outreach_worker, person=person)
    assert CODE_SHAPE.match(code)
    assert not set(code) & set("01OIL")


def test_only_a_keyed_hash_of_the_code_is_stored(outreach_worker: User, person: Person) -> None:
    invitation, code = services.invitation_create(actor=outreach_worker, person=person)
    plain = code.replace("-", "")
    row = Invitation.objects.filter(pk=invitation.pk).values().get()
    assert not any(plain in str(value) or code in str(value) for value in row.values())
    assert invitation.code_hash == services.invitation_code_hash(code)
    # Not a plain hash either: a stolen database cannot be searched by hashing every code.
    assert invitation.code_hash != keyed_hash(plain, key="")


def test_the_code_is_read_whatever_the_case_dashes_and_spaces() -> None:
    expected = services.invitation_code_hash("ABCDEFGHJK")
    for typed in ("abcd-efgh-jk", " ABCD EFGH JK ", "abcd\u2013efgh\u2013jk", "Abcdefghjk"):
        assert services.invitation_code_hash(typed) == expected


def test_it_expires_after_the_configured_days(
    outreach_worker: User, person: Person, settings: Any
) -> None:
    settings.INVITATION_DAYS = 7
    invitation, _code = services.invitation_create(actor=outreach_worker, person=person)
    assert invitation.expires_at - invitation.created_at == timedelta(days=7)


def test_a_new_invitation_stops_the_older_unused_ones(
    outreach_worker: User, person: Person
) -> None:
    first, first_code = services.invitation_create(actor=outreach_worker, person=person)
    second, second_code = services.invitation_create(actor=outreach_worker, person=person)
    first.refresh_from_db()
    assert not first.is_usable(timezone.now())
    assert second.is_usable(timezone.now())
    with pytest.raises(services.CodeRefused):
        services.invitation_redeem(code=first_code, username="first", password=NEW_PASSWORD)
    services.invitation_redeem(code=second_code, username="second", password=NEW_PASSWORD)


def test_redeeming_creates_a_login_linked_to_the_person(
    outreach_worker: User, hotspot: Any
) -> None:
    someone = make_person(hotspot, "ROSA0388", nickname="Rosa", is_member=True)
    invitation, code = services.invitation_create(actor=outreach_worker, person=someone)
    user = services.invitation_redeem(code=code.lower(), username="rosa.r", password=NEW_PASSWORD)
    someone.refresh_from_db()
    invitation.refresh_from_db()
    assert someone.user == user
    assert user.is_member and not user.is_outreach_worker and not user.is_coordinator
    assert user.check_password(NEW_PASSWORD)
    assert invitation.used_at is not None


def test_a_non_member_gets_a_login_without_the_member_role(
    outreach_worker: User, person: Person
) -> None:
    _invitation, code = services.invitation_create(actor=outreach_worker, person=person)
    user = services.invitation_redeem(code=code, username="sunny.new", password=NEW_PASSWORD)
    assert not user.is_member


def test_a_code_works_only_once(outreach_worker: User, person: Person) -> None:
    _invitation, code = services.invitation_create(actor=outreach_worker, person=person)
    services.invitation_redeem(code=code, username="sunny.new", password=NEW_PASSWORD)
    with pytest.raises(services.CodeRefused):
        services.invitation_redeem(code=code, username="sunny.again", password=NEW_PASSWORD)
    assert not User.objects.filter(username="sunny.again").exists()


def test_an_expired_code_is_refused(outreach_worker: User, person: Person) -> None:
    _invitation, code = services.invitation_create(actor=outreach_worker, person=person)
    eight_days_later = timezone.now() + timedelta(days=8)
    with (
        mock.patch("django.utils.timezone.now", return_value=eight_days_later),
        pytest.raises(services.CodeRefused),
    ):
        services.invitation_redeem(code=code, username="sunny.new", password=NEW_PASSWORD)
    person.refresh_from_db()
    assert person.user is None


def test_someone_with_a_login_cannot_be_invited(outreach_worker: User, member: User) -> None:
    with pytest.raises(ValueError, match="cannot be invited"):
        services.invitation_create(actor=outreach_worker, person=member.person)
    assert not Invitation.objects.exists()


# --- Creating an invitation: the page --------------------------------------------------------


def test_anonymous_visitors_are_sent_to_log_in(client: Client, person: Person) -> None:
    response = client.post(create_url(person))
    assert response["Location"].startswith(reverse("account_login"))
    assert not Invitation.objects.exists()


@pytest.mark.parametrize(
    ("persona", "status"),
    [("member", 403), ("other_worker", 404), ("outreach_worker", 200), ("coordinator", 200)],
)
def test_only_staff_who_see_the_person_create_an_invitation(
    request: Any, client_for: Any, person: Person, persona: str, status: int
) -> None:
    user = request.getfixturevalue(persona)
    response = client_for(user).post(create_url(person))
    assert response.status_code == status
    assert Invitation.objects.filter(person=person).count() == (1 if status == 200 else 0)


def test_outsiders_cannot_tell_an_existing_person_from_a_missing_one(
    client_for: Any, other_worker: User, person: Person
) -> None:
    client = client_for(other_worker)
    existing = client.post(create_url(person))
    missing = client.post(create_url(person.pk + 1000))
    assert existing.status_code == missing.status_code == 404
    assert existing.content == missing.content
    assert not AccessLog.objects.exists()


def test_creating_an_invitation_is_a_post_only(
    client_for: Any, outreach_worker: User, person: Person
) -> None:
    assert client_for(outreach_worker).get(create_url(person)).status_code == 405
    assert not Invitation.objects.exists()


def test_the_person_page_offers_an_invitation_to_someone_without_a_login(
    client_for: Any, outreach_worker: User, person: Person
) -> None:
    page = client_for(outreach_worker).get(reverse("outreach:person_detail", args=[person.pk]))
    assert create_url(person) in page.content.decode()


def test_the_code_is_shown_once_with_a_square_code_and_its_expiry(
    client_for: Any, outreach_worker: User, person: Person
) -> None:
    response = client_for(outreach_worker).post(create_url(person))
    assert response.status_code == 200  # rendered, not redirected: the code is in no URL
    body = response.content.decode()
    code = response.context["code"]
    assert CODE_SHAPE.match(code)
    assert code in body
    assert "This code is shown only once." in body
    expires = timezone.localtime(Invitation.objects.get().expires_at)
    assert "It works only once." in body
    assert f"Use it before {date_format(expires, 'DATETIME_FORMAT')}" in body
    assert re.search(r'<svg[^>]*role="img"[^>]*aria-label="QR code', body)
    assert "<script" not in body.split("</head>")[1]
    assert response["Cache-Control"] == "no-store"


def test_the_log_says_who_created_an_invitation_and_nothing_more(
    client_for: Any, outreach_worker: User, person: Person
) -> None:
    client_for(outreach_worker).post(create_url(person))
    entries = list(AccessLog.objects.filter(person=person).values_list("actor", "action"))
    assert entries == [(outreach_worker.pk, AccessLog.Action.INVITE)]


def test_the_plain_code_is_nowhere_in_the_database_or_the_logs(
    client_for: Any, coordinator: User, person: Person, caplog: Any
) -> None:
    with caplog.at_level(logging.DEBUG):
        response = client_for(coordinator).post(create_url(person))
    code = response.context["code"]
    wanted = {code, code.replace("-", ""), code.lower(), code.replace("-", "").lower()}

    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            for row in cursor.fetchall():
                text = " ".join(str(value) for value in row)
                assert not any(w in text for w in wanted), table
    for session in Session.objects.all():
        assert not any(w in str(session.get_decoded()) for w in wanted)
    assert not any(w in caplog.text for w in wanted)
    assert not any(w in value for w in wanted for value in response.headers.values())


def test_someone_who_has_a_login_gets_no_invitation(
    client_for: Any, coordinator: User, member: User
) -> None:
    response = client_for(coordinator).post(create_url(member.person), follow=True)
    assert response.redirect_chain[-1][0] == reverse(
        "outreach:person_detail", args=[member.person.pk]
    )
    assert "already has a login" in response.content.decode()
    assert not Invitation.objects.exists()


# --- Redeeming a code: the public page -------------------------------------------------------


@pytest.fixture
def code(outreach_worker: User, person: Person) -> str:
    return services.invitation_create(actor=outreach_worker, person=person)[1]


def test_the_join_page_is_open_to_anyone(client: Client) -> None:
    response = client.get(reverse("members:invitation_redeem"))
    assert response.status_code == 200
    assert "Create your login" in response.content.decode()


def test_the_login_page_leads_to_the_join_page(client: Client) -> None:
    body = client.get(reverse("account_login")).content.decode()
    assert reverse("members:invitation_redeem") in body


def test_a_person_creates_their_login_and_is_logged_in(
    client: Client, code: str, person: Person
) -> None:
    response = redeem(client, code.lower().replace("-", " "))
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    person.refresh_from_db()
    assert person.user is not None and person.user.username == "sunny.new"
    home = client.get(reverse("home"))
    assert home.context["user"] == person.user
    assert "Hello, sunny.new" in home.content.decode()


def test_the_new_login_works_with_the_chosen_password(client: Client, code: str) -> None:
    redeem(client, code)
    phone = Client()
    response = phone.post(
        reverse("account_login"), {"login": "sunny.new", "password": NEW_PASSWORD}
    )
    assert response.status_code == 302


@pytest.mark.parametrize("persona", ["member", "outreach_worker", "coordinator"])
def test_someone_logged_in_is_sent_home(
    request: Any, client_for: Any, code: str, persona: str
) -> None:
    client = client_for(request.getfixturevalue(persona))
    assert client.get(reverse("members:invitation_redeem"))["Location"] == reverse("home")
    assert redeem(client, code)["Location"] == reverse("home")
    assert not User.objects.filter(username="sunny.new").exists()


def test_unknown_used_and_expired_codes_get_the_same_answer(
    client: Client, code: str, outreach_worker: User, hotspot: Any
) -> None:
    other = make_person(hotspot, "KIKI0499", nickname="Kiki")
    invitation, expired = services.invitation_create(actor=outreach_worker, person=other)
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now())
    redeem(client, code)
    answers = [
        redeem(Client(), typed, username="someone.else").context["form"].errors["code"]
        for typed in ("ABCD-EFGH-JK", code, expired)
    ]
    assert answers[0] == answers[1] == answers[2]
    assert answers[0][0].startswith(REFUSED)
    assert not User.objects.filter(username="someone.else").exists()


def test_a_mistyped_code_is_explained_beside_the_field(client: Client) -> None:
    response = redeem(client, "ABCD-0000")
    assert "10 letters and digits" in response.context["form"].errors["code"][0]


def test_refused_forms_keep_what_was_typed_but_the_passwords(client: Client, code: str) -> None:
    response = redeem(client, code, password2="something-different-1")
    body = response.content.decode()
    assert "The two passwords are not the same." in response.context["form"].errors["password2"]
    assert 'value="sunny.new"' in body
    assert f'value="{code}"' in body
    assert NEW_PASSWORD not in body
    assert not User.objects.filter(username="sunny.new").exists()


@pytest.mark.parametrize("password", ["short-pw1", "1234567890123", "sunny.new.1"])
def test_weak_passwords_are_refused_beside_the_field(
    client: Client, code: str, password: str
) -> None:
    response = redeem(client, code, password1=password, password2=password)
    assert response.context["form"].errors["password1"]
    assert not User.objects.filter(username="sunny.new").exists()


@pytest.mark.parametrize("username", ["member.test", "MEMBER.Test"])
def test_a_taken_username_is_refused_whatever_its_case(
    client: Client, code: str, member: User, username: str
) -> None:
    response = redeem(client, code, username=username)
    assert "This username is taken" in response.context["form"].errors["username"][0]
    assert Invitation.objects.get(person__user__isnull=True).used_at is None


def test_a_username_with_spaces_is_refused(client: Client, code: str) -> None:
    response = redeem(client, code, username="sunny new")
    assert response.context["form"].errors["username"]


def test_guessing_codes_is_slowed_down(client: Client, code: str, person: Person) -> None:
    for n in range(10):
        guess = f"ABCD-EFGH-J{services.INVITATION_ALPHABET[n]}"
        assert redeem(client, guess).context["form"].errors["code"][0].startswith(REFUSED)
    response = redeem(client, code)
    assert response.status_code == 429
    assert "Too many tries" in response.content.decode()
    person.refresh_from_db()
    assert person.user is None
    assert Invitation.objects.get().used_at is None


def test_typing_mistakes_other_than_the_code_do_not_count_as_guesses(
    client: Client, code: str
) -> None:
    for _ in range(12):
        redeem(client, code, password2="not-the-same-password")
    assert redeem(client, code).status_code == 302


# --- Item 7: nothing about usernames without a valid code; limited like the login ----------------


@pytest.mark.parametrize("typed", ["ABCD-EFGH-JK", "ABCD-0000", ""])
def test_without_a_valid_code_nothing_is_said_about_the_username(
    client: Client, member: User, typed: str
) -> None:
    """A taken and a free username get the same answer when the code does not work."""
    taken = redeem(client, typed, username="MEMBER.test").context["form"].errors
    free = redeem(Client(), typed, username="nobody.has.this").context["form"].errors
    assert "username" not in taken
    assert taken == free
    assert "This username is taken" not in str(taken)


def test_with_a_valid_code_a_taken_username_is_said_and_the_code_stays_usable(
    client: Client, code: str, member: User
) -> None:
    response = redeem(client, code, username="Member.Test")
    assert "This username is taken" in response.context["form"].errors["username"][0]
    assert "code" not in response.context["form"].errors
    assert redeem(client, code)["Location"] == reverse("home")


def test_trying_usernames_from_one_address_meets_a_429(
    client: Client, member: User, figure: Any
) -> None:
    """The review's probe: 200 usernames in a row. Mistyped codes are not wrong guesses, yet
    every form sent counts."""
    statuses = [redeem(client, "ABCD-0000", username=f"member.{n}").status_code for n in range(200)]
    answered = statuses.index(429)
    figure("AU-6", "join forms answered from one address before 429 (of 200)", answered)
    assert answered <= 20
    assert set(statuses[answered:]) == {429}
    page = redeem(client, "ABCD-0000")
    assert "Too many tries" in page.content.decode()
    assert "Wait a few minutes" in page.content.decode()


def test_the_limit_is_per_address(client: Client, code: str) -> None:
    for _ in range(21):
        redeem(client, "ABCD-0000", address="203.0.113.5")
    assert redeem(client, "ABCD-0000", address="203.0.113.5").status_code == 429
    assert redeem(Client(), code, address="203.0.113.6")["Location"] == reverse("home")


def test_the_cache_never_holds_the_address(client: Client) -> None:
    from django.db import connection as db

    redeem(client, "ABCD-EFGH-JK", address="198.51.100.77")
    with db.cursor() as cursor:
        cursor.execute("SELECT cache_key, value FROM django_cache")
        rows = cursor.fetchall()
    assert rows
    assert not any("198.51.100.77" in f"{key} {value}" for key, value in rows)
