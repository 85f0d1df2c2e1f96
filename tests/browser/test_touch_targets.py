"""On a cheap phone (360 x 740) everything a thumb uses is big enough and easy to see: every
control and link at least 44 x 44 CSS px (WCAG 2.5.5 and the GOV.UK Design System), checkbox and
radio borders at 3:1 against the page (WCAG 1.4.11), and the open menu scrolls within the screen,
so its last link, Log out, is in reach on a page of any length."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect

from members.models import Hotspot, Person, User
from outreach.models import Partner, Referral
from programmes import services
from programmes.models import Need
from tests.browser.axe import assert_accessible, assert_fits_the_screen
from tests.browser.login import current_code, log_in
from tests.conftest import make_contact, make_person, make_user
from tests.programmes.round_helpers import give_voting_consent, make_round

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TARGET = 44  # CSS px: WCAG 2.5.5 and the GOV.UK Design System's minimum touch target

# Each visible target smaller than TARGET, described for the failure message.
SMALL_TARGETS = """(target) => {
  const selector = 'a[href], button, input:not([type=hidden]), select, textarea, summary, label';
  const small = [];
  let measured = 0;
  for (const el of document.querySelectorAll(selector)) {
    if (!el.checkVisibility({visibilityProperty: true})) continue;  // a closed menu, say
    let rect = el.getBoundingClientRect();
    // Bootstrap's visually-hidden-focusable (the skip link until it has focus) is a 1 px box.
    if (rect.width <= 1 || rect.height <= 1) continue;
    const check = (c) => c && (c.type === 'checkbox' || c.type === 'radio');
    // A field's own label is not a target; a checkbox's or radio's is (it ticks the box).
    if (el.tagName === 'LABEL' && !check(el.control)) continue;
    // Allowed: a link inside a sentence, i.e. in a paragraph or a field's help text. Making it
    // 44 px tall would break the lines of the text around it; WCAG 2.5.8 exempts such inline
    // targets and GOV.UK keeps body-text links text-sized. A link anywhere else (a menu, a
    // list, a table, a heading) is a target of its own and must be full size.
    if (el.tagName === 'A' && el.parentElement.closest('p, .form-text')) continue;
    if (check(el)) {
      // The target of a checkbox or radio is its row: the box together with its label.
      for (const label of el.labels) {
        const r = label.getBoundingClientRect();
        const left = Math.min(rect.left, r.left), top = Math.min(rect.top, r.top);
        rect = {width: Math.max(rect.right, r.right) - left,
                height: Math.max(rect.bottom, r.bottom) - top};
      }
    }
    measured++;
    const text = (el.innerText || el.value || '').trim();
    // Width counts for controls, and for links short enough to look like an icon ("+", "2").
    const control = el.matches('button, .btn, summary, select, input') && !check(el);
    const tooNarrow = (control || text.length <= 2) && rect.width < target;
    if (rect.height < target || tooNarrow) {
      const label = el.labels && el.labels.length ? el.labels[0].innerText : text;
      const size = `${rect.width.toFixed(1)} x ${rect.height.toFixed(1)}`;
      small.push(`${el.tagName.toLowerCase()} "${label.trim().slice(0, 40)}": ${size}`);
    }
  }
  return {measured, small};
}"""

# The contrast of each visible checkbox's and radio's border with the background behind it.
CHECK_BORDERS = """() => {
  const rgba = (css) => {
    const [r, g, b, a = 1] = css.match(/[\\d.]+/g).map(Number);
    return [r, g, b, a];
  };
  const luminance = ([r, g, b]) => {
    const f = (v) => { v /= 255; return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const contrast = (x, y) => {
    const [hi, lo] = [luminance(x), luminance(y)].sort((p, q) => q - p);
    return (hi + 0.05) / (lo + 0.05);
  };
  // The colour behind an element: its ancestors' backgrounds laid over white.
  const behind = (el) => {
    const layers = [];
    for (let e = el.parentElement; e; e = e.parentElement) {
      const c = rgba(getComputedStyle(e).backgroundColor);
      if (c[3] > 0) layers.push(c);
      if (c[3] === 1) break;
    }
    const over = (under, [r, g, b, a]) => [r, g, b].map((v, i) => v * a + under[i] * (1 - a));
    return layers.reverse().reduce(over, [255, 255, 255]);
  };
  return [...document.querySelectorAll('input[type=checkbox], input[type=radio]')]
    .filter((el) => el.checkVisibility({visibilityProperty: true}))
    .map((el) => {
      const style = getComputedStyle(el);
      // Only boxes drawn by the page's CSS: a native one (appearance: auto) is drawn by the
      // browser, with a border of its own that computed styles do not show.
      if (style.appearance !== 'none') return null;
      return {
        name: (el.labels[0] ? el.labels[0].innerText : el.name).trim().slice(0, 40),
        border: style.borderTopStyle === 'none' ? 0 : parseFloat(style.borderTopWidth),
        contrast: contrast(rgba(style.borderTopColor), behind(el)),
      };
    })
    .filter(Boolean);
}"""

# The focus ring of the element with focus: its outline's width and contrast with the page.
FOCUS_RING = """() => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  const rgb = (css) => css.match(/[\\d.]+/g).slice(0, 3).map(Number);
  const luminance = ([r, g, b]) => {
    const f = (v) => { v /= 255; return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const page = rgb(getComputedStyle(document.body).backgroundColor);
  const [hi, lo] = [luminance(rgb(style.outlineColor)), luminance(page)].sort((p, q) => q - p);
  return {
    width: style.outlineStyle === 'none' ? 0 : parseFloat(style.outlineWidth),
    contrast: (hi + 0.05) / (lo + 0.05),
  };
}"""


def assert_thumb_sized(page: Page) -> None:
    result = page.evaluate(SMALL_TARGETS, TARGET)
    assert result["measured"] > 0, "nothing was measured"
    assert result["small"] == [], f"under {TARGET} px on {page.url}: {result['small']}"


def assert_check_borders_visible(page: Page) -> None:
    for box in page.evaluate(CHECK_BORDERS):
        assert box["border"] >= 1, f"{box['name']} has no border"
        assert box["contrast"] >= 3, f"{box['name']}: border contrast {box['contrast']:.2f}:1"


def assert_focus_visible(control: Locator) -> None:
    control.focus()
    ring = control.page.evaluate(FOCUS_RING)
    assert ring["width"] >= 2, "no focus ring"
    assert ring["contrast"] >= 3, f"focus ring contrast {ring['contrast']:.2f}:1"


def check(page: Page) -> None:
    assert_thumb_sized(page)
    assert_check_borders_visible(page)
    assert_fits_the_screen(page)
    assert_accessible(page)


def open_page(page: Page, base: str, path: str) -> None:
    page.goto(f"{base}{path}")
    expect(page.get_by_role("heading", level=1)).to_be_visible()


def test_a_members_pages_have_thumb_sized_targets(
    page: Page, live_server: Any, member: User, coordinator: User
) -> None:
    Need.objects.create(
        title="Night bus passes",
        category="safety",
        author=make_user("member.other", is_member=True),
    )
    round_ = make_round(coordinator, options=3)
    give_voting_consent(member)  # before the round opens: its list of voters is made then
    services.round_open(round=round_)
    log_in(page, live_server.url, member)
    expect(page.get_by_role("heading", name="Hello, member.test")).to_be_visible()
    check(page)

    open_page(page, live_server.url, reverse("programmes:round_list"))
    check(page)
    open_page(page, live_server.url, reverse("programmes:round_vote", args=[round_.pk]))
    check(page)
    assert_focus_visible(page.get_by_label("Legal aid clinic"))  # a ballot's checkbox
    open_page(page, live_server.url, reverse("programmes:need_list"))
    check(page)


def test_an_outreach_workers_pages_have_thumb_sized_targets(
    page: Page,
    live_server: Any,
    outreach_worker: User,
    hotspot: Hotspot,
    person: Person,
    partner: Partner,
) -> None:
    contact = make_contact(
        person, outreach_worker, contacted_on=timezone.localdate() - timedelta(days=40)
    )
    make_person(hotspot, "DAWN0101", nickname="Dawn")  # never met: due first
    Referral.objects.create(
        person=person,
        contact=contact,
        partner=partner,
        service="hiv_test",
        made_by=outreach_worker,
        due_on=timezone.localdate() + timedelta(days=3),
    )
    log_in(page, live_server.url, outreach_worker)

    for path in (
        reverse("outreach:my_week"),
        reverse("members:person_list"),  # the person links of the issue
        reverse("outreach:person_detail", args=[person.pk]),
        f"{reverse('outreach:contact_create')}?person={person.pk}",
    ):
        open_page(page, live_server.url, path)
        check(page)

    # On the contact form: the focus of a checkbox, a radio and a text field stays visible.
    page.locator("summary", has_text="Topics and needs they raised").click()
    assert_focus_visible(page.get_by_label("Testing", exact=True))
    assert_focus_visible(page.get_by_label("Phone", exact=True))
    assert_focus_visible(page.get_by_label("Needs they raised"))


def test_the_open_menu_scrolls_within_the_screen_so_log_out_is_in_reach(
    page: Page, live_server: Any, coordinator: User
) -> None:
    # A coordinator's menu is the longest: about 30 links, far taller than the screen.
    # Without Bootstrap's colour transitions, so that axe does not catch the Menu button
    # halfway between its two colours just after the tap.
    page.emulate_media(reduced_motion="reduce")
    log_in(page, live_server.url, coordinator)
    page.get_by_label("Code").fill(current_code(coordinator))
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_role("heading", name="Hello, coordinator.test")).to_be_visible()
    check(page)

    # From the foot of the page, as after reading it to the end: the header is sticky.
    page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
    page.get_by_text("Menu", exact=True).click()
    menu = page.get_by_role("navigation", name="Main")
    expect(menu).to_be_visible()
    assert_thumb_sized(page)  # the menu's links, open now
    assert_fits_the_screen(page)
    assert_accessible(page)
    screen = page.evaluate("window.innerHeight")
    header = page.evaluate("document.querySelector('header').getBoundingClientRect().bottom")
    assert header <= screen, "the open menu runs off the screen"

    log_out = menu.get_by_role("button", name="Log out")
    log_out.scroll_into_view_if_needed()
    box = log_out.bounding_box()
    assert box is not None
    assert box["y"] >= 0
    assert box["y"] + box["height"] <= screen
    # Quick exit stays on the screen while the menu scrolls beneath it.
    expect(page.get_by_role("button", name="Quick exit")).to_be_in_viewport()

    log_out.click()
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()
