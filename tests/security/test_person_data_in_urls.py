"""DP-5: no person data in any address. Every free-text value a page can show (nicknames, notes,
phone numbers, usernames, needs, complaints...) is replaced by a canary; then each role crawls
every page reachable by links from its home page and menu, and fails on a canary in any
address a page links to, posts to or redirects to, which the browser's history or the server's
logs would keep. Every GET form with a free-text field fails too: whatever is typed there,
a nickname say, ends up in the address (the activity search's `?q=Moonbeam` was one)."""

from __future__ import annotations

import re
from collections import Counter, deque
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any
from urllib.parse import unquote_plus, urlencode, urljoin, urlsplit
from uuid import uuid4

import pytest
from django.apps import apps
from django.db import models
from django.test import Client

from members.fields import EncryptedField
from members.models import User
from outreach.models import Hotspot
from tests.security.test_authorization_matrix import build_world

pytestmark = pytest.mark.django_db

CANARY = "cnry"
# Text that is no one's data, or that the code reads: hashes, keys, the receipt alphabet.
NOT_FREE_TEXT = {"password", "object_key", "receipt", "key", "name"}
APPS = ("members", "outreach", "programmes", "monitoring")
# Pages a role may open in one crawl, and addresses of one path (filters, pages) followed.
MAX_PAGES = 400
MAX_PER_PATH = 4
# Not pages: leaving the site, signing out, the admin (its own crawl would be another test).
NOT_FOLLOWED = ("/exit/", "/accounts/logout/", "/admin/", "/static/")
FREE_TEXT_TYPES = {"", "text", "search", "email", "tel", "url"}


def canary() -> str:
    return f"{CANARY}{uuid4().hex[:8]}"


def plant_canaries() -> int:
    """Every free-text value of every row of the project's models becomes a canary. Returns how
    many were planted."""
    planted = 0
    for model in apps.get_models():
        if model._meta.app_label not in APPS:
            continue
        fields = [
            f
            for f in model._meta.concrete_fields
            if isinstance(f, models.CharField | models.TextField)
            and not f.choices
            and not f.name.endswith("hash")
            and f.name not in NOT_FREE_TEXT
            and (not isinstance(f, EncryptedField) or f.python_type is str)
            and (f.max_length is None or f.max_length >= len(canary()))
        ]
        # A hotspot's, partner's or risk factor's name is no one's data, but it is text: in.
        if model in (Hotspot,) or model._meta.model_name in ("partner", "riskfactor"):
            fields += [f for f in model._meta.concrete_fields if f.name == "name"]
        if not fields:
            continue
        for pk in model._default_manager.values_list("pk", flat=True):
            model._default_manager.filter(pk=pk).update(**{f.name: canary() for f in fields})
            planted += len(fields)
    return planted


# --- Reading pages as a browser does ---------------------------------------------------------


@dataclass
class Form:
    method: str
    action: str | None
    fields: list[tuple[str, str, str]] = field(default_factory=list)  # (kind, name, value)
    # The open <select>: its name, its first option's value and its selected one's.
    select: list[str | None] | None = None


