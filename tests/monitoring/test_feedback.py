"""Community feedback and complaints: who may open each page, single-use anonymous codes,
that nobody is linked to coded feedback, encrypted comments, and a complaint's life."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from members.models import AccessLog, Person, User
from monitoring import services_feedback as services
from monitoring.models import Complaint, Feedback, FeedbackCode
from outreach.models import Partner

pytestmark = pytest.mark.django_db

PERSONAS = ["member", "outreach_worker", "other_worker", "coordinator"]


@pytest.fixture(autouse=True)
def _empty_cache() -> Iterator[None]:
    """Counts of wrong codes live in the cache, which outlives a test's transaction."""
    cache.clear()
    yield
    cache.clear()


ANSWERS = {
    "place": "partner",
    "respect": "3",
    "confidentiality": "1",
    "waiting_time": "2",
    "commodities_available": "yes",
    "would_recommend": "no",
    "comment": "The nurse was kind to Marigold",
}


def answers(partner: Partner, **changes: str) -> dict[str, str]:
    return {**ANSWERS, "partner": str(partner.pk), **changes}


def a_code(user: User) -> str:
    return services.feedback_codes_create(actor=user, count=1)[0]


# --- Access matrix ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "status"),
    [("member", 200), ("outreach_worker", 200), ("other_worker", 200), ("coordinator", 403)],
)
def test_only_members_open_the_feedback_form(
    request: Any, client_for: Any, persona: str, status: int
) -> None:
    user = request.getfixturevalue(persona)
    assert client_for(user).get(reverse("monitoring:feedback_create")).status_code == status


@pytest.mark.parametrize("persona", [None, *PERSONAS])
def test_anyone_opens_the_code_page(request: Any, client_for: Any, persona: str | None) -> None:
    user = request.getfixturevalue(persona) if persona else None
    response = client_for(user).get(reverse("monitoring:feedback_with_code"))
    assert response.status_code == 200
    assert "Feedback code" in response.content.decode()


@pytest.mark.parametrize(
    ("persona", "status"),
    [("member", 403), ("outreach_worker", 200), ("other_worker", 200), ("coordinator", 200)],
)
def test_staff_print_codes(request: Any, client_for: Any, persona: str, status: int) -> None:
    user = request.getfixturevalue(persona)
    response = client_for(user).get(reverse("monitoring:feedback_codes_create"))
    assert response.status_code == status


@pytest.mark.parametrize(
    ("persona", "status"),
    [("member", 200), ("outreach_worker", 200), ("other_worker", 200), ("coordinator", 403)],
)
def test_members_and_workers_raise_complaints(
    request: Any, client_for: Any, persona: str, status: int
) -> None:
    user = request.getfixturevalue(persona)
    assert client_for(user).get(reverse("monitoring:complaint_create")).status_code == status


@pytest.mark.parametrize(
    ("persona", "status"),
    [("member", 403), ("outreach_worker", 403), ("other_worker", 403), ("coordinator", 200)],
)
def test_only_coordinators_handle_complaints(
    request: Any, client_for: Any, persona: str, status: int, partner: Partner
) -> None:
    complaint = services.complaint_create(
        person=None, place="partner", partner=partner, description="Turned away"
    )
    client = client_for(request.getfixturevalue(persona))
    assert client.get(reverse("monitoring:complaint_list")).status_code == status
    url = reverse("monitoring:complaint_update", args=[complaint.pk])
    assert client.get(url).status_code == status


@pytest.mark.parametrize(
    ("persona", "status"),
    [("member", 200), ("outreach_worker", 200), ("other_worker", 200), ("coordinator", 200)],
)
def test_everyone_logged_in_sees_the_results(
    request: Any, client_for: Any, persona: str, status: int
) -> None:
    user = request.getfixturevalue(persona)
    assert client_for(user).get(reverse("monitoring:community_results")).status_code == status


