"""Sending a form twice saves once, starting it again saves again (members.resend), shown on
the comment form of a need; the browser journeys over every creating form are in
tests/browser/test_resend_journeys.py."""

from __future__ import annotations

import re
import threading
from datetime import timedelta
from typing import Any
from uuid import uuid4

import pytest
from django.db import connection, connections
from django.test import Client, RequestFactory
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from config.celery import app as celery_app
from members import resend
from members.models import Submission, User
from programmes.models import Comment, Need
from tests.conftest import PageClient, key_on

pytestmark = pytest.mark.django_db


@pytest.fixture
def need(member: User) -> Need:
    return Need.objects.create(title="A quiet room", category="health", author=member)


def comment_url(need: Need) -> str:
    return reverse("programmes:comment_create", args=[need.pk])


def test_a_form_page_without_a_key_is_sent_on_to_its_address_with_one(
    member: User, need: Need
) -> None:
    client = Client()
    client.force_login(member)
    url = reverse("programmes:need_detail", args=[need.pk])
    response = client.get(f"{url}?page=2")
    assert response.status_code == 302
    assert re.fullmatch(rf"{url}\?page=2&key=[0-9a-f-]{{36}}", response["Location"])
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert key_on(page) == response["Location"].rsplit("=", 1)[1]


def test_the_same_answers_sent_twice_save_once_and_lead_where_the_first_led(
    client_for: Any, member: User, need: Need
) -> None:
    client = client_for(member)
    key = key_on(client.get(reverse("programmes:need_detail", args=[need.pk])))
    data = {"form_key": key, "text": "Evenings suit me"}
    first = client.post(comment_url(need), data)
    again = client.post(comment_url(need), data)
    assert again["Location"] == first["Location"]
    assert Comment.objects.count() == 1
    page = client.get(again["Location"]).content.decode()
    assert "This was already saved. Sending the same form again saves nothing new." in page


def test_other_answers_with_the_same_key_are_saved_too(
    client_for: Any, member: User, need: Need
) -> None:
    client = client_for(member)
    key = str(uuid4())
    client.post(comment_url(need), {"form_key": key, "text": "Evenings suit me"})
    client.post(comment_url(need), {"form_key": key, "text": "Mornings suit me better"})
    assert sorted(Comment.objects.values_list("text", flat=True)) == [
        "Evenings suit me",
        "Mornings suit me better",
    ]


def test_a_refused_form_keeps_its_key_usable_for_the_corrected_send(
    client_for: Any, member: User, need: Need
) -> None:
    client = client_for(member)
    key = str(uuid4())
    refused = client.post(comment_url(need), {"form_key": key, "text": ""})
    assert refused.status_code == 200
    assert key_on(refused) == key
    assert not Submission.objects.exists()
    client.post(comment_url(need), {"form_key": key, "text": "Now with words"})
    assert Comment.objects.get().text == "Now with words"


def test_someone_elses_key_never_swallows_a_send(client_for: Any, member: User, need: Need) -> None:
    other = User.objects.create_user("member.other", is_member=True)
    data = {"form_key": str(uuid4()), "text": "Same words"}
    client_for(member).post(comment_url(need), data)
    client_for(other).post(comment_url(need), data)
    assert Comment.objects.count() == 2
    assert Submission.objects.filter(user=other).count() == 1


def test_going_back_to_a_sent_form_page_says_it_was_sent(
    client_for: Any, coordinator: User
) -> None:
    client = client_for(coordinator)
    form = client.get(reverse("outreach:partner_create"))
    address = f"{form.request['PATH_INFO']}?{form.request['QUERY_STRING']}"
    client.post(address, {"form_key": key_on(form), "name": "Clinic", "kind": "health"})
    back = client.get(address).content.decode()
    assert "This form was already sent and saved." in back
    restart = re.search(r'href="([^"]+)">Start a new one', back)
    assert restart is not None
    assert key_on(client.get(restart.group(1).replace("&amp;", "&"))) != key_on(form)


def test_feedback_keys_name_no_login(client_for: Any, member: User) -> None:
    client = client_for(member)
    key = key_on(client.get(reverse("monitoring:feedback_create")))
    client.post(
        reverse("monitoring:feedback_create"), {"form_key": key, "place": "drop_in", "respect": 3}
    )
    claim = Submission.objects.get()
    assert claim.user is None
    assert claim.result_url


