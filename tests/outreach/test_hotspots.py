"""Hotspots, size estimates, assignments and caseloads: who may see and change what, the
estimate in force on a date, and constant query counts."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from members.models import Assignment, Hotspot, Person, User
from outreach.models import SizeEstimate
from outreach.rules import ACTIVE_DAYS, CASELOAD_RANGE
from outreach.selectors_hotspots import (
    ABOVE,
    BELOW,
    WITHIN,
    active_people,
    caseload_band,
    caseloads,
    estimate_for,
    estimates_for,
)
from tests.conftest import make_contact, make_person, make_user

pytestmark = pytest.mark.django_db

NOTES = "Meet by the bus shelter; avoid Fridays after the raid."


@pytest.fixture
def noted_hotspot(hotspot: Hotspot) -> Hotspot:
    """The outreach worker's hotspot, with safety notes and a size estimate."""
    hotspot.safety_notes = NOTES
    hotspot.days_and_hours = "Thursday to Saturday, 21:00 to 03:00"
    hotspot.save()
    SizeEstimate.objects.create(
        hotspot=hotspot, number=40, estimated_on=date(2025, 1, 15), source="Mapping by peers"
    )
    return hotspot


# --- Access matrix ---------------------------------------------------------------------------

ANONYMOUS_PAGES = [
    ("outreach:hotspot_list", False),
    ("outreach:hotspot_create", False),
    ("outreach:caseload", False),
    ("outreach:hotspot_detail", True),
    ("outreach:hotspot_edit", True),
    ("outreach:size_estimate_create", True),
    ("outreach:assignment_create", True),
]


@pytest.mark.parametrize(("page", "with_pk"), ANONYMOUS_PAGES)
def test_anonymous_visitors_are_sent_to_log_in(
    client: Client, hotspot: Hotspot, page: str, with_pk: bool
) -> None:
    response = client.get(reverse(page, args=[hotspot.pk] if with_pk else []))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_anonymous_visitors_cannot_end_an_assignment(client: Client, outreach_worker: User) -> None:
    assignment = Assignment.objects.get(worker=outreach_worker)
    response = client.post(reverse("outreach:assignment_end", args=[assignment.pk]))
    assert response["Location"].startswith(reverse("account_login"))
    assert Assignment.objects.get(pk=assignment.pk).ends_on is None


@pytest.mark.parametrize(
    ("persona", "status"),
    [("member", 403), ("outreach_worker", 200), ("other_worker", 200), ("coordinator", 200)],
)
def test_the_list_is_for_staff(
    request: Any, client_for: Any, hotspot: Hotspot, persona: str, status: int
) -> None:
    user = request.getfixturevalue(persona)
    assert client_for(user).get(reverse("outreach:hotspot_list")).status_code == status


@pytest.mark.parametrize(
    ("persona", "status"),
    [("member", 403), ("outreach_worker", 200), ("other_worker", 404), ("coordinator", 200)],
)
def test_a_hotspot_is_seen_only_by_its_workers_and_coordinators(
    request: Any, client_for: Any, noted_hotspot: Hotspot, persona: str, status: int
) -> None:
    user = request.getfixturevalue(persona)
    response = client_for(user).get(reverse("outreach:hotspot_detail", args=[noted_hotspot.pk]))
    assert response.status_code == status
    assert (NOTES in response.content.decode()) == (status == 200)


@pytest.mark.parametrize(
    "page", ["outreach:hotspot_edit", "outreach:size_estimate_create", "outreach:assignment_create"]
)
@pytest.mark.parametrize(
    ("persona", "status"),
    [("member", 403), ("outreach_worker", 403), ("other_worker", 403), ("coordinator", 200)],
)
def test_only_coordinators_change_a_hotspot(
    request: Any, client_for: Any, hotspot: Hotspot, page: str, persona: str, status: int
) -> None:
    user = request.getfixturevalue(persona)
    assert client_for(user).get(reverse(page, args=[hotspot.pk])).status_code == status


