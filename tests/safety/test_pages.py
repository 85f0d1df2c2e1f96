"""The safety pages as each person uses them: a member reports, moderators decide without ever
seeing who reported, the members of that hotspot see the alert, a check of a number is limited
and logged, and only the staff who support the reporter learn who it was."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from members.models import AccessLog, Hotspot, User
from safety.models import RemovalRequest, Report
from tests.conftest import key_on, make_person, make_user
from tests.safety.conftest import PHONE, circulating, submit

pytestmark = pytest.mark.django_db


def report_answers(client: Any, **fields: Any) -> dict[str, Any]:
    key = key_on(client.get(reverse("safety:report_create")))
    answers = {
        "form_key": key,
        "happened_on": timezone.localdate().isoformat(),
        "categories": ["physical", "robbed"],
        "phone": "07700 900123",
        "plate": "zz 12-3",
        "description": "Tall, grey beard",
        "consent_alert": "on",
    }
    answers.update(fields)
    return answers


def test_a_member_reports_at_their_own_hotspot_and_the_number_is_hashed(
    client_for: Any, member: User, hotspot: Hotspot, settings: Any
) -> None:
    settings.PHONE_REGION = "GB"
    client = client_for(member)
    page = client.get(reverse("safety:report_create"))
    assert 'name="reporter"' not in page.content.decode()  # a member reports for themself
    answers = report_answers(client, hotspot=hotspot.pk)
    response = client.post(reverse("safety:report_create"), answers)
    report = Report.objects.get()
    assert response["Location"] == reverse("safety:report_detail", args=[report.pk])
    assert report.reporter == member.person and report.status == Report.Status.WAITING
    assert (report.phone_end, report.plate_end, report.consent_police) == ("123", "23", False)
    client.post(reverse("safety:report_create"), answers)  # sent twice: saved once
    assert Report.objects.count() == 1


def test_a_member_cannot_name_another_hotspot(
    client_for: Any, member: User, other_hotspot: Hotspot
) -> None:
    client = client_for(member)
    response = client.post(
        reverse("safety:report_create"), report_answers(client, hotspot=other_hotspot.pk)
    )
    assert response.status_code == 200 and not Report.objects.exists()
    assert "Test lounge" not in response.content.decode()  # nor even learn its name


def test_a_wrong_number_is_explained_beside_the_field_and_nothing_is_lost(
    client_for: Any, member: User, hotspot: Hotspot
) -> None:
    client = client_for(member)
    answers = report_answers(client, hotspot=hotspot.pk, phone="12", plate="Z")
    page = client.post(reverse("safety:report_create"), answers).content.decode()
    assert "This does not look like a phone number" in page
    assert "Give at least 3 letters or digits" in page
    assert "Tall, grey beard" in page  # what was typed is kept
    assert not Report.objects.exists()


def test_a_worker_writes_it_down_for_someone_of_their_hotspots_only(
    client_for: Any, outreach_worker: User, other_worker: User, person: Any, hotspot: Hotspot
) -> None:
    client = client_for(other_worker)
    answers = report_answers(client, hotspot=hotspot.pk, reporter=person.pk)
    assert client.post(reverse("safety:report_create"), answers).status_code == 200
    assert not Report.objects.exists()
    client = client_for(outreach_worker)
    answers = report_answers(client, hotspot=hotspot.pk, reporter=person.pk)
    client.post(reverse("safety:report_create"), answers)
    assert Report.objects.get().reporter == person


def test_moderators_never_see_who_reported(
    client_for: Any, member: User, hotspot: Hotspot, moderators: list[User]
) -> None:
    report = submit(member, hotspot)
    client = client_for(moderators[0])
    for url in (
        reverse("safety:moderation_list"),
        reverse("safety:moderation_detail", args=[report.pk]),
    ):
        page = client.get(url).content.decode()
        assert "Tall, grey beard" in page or "Robbed" in page
        assert "Moonbeam" not in page and "member.test" not in page
    client.post(reverse("safety:decide", args=[report.pk]), {"verdict": "approve"})
    client_for(moderators[1]).post(
        reverse("safety:decide", args=[report.pk]), {"verdict": "approve"}
    )
    report.refresh_from_db()
    assert report.status == Report.Status.CIRCULATING


def test_the_alert_reaches_its_hotspot_only(
    client_for: Any,
    member: User,
    hotspot: Hotspot,
    other_hotspot: Hotspot,
    moderators: list[User],
) -> None:
    report = circulating(member, hotspot, moderators)
    neighbour = make_user("member.neighbour", is_member=True)
    make_person(hotspot, "NBHR0291", user=neighbour, is_member=True)
    stranger = make_user("member.stranger", is_member=True)
    make_person(other_hotspot, "STRN0292", user=stranger, is_member=True)
    url = reverse("safety:alert_detail", args=[report.pk])
    page = client_for(neighbour).get(url)
    assert page.status_code == 200 and "Robbed" in page.content.decode()
    assert "Moonbeam" not in page.content.decode()
    assert client_for(stranger).get(url).status_code == 404
    assert "Robbed" not in client_for(stranger).get(reverse("safety:home")).content.decode()


def test_only_the_staff_who_support_the_reporter_see_who_it_was(
    client_for: Any,
    member: User,
    hotspot: Hotspot,
    outreach_worker: User,
    other_worker: User,
    coordinator: User,
    moderators: list[User],
) -> None:
    report = submit(member, hotspot)
    url = reverse("safety:report_support", args=[report.pk])
    page = client_for(outreach_worker).get(url)
    assert page.status_code == 200 and "Moonbeam" in page.content.decode()
    assert AccessLog.objects.filter(
        actor=outreach_worker, person=member.person, action=AccessLog.Action.VIEW
    ).exists()
    assert client_for(coordinator).get(url).status_code == 200
    assert client_for(other_worker).get(url).status_code == 404
    assert client_for(moderators[0]).get(url).status_code == 403
    assert client_for(member).get(url).status_code == 403


def check(client: Any, number: str) -> str:
    response = client.post(reverse("safety:check"), {"number": number})
    return f"{response.status_code} {response.content.decode()}"


def test_a_check_says_whether_alerts_mention_it_and_is_logged_without_the_number(
    client_for: Any, member: User, hotspot: Hotspot, moderators: list[User], settings: Any
) -> None:
    settings.PHONE_REGION = "GB"
    circulating(member, hotspot, moderators)
    client = client_for(moderators[2])
    assert "Take care: 1 alert mentions it" in check(client, "07700 900123")
    assert "Take care: 1 alert mentions it" in check(client, "KZZ 1234")  # holds part "ZZ123"
    assert "No alert mentions it now" in check(client, "+44 7700 900999")
    assert "not a phone number" in check(client, "ab")
    logged = AccessLog.objects.filter(action=AccessLog.Action.CHECK, actor=moderators[2])
    assert logged.count() == 3  # what could not be read was not a check
    assert not [e for e in logged if "7700" in e.detail or "ZZ" in e.detail]
    assert PHONE[1:] not in str(list(logged.values()))


def test_checks_are_limited_per_login(client_for: Any, member: User, settings: Any) -> None:
    settings.ACCOUNT_RATE_LIMITS = {
        **settings.ACCOUNT_RATE_LIMITS,
        "identifier_check": "2/h/user",
    }
    client = client_for(member)
    assert check(client, "+447700900001").startswith("200")
    assert check(client, "+447700900002").startswith("200")
    answer = check(client, "+447700900003")
    assert answer.startswith("429") and "Try again in 60 minutes" in answer
    assert AccessLog.objects.filter(action=AccessLog.Action.CHECK).count() == 2


def test_anyone_can_ask_for_removal_and_moderators_answer(
    client: Any,
    client_for: Any,
    member: User,
    hotspot: Hotspot,
    moderators: list[User],
) -> None:
    report = circulating(member, hotspot, moderators)
    key = key_on(client.get(reverse("safety:removal")))
    answers = {"form_key": key, "reference": report.reference, "reason": "That is my number"}
    response = client.post(reverse("safety:removal"), answers)
    assert response["Location"] == reverse("safety:removal_sent")
    asked = RemovalRequest.objects.get()
    page = client_for(moderators[0]).get(reverse("safety:moderation_list")).content.decode()
    assert "That is my number" in page
    client_for(moderators[0]).post(
        reverse("safety:removal_resolve", args=[asked.pk]), {"remove": "yes"}
    )
    report.refresh_from_db()
    assert report.status == Report.Status.WITHDRAWN


@pytest.mark.django_db(transaction=True)
def test_a_report_leaves_no_number_plate_or_words_readable_in_a_dump(
    dump: Callable[[], str],
    client_for: Any,
    member: User,
    hotspot: Hotspot,
    settings: Any,
    figure: Any,
) -> None:
    settings.PHONE_REGION = "GB"
    client = client_for(member)
    answers = report_answers(
        client,
        hotspot=hotspot.pk,
        phone="+44 7700 900471",
        plate="QX58 CNR",
        what_happened="cnry-words-5d1c",
        description="cnry-looks-8a2e",
        vehicle="cnry-van-3b7f",
        area="cnry-area-9c4d",
    )
    client.post(reverse("safety:report_create"), answers)
    assert Report.objects.count() == 1
    text = dump().lower()
    canaries = ("7700900471", "900471", "QX58CNR", "QX58", "cnry-")
    hits = [canary for canary in canaries if canary.lower() in text]
    figure("DP-13", "canaries planted", len(canaries))
    figure("DP-13", "canary hits in pg_dump", len(hits))
    assert Report.objects.get().reference.lower() in text  # the control: the report is there
    assert hits == []
