"""The access log and the erasure queue, for coordinators; the log itself cannot be rewritten."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import Error, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from members.models import AccessLog, ErasureRequest, Person, User
from members.services import access_log_write
from tests.conftest import make_person

pytestmark = pytest.mark.django_db

STAFF_PERSONAS = ["member", "outreach_worker", "other_worker"]


def entries(response: Any) -> list[AccessLog]:
    return list(response.context["page"].object_list)


@pytest.fixture
def erasure(member: User) -> ErasureRequest:
    return ErasureRequest.objects.create(person=member.person)


@pytest.mark.parametrize(("persona", "status"), [(p, 403) for p in STAFF_PERSONAS])
def test_only_coordinators_reach_the_log_and_the_queue(
    request: Any, client_for: Any, persona: str, status: int, erasure: ErasureRequest
) -> None:
    client = client_for(request.getfixturevalue(persona))
    assert client.get(reverse("members:access_log_list")).status_code == status
    assert client.get(reverse("members:erasure_list")).status_code == status
    assert client.post(reverse("members:erasure_confirm", args=[erasure.pk])).status_code == status
    erasure.refresh_from_db()
    assert erasure.confirmed_at is None


def test_a_coordinator_reaches_the_log_and_the_queue(
    client_for: Any, coordinator: User, erasure: ErasureRequest
) -> None:
    client = client_for(coordinator)
    assert client.get(reverse("members:access_log_list")).status_code == 200
    queue = client.get(reverse("members:erasure_list"))
    assert queue.status_code == 200
    assert "Moonbeam" in queue.content.decode()
    url = reverse("members:erasure_confirm", args=[erasure.pk])
    assert client.post(url, follow=True).status_code == 200
    erasure.refresh_from_db()
    assert erasure.confirmed_by == coordinator
    assert "Moonbeam" not in client.get(reverse("members:erasure_list")).content.decode()
    # Confirmed once: it is no longer in the queue.
    assert client.post(url).status_code == 404


def test_confirming_is_a_post_only(
    client_for: Any, coordinator: User, erasure: ErasureRequest
) -> None:
    url = reverse("members:erasure_confirm", args=[erasure.pk])
    assert client_for(coordinator).get(url).status_code == 405


def test_a_coordinator_cannot_confirm_their_own_erasure(
    client_for: Any, coordinator: User, hotspot: Any
) -> None:
    own = make_person(hotspot, "KOKO0101", nickname="Chief", user=coordinator)
    erasure = ErasureRequest.objects.create(person=own)
    client_for(coordinator).post(reverse("members:erasure_confirm", args=[erasure.pk]))
    own.refresh_from_db()
    assert own.nickname == "Chief" and own.erased_at is None


def test_the_log_filters_by_login_person_action_and_dates(
    client_for: Any,
    coordinator: User,
    outreach_worker: User,
    other_worker: User,
    person: Person,
    member: User,
) -> None:
    now = timezone.now()
    # Written with an old date: the log cannot be rewritten afterwards.
    old = AccessLog.objects.create(
        actor=outreach_worker, person=person, action="view", at=now - timedelta(days=10)
    )
    changed = access_log_write(actor=outreach_worker, person=person, action="change")
    by_other = access_log_write(actor=other_worker, person=member.person, action="view")

    client = client_for(coordinator)
    url = reverse("members:access_log_list")

    def found(**filters: Any) -> set[int]:
        response = client.get(url, filters)
        assert response.status_code == 200
        return {entry.pk for entry in entries(response)}

    assert found(actor=outreach_worker.pk) >= {old.pk, changed.pk}
    assert by_other.pk not in found(actor=outreach_worker.pk)
    assert found(person=member.person.pk) == {by_other.pk}
    assert found(action="change") == {changed.pk}
    today = timezone.localdate()
    assert old.pk not in found(date_from=today.isoformat())
    assert found(date_to=(today - timedelta(days=5)).isoformat()) == {old.pk}
    assert found(date_from=(today - timedelta(days=11)).isoformat(), actor=other_worker.pk) == {
        by_other.pk
    }
    # The end before the start is explained, not silently ignored.
    response = client.get(url, {"date_from": today.isoformat(), "date_to": "2000-01-01"})
    assert entries(response) == []
    assert "The end comes before the start." in response.content.decode()


def test_the_log_is_newest_first(
    client_for: Any, coordinator: User, outreach_worker: User, person: Person
) -> None:
    first = access_log_write(actor=outreach_worker, person=person, action="view")
    second = access_log_write(actor=outreach_worker, person=person, action="change")
    response = client_for(coordinator).get(reverse("members:access_log_list"))
    assert [e.pk for e in entries(response)] == [second.pk, first.pk]


def log_queries(client: Any, rows: int, actor: User, hotspot: Any) -> int:
    for n in range(rows):
        someone = make_person(hotspot, f"ROW{n:05d}", nickname=f"Row {n}", phone="+000")
        access_log_write(actor=actor, person=someone, action="view", reason="a reason")
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("members:access_log_list")).status_code == 200
    return len(queries)


def test_the_log_costs_the_same_queries_however_long_it_is(
    client_for: Any,
    coordinator: User,
    outreach_worker: User,
    hotspot: Any,
    django_assert_max_num_queries: Any,
) -> None:
    client = client_for(coordinator)
    client.get(reverse("members:access_log_list"))  # warm the session
    few = log_queries(client, 5, outreach_worker, hotspot)
    many = log_queries(client, 45, outreach_worker, hotspot)
    assert few == many
    # session, user, authenticator (two-factor check), the count, one page with actors and
    # people, the logins to filter by.
    with django_assert_max_num_queries(7):  # one more: the inbox bell
        client.get(reverse("members:access_log_list"))


def test_a_staff_read_adds_one_line_and_a_members_own_read_none(
    client_for: Any, outreach_worker: User, member: User, person: Person
) -> None:
    before = AccessLog.objects.count()
    client_for(outreach_worker).get(reverse("outreach:person_detail", args=[person.pk]))
    assert AccessLog.objects.count() == before + 1
    line = AccessLog.objects.latest("pk")
    assert (line.actor, line.person, line.action) == (outreach_worker, person, "view")

    client_for(member).get(reverse("members:own_data"))
    assert AccessLog.objects.count() == before + 1


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the append-only trigger is PostgreSQL's"
)
@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE members_accesslog SET reason = 'rewritten'",
        "DELETE FROM members_accesslog",
    ],
)
def test_the_database_refuses_to_rewrite_the_log(
    sql: str, outreach_worker: User, person: Person
) -> None:
    access_log_write(actor=outreach_worker, person=person, action="view")
    with pytest.raises(Error), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql)
    assert AccessLog.objects.get().reason == ""


def test_an_entry_may_be_about_a_login_and_the_coordinator_sees_which(
    client_for: Any, coordinator: User, outreach_worker: User
) -> None:
    access_log_write(actor=coordinator, login=outreach_worker, action=AccessLog.Action.SUSPEND)
    page = client_for(coordinator).get(reverse("members:access_log_list")).content.decode()
    assert "Suspended the login" in page
    assert "worker.test" in page


def test_an_entry_about_nobody_is_refused(coordinator: User) -> None:
    with pytest.raises(Error), transaction.atomic():
        AccessLog.objects.create(actor=coordinator, action=AccessLog.Action.VIEW)