@pytest.mark.parametrize("page", ["outreach:hotspot_create", "outreach:caseload"])
@pytest.mark.parametrize(
    ("persona", "status"),
    [("member", 403), ("outreach_worker", 403), ("other_worker", 403), ("coordinator", 200)],
)
def test_adding_hotspots_and_caseloads_are_for_coordinators(
    request: Any, client_for: Any, page: str, persona: str, status: int
) -> None:
    user = request.getfixturevalue(persona)
    assert client_for(user).get(reverse(page)).status_code == status


@pytest.mark.parametrize(
    ("persona", "status"),
    [("member", 403), ("outreach_worker", 403), ("other_worker", 403), ("coordinator", 302)],
)
def test_only_coordinators_end_an_assignment(
    request: Any, client_for: Any, outreach_worker: User, persona: str, status: int
) -> None:
    user = request.getfixturevalue(persona)
    assignment = Assignment.objects.get(worker=outreach_worker)
    response = client_for(user).post(reverse("outreach:assignment_end", args=[assignment.pk]))
    assert response.status_code == status
    assert (Assignment.objects.get(pk=assignment.pk).ends_on is not None) == (status == 302)


def test_an_outsider_cannot_tell_an_existing_hotspot_from_a_missing_one(
    client_for: Any, other_worker: User, noted_hotspot: Hotspot
) -> None:
    client = client_for(other_worker)
    existing = client.get(reverse("outreach:hotspot_detail", args=[noted_hotspot.pk]))
    missing = client.get(reverse("outreach:hotspot_detail", args=[noted_hotspot.pk + 1000]))
    assert existing.status_code == missing.status_code == 404
    assert existing.content == missing.content
    assert NOTES not in existing.content.decode()


def test_a_worker_lists_only_their_hotspots_and_never_the_safety_notes(
    client_for: Any, outreach_worker: User, noted_hotspot: Hotspot, other_hotspot: Hotspot
) -> None:
    body = client_for(outreach_worker).get(reverse("outreach:hotspot_list")).content.decode()
    assert noted_hotspot.name in body
    assert other_hotspot.name not in body
    assert NOTES not in body
    assert reverse("outreach:hotspot_edit", args=[noted_hotspot.pk]) not in body


def test_the_coordinators_list_shows_every_hotspot_with_its_facts(
    client_for: Any, coordinator: User, noted_hotspot: Hotspot, other_hotspot: Hotspot, person: Any
) -> None:
    worker = make_user("worker.facts", is_outreach_worker=True)
    make_contact(person, worker, contacted_on=timezone.localdate())
    body = client_for(coordinator).get(reverse("outreach:hotspot_list")).content.decode()
    assert noted_hotspot.name in body and other_hotspot.name in body
    assert "Test district · Street" in body
    assert "Thursday to Saturday, 21:00 to 03:00" in body
    assert "Estimated number: 40 (15 January 2025, Mapping by peers)" in body
    assert "1 active person" in body
    assert reverse("outreach:hotspot_edit", args=[noted_hotspot.pk]) in body
    assert NOTES not in body


def test_a_worker_whose_assignment_ended_no_longer_sees_the_hotspot(
    client_for: Any, outreach_worker: User, noted_hotspot: Hotspot
) -> None:
    Assignment.objects.filter(worker=outreach_worker).update(
        starts_on=timezone.localdate() - timedelta(days=10),
        ends_on=timezone.localdate() - timedelta(days=1),
    )
    client = client_for(outreach_worker)
    url = reverse("outreach:hotspot_detail", args=[noted_hotspot.pk])
    assert client.get(url).status_code == 404
    assert noted_hotspot.name not in client.get(reverse("outreach:hotspot_list")).content.decode()


# --- Creating and changing -------------------------------------------------------------------

HOTSPOT = {
    "name": "Harbour steps",
    "area": "South district",
    "typology": "street",
    "days_and_hours": "Every night from 22:00",
    "safety_notes": "Two of us at a time.",
    "is_active": "on",
}


