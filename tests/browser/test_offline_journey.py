"""Field work without a connection, on a 360 px phone (issue: offline capture): contacts and a
referral logged offline arrive exactly once when the connection returns, however often the
queue is sent; a refused record waits with its reason until fixed; a new version of the service
worker keeps what waits; the phone holds nothing readable about the people met; and quick exit
leaves nothing of the site on the phone."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import BrowserContext, Page, expect

from members.models import Person, User
from outreach import offline
from outreach.models import Contact, Partner, Referral
from outreach.views import offline as offline_views
from tests.browser.axe import assert_accessible, assert_fits_the_screen
from tests.browser.login import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NEUTRAL = "https://neutral.example/"
NOTE = "Wants a night clinic near the market"
CODE = {"code_mother": "MA", "code_father": "FA", "code_birth_order": "01", "code_birth_year": "95"}


@pytest.fixture(autouse=True)
def _neutral_site(settings: Any) -> None:
    settings.QUICK_EXIT_URL = NEUTRAL


def until(page: Page, script: str, seconds: float = 15) -> None:
    """Wait until an async script in the page answers true (wait_for_function does not wait
    for a promise). Each try gives up after 2 s: a promise that never settles fails the test
    instead of hanging it."""
    deadline = time.monotonic() + seconds
    bounded = f"""async () => await Promise.race([
        ({script})(), new Promise(resolve => setTimeout(() => resolve(false), 2000))])"""
    while not page.evaluate(bounded):
        assert time.monotonic() < deadline, f"still false: {script}"
        page.wait_for_timeout(100)


KEPT = """async url => {
  for (const name of await caches.keys()) {
    if (await (await caches.open(name)).match(url)) return true;
  }
  return false;
}"""


def ready_offline(context: BrowserContext, base: str, worker: User) -> Page:
    """A page logged in and online once: the service worker controls it, the forms and My week
    are kept, and so is the key that seals records."""
    page = context.new_page()
    log_in(page, base, worker)
    week = reverse("outreach:my_week")
    page.goto(f"{base}{week}")
    until(page, "async () => !!(await navigator.serviceWorker.ready).active")
    # A page loaded once the service worker is active is in its control (a page open while it
    # activated is only if its claim reached it in time).
    page.goto(f"{base}{week}")
    until(page, "async () => !!navigator.serviceWorker.controller")
    for url in ("outreach:offline_contact", "outreach:offline_referral", "outreach:outbox"):
        until(page, f"async () => ({KEPT})('{reverse(url)}')")
    until(page, f"async () => !!(await OutboxStore.ready('{worker.pk}'))")
    # My week is kept as last loaded, by the service worker now in control.
    page.goto(f"{base}{week}")
    until(page, f"async () => ({KEPT})('{week}')")
    return page


def assert_nothing_of_the_site_left(page: Page) -> None:
    """No store, no kept page and no service worker of the site in the browser."""
    left = page.evaluate(
        """async () => ({
             databases: (await indexedDB.databases()).map(d => d.name),
             caches: await caches.keys(),
             workers: (await navigator.serviceWorker.getRegistrations()).length,
           })"""
    )
    assert left == {"databases": [], "caches": [], "workers": 0}


def stored_records(page: Page) -> list[dict[str, Any]]:
    return page.evaluate("OutboxStore.all()")  # type: ignore[no-any-return]


def all_sent(page: Page) -> None:
    until(page, "async () => (await OutboxStore.all()).length === 0", seconds=30)
    expect(waiting(page)).to_be_hidden()


def waiting(page: Page) -> Any:
    return page.locator("[data-offline-waiting]")


def log_contact_offline(page: Page, base: str, person: Person, male: str) -> None:
    page.goto(f"{base}{reverse('outreach:contact_create')}?person={person.pk}&key=x")
    expect(page.get_by_role("heading", name="Log a contact", level=1)).to_be_visible()
    expect(page.locator("[data-offline-name]")).to_have_text(person.nickname)
    page.get_by_label("Male condoms", exact=True).fill(male)
    page.locator("summary", has_text="Topics and needs they raised").click()
    page.get_by_label("Needs they raised").fill(NOTE)
    page.get_by_role("button", name="Save contact").click()
    expect(page.get_by_role("heading", name="My week", level=1)).to_be_visible()


def log_contact_by_code_offline(page: Page, base: str, code: dict[str, str]) -> None:
    page.goto(f"{base}{reverse('outreach:offline_contact')}")
    for name, value in code.items():
        page.locator(f"input[name={name}]").fill(value)
    page.get_by_label("Female condoms", exact=True).fill("3")
    page.get_by_role("button", name="Save contact").click()
    expect(page.get_by_role("heading", name="My week", level=1)).to_be_visible()


def refer_offline(page: Page, base: str, person: Person, partner: Partner) -> None:
    page.goto(f"{base}{reverse('outreach:referral_create', args=[person.pk])}?key=x")
    expect(page.get_by_role("heading", name="Make a referral", level=1)).to_be_visible()
    page.get_by_label("Service").select_option("hiv_test")
    page.get_by_label("Partner").select_option(str(partner.pk))
    page.get_by_role("button", name="Make the referral").click()
    expect(page.get_by_role("heading", name="My week", level=1)).to_be_visible()


def test_offline_contacts_and_a_referral_arrive_once(
    context: BrowserContext,
    live_server: Any,
    outreach_worker: User,
    person: Person,
    partner: Partner,
) -> None:
    base = live_server.url
    page = ready_offline(context, base, outreach_worker)

    context.set_offline(True)
    log_contact_offline(page, base, person, "10")
    assert_fits_the_screen(page)
    log_contact_offline(page, base, person, "12")
    log_contact_by_code_offline(page, base, CODE)
    refer_offline(page, base, person, partner)
    expect(waiting(page)).to_contain_text("4 records wait on this phone")
    assert_fits_the_screen(page)
    assert_accessible(page)

    # What the phone holds: sealed records, nothing readable about the person met.
    page.reload()
    page.close()
    page = context.new_page()
    page.goto(f"{base}{reverse('outreach:outbox')}")
    expect(page.get_by_role("heading", name="Saved on this phone", level=1)).to_be_visible()
    expect(page.locator("[data-outbox] li")).to_have_count(4)
    assert_accessible(page)
    records = stored_records(page)
    raw = json.dumps(records)
    for secret in (person.nickname, NOTE, "MAFA", '"MA"', "0195", '"95"'):
        assert secret not in raw
    assert Contact.objects.count() == 0

    # Online again: the page sends what waits by itself.
    context.set_offline(False)
    all_sent(page)
    assert Contact.objects.count() == 3
    assert Referral.objects.count() == 1
    assert sorted(Contact.objects.values_list("male_condoms", flat=True)) == [0, 10, 12]
    assert sorted(c.needs_raised for c in Contact.objects.all()) == ["", NOTE, NOTE]

    # The same queue sent again, as after an answer lost on the way: nothing new.
    page.evaluate("records => Promise.all(records.map(r => OutboxStore.put(r)))", records)
    page.reload()
    all_sent(page)
    assert Contact.objects.count() == 3
    assert Referral.objects.count() == 1


def test_a_refused_record_waits_with_its_reason_until_fixed(
    context: BrowserContext, live_server: Any, outreach_worker: User, person: Person
) -> None:
    base = live_server.url
    page = ready_offline(context, base, outreach_worker)
    context.set_offline(True)
    log_contact_by_code_offline(page, base, {**CODE, "code_birth_year": "96"})
    context.set_offline(False)
    until(page, "async () => (await OutboxStore.all()).every(r => r.status === 'refused')")
    page.goto(f"{base}{reverse('outreach:outbox')}")
    row = page.locator("[data-outbox] li")
    expect(row).to_contain_text("Not saved by the server: Check the code.")
    assert Contact.objects.count() == 0
    assert_fits_the_screen(page)
    assert_accessible(page)

    page.get_by_role("link", name="Fix it").click()
    expect(page.get_by_text("None of your people has this code.")).to_be_visible()
    expect(page.locator("input[name=code_birth_year]")).to_have_value("96")
    page.locator("input[name=code_birth_year]").fill("95")
    page.get_by_role("button", name="Save contact").click()
    expect(page.get_by_role("heading", name="My week", level=1)).to_be_visible()
    all_sent(page)
    contact = Contact.objects.get()
    assert (contact.person, contact.female_condoms) == (person, 3)


def test_a_new_service_worker_keeps_what_waits(
    context: BrowserContext,
    live_server: Any,
    settings: Any,
    monkeypatch: pytest.MonkeyPatch,
    outreach_worker: User,
    person: Person,
) -> None:
    base = live_server.url
    page = ready_offline(context, base, outreach_worker)
    old = offline.service_worker_context()["version"]
    context.set_offline(True)
    log_contact_offline(page, base, person, "10")
    log_contact_offline(page, base, person, "20")

    # A new version of the site, online again, while the server holds every record back.
    settings.OFFLINE_VERSION = "next"
    new = offline.service_worker_context()["version"]
    assert new != old
    monkeypatch.setattr(
        offline_views, "_receive", lambda request, sealed, keys: offline_views.Answer("later")
    )
    context.set_offline(False)
    page.goto(f"{base}{reverse('outreach:my_week')}")
    page.evaluate("navigator.serviceWorker.getRegistration().then(r => r.update())")
    until(
        page,
        f"async () => (await caches.keys()).includes('site-{new}')"
        f" && !(await caches.keys()).includes('site-{old}')",
    )
    expect(waiting(page)).to_contain_text("2 records wait on this phone")

    monkeypatch.undo()
    page.reload()
    all_sent(page)
    assert sorted(Contact.objects.values_list("male_condoms", flat=True)) == [10, 20]


def test_quick_exit_leaves_nothing_of_the_site_on_the_phone(
    context: BrowserContext, live_server: Any, outreach_worker: User, person: Person
) -> None:
    base = live_server.url
    page = ready_offline(context, base, outreach_worker)
    context.set_offline(True)
    log_contact_offline(page, base, person, "10")
    expect(waiting(page)).to_contain_text("Quick exit and Log out delete them")
    # Meanwhile the page retries sending in the background: that must not bring the store back.
    page.wait_for_timeout(1000)
    # (Routing in Playwright bypasses service workers: only from here on.)
    context.route(f"{NEUTRAL}**", lambda route: route.fulfill(body="<h1>Weather</h1>"))
    page.get_by_role("button", name="Quick exit").click()
    page.wait_for_url(NEUTRAL)
    context.set_offline(False)

    # A page of the site that runs no script of its own, to look at what the browser holds.
    page.goto(f"{base}/healthz")
    assert_nothing_of_the_site_left(page)
    assert Contact.objects.count() == 0


def test_my_week_kept_on_the_phone_is_forgotten_after_12_hours(
    context: BrowserContext, live_server: Any, outreach_worker: User
) -> None:
    base = live_server.url
    page = ready_offline(context, base, outreach_worker)
    week = reverse("outreach:my_week")
    # The kept copy, as if loaded 13 hours ago.
    page.evaluate(
        """async week => {
             const cache = await caches.open('week');
             const kept = await cache.match(week);
             const headers = new Headers(kept.headers);
             headers.set('X-Kept-At', String(Date.now() - 13 * 3600 * 1000));
             await cache.put(week, new Response(await kept.text(), {headers}));
           }""",
        week,
    )
    context.set_offline(True)
    page.goto(f"{base}{week}")
    # Not the week: the page listing what waits, which says this page is not kept.
    expect(page.get_by_role("heading", name="Saved on this phone", level=1)).to_be_visible()
    expect(page.get_by_text("this page is not kept on this phone")).to_be_visible()
    until(page, f"async () => !(await ({KEPT})('{week}'))")


def test_log_out_deletes_what_waits_on_the_phone(
    context: BrowserContext, live_server: Any, outreach_worker: User, person: Person
) -> None:
    """Even offline, where the server's answer never comes: the page deletes it first."""
    base = live_server.url
    page = ready_offline(context, base, outreach_worker)
    context.set_offline(True)
    log_contact_offline(page, base, person, "10")
    page.get_by_text("Menu").click()
    # The form is sent only once all is deleted; offline, its sending then fails.
    with page.expect_event("requestfailed", lambda request: "/logout/" in request.url):
        page.get_by_role("button", name="Log out").click()
    context.set_offline(False)
    page.goto(f"{base}/healthz")
    assert_nothing_of_the_site_left(page)
    assert Contact.objects.count() == 0


