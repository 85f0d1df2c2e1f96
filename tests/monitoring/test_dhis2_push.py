"""Sending KP_PREV to DHIS2 from the reports page, against a loopback server that answers as
DHIS2 does (tests/monitoring/fake_dhis2.py): a dry run first, then the send the coordinator
confirms; conflicts and ignored values shown as failures; a second send updates; each send in
the access log. No real DHIS2 is reached here."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from demo.year import report_mappings
from members.models import AccessLog, Person, User
from monitoring import dhis2_push
from monitoring.kp_prev import last_half_years
from monitoring.models import ReportMapping
from tests.conftest import make_contact
from tests.monitoring.fake_dhis2 import PASSWORD, USERNAME, FakeDhis2, fake_dhis2

pytestmark = pytest.mark.django_db


@pytest.fixture
def server(settings: Any) -> Iterator[FakeDhis2]:
    with fake_dhis2() as running:
        settings.DHIS2_URL = running.url
        settings.DHIS2_USERNAME, settings.DHIS2_PASSWORD = USERNAME, PASSWORD
        yield running


@pytest.fixture
def half(person: Person, outreach_worker: User) -> str:
    report_mappings()
    first = last_half_years(timezone.localdate(), 1)[0].first
    make_contact(person, outreach_worker, contacted_on=first + timedelta(days=3))
    return first.isoformat()


def send(client: Any, half: str, step: str, digest: str = "") -> str:
    data = {"half": half, "step": step, "digest": digest}
    return client.post(reverse("monitoring:report_send"), data, follow=True).content.decode()


def digest_in(page: str) -> str:
    return page.split('name="digest" value="')[1].split('"')[0]


def test_check_then_send_then_send_again(
    client_for: Any, coordinator: User, server: FakeDhis2, half: str
) -> None:
    client = client_for(coordinator)
    checked = send(client, half, "check")
    assert "Checked: DHIS2 would take every figure" in checked
    assert "15 new, 0 updated." in checked
    assert server.stored == {}  # a dry run saves nothing
    assert server.requests[-1]["query"]["dryRun"] == "true"
    assert server.requests[-1]["query"]["idScheme"] == "code"
    assert not AccessLog.objects.filter(action=AccessLog.Action.REPORT).exists()

    sent = send(client, half, "send", digest_in(checked))
    assert "Sent. DHIS2 took every figure" in sent and "15 new, 0 updated." in sent
    assert len(server.stored) == 15 and sum(map(int, server.stored.values())) == 1
    line = AccessLog.objects.get(action=AccessLog.Action.REPORT)
    assert line.actor == coordinator and line.login == coordinator
    assert "KP_PREV" in line.detail and "sha256:" in line.detail and "imported=15" in line.detail

    again = send(client, half, "send", digest_in(checked))
    assert "0 new, 15 updated." in again  # the same period again updates, never duplicates
    assert len(server.stored) == 15
    assert AccessLog.objects.filter(action=AccessLog.Action.REPORT).count() == 2


def test_conflicts_are_a_failure_in_plain_words(
    client_for: Any, coordinator: User, server: FakeDhis2, half: str
) -> None:
    ReportMapping.objects.filter(figure="KP_PREV/FSW/declined").update(data_element="BAD_ELEMENT")
    page = send(client_for(coordinator), half, "check")
    assert "DHIS2 would not take every figure: nothing is sent." in page
    assert "1 not taken" in page
    assert "BAD_ELEMENT: Data element not found or not accessible" in page
    assert "Send KP_PREV to DHIS2" not in page  # no send after a failed check


def test_a_send_with_other_figures_than_checked_is_refused(
    client_for: Any, coordinator: User, server: FakeDhis2, half: str
) -> None:
    page = send(client_for(coordinator), half, "send", "0" * 64)
    assert "The figures changed since the check: check them again." in page
    assert server.requests == []


def test_a_wrong_login_and_an_absent_server_are_said_plainly(
    client_for: Any, coordinator: User, server: FakeDhis2, half: str, settings: Any
) -> None:
    client = client_for(coordinator)
    settings.DHIS2_PASSWORD = "wrong"
    assert "DHIS2 refused the login: check DHIS2_USERNAME and DHIS2_PASSWORD." in send(
        client, half, "check"
    )
    settings.DHIS2_URL = "http://127.0.0.1:9"  # nothing listens on the discard port
    assert "DHIS2 did not answer" in send(client, half, "check")
    settings.DHIS2_URL = ""
    assert "No DHIS2 is set up" in send(client, half, "check")


def test_an_answer_of_200_with_ignored_values_is_not_ok() -> None:
    summary = dhis2_push._summary(
        {"status": "SUCCESS", "importCount": {"imported": 14, "ignored": 1}, "conflicts": []}
    )
    assert not summary.ok and summary.imported == 14  # the summary of DHIS2 before 2.36


def test_the_page_offers_sending_only_with_a_dhis2_set_up(
    client_for: Any, coordinator: User, half: str, settings: Any
) -> None:
    client = client_for(coordinator)
    settings.DHIS2_URL = ""
    page = client.get(reverse("monitoring:reports")).content.decode()
    assert "Check KP_PREV with DHIS2" not in page
    settings.DHIS2_URL = "https://dhis2.example.org"
    page = client.get(reverse("monitoring:reports")).content.decode()
    assert "Check KP_PREV with DHIS2" in page
    assert "Check the programme's figures with DHIS2" in page


def test_the_programmes_figures_are_checked_and_sent_on_their_own(
    client_for: Any, coordinator: User, server: FakeDhis2, half: str
) -> None:
    client = client_for(coordinator)
    data = {"half": half, "step": "check", "report": "programme"}
    checked = client.post(reverse("monitoring:report_send"), data).content.decode()
    assert "8 new, 0 updated." in checked
    assert server.requests[-1]["body"]["dataSet"] == "DEMO_PROGRAMME_DATASET"
    contacts = {v["dataElement"]: v["value"] for v in server.requests[-1]["body"]["dataValues"]}
    assert contacts["DEMO_CONTACTS"] == "1"
    assert "Send the programme's figures to DHIS2" in checked
