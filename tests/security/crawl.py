"""A crawl of every page a role reaches by links from its home page and menu (GET only, this
site only, bounded), with canaries planted in every free-text value people's data can sit in.
The tests that use it: no person data in addresses (test_person_data_in_urls.py) and no
typed person data kept by the browser (test_autocomplete.py)."""

from __future__ import annotations

from collections import Counter, deque
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import unquote_plus, urlencode, urljoin, urlsplit
from uuid import uuid4

from django.apps import apps
from django.db import models
from django.test import Client

from members.fields import EncryptedField

CANARY = "cnry"
APPS = ("members", "outreach", "programmes", "monitoring")
# Text that is no one's data and that the code reads: stored secrets, keys, receipt codes.
NOT_FREE_TEXT = {"password", "object_key", "receipt"}
NOT_PEOPLES_DATA = {"heartbeat", "dashboardsnapshot"}  # a job's name, a cache key
# Pages a role may open in one crawl, and addresses of one path (filters, pages) followed.
MAX_PAGES = 400
MAX_PER_PATH = 4
# Not pages: leaving the site, signing out, the admin (its own crawl would be another test).
NOT_FOLLOWED = ("/exit/", "/accounts/logout/", "/admin/", "/static/")
# Inputs a person types text into (no type attribute is a text input).
FREE_TEXT_TYPES = {"", "text", "search", "email", "tel", "url"}


def canary() -> str:
    return f"{CANARY}{uuid4().hex[:8]}"


def free_text_fields(model: type[models.Model]) -> list[models.Field]:
    return [
        f
        for f in model._meta.concrete_fields
        if isinstance(f, models.CharField | models.TextField)
        and not f.choices
        and not f.name.endswith("hash")
        and f.name not in NOT_FREE_TEXT
        and (not isinstance(f, EncryptedField) or f.python_type is str)
        and (f.max_length is None or f.max_length >= len(canary()))
    ]


def plant_canaries() -> int:
    """Every free-text value of every row of the project's models (nicknames, notes, phone
    numbers, usernames, needs, comments, complaints, hotspot names...) becomes a canary.
    Returns how many were planted."""
    planted = 0
    for model in apps.get_models():
        if model._meta.app_label not in APPS or model._meta.model_name in NOT_PEOPLES_DATA:
            continue
        fields = free_text_fields(model)
        for pk in model._default_manager.values_list("pk", flat=True) if fields else []:
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
    """Every address on a page (links, images, scripts, form actions, a meta refresh), its
    forms with their fields as a browser would submit them, and every field a person types
    text into."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.addresses: list[str] = []
        self.links: list[str] = []  # what a person can open by a tap: followed by the crawl
        self.forms: list[Form] = []
        self.text_fields: list[dict[str, str]] = []  # the attributes of each
        self._form: Form | None = None

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
        if tag == "textarea" or (tag == "input" and a.get("type", "").lower() in FREE_TEXT_TYPES):
            self.text_fields.append(a)
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
    # (page, attributes) of every field a person types text into
    text_fields: list[tuple[str, dict[str, str]]] = field(default_factory=list)

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


def crawl(client: Client, start: str = "/") -> Crawl:
    """Every page reachable from `start` by links and GET forms, as `client` sees them."""
    found = Crawl()
    queue, seen = deque([start]), set()
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
        found.text_fields += [(url, attrs) for attrs in page.text_fields]
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
