"""Issue 17: every page each role reaches from its navigation, on a 360 x 740 phone, in English,
Spanish and French, with the demo's data. One walk per language and role, breadth first from the
home page over same-site links, each kind of page (its address with the numbers taken out) once.
Folded sections (details) are opened first, so what they hold is checked too. On each page it
fails on:

- a control or link smaller than 44 x 44 CSS px (the allow-list: links inside a sentence, see
  test_touch_targets.SMALL_TARGETS);
- any axe-core violation, of any impact;
- sideways scrolling;
- text left in English on a Spanish or French page: any visible text, label or button name that
  is an English message of the catalogue whose translation differs, and Django's "---------";
- a date in another format than the language's one (ISO dates and numeric day/month dates are
  for files and fields, not for reading);
- a menu item out of reach: with the menu open, each item scrolled into view must be on the
  screen and the topmost thing at its centre, so a thumb can tap it.

Problems are gathered over the whole walk and reported together."""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from django.utils.translation import trans_real
from playwright.sync_api import Browser, Page

from members.models import User
from tests.browser import crawl
from tests.browser.axe import AXE
from tests.browser.crawl import same_site_links
from tests.browser.login import current_code
from tests.browser.test_touch_targets import SMALL_TARGETS, TARGET
from tests.conftest import PASSWORD, with_totp

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Demo logins walked, by role.
ROLES = {"member": "member.sun", "outreach worker": "worker.river", "coordinator": "coordinator"}
LANGUAGES = ("en", "es", "fr")
MAX_PAGES = 90
# Links the walk does not follow: those a crawler never follows, and files.
SKIP = (*crawl.SKIP, ".csv")

# What a page shows as text: visible text nodes and the names of controls, outside elements
# marked in another language (the language menu names each language in itself).
TEXTS = """() => {
  const lang = document.documentElement.lang;
  const other = (el) => { const l = el.closest('[lang]'); return l && l.lang !== lang; };
  const texts = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement;
    if (!el || ['SCRIPT', 'STYLE', 'TEMPLATE', 'NOSCRIPT'].includes(el.tagName)) continue;
    if (other(el)) continue;
    if (el.tagName !== 'OPTION' && !el.checkVisibility({visibilityProperty: true})) continue;
    const text = node.textContent.replace(/\\s+/g, ' ').trim();
    if (text) texts.push(text);
  }
  const named = '[aria-label], [title], [placeholder], [alt], input[type=submit]';
  for (const el of document.querySelectorAll(named)) {
    if (other(el)) continue;
    for (const name of ['aria-label', 'title', 'placeholder', 'alt', 'value']) {
      if (name === 'value' && el.type !== 'submit') continue;
      const text = (el.getAttribute(name) || '').replace(/\\s+/g, ' ').trim();
      if (text) texts.push(text);
    }
  }
  return texts;
}"""

# Each menu item out of the thumb's reach, with the menu open.
MENU_OUT_OF_REACH = """() => {
  const menu = document.querySelector('details.site-menu');
  if (!menu) return null;
  const opened = !menu.open;
  if (opened) menu.querySelector('summary').click();
  const out = [];
  for (const el of menu.querySelectorAll('a[href], button')) {
    el.scrollIntoView({block: 'nearest'});
    const r = el.getBoundingClientRect();
    const x = r.left + r.width / 2, y = r.top + r.height / 2;
    const top = document.elementFromPoint(x, y);
    const onScreen = r.top >= 0 && r.bottom <= innerHeight && r.left >= 0 && r.right <= innerWidth;
    if (!onScreen || !top || !(top === el || el.contains(top))) {
      out.push(el.innerText.trim().slice(0, 30) || el.getAttribute('aria-label'));
    }
  }
  if (opened) menu.querySelector('summary').click();
  window.scrollTo(0, 0);
  return out;
}"""

AXE_RUN = """async () => {
  const result = await axe.run(document);
  const where = (v) => v.nodes.slice(0, 3).map((n) => n.target).join(' ');
  return result.violations.map((v) => `${v.id} (${v.impact}): ${v.help}: ${where(v)}`);
}"""

# Dates for files and fields, not for reading: 2026-12-07, 12/07/2026, 7/12/26.
OTHER_DATES = re.compile(r"\b\d{4}-\d{2}-\d{2}\b|\b\d{1,2}/\d{1,2}/\d{2,4}\b")


def english_left(language: str) -> tuple[set[str], list[re.Pattern[str]]]:
    """The English messages that `language` translates differently: whole texts, and patterns for
    those with placeholders (a placeholder matches anything)."""
    catalog = trans_real.translation(language)._catalog  # type: ignore[attr-defined]
    whole: set[str] = set()
    patterns: list[re.Pattern[str]] = []
    placeholder = re.compile(r"%\(\w+\)[sd]|%[sd]")
    for key, translated in catalog.items():
        english = key[0] if isinstance(key, tuple) else key
        if not english or translated == english or "\n" in english:
            continue
        if len(english) < 3 or not re.search(r"[a-z]{3}", english):
            continue  # "OK", "No", symbols: not words
        parts = placeholder.split(english)
        if len(parts) == 1:
            whole.add(english)
        elif parts[0].strip() and sum(len(p.strip()) for p in parts) >= 12:
            # Starting with words of its own: "%(kind)s community meeting" would also match
            # any title that ends like it.
            patterns.append(re.compile("^" + ".+?".join(map(re.escape, parts)) + "$"))
    # A word both languages write alike ("Comment": French for "How") is not English left.
    whole -= {t for _, t in catalog.items() if isinstance(t, str)}
    return whole, patterns