@pytest.mark.parametrize(
    "name",
    [
        "feedback_create",
        "feedback_thanks",
        "feedback_codes_create",
        "complaint_create",
        "complaint_list",
        "community_results",
    ],
)
def test_anonymous_visitors_are_sent_to_log_in(client: Any, name: str) -> None:
    response = client.get(reverse(f"monitoring:{name}"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


# --- Feedback from a member ------------------------------------------------------------------


def test_a_member_s_feedback_is_saved_without_their_record(
    client_for: Any, member: User, partner: Partner
) -> None:
    response = client_for(member).post(reverse("monitoring:feedback_create"), answers(partner))
    assert response.status_code == 302
    feedback = Feedback.objects.get()
    assert not hasattr(feedback, "person")
    assert (feedback.respect, feedback.confidentiality, feedback.waiting_time) == (3, 1, 2)
    assert feedback.commodities_available is True
    assert feedback.would_recommend is False
    assert feedback.partner == partner


def test_unanswered_questions_are_kept_as_prefer_not_to_say(client_for: Any, member: User) -> None:
    response = client_for(member).post(reverse("monitoring:feedback_create"), {"place": "drop_in"})
    assert response.status_code == 302
    feedback = Feedback.objects.get()
    assert feedback.respect is None
    assert feedback.would_recommend is None
    assert feedback.commodities_available is None
    assert feedback.comment is None


def test_a_partner_must_be_chosen_and_answers_are_kept(client_for: Any, member: User) -> None:
    data = {**ANSWERS, "partner": ""}
    response = client_for(member).post(reverse("monitoring:feedback_create"), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Choose the service you went to." in page
    assert 'value="3" name="respect"' in page or 'name="respect" value="3"' in page
    assert "The nurse was kind to Marigold" in page
    assert not Feedback.objects.exists()


def test_an_inactive_partner_cannot_be_chosen(client_for: Any, member: User) -> None:
    closed = Partner.objects.create(name="Closed clinic", kind="health", is_active=False)
    response = client_for(member).post(reverse("monitoring:feedback_create"), answers(closed))
    assert response.status_code == 200
    assert not Feedback.objects.exists()


def test_the_comment_is_stored_encrypted(client_for: Any, member: User, partner: Partner) -> None:
    client_for(member).post(reverse("monitoring:feedback_create"), answers(partner))
    feedback = Feedback.objects.get()
    assert feedback.comment == "The nurse was kind to Marigold"
    with connection.cursor() as cursor:
        cursor.execute("SELECT comment FROM monitoring_feedback WHERE id = %s", [feedback.pk])
        raw = cursor.fetchone()[0]
    assert "Marigold" not in raw
    assert "nurse" not in raw


# --- Anonymous feedback with a code ----------------------------------------------------------


def test_codes_are_eight_unambiguous_characters_and_only_hashes_are_kept(
    outreach_worker: User,
) -> None:
    codes = services.feedback_codes_create(actor=outreach_worker, count=50)
    assert len(set(codes)) == 50
    for code in codes:
        head, tail = code.split("-")
        assert len(head) == len(tail) == 4
        assert set(head + tail) <= set(services.CODE_ALPHABET)
        assert not set("01OIL") & set(head + tail)
    stored = set(FeedbackCode.objects.values_list("code_hash", flat=True))
    assert stored == {services.feedback_code_hash(code) for code in codes}
    assert not any(code.replace("-", "") in value for code in codes for value in stored)
    days = {(c.expires_at - c.created_at).days for c in FeedbackCode.objects.all()}
    assert days == {30}


@pytest.mark.parametrize("count", ["0", "51", "many"])
def test_a_batch_is_one_to_fifty_codes(client_for: Any, coordinator: User, count: str) -> None:
    response = client_for(coordinator).post(
        reverse("monitoring:feedback_codes_create"), {"count": count}
    )
    assert response.status_code == 200
    assert "is-invalid" in response.content.decode()
    assert not FeedbackCode.objects.exists()


def test_printed_codes_are_shown_once_and_not_cached(client_for: Any, coordinator: User) -> None:
    response = client_for(coordinator).post(
        reverse("monitoring:feedback_codes_create"), {"count": "3"}
    )
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    assert FeedbackCode.objects.count() == 3
    assert response.content.decode().count('class="feedback-code mb-1"') == 3


def test_feedback_with_a_code_stores_no_person(
    client_for: Any, outreach_worker: User, partner: Partner
) -> None:
    code = a_code(outreach_worker)
    client = client_for(None)
    step = client.post(reverse("monitoring:feedback_with_code"), {"code": code.lower()})
    assert step.status_code == 200
    assert 'name="step" value="answers"' in step.content.decode()
    data = {**answers(partner), "code": code, "step": "answers"}
    response = client.post(reverse("monitoring:feedback_with_code"), data)
    assert response.status_code == 302
    feedback = Feedback.objects.get()
    assert not hasattr(feedback, "person")
    assert FeedbackCode.objects.get().used_at is not None
    thanks = client.get(response["Location"])
    assert "Thank you" in thanks.content.decode()


def test_a_logged_in_member_using_a_code_is_not_linked_either(
    client_for: Any, member: User, outreach_worker: User, partner: Partner
) -> None:
    code = a_code(outreach_worker)
    data = {**answers(partner), "code": code, "step": "answers"}
    client_for(member).post(reverse("monitoring:feedback_with_code"), data)
    assert not hasattr(Feedback.objects.get(), "person")


def test_a_code_works_only_once(client_for: Any, outreach_worker: User, partner: Partner) -> None:
    code = a_code(outreach_worker)
    data = {**answers(partner), "code": code, "step": "answers"}
    client = client_for(None)
    assert client.post(reverse("monitoring:feedback_with_code"), data).status_code == 302
    again = client.post(reverse("monitoring:feedback_with_code"), data)
    assert again.status_code == 200
    assert "This code does not work" in again.content.decode()
    assert Feedback.objects.count() == 1
    with pytest.raises(services.FeedbackCodeRefused):
        services.feedback_with_code_create(code=code, data={"place": "drop_in"})


def test_unknown_used_and_expired_codes_get_the_same_message(
    client_for: Any, outreach_worker: User
) -> None:
    used, expired = a_code(outreach_worker), a_code(outreach_worker)
    services.feedback_with_code_create(code=used, data={"place": "drop_in"})
    FeedbackCode.objects.filter(code_hash=services.feedback_code_hash(expired)).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    client = client_for(None)
    pages = []
    for code in (used, expired, "ABCD-EFGH"):
        response = client.post(reverse("monitoring:feedback_with_code"), {"code": code})
        assert response.status_code == 200
        page = response.content.decode()
        pages.append(re.findall(r'class="invalid-feedback"[^>]*>(.*?)</', page, re.S))
        assert "This code does not work. It may be mistyped, already used or expired" in page
    assert pages[0] and pages[0] == pages[1] == pages[2]


def test_wrong_codes_are_rate_limited_per_connection(
    client_for: Any, outreach_worker: User
) -> None:
    good = a_code(outreach_worker)
    client = client_for(None)
    url = reverse("monitoring:feedback_with_code")
    for _ in range(10):
        assert client.post(url, {"code": "WRNG-CODE"}).status_code == 200
    blocked = client.post(url, {"code": good})
    assert blocked.status_code == 429
    assert "Too many wrong codes" in blocked.content.decode()
    # Another address is not blocked.
    other = client_for(None).post(url, {"code": good}, REMOTE_ADDR="10.9.8.7")
    assert other.status_code == 200
    # The cache (the database) holds no address in the clear.
    with connection.cursor() as cursor:
        cursor.execute("SELECT cache_key FROM django_cache")
        keys = [row[0] for row in cursor.fetchall()]
    assert keys and not any("127.0.0.1" in key for key in keys)


# --- Complaints ------------------------------------------------------------------------------


def test_a_complaint_is_raised_followed_up_and_closed(
    client_for: Any, member: User, coordinator: User, partner: Partner
) -> None:
    response = client_for(member).post(
        reverse("monitoring:complaint_create"),
        {"place": "partner", "partner": partner.pk, "description": "They asked about my work"},
    )
    assert response.status_code == 302
    complaint = Complaint.objects.get()
    assert complaint.person == Person.objects.get(user=member)
    with connection.cursor() as cursor:
        cursor.execute("SELECT description FROM monitoring_complaint")
        assert "asked about my work" not in cursor.fetchone()[0]
    own = client_for(member).get(reverse("monitoring:feedback_create")).content.decode()
    assert "Raised" in own

    coordinator_client = client_for(coordinator)
    url = reverse("monitoring:complaint_update", args=[complaint.pk])
    assert "They asked about my work" in coordinator_client.get(url).content.decode()
    refused = coordinator_client.post(url, {"status": "closed", "resolution": ""})
    assert refused.status_code == 200
    assert "Say what was done" in refused.content.decode()
    coordinator_client.post(url, {"status": "followed_up", "resolution": "Called the clinic"})
    complaint.refresh_from_db()
    assert complaint.status == "followed_up"
    assert complaint.handled_by == coordinator
    assert complaint.closed_on is None
    coordinator_client.post(url, {"status": "closed", "resolution": "Staff were trained"})
    complaint.refresh_from_db()
    assert complaint.status == "closed"
    assert complaint.closed_on == timezone.localdate()
    own = client_for(member).get(reverse("monitoring:feedback_create")).content.decode()
    assert "Closed" in own


def test_a_worker_raises_a_complaint_on_a_member_s_behalf(
    client_for: Any, outreach_worker: User, person: Person
) -> None:
    url = f"{reverse('monitoring:complaint_create')}?person={person.pk}"
    page = client_for(outreach_worker).get(url)
    assert "On behalf of Sunny" in page.content.decode()
    client_for(outreach_worker).post(
        reverse("monitoring:complaint_create"),
        {"place": "outreach", "description": "Harassed at the market", "person": person.pk},
    )
    assert Complaint.objects.get().person == person
    assert AccessLog.objects.filter(person=person, actor=outreach_worker).exists()


def test_a_worker_cannot_name_someone_outside_their_hotspots(
    client_for: Any, other_worker: User, person: Person
) -> None:
    url = f"{reverse('monitoring:complaint_create')}?person={person.pk}"
    assert client_for(other_worker).get(url).status_code == 404


def test_a_worker_may_raise_one_for_nobody_in_particular(
    client_for: Any, outreach_worker: User
) -> None:
    client_for(outreach_worker).post(
        reverse("monitoring:complaint_create"), {"place": "drop_in", "description": "Too cold"}
    )
    assert Complaint.objects.get().person is None


def test_a_complaint_form_keeps_what_was_typed(client_for: Any, member: User) -> None:
    response = client_for(member).post(
        reverse("monitoring:complaint_create"), {"place": "", "description": "Kept text"}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Kept text" in page
    assert "This field is required" in page


def test_the_complaint_list_filters_by_status_newest_first(
    client_for: Any, coordinator: User
) -> None:
    old = services.complaint_create(person=None, place="drop_in", partner=None, description="a")
    old_day = timezone.localdate() - timedelta(days=9)
    Complaint.objects.filter(pk=old.pk).update(raised_on=old_day)
    services.complaint_create(person=None, place="outreach", partner=None, description="b")
    closed = services.complaint_create(person=None, place="drop_in", partner=None, description="c")
    services.complaint_update(complaint=closed, actor=coordinator, status="closed", resolution="x")
    client = client_for(coordinator)
    page = client.get(reverse("monitoring:complaint_list")).content.decode()
    assert "3 complaints" in page
    assert page.index("Outreach workers") < page.index(str(old_day))
    only_closed = client.get(reverse("monitoring:complaint_list"), {"status": "closed"})
    assert "1 complaint" in only_closed.content.decode()


def test_the_complaint_list_runs_the_same_queries_however_many(
    client_for: Any, coordinator: User, partner: Partner
) -> None:
    client = client_for(coordinator)
    url = reverse("monitoring:complaint_list")

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    services.complaint_create(person=None, place="partner", partner=partner, description="x")
    few = count()
    for _ in range(30):
        services.complaint_create(person=None, place="partner", partner=partner, description="x")
    # The session and user, the count and one page of complaints with their partners.
    assert count() == few


def test_the_results_page_runs_the_same_queries_however_many(
    client_for: Any, member: User, partner: Partner
) -> None:
    client = client_for(member)
    url = reverse("monitoring:community_results")

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    Feedback.objects.create(place="partner", partner=partner, respect=3)
    few = count()
    Partner.objects.create(name="Second clinic", kind="health")
    for _ in range(12):
        Feedback.objects.create(place="partner", partner=partner, respect=3)
        services.complaint_create(person=None, place="drop_in", partner=None, description="x")
    # Partners, their feedback, two complaint counts and this year's attendance.
    assert count() == few


def test_the_results_page_hides_partners_with_too_few_answers(
    client_for: Any, member: User, partner: Partner
) -> None:
    few = Partner.objects.create(name="Quiet clinic", kind="health")
    for _ in range(4):
        Feedback.objects.create(place="partner", partner=few, respect=3, would_recommend=True)
    for respect in (3, 3, 3, 1, 2):
        Feedback.objects.create(place="partner", partner=partner, respect=respect)
    old = timezone.localdate() - timedelta(days=400)
    Feedback.objects.create(place="partner", partner=partner, respect=1, given_on=old)
    page = client_for(member).get(reverse("monitoring:community_results")).content.decode()
    quiet = page[page.index("Quiet clinic") :]
    assert "Not enough answers yet." in quiet[: quiet.index("</article>")]
    assert "100%" not in page
    test_clinic = page[page.index("Test clinic") :]
    assert "5 answers" in test_clinic
    assert "60%" in test_clinic  # 3 good of 5; the answer from 400 days ago is not counted
    assert "Complaints made: 0" in page
