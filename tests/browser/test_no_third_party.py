"""DP-5: no page makes the browser talk to another host. Chromium crawls, breadth first, every
page reachable from the navigation for a member, an outreach worker and a coordinator (with
their second factor), following same-site links only, and records every request it makes:
stylesheets, scripts, images, fonts, prefetches. A CDN, a web font, analytics or a map tile
would show here as a request to a host other than the live server's."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page

from members.models import Hotspot, Person, User
from outreach.models import Partner, Referral
from programmes.models import Need
from tests.browser.crawl import same_site_links
from tests.browser.login import current_code, log_in
from tests.conftest import make_contact

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MAX_PAGES = 60
LOCAL_SCHEMES = {"data", "blob", "about"}


def _log_in(page: Page, base: str, user: User) -> None:
    log_in(page, base, user)
    if user.is_coordinator:
        page.get_by_label("Code").fill(current_code(user))
        page.get_by_role("button", name="Sign In").click()
    page.wait_for_load_state("load")
    assert "/accounts/login" not in page.url, page.url


def crawl(browser: Browser, base: str, user: User, context_args: dict[str, Any]) -> dict:
    """Breadth first from the home page; returns the pages seen and every foreign request."""
    origin = urlsplit(base).netloc
    context = browser.new_context(**context_args)
    foreign: list[str] = []
    requests = 0

    def on_request(request: Any) -> None:
        nonlocal requests
        requests += 1
        parts = urlsplit(request.url)
        if parts.scheme not in LOCAL_SCHEMES and parts.netloc != origin:
            foreign.append(request.url)

    context.on("request", on_request)
    page = context.new_page()
    # The CSP may stop a foreign load before any request is made: count its refusals too.
    refused: list[str] = []
    page.on(
        "console",
        lambda message: (
            refused.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    try:
        _log_in(page, base, user)
        queue: deque[str] = deque([f"{base}/"])
        seen: set[str] = set(queue)
        crawled: list[str] = []
        while queue and len(crawled) < MAX_PAGES:
            url = queue.popleft()
            response = page.goto(url, wait_until="load")
            crawled.append(url)
            if response is None or "text/html" not in response.headers.get("content-type", ""):
                continue
            # What the page would load or send elsewhere, blocked by the CSP or not.
            for source in page.eval_on_selector_all(
                "script[src], link[href], img[src], iframe[src], source[src], form[action]",
                "nodes => nodes.map(n => new URL(n.getAttribute('src') || n.getAttribute('href')"
                " || n.getAttribute('action') || '', document.baseURI).href)",
            ):
                target = urlsplit(source)
                if target.scheme not in LOCAL_SCHEMES and target.netloc not in {origin, ""}:
                    foreign.append(f"{url} embeds {source}")
            for link in same_site_links(page, origin):
                if link not in seen:
                    seen.add(link)
                    queue.append(link)
    finally:
        context.close()
    return {"pages": crawled, "requests": requests, "foreign": foreign + refused}


@pytest.fixture
def something_to_see(
    outreach_worker: User, member: User, person: Person, hotspot: Hotspot, partner: Partner
) -> None:
    """A contact, a referral and a need, so the pages that list them have links to follow."""
    contact = make_contact(person, outreach_worker, male_condoms=5)
    made_on = timezone.localdate() - timedelta(days=2)
    Referral.objects.create(
        person=person,
        contact=contact,
        partner=partner,
        service="hiv_test",
        made_by=outreach_worker,
        made_on=made_on,
        due_on=made_on + timedelta(days=7),
    )
    Need.objects.create(
        title="Evening drop-in hours",
        details="Somewhere to rest.",
        category="safety",
        author=member,
    )


def test_dp5_no_page_for_any_role_makes_a_request_to_another_host(
    browser: Browser,
    browser_context_args: dict[str, Any],
    live_server: Any,
    something_to_see: None,
    member: User,
    outreach_worker: User,
    coordinator: User,
    figure: Callable[[str, str, Any], None],
) -> None:
    results = {
        role: crawl(browser, live_server.url, user, browser_context_args)
        for role, user in (
            ("member", member),
            ("outreach worker", outreach_worker),
            ("coordinator", coordinator),
        )
    }
    for role, result in results.items():
        figure("DP-5", f"pages crawled ({role})", len(result["pages"]))
        figure("DP-5", f"requests recorded ({role})", result["requests"])
    foreign = {role: result["foreign"] for role, result in results.items()}
    figure("DP-5", "requests to another host", sum(len(urls) for urls in foreign.values()))
    # The crawl did reach past the home page for everyone, and loaded the app's own assets.
    assert all(len(result["pages"]) >= 5 for result in results.values()), results
    assert all(result["requests"] > len(result["pages"]) for result in results.values())
    assert foreign == {role: [] for role in results}