def test_a_coordinator_adds_a_hotspot(client_for: Any, coordinator: User) -> None:
    response = client_for(coordinator).post(reverse("outreach:hotspot_create"), HOTSPOT)
    hotspot = Hotspot.objects.get(name="Harbour steps")
    assert response["Location"] == reverse("outreach:hotspot_detail", args=[hotspot.pk])
    assert hotspot.safety_notes == "Two of us at a time."
    assert hotspot.is_active


def test_a_taken_name_is_explained_beside_the_field_and_the_rest_kept(
    client_for: Any, coordinator: User, hotspot: Hotspot
) -> None:
    response = client_for(coordinator).post(
        reverse("outreach:hotspot_create"), {**HOTSPOT, "name": hotspot.name}
    )
    assert response.status_code == 200
    assert "name" in response.context["form"].errors
    body = response.content.decode()
    assert 'value="South district"' in body
    assert "Two of us at a time." in body
    assert Hotspot.objects.count() == 1


def test_a_coordinator_changes_a_hotspot(
    client_for: Any, coordinator: User, hotspot: Hotspot
) -> None:
    url = reverse("outreach:hotspot_edit", args=[hotspot.pk])
    response = client_for(coordinator).post(url, {**HOTSPOT, "name": hotspot.name, "is_active": ""})
    assert response.status_code == 302
    hotspot.refresh_from_db()
    assert (hotspot.area, hotspot.is_active) == ("South district", False)


def test_editing_a_missing_hotspot_is_a_404(client_for: Any, coordinator: User) -> None:
    response = client_for(coordinator).get(reverse("outreach:hotspot_edit", args=[999]))
    assert response.status_code == 404


def test_one_size_estimate_per_hotspot_per_day(
    client_for: Any, coordinator: User, hotspot: Hotspot
) -> None:
    client = client_for(coordinator)
    url = reverse("outreach:size_estimate_create", args=[hotspot.pk])
    data = {"number": "45", "estimated_on": "2025-03-01", "source": "Mapping by peers"}
    assert client.post(url, data)["Location"] == reverse(
        "outreach:hotspot_detail", args=[hotspot.pk]
    )
    again = client.post(url, {**data, "number": "50", "source": "Second count"})
    assert again.status_code == 200
    assert again.context["form"].errors["estimated_on"] == [
        "This hotspot already has an estimate on this date. Choose another date."
    ]
    assert 'value="Second count"' in again.content.decode()
    assert SizeEstimate.objects.get(hotspot=hotspot).number == 45


def test_the_same_day_at_another_hotspot_is_fine(
    client_for: Any, coordinator: User, hotspot: Hotspot, other_hotspot: Hotspot
) -> None:
    SizeEstimate.objects.create(
        hotspot=other_hotspot, number=9, estimated_on=date(2025, 3, 1), source="Count"
    )
    url = reverse("outreach:size_estimate_create", args=[hotspot.pk])
    data = {"number": "45", "estimated_on": "2025-03-01", "source": "Mapping by peers"}
    assert client_for(coordinator).post(url, data).status_code == 302
    assert SizeEstimate.objects.count() == 2


def test_an_estimate_cannot_be_dated_in_the_future(
    client_for: Any, coordinator: User, hotspot: Hotspot
) -> None:
    tomorrow = timezone.localdate() + timedelta(days=1)
    response = client_for(coordinator).post(
        reverse("outreach:size_estimate_create", args=[hotspot.pk]),
        {"number": "45", "estimated_on": f"{tomorrow:%Y-%m-%d}", "source": "Guess"},
    )
    assert "estimated_on" in response.context["form"].errors
    assert not SizeEstimate.objects.exists()