def test_the_digest_is_keyed_and_holds_none_of_the_answers(
    client_for: Any, member: User, need: Need
) -> None:
    client_for(member).post(
        comment_url(need), {"form_key": str(uuid4()), "text": "Canary-Kestrel-4471"}
    )
    row = Submission.objects.values().get()
    assert "Canary-Kestrel-4471" not in str(row)
    assert len(row["digest"]) == 64


def test_rows_older_than_a_day_are_purged_hourly(member: User) -> None:
    old = Submission.objects.create(key=uuid4(), scope="a", digest="0" * 64, user=member)
    Submission.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - timedelta(hours=resend.KEEP_HOURS + 1)
    )
    fresh = Submission.objects.create(key=uuid4(), scope="a", digest="1" * 64, user=member)
    assert resend.submissions_purge() == 1
    assert list(Submission.objects.all()) == [fresh]
    entry = celery_app.conf.beat_schedule["purge-submissions"]
    assert entry == {"task": "members.tasks.purge_submissions", "schedule": 3600.0}


@pytest.mark.django_db(transaction=True)
def test_twenty_sends_at_once_of_one_form_save_once(member: User, need: Need) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL (CI runs it there)")
    data = {"form_key": str(uuid4()), "text": "All at once"}
    barrier = threading.Barrier(20)
    statuses: list[int] = []

    def send() -> None:
        client = PageClient()
        client.force_login(member)
        try:
            barrier.wait()
            statuses.append(client.post(comment_url(need), data).status_code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [302] * 20
    assert Comment.objects.count() == 1


# --- Every form that creates something carries the key ---------------------------------------


def resend_safe_views() -> set[str]:
    """The names of every URL whose view is wrapped by resend_safe."""
    found: set[str] = set()

    def walk(patterns: list[Any], namespace: str = "") -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, pattern.namespace or namespace)
            elif isinstance(pattern, URLPattern) and pattern.name:
                view = pattern.callback
                while view is not None:
                    if getattr(view, "resend_safe", False):
                        found.add(f"{namespace}:{pattern.name}" if namespace else pattern.name)
                        break
                    view = getattr(view, "__wrapped__", None)

    walk(get_resolver().url_patterns)
    return found


# Forms that create something in the review's list and beyond; kept in step with the code by
# the test below.
CREATING = {
    "members:person_register",
    "members:invitation_create",
    "members:invitation_redeem",
    "members:reset_code_create",
    "members:reset_code_redeem",
    "members:person_open_outside",
    "members:employment_create",
    "outreach:contact_create",
    "outreach:incident_create",
    "outreach:risk_assess",
    "outreach:zero_report",
    "outreach:referral_create",
    "outreach:referral_detail",
    "outreach:tracing_create",
    "outreach:partner_create",
    "outreach:hotspot_create",
    "outreach:size_estimate_create",
    "outreach:assignment_create",
    "outreach:activity_create",
    "outreach:attendance_add",
    "programmes:need_create",
    "programmes:need_detail",
    "programmes:need_support",
    "programmes:comment_create",
    "programmes:round_create",
    "programmes:option_create",
    "programmes:programme_create",
    "programmes:programme_signup",
    "programmes:programme_follow",
    "programmes:activity_add",
    "programmes:budget_line_add",
    "programmes:update_create",
    "monitoring:feedback_create",
    "monitoring:feedback_with_code",
    "monitoring:feedback_codes_create",
    "monitoring:complaint_create",
    "safety:report_create",
    "safety:removal",
}


def test_every_creating_form_is_resend_safe() -> None:
    assert resend_safe_views() == CREATING


def test_passwords_and_handed_codes_stay_out_of_the_digest() -> None:
    """A fast digest of a password would undo its slow hash: sends that differ only in the
    password or in a field the view declares sensitive (a handed code) digest alike."""

    def digest(**answers: str) -> str:
        request = RequestFactory().post("/members/new-password/", answers)
        request.sensitive_post_parameters = ["code", "password1", "password2"]
        return resend._digest(request)

    first = digest(code="ABCD-EFGH-JK", username="sun", password1="first-Secret-4471")
    assert first == digest(code="ZZZZ-EFGH-JK", username="sun", password1="other-Secret-9902")
    assert first != digest(code="ABCD-EFGH-JK", username="moon", password1="first-Secret-4471")
