"""DP-11: no person data in any address. Every free-text value a page can show (nicknames, notes,
phone numbers, usernames, needs, complaints...) is replaced by a canary; then each role crawls
every page reachable by links from its home page and menu (tests/security/crawl.py), and fails
on a canary in any address a page links to, posts to, redirects or refreshes to, which the
browser's history or the server's logs would keep. Every GET form with a free-text field fails
too: whatever is typed there, a nickname say, ends up in the address (the activity search's
`?q=Moonbeam` was one)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from members.models import User
from tests.security.crawl import CANARY, Crawl, Page, crawl, plant_canaries, submission
from tests.security.test_authorization_matrix import build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def canaries(
    hotspot: Any,
    other_hotspot: Any,
    member: User,
    outreach_worker: User,
    other_worker: User,
    coordinator: User,
    figure: Any,
) -> int:
    build_world(
        hotspot=hotspot,
        other_hotspot=other_hotspot,
        member=member,
        outreach_worker=outreach_worker,
        other_worker=other_worker,
        coordinator=coordinator,
    )
    planted = plant_canaries()
    figure("DP-11", "canaries planted in free-text values", planted)
    return planted


def crawl_as(request: Any, persona: str) -> Any:
    """The crawl of one role; anonymous visitors start at the login page."""
    client = Client()
    if persona == "anonymous":
        return crawl(client, start="/accounts/login/")
    client.force_login(request.getfixturevalue(persona))
    return crawl(client)


# The least each crawl reaches, so a pass means something.
REACHED = {
    "anonymous": 5,
    "member": 20,
    "outreach_worker": 50,
    "other_worker": 40,
    "coordinator": 100,
}


@pytest.mark.parametrize("persona", list(REACHED))
def test_no_page_puts_person_data_in_an_address(
    request: Any, canaries: int, persona: str, figure: Any
) -> None:
    found = crawl_as(request, persona)
    figure("DP-11", f"pages crawled as {persona}", found.pages)
    figure("DP-11", f"addresses checked as {persona}", found.addresses)
    figure("DP-11", f"addresses with person data as {persona}", len(found.leaks))
    assert found.pages >= REACHED[persona]
    assert not found.leaks, "\n".join(f"{where}: {address}" for where, address in found.leaks)


# --- The crawler finds what it must ----------------------------------------------------------


def test_the_crawler_sees_a_get_search_form_and_a_canary_in_a_link() -> None:
    page = Page()
    page.feed(
        '<form method="get" action="/outreach/activities/2/"><label>Nickname'
        '<input type="text" name="q"></label><select name="s"><option value="1">A</option>'
        '<option value="2" selected>B</option></select><button>Search</button></form>'
        '<form method="post" action="/x/"><input name="q"></form>'
        f'<a href="/people/?nickname={CANARY}abc">x</a>'
    )
    found = Crawl()
    for address in page.addresses:
        found.check("page", address)
    get_form = page.forms[0]
    found.check("form", submission("/outreach/activities/2/", get_form, f"{CANARY}typed"))
    assert [address for _where, address in found.leaks] == [
        f"/people/?nickname={CANARY}abc",
        f"/outreach/activities/2/?q={CANARY}typed&s=2",
    ]
    assert page.forms[1].method == "post"


def test_canaries_reach_the_pages(client_for: Any, canaries: int, member: User) -> None:
    """The crawl is only as good as its canaries: the member sees their own in place."""
    assert canaries > 50
    page = client_for(member).get("/members/me/").content.decode()
    assert re.search(rf"{CANARY}[0-9a-f]{{8}}", page)
