"""Listen, for members who read little (issue 17): the button reads the page's main text aloud
with the phone's own speech, in the page's language, and nothing leaves the phone; where the
phone has no voice of its own for the language, it says so instead of using a remote one."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import BrowserContext, Page, expect

from members.models import User
from tests.browser.axe import assert_accessible, assert_fits_the_screen
from tests.browser.login import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The phone's speech, recorded instead of heard: its voices, and what it was asked to say.
SPEECH = """
window.spoken = [];
const voices = %s;
window.SpeechSynthesisUtterance = function (text) { this.text = text; this.lang = ''; };
Object.defineProperty(window, 'speechSynthesis', {value: {
  getVoices: () => voices,
  cancel: () => {},
  speak: u => window.spoken.push(
    {text: u.text, lang: u.lang, voice: u.voice ? u.voice.name : null}),
}});
"""
LOCAL = """[{name: "Phone voice", lang: "es-ES", localService: true},
           {name: "Phone voice fr", lang: "fr-FR", localService: true}]"""
REMOTE_ONLY = '[{name: "Network voice", lang: "es-ES", localService: false}]'


def in_spanish(page: Page, base: str, member: User) -> list[str]:
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    log_in(page, base, member)
    page.get_by_label("Language").select_option("es")
    page.get_by_role("button", name="Change language").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Hola, {member.username}")
    return requests


def test_listen_reads_the_page_in_its_language_with_the_phones_own_voice(
    context: BrowserContext, live_server: Any, member: User
) -> None:
    context.add_init_script(SPEECH % LOCAL)
    page = context.new_page()
    requests = in_spanish(page, live_server.url, member)
    listen = page.get_by_role("button", name="Escuchar")
    assert_fits_the_screen(page)
    assert_accessible(page)
    listen.click()
    [spoken] = page.evaluate("window.spoken")
    assert spoken["lang"] == "es"
    assert spoken["voice"] == "Phone voice"
    assert spoken["text"].startswith(f"Hola, {member.username}")
    expect(page.get_by_role("button", name="Parar")).to_have_attribute("aria-pressed", "true")

    # The needs list too, in French.
    page.get_by_label("Idioma").select_option("fr")
    page.get_by_role("button", name="Cambiar idioma").click()
    page.goto(f"{live_server.url}{reverse('programmes:need_list')}")
    page.get_by_role("button", name="Écouter").click()
    spoken = page.evaluate("window.spoken")[-1]
    assert (spoken["lang"], spoken["voice"]) == ("fr", "Phone voice fr")
    assert spoken["text"].startswith("Besoins")
    assert all(url.startswith(live_server.url) for url in requests)


def test_listen_never_uses_a_voice_that_sends_the_text_away(
    context: BrowserContext, live_server: Any, member: User
) -> None:
    context.add_init_script(SPEECH % REMOTE_ONLY)
    page = context.new_page()
    in_spanish(page, live_server.url, member)
    page.get_by_role("button", name="Escuchar").click()
    expect(page.get_by_text("Este teléfono no tiene voz propia para este idioma.")).to_be_visible()
    assert page.evaluate("window.spoken") == []