def crawl(page: Page, base: str) -> Iterator[str]:
    """Each kind of page once, breadth first from the home page."""
    origin = urlsplit(base).netloc
    queue: deque[str] = deque([f"{base}/"])
    kinds: set[str] = set()
    count = 0
    while queue and count < MAX_PAGES:
        url = queue.popleft()
        parts = urlsplit(url)
        # A form page's key (members.resend) does not make another kind of page.
        names = sorted(set(re.findall(r"(\w+)=", parts.query)) - {"key"})
        kind = re.sub(r"\d+", "N", parts.path) + "?" + ",".join(names)
        if kind in kinds:
            continue
        kinds.add(kind)
        response = page.goto(url, wait_until="load")
        if response is None or "text/html" not in response.headers.get("content-type", ""):
            continue
        count += 1
        yield url
        queue.extend(same_site_links(page, origin, SKIP))


def check_page(
    page: Page, language: str, english: tuple[set[str], list[re.Pattern[str]]], names: set[str]
) -> list[str]:
    """What is wrong with the page as it is now; `names` are logins' usernames, shown as they
    are in every language ("coordinator" is a login of the demo as well as an English word)."""
    problems: list[str] = []
    # What is folded is checked too: open every fold of the page (the menu is checked below).
    page.evaluate("document.querySelectorAll('main details').forEach((d) => { d.open = true; })")
    small = page.evaluate(SMALL_TARGETS, TARGET)["small"]
    problems += [f"under {TARGET} px: {s}" for s in small]
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    if overflow > 0:
        problems.append(f"scrolls sideways by {overflow} px")
    h1 = page.locator("h1").count()
    if h1 != 1:
        problems.append(f"{h1} h1 headings")
    page.evaluate(AXE.read_text())
    problems += [f"axe: {v}" for v in page.evaluate(AXE_RUN)]
    texts = page.evaluate(TEXTS)
    for text in texts:
        if "---------" in text:
            problems.append("an empty choice shown as ---------")
        if OTHER_DATES.search(text):
            problems.append(f"date in another format: {text[:60]!r}")
    if language != "en":
        whole, patterns = english
        for text in set(texts) - names:
            if text in whole or any(p.match(text) for p in patterns):
                problems.append(f"English left: {text[:60]!r}")
    out = page.evaluate(MENU_OUT_OF_REACH)
    if out is None:
        problems.append("no menu")
    elif out:
        problems.append(f"menu items out of reach: {out}")
    return problems


@pytest.fixture
def demo(monkeypatch: pytest.MonkeyPatch, settings: Any) -> dict[str, User]:
    settings.DEMO_MODE = True
    call_command("seed_demo", verbosity=0)
    users = {}
    for role, username in ROLES.items():
        user = User.objects.get(username=username)
        user.set_password(PASSWORD)
        user.save(update_fields=["password"])
        users[role] = with_totp(user) if user.is_coordinator else user
    return users


def log_in(page: Page, base: str, user: User, language: str) -> None:
    page.context.add_cookies([{"name": "django_language", "value": language, "url": base}])
    page.goto(f"{base}/accounts/login/")
    page.locator("input[name=login]").fill(user.username)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("input[name=password]").press("Enter")
    page.wait_for_load_state("load")
    if "/accounts/2fa/" in page.url:
        page.locator("input[name=code]").fill(current_code(user))
        page.locator("input[name=code]").press("Enter")
        page.wait_for_load_state("load")
    assert "/accounts/" not in page.url, page.url


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_page_fits_a_thumb_and_speaks_the_language(
    browser: Browser, live_server: Any, demo: dict[str, User], language: str
) -> None:
    english = english_left(language)
    names = set(User.objects.values_list("username", flat=True))
    problems: list[str] = []
    walked = 0
    for role, user in demo.items():
        context = browser.new_context(viewport={"width": 360, "height": 740}, locale=language)
        page = context.new_page()
        try:
            log_in(page, live_server.url, user, language)
            for url in crawl(page, live_server.url):
                walked += 1
                path = url.removeprefix(live_server.url)
                problems += [
                    f"{role} {path}: {p}" for p in check_page(page, language, english, names)
                ]
        finally:
            context.close()
    assert walked > 30, walked
    if problems:
        pytest.fail(f"{len(set(problems))} problems:\n" + "\n".join(sorted(set(problems))))


CONTROL = """<!DOCTYPE html><html lang="es"><head>
<meta name="viewport" content="width=device-width"></head>
<body><header><details class="site-menu"><summary>Menú</summary><nav><ul>
<li><a href="#a">Inicio</a></li></ul></nav></details></header>
<main><h1>Página</h1><ul><li><a href="#b" style="font-size:10px">Pequeño</a></li></ul>
<p>Guardado el 2026-12-07.</p><p>Save contact</p><select aria-label="x"><option>---------</option>
</select><div style="width:500px">ancho</div></main>
<div style="position:fixed;top:0;left:0;width:100%;height:100%;background:#fff"></div>
</body></html>"""


def test_the_walk_finds_each_kind_of_problem(page: Page) -> None:
    """A control: a page with one of each problem fails each check."""
    page.set_viewport_size({"width": 360, "height": 740})
    page.set_content(CONTROL)
    problems = "\n".join(check_page(page, "es", english_left("es"), set()))
    for expected in (
        'under 44 px: a "Pequeño"',
        "scrolls sideways",
        "axe: ",
        "date in another format",
        "---------",
        "English left: 'Save contact'",
        "menu items out of reach: ['Inicio']",
    ):
        assert expected in problems, (expected, problems)