def test_a_form_sent_as_the_connection_drops_is_kept_under_its_own_key(
    context: BrowserContext, live_server: Any, outreach_worker: User, person: Person
) -> None:
    """The contact form opened online, its sending failing: kept, and saved once under the key
    of the page it was typed on. Without a key on the phone it is not kept, and the browser says
    there is no connection rather than showing an empty form."""
    base = live_server.url
    page = ready_offline(context, base, outreach_worker)
    page.goto(f"{base}{reverse('outreach:contact_create')}?person={person.pk}")
    form_key = page.locator("input[name=form_key]").input_value()
    page.get_by_label("Male condoms", exact=True).fill("7")
    context.set_offline(True)
    page.get_by_role("button", name="Save contact").click()
    expect(page.get_by_role("heading", name="My week", level=1)).to_be_visible()
    assert [r["id"] for r in stored_records(page)] == [form_key]

    # Online again, the form opened afresh; then the key is gone from the phone.
    context.set_offline(False)
    page.goto(f"{base}{reverse('outreach:contact_create')}?person={person.pk}")
    all_sent(page)
    page.evaluate(
        """() => new Promise(done => {
             const open = indexedDB.open('outbox');
             open.onsuccess = () => {
               const tx = open.result.transaction('meta', 'readwrite');
               tx.objectStore('meta').delete('key');
               tx.oncomplete = () => { open.result.close(); done(); };
             };
           })"""
    )
    page.get_by_label("Male condoms", exact=True).fill("9")
    context.set_offline(True)
    with page.expect_event("requestfailed"):
        page.get_by_role("button", name="Save contact").click()
    context.set_offline(False)
    contact = Contact.objects.get()
    assert (str(contact.idempotency_key), contact.male_condoms) == (form_key, 7)