def test_a_coordinator_assigns_a_worker_who_then_sees_the_hotspot(
    client_for: Any, coordinator: User, noted_hotspot: Hotspot
) -> None:
    newcomer = make_user("worker.new", is_outreach_worker=True)
    assert (
        client_for(newcomer)
        .get(reverse("outreach:hotspot_detail", args=[noted_hotspot.pk]))
        .status_code
        == 404
    )
    response = client_for(coordinator).post(
        reverse("outreach:assignment_create", args=[noted_hotspot.pk]),
        {"worker": newcomer.pk, "starts_on": f"{timezone.localdate():%Y-%m-%d}", "ends_on": ""},
    )
    assert response.status_code == 302
    detail = client_for(newcomer).get(reverse("outreach:hotspot_detail", args=[noted_hotspot.pk]))
    assert NOTES in detail.content.decode()


def test_only_active_outreach_workers_can_be_assigned(
    client_for: Any, coordinator: User, hotspot: Hotspot, member: User
) -> None:
    make_user("worker.gone", is_outreach_worker=True, is_active=False)
    worker = make_user("worker.ok", is_outreach_worker=True)
    response = client_for(coordinator).get(reverse("outreach:assignment_create", args=[hotspot.pk]))
    choices = list(response.context["form"].fields["worker"].queryset)
    assert choices == [worker]


def test_an_end_before_the_start_is_explained_beside_the_field(
    client_for: Any, coordinator: User, hotspot: Hotspot
) -> None:
    worker = make_user("worker.ok", is_outreach_worker=True)
    response = client_for(coordinator).post(
        reverse("outreach:assignment_create", args=[hotspot.pk]),
        {"worker": worker.pk, "starts_on": "2025-05-10", "ends_on": "2025-05-01"},
    )
    form = response.context["form"]
    assert form.errors == {"ends_on": ["The end date must be on or after the start date."]}
    assert 'value="2025-05-10"' in response.content.decode()
    assert not Assignment.objects.filter(worker=worker).exists()


def test_a_worker_is_not_assigned_twice_to_the_same_days(
    client_for: Any, coordinator: User, outreach_worker: User, hotspot: Hotspot
) -> None:
    response = client_for(coordinator).post(
        reverse("outreach:assignment_create", args=[hotspot.pk]),
        {"worker": outreach_worker.pk, "starts_on": "2030-01-01", "ends_on": ""},
    )
    assert "worker" in response.context["form"].errors
    assert Assignment.objects.filter(worker=outreach_worker).count() == 1


def test_ending_an_assignment_ends_it_today_and_a_second_tap_changes_nothing(
    client_for: Any, coordinator: User, outreach_worker: User
) -> None:
    assignment = Assignment.objects.get(worker=outreach_worker)
    Assignment.objects.filter(pk=assignment.pk).update(
        starts_on=timezone.localdate() - timedelta(days=30)
    )
    client = client_for(coordinator)
    url = reverse("outreach:assignment_end", args=[assignment.pk])
    assert client.post(url)["Location"] == reverse(
        "outreach:hotspot_detail", args=[assignment.hotspot_id]
    )
    assert client.post(url).status_code == 302
    assert Assignment.objects.get(pk=assignment.pk).ends_on == timezone.localdate()


def test_ending_a_planned_assignment_cancels_it(
    client_for: Any, coordinator: User, hotspot: Hotspot
) -> None:
    worker = make_user("worker.later", is_outreach_worker=True)
    planned = Assignment.objects.create(
        worker=worker, hotspot=hotspot, starts_on=timezone.localdate() + timedelta(days=7)
    )
    client_for(coordinator).post(reverse("outreach:assignment_end", args=[planned.pk]))
    assert not Assignment.objects.filter(pk=planned.pk).exists()


def test_ending_is_a_post_only_and_a_missing_assignment_is_a_404(
    client_for: Any, coordinator: User, outreach_worker: User
) -> None:
    client = client_for(coordinator)
    assignment = Assignment.objects.get(worker=outreach_worker)
    assert client.get(reverse("outreach:assignment_end", args=[assignment.pk])).status_code == 405
    assert client.post(reverse("outreach:assignment_end", args=[999])).status_code == 404


