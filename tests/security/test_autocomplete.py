"""DP-12: a shared phone keeps nothing a person typed. Every field a person types text into (a
nickname, phone number, e-mail, search, note...) says autocomplete="off", so the browser offers
it to no one afterwards; login fields keep the tokens password managers need. The mechanism is
the project's widget templates (templates/django/forms/widgets/); the proof is every field of
every page each role reaches (tests/security/crawl.py), hand-written fields included."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django import forms
from django.test import Client

from members.models import User
from tests.security.crawl import crawl
from tests.security.test_authorization_matrix import build_world

pytestmark = pytest.mark.django_db

# What a login form needs, and what a code that works for 30 seconds may keep.
CREDENTIALS = {"username", "current-password", "new-password", "one-time-code"}
PASSWORDS = {"current-password", "new-password"}


@pytest.fixture
def world(
    hotspot: Any,
    other_hotspot: Any,
    member: User,
    outreach_worker: User,
    other_worker: User,
    coordinator: User,
) -> None:
    build_world(
        hotspot=hotspot,
        other_hotspot=other_hotspot,
        member=member,
        outreach_worker=outreach_worker,
        other_worker=other_worker,
        coordinator=coordinator,
    )


@pytest.mark.parametrize(
    "persona", ["anonymous", "member", "outreach_worker", "other_worker", "coordinator"]
)
def test_no_field_lets_the_browser_keep_what_was_typed(
    request: Any, world: None, persona: str, figure: Any
) -> None:
    client = Client()
    if persona != "anonymous":
        client.force_login(request.getfixturevalue(persona))
    found = crawl(client, start="/accounts/login/" if persona == "anonymous" else "/")
    kept = [
        f"{page}: {attrs.get('name')} ({attrs.get('autocomplete', 'no autocomplete')})"
        for page, attrs in found.text_fields
        if attrs.get("autocomplete") != "off" and attrs.get("autocomplete") not in CREDENTIALS
    ]
    figure("DP-12", f"text fields checked as {persona}", len(found.text_fields))
    figure("DP-12", f"text fields a shared phone would keep as {persona}", len(kept))
    assert found.text_fields
    assert not kept, "\n".join(sorted(set(kept)))


def test_password_fields_keep_their_tokens(client: Client, member: User) -> None:
    """The default must not reach them: a password manager needs to know which is which."""
    pages = {
        "/accounts/login/": ["current-password"],
        "/members/join/": ["new-password", "new-password"],
        "/members/new-password/": ["new-password", "new-password"],
    }
    for url, expected in pages.items():
        body = client.get(url).content.decode()
        assert _password_tokens(body) == expected, url
    logged_in = Client()
    logged_in.force_login(member)
    body = logged_in.get("/accounts/password/change/").content.decode()
    assert _password_tokens(body) == ["current-password", "new-password", "new-password"]


def _password_tokens(body: str) -> list[str]:
    return re.findall(r'<input type="password"[^>]*autocomplete="([^"]*)"', body)


@pytest.mark.parametrize(
    "widget",
    [
        forms.TextInput(),
        forms.EmailInput(),
        forms.URLInput(),
        forms.TextInput(attrs={"type": "tel"}),
        forms.TextInput(attrs={"type": "search"}),
        forms.Textarea(),
    ],
    ids=["text", "email", "url", "tel", "search", "textarea"],
)
def test_every_typed_widget_says_off_by_default(widget: forms.Widget) -> None:
    assert 'autocomplete="off"' in widget.render("field", "")


@pytest.mark.parametrize(
    "widget",
    [
        forms.HiddenInput(),
        forms.CheckboxInput(),
        forms.PasswordInput(),
        # Counts and dates hold nothing about a person; the browser may bring them back after
        # Back, so a form sent again carries the same answers (members.resend).
        forms.NumberInput(),
        forms.DateInput(attrs={"type": "date"}),
    ],
    ids=["hidden", "checkbox", "password", "number", "date"],
)
def test_widgets_nobody_types_text_into_are_left_alone(widget: forms.Widget) -> None:
    assert "autocomplete" not in widget.render("field", "")


def test_a_token_given_by_the_form_wins() -> None:
    rendered = forms.TextInput(attrs={"autocomplete": "username"}).render("login", "")
    assert 'autocomplete="username"' in rendered
    assert 'autocomplete="off"' not in rendered