class Page(HTMLParser):
    """Every address on a page (links, images, scripts, form actions, a meta refresh) and its
    forms with their fields, as a browser would submit them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.addresses: list[str] = []
        self.links: list[str] = []  # what a person can open by a tap: followed by the crawl
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        for name in ("href", "src", "action", "formaction"):
            if name in a:
                self.addresses.append(a[name])
        if tag == "a" and "href" in a:
            self.links.append(a["href"])
        if tag == "meta" and a.get("http-equiv", "").lower() == "refresh":
            self.addresses.append(a.get("content", "").partition("url=")[2])
        if tag == "form":
            self._form = Form(a.get("method", "get").lower(), a.get("action"))
            self.forms.append(self._form)
        form = self._form
        if form is None or (not a.get("name") and tag != "option"):
            return
        if tag == "input":
            kind = a.get("type", "").lower()
            if kind in FREE_TEXT_TYPES:
                form.fields.append(("text", a["name"], a.get("value", "")))
            elif kind in ("checkbox", "radio"):
                if "checked" in a:
                    form.fields.append(("choice", a["name"], a.get("value", "on")))
            elif kind not in ("submit", "button", "reset", "image", "file", "password"):
                form.fields.append(("other", a["name"], a.get("value", "")))
        elif tag == "textarea":
            form.fields.append(("text", a["name"], ""))
        elif tag == "select":
            form.select = [a["name"], None, None]
        elif tag == "option" and form.select is not None:
            if form.select[1] is None:
                form.select[1] = a.get("value", "")
            if "selected" in a:
                form.select[2] = a.get("value", "")

    def handle_endtag(self, tag: str) -> None:
        form = self._form
        if tag == "select" and form is not None and form.select is not None:
            name, first, chosen = form.select
            value = chosen if chosen is not None else first
            if name is not None and value is not None:
                form.fields.append(("choice", name, value))
            form.select = None
        elif tag == "form":
            self._form = None


def submission(page_url: str, form: Form, typed: str) -> str:
    """The address a GET form leads to with `typed` in each free-text field."""
    target = urljoin(page_url, form.action) if form.action else page_url.split("?")[0]
    values = [(name, typed if kind == "text" else value) for kind, name, value in form.fields]
    return f"{target.split('?')[0]}?{urlencode(values)}"


# --- The crawl -------------------------------------------------------------------------------


@dataclass
class Crawl:
    pages: int = 0
    addresses: int = 0
    get_forms: int = 0
    # (where it was found, the address holding a canary)
    leaks: list[tuple[str, str]] = field(default_factory=list)

    def check(self, where: str, address: str) -> None:
        self.addresses += 1
        if CANARY in unquote_plus(address).lower():
            self.leaks.append((where, address))


def same_site(address: str) -> str | None:
    """The path and query of an address on this site worth following, else None."""
    parts = urlsplit(address)
    if parts.scheme not in ("", "http", "https") or parts.netloc not in ("", "testserver"):
        return None
    if not parts.path.startswith("/") or parts.path.startswith(NOT_FOLLOWED):
        return None
    return f"{parts.path}?{parts.query}" if parts.query else parts.path


def crawl(client: Client) -> Crawl:
    found = Crawl()
    queue, seen = deque(["/"]), set()
    per_path: Counter[str] = Counter()
    while queue and found.pages < MAX_PAGES:
        url = queue.popleft()
        path = url.split("?")[0]
        if url in seen or per_path[path] >= MAX_PER_PATH:
            continue
        seen.add(url)
        per_path[path] += 1
        response = client.get(url)
        found.pages += 1
        if response.status_code in (301, 302, 303, 307, 308):
            found.check(f"redirect from {url}", response["Location"])
            if (next_url := same_site(response["Location"])) is not None:
                queue.append(next_url)
            continue
        if not response.get("Content-Type", "").startswith("text/html"):
            continue
        page = Page()
        page.feed(response.content.decode())
        for address in page.addresses:
            found.check(url, address)
        for link in page.links:
            if (next_url := same_site(urljoin(url, link))) is not None:
                queue.append(next_url)
        for form in page.forms:
            if form.method != "get":
                continue
            found.get_forms += 1
            typed = canary()
            if any(kind == "text" for kind, _name, _value in form.fields):
                # What the browser would keep in its history once someone types in it.
                found.check(f"GET form on {url}", submission(url, form, typed))
            # The filtered page itself, as a click on the form's button opens it.
            if (next_url := same_site(submission(url, form, ""))) is not None:
                queue.append(next_url)
    return found


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
    figure("DP-5", "canaries planted in free-text values", planted)
    return planted


@pytest.mark.parametrize(
    ("persona", "at_least"),
    [("member", 10), ("outreach_worker", 40), ("other_worker", 30), ("coordinator", 80)],
)
def test_no_page_puts_person_data_in_an_address(
    request: Any, canaries: int, persona: str, at_least: int, figure: Any
) -> None:
    client = Client()
    client.force_login(request.getfixturevalue(persona))
    found = crawl(client)
    figure("DP-5", f"pages crawled as {persona}", found.pages)
    figure("DP-5", f"addresses checked as {persona}", found.addresses)
    figure("DP-5", f"addresses with person data as {persona}", len(found.leaks))
    # The crawl reached the pages this role uses, so a pass means something.
    assert found.pages >= at_least
    assert found.get_forms > 0 or persona == "member"
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