# --- The estimate in force on a date ---------------------------------------------------------


@pytest.fixture
def estimated(hotspot: Hotspot, other_hotspot: Hotspot) -> dict[date, SizeEstimate]:
    """Estimates of `hotspot` on the last day of January and February and the first of March;
    `other_hotspot` only mid-February."""
    made = {
        day: SizeEstimate.objects.create(hotspot=hotspot, number=n, estimated_on=day, source="s")
        for day, n in [(date(2026, 1, 31), 30), (date(2026, 2, 28), 35), (date(2026, 3, 1), 40)]
    }
    SizeEstimate.objects.create(
        hotspot=other_hotspot, number=12, estimated_on=date(2026, 2, 14), source="s"
    )
    return made


@pytest.mark.parametrize(
    ("month_end", "expected"),
    [
        (date(2026, 1, 30), None),  # the day before the first estimate
        (date(2026, 1, 31), date(2026, 1, 31)),  # made on the day itself
        (date(2026, 2, 27), date(2026, 1, 31)),
        (date(2026, 2, 28), date(2026, 2, 28)),  # end of February: February's estimate
        (date(2026, 3, 1), date(2026, 3, 1)),
        (date(2026, 12, 31), date(2026, 3, 1)),
    ],
)
def test_the_estimate_in_force_is_the_latest_made_on_or_before_the_date(
    estimated: dict[date, SizeEstimate],
    hotspot: Hotspot,
    other_hotspot: Hotspot,
    month_end: date,
    expected: date | None,
    django_assert_num_queries: Any,
) -> None:
    found = estimate_for(hotspot, month_end)
    assert (found and found.estimated_on) == expected
    # The bulk version answers the same for every hotspot, in one query.
    with django_assert_num_queries(1):
        bulk = estimates_for(Hotspot.objects.all(), month_end)
    assert (bulk[hotspot.pk].estimated_on if hotspot.pk in bulk else None) == expected
    other = bulk.get(other_hotspot.pk)
    assert (other and other.number) == (12 if month_end >= date(2026, 2, 14) else None)


def test_the_bulk_estimates_accept_a_list_of_hotspots(
    estimated: dict[date, SizeEstimate], hotspot: Hotspot, other_hotspot: Hotspot
) -> None:
    bulk = estimates_for([hotspot], date(2026, 2, 28))
    assert list(bulk) == [hotspot.pk]
    assert estimates_for([], date(2026, 2, 28)) == {}


# --- Active people and caseloads -------------------------------------------------------------


def test_active_means_a_contact_in_the_last_days_and_status_active(
    hotspot: Hotspot, outreach_worker: User
) -> None:
    today = timezone.localdate()
    cases = {
        "edge": (ACTIVE_DAYS - 1, "active"),  # the oldest day still inside the window
        "old": (ACTIVE_DAYS, "active"),
        "today": (0, "active"),
        "left": (1, "left"),
    }
    people = {}
    for n, (name, (days_ago, status)) in enumerate(cases.items()):
        people[name] = make_person(hotspot, f"ACTV{n:04d}", nickname=name, status=status)
        make_contact(people[name], outreach_worker, contacted_on=today - timedelta(days=days_ago))
    make_person(hotspot, "NEVER001", nickname="never")
    assert set(active_people(today).values_list("nickname", flat=True)) == {"edge", "today"}
    # Seen from yesterday the window moves back a day: "old" is inside, today's not yet made.
    yesterday = today - timedelta(days=1)
    assert set(active_people(yesterday).values_list("nickname", flat=True)) == {"edge", "old"}


@pytest.mark.parametrize(
    ("offset_from", "offset", "band"),
    [(0, -1, BELOW), (0, 0, WITHIN), (1, 0, WITHIN), (1, 1, ABOVE)],
)
def test_the_caseload_band_follows_the_feasible_range(
    offset_from: int, offset: int, band: str
) -> None:
    assert caseload_band(CASELOAD_RANGE[offset_from] + offset) == band


