"""Pages that moved keep their former address for bookmarks and home-screen shortcuts: it
leads to the new one, which still decides who may see it."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from members.models import Person, User

pytestmark = pytest.mark.django_db


def test_a_persons_former_address_leads_to_their_page(
    client_for: Any, person: Person, outreach_worker: User
) -> None:
    client = client_for(outreach_worker)
    response = client.get(f"/members/people/{person.pk}/?from=bookmark")
    assert response.status_code == 302
    assert response["Location"] == reverse("outreach:person_detail", args=[person.pk]) + (
        "?from=bookmark"
    )
    assert client.get(response["Location"]).status_code == 200


def test_the_former_address_opens_nothing_the_new_page_would_not(
    client_for: Any, person: Person, other_worker: User
) -> None:
    client = client_for(other_worker)
    response = client.get(f"/members/people/{person.pk}/", follow=True)
    assert response.status_code == 404


def test_the_former_inbox_address_leads_to_the_inbox(client_for: Any, member: User) -> None:
    response = client_for(member).get("/members/inbox/", follow=True)
    assert response.redirect_chain == [(reverse("reminders:inbox"), 302)]
    assert response.status_code == 200
