"""The menu (templates/base.html, members.context_processors.site) for each role: every link in it
opens a page that role may see, each role finds the entries the README promises it, and a route
that is renamed or gone breaks the page loudly instead of quietly dropping out of the menu."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.urls import NoReverseMatch, URLResolver, include, path

from config import urls as site_urls
from members.models import Assignment, Hotspot, User
from monitoring import urls as monitoring_urls
from tests.conftest import make_person, make_user, with_totp

pytestmark = pytest.mark.django_db

EVERYONE = {
    "Home",
    "My data",
    "My sessions",
    "Two-factor authentication",
    "Change password",
    "Inbox",
}
COMMUNITY = {
    "Needs",
    "Vote on priorities",
    "Programmes",
    "You asked, we did",
    "How our programme is doing",
}
FIELD_WORK = {
    "People",
    "Find or register a person",
    "Referrals",
    "Group activities",
    "Partners",
    "Hotspots",
}
# What the README's "Menu → ..." promises each role (SPEC: roles add up).
PROMISED = {
    "member": EVERYONE | COMMUNITY | {"Tell us how a service was"},
    # An outreach worker is also a member.
    "outreach_worker": EVERYONE
    | COMMUNITY
    | FIELD_WORK
    | {"My week", "Log a contact", "Tell us how a service was"},
    "coordinator": EVERYONE
    | COMMUNITY
    | FIELD_WORK
    | {
        "Dashboard",
        "Complaints",
        "Manage priority rounds",
        "Caseloads",
        "Contacts",
        "Possible duplicates",
        "Erasure requests",
        "Access log",
        "Staff",
        "Staffing figures",
        "Logins and sessions",
    },
    "administrator": EVERYONE | {"Administration"},
}
PROMISED["several roles"] = (
    PROMISED["outreach_worker"] | PROMISED["coordinator"] | PROMISED["administrator"]
)
# Entries for staff only: a member who sees them was shown a door that is not theirs.
NOT_FOR_MEMBERS = PROMISED["several roles"] - PROMISED["member"]


class HeaderLinks(HTMLParser):
    """The links of the page's header (the site name, the inbox bell and the menu), each with
    its visible words."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: dict[str, str] = {}
        self._in_header = False
        self._href: str | None = None
        self._words: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "header":
            self._in_header = True
        elif tag == "a" and self._in_header:
            self._href, self._words = dict(attrs).get("href") or "", []

    def handle_data(self, data: str) -> None:
        if self._href is not None:
            self._words.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "header":
            self._in_header = False
        elif tag == "a" and self._href is not None:
            words = " ".join(" ".join(self._words).split())
            # The bell's count ("Inbox 2 waiting") is not part of its name.
            name = re.sub(r"^Inbox\b.*", "Inbox", words)
            self.links[name] = self._href
            self._href = None


def login_of(role: str, hotspot: Hotspot, request: pytest.FixtureRequest) -> User:
    if role == "several roles":
        user = with_totp(
            make_user(
                "several.roles",
                is_member=True,
                is_outreach_worker=True,
                is_coordinator=True,
                is_superuser=True,
                is_staff=True,
            )
        )
        Assignment.objects.create(worker=user, hotspot=hotspot)
        make_person(hotspot, "SEVR0190", user=user, is_member=True)
        return user
    return request.getfixturevalue(role)


def menu_of(client: Any) -> dict[str, str]:
    response = client.get("/")
    assert response.status_code == 200
    parser = HeaderLinks()
    parser.feed(response.content.decode())
    return parser.links


@pytest.mark.parametrize("role", list(PROMISED))
def test_every_menu_link_opens_for_its_role_and_the_promised_ones_are_there(
    role: str, hotspot: Hotspot, client_for: Any, request: pytest.FixtureRequest
) -> None:
    client = client_for(login_of(role, hotspot, request))
    links = menu_of(client)
    missing = sorted(PROMISED[role] - links.keys())
    assert not missing, f"the {role}'s menu lacks {missing}"
    if role == "member":
        shown = sorted(NOT_FOR_MEMBERS & links.keys())
        assert not shown, f"a member's menu shows {shown}"
    # Each one answers this role, as a tap would: a form page's key redirect is followed.
    refused = {
        name: (href, status)
        for name, href in links.items()
        if (status := client.get(href).status_code) != 200
    }
    assert not refused, f"{role}: {refused}"


def urls_without(app_urls: ModuleType, name: str) -> ModuleType:
    """The site's URLs with one route of an app gone, as a rename would leave them."""
    module = ModuleType("urls_without_" + name)
    app = ModuleType(app_urls.__name__)
    app.app_name = app_urls.app_name  # type: ignore[attr-defined]
    app.urlpatterns = [p for p in app_urls.urlpatterns if p.name != name]  # type: ignore[attr-defined]
    module.urlpatterns = [  # type: ignore[attr-defined]
        path(str(entry.pattern), include(app))
        if isinstance(entry, URLResolver) and entry.urlconf_name is app_urls
        else entry
        for entry in site_urls.urlpatterns
    ]
    return module


def test_a_renamed_route_breaks_the_menu_instead_of_leaving_it(
    settings: Any, coordinator: User, client_for: Any
) -> None:
    client = client_for(coordinator)
    assert "Dashboard" in menu_of(client)
    settings.ROOT_URLCONF = urls_without(monitoring_urls, "dashboard")  # caches cleared
    with pytest.raises(NoReverseMatch, match="'dashboard' not found"):
        client.get("/")


def test_no_template_hides_a_link_whose_route_is_missing() -> None:
    """`{% url 'x' as u %}{% if u %}` turns a renamed route into a link that quietly vanishes;
    `{% url 'x' %}` fails at once."""
    hiding = []
    for template in Path(django_settings.BASE_DIR, "templates").rglob("*.html"):
        text = template.read_text()
        for name in re.findall(r"\{%\s*url\s[^%]*\sas\s+(\w+)\s*%\}", text):
            if re.search(rf"\{{%\s*(?:if|elif)\b[^%]*\b{name}\b[^%]*%\}}", text):
                hiding.append(f"{template.relative_to(django_settings.BASE_DIR)}: {name}")
    assert not hiding, hiding