def test_a_caseload_counts_the_active_people_of_the_workers_current_hotspots(
    hotspot: Hotspot, other_hotspot: Hotspot, outreach_worker: User, other_worker: User
) -> None:
    today = timezone.localdate()
    make_contact(make_person(hotspot, "CASE0001", nickname="a"), outreach_worker)
    make_contact(make_person(hotspot, "CASE0002", nickname="b"), outreach_worker)
    old = make_person(hotspot, "CASE0003", nickname="old")
    make_contact(old, outreach_worker, contacted_on=today - timedelta(days=ACTIVE_DAYS + 5))
    make_contact(make_person(other_hotspot, "CASE0004", nickname="c"), other_worker)
    retired = make_user("worker.retired", is_outreach_worker=True, is_active=False)
    Assignment.objects.create(worker=retired, hotspot=hotspot)
    rows = {row.worker.username: row for row in caseloads(today)}
    assert set(rows) == {"worker.test", "worker.other"}
    assert (rows["worker.test"].active_people, rows["worker.test"].band) == (2, BELOW)
    assert [h.name for h in rows["worker.test"].hotspots] == [hotspot.name]
    assert rows["worker.other"].active_people == 1


def test_the_caseload_page_shows_each_worker_against_the_norm(
    client_for: Any, coordinator: User, outreach_worker: User, person: Person
) -> None:
    make_contact(person, outreach_worker)
    body = client_for(coordinator).get(reverse("outreach:caseload")).content.decode()
    low, high = CASELOAD_RANGE
    assert "worker.test" in body
    assert f"1 active person: below the range of {low} to {high}" in body


# --- Constant queries ------------------------------------------------------------------------


def build(n: int, *, start: int) -> None:
    """n more hotspots, each with a worker, an estimate and an active person."""
    for i in range(start, start + n):
        hotspot = Hotspot.objects.create(name=f"Spot {i}", area="Area", typology="street")
        worker = make_user(f"worker.{i}", is_outreach_worker=True)
        Assignment.objects.create(worker=worker, hotspot=hotspot)
        SizeEstimate.objects.create(
            hotspot=hotspot, number=10 + i, estimated_on=date(2025, 1, 1), source="s"
        )
        make_contact(make_person(hotspot, f"LOAD{i:04d}", nickname=f"p{i}"), worker)


# session, user, (coordinators only: their authenticators, for two-factor), the hotspots with
# their active people counted in a subquery, the latest estimate of each.
@pytest.mark.parametrize(("persona", "queries"), [("coordinator", 6), ("outreach_worker", 5)])
def test_the_list_costs_the_same_queries_however_many_hotspots(
    request: Any, client_for: Any, persona: str, queries: int, django_assert_max_num_queries: Any
) -> None:
    user = request.getfixturevalue(persona)
    client = client_for(user)
    for n, start in [(3, 0), (27, 3)]:  # 3 hotspots, then 30
        build(n, start=start)
        if persona == "outreach_worker":
            # The worker serves every hotspot, so each one is on their list too.
            for hotspot in Hotspot.objects.exclude(assignments__worker=user):
                Assignment.objects.create(worker=user, hotspot=hotspot)
        with django_assert_max_num_queries(queries):
            response = client.get(reverse("outreach:hotspot_list"))
        assert response.status_code == 200
        assert len(response.context["hotspots"]) == Hotspot.objects.count()


def test_the_caseload_page_costs_the_same_queries_however_many_workers_and_people(
    client_for: Any, coordinator: User, django_assert_max_num_queries: Any
) -> None:
    client = client_for(coordinator)
    for n, start in [(3, 0), (27, 3)]:  # 3 workers, hotspots and people, then 30
        build(n, start=start)
        # session, user, authenticators, the workers, their current assignments, those
        # hotspots with their active people counted in a subquery.
        with django_assert_max_num_queries(7):  # one more: the inbox bell
            response = client.get(reverse("outreach:caseload"))
        assert len(response.context["caseloads"]) == n + start
