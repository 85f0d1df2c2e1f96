"""Group activities and attendance: who may see and change them, attendance counted once, the
cohesion indicators on the edges of a month, and pages that cost the same queries as they grow.

Reading the list is open to every outreach worker, but each sees only the activities of their
own hotspots, those they facilitate and those open to the whole community (no hotspot): another
hotspot's activity does not exist for them (404 on every page of it, as for a missing one)."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

import pytest
from django.db import IntegrityError, transaction
from django.db.models import F
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from common.periods import Period
from members.models import AccessLog, Hotspot, Person, User
from outreach import services
from outreach.indicators_groups import activities_held, people_attending_at_least_one
from outreach.models import Attendance, GroupActivity
from tests.conftest import make_person
from tests.page_form import untouched

pytestmark = pytest.mark.django_db

# The parts of the `person` fixture's code "MAFA0195", as someone might say them.
SUNNY_PARTS = {
    "code_mother": "ma",
    "code_father": "fa",
    "code_birth_order": "1",
    "code_birth_year": "95",
}


def make_activity(hotspot: Hotspot | None, facilitator: User, **fields: Any) -> GroupActivity:
    fields.setdefault("kind", GroupActivity.Kind.SUPPORT_GROUP)
    fields.setdefault("title", "Monday support group")
    return GroupActivity.objects.create(hotspot=hotspot, facilitator=facilitator, **fields)


@pytest.fixture
def activity(hotspot: Hotspot, coordinator: User) -> GroupActivity:
    """At the outreach worker's hotspot, facilitated by the coordinator: the worker's rights come
    from the hotspot alone."""
    return make_activity(hotspot, coordinator, title="Rights training")


def attendance_post(person: Person) -> dict[str, Any]:
    return {"person": person.pk}


# --- Access matrix ---------------------------------------------------------------------------

ACTIVITY_PAGES = ["outreach:activity_detail", "outreach:activity_edit"]
ATTENDANCE_ACTIONS = ["outreach:attendance_add", "outreach:attendance_remove"]


@pytest.mark.parametrize("page", ["outreach:activity_list", "outreach:activity_create"])
@pytest.mark.parametrize(
    ("persona", "status"),
    [("member", 403), ("outreach_worker", 200), ("other_worker", 200), ("coordinator", 200)],
)
def test_the_list_and_the_new_activity_form_are_for_staff(
    request: Any, client_for: Any, page: str, persona: str, status: int
) -> None:
    user = request.getfixturevalue(persona)
    assert client_for(user).get(reverse(page)).status_code == status


@pytest.mark.parametrize("page", ACTIVITY_PAGES)
@pytest.mark.parametrize(
    ("persona", "status"),
    [("member", 403), ("outreach_worker", 200), ("other_worker", 404), ("coordinator", 200)],
)
def test_an_activity_is_seen_by_its_hotspots_workers_and_coordinators(
    request: Any,
    client_for: Any,
    activity: GroupActivity,
    page: str,
    persona: str,
    status: int,
) -> None:
    user = request.getfixturevalue(persona)
    assert client_for(user).get(reverse(page, args=[activity.pk])).status_code == status


@pytest.mark.parametrize("action", ATTENDANCE_ACTIONS)
@pytest.mark.parametrize(
    ("persona", "status"),
    [("member", 403), ("outreach_worker", 302), ("other_worker", 404), ("coordinator", 302)],
)
def test_attendance_is_changed_by_its_hotspots_workers_and_coordinators(
    request: Any,
    client_for: Any,
    activity: GroupActivity,
    person: Person,
    action: str,
    persona: str,
    status: int,
) -> None:
    user = request.getfixturevalue(persona)
    url = reverse(action, args=[activity.pk])
    assert client_for(user).post(url, attendance_post(person)).status_code == status


@pytest.mark.parametrize(
    "page",
    [
        "outreach:activity_list",
        "outreach:activity_create",
        *ACTIVITY_PAGES,
    ],
)
def test_anonymous_visitors_are_sent_to_log_in(
    client: Client, activity: GroupActivity, page: str
) -> None:
    args = [activity.pk] if page in ACTIVITY_PAGES else []
    response = client.get(reverse(page, args=args))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize("action", ATTENDANCE_ACTIONS)
def test_anonymous_posts_are_sent_to_log_in_and_change_nothing(
    client: Client, activity: GroupActivity, person: Person, action: str
) -> None:
    response = client.post(reverse(action, args=[activity.pk]), attendance_post(person))
    assert response["Location"].startswith(reverse("account_login"))
    assert not Attendance.objects.exists()


@pytest.mark.parametrize("page", ACTIVITY_PAGES)
def test_an_outsider_cannot_tell_an_existing_activity_from_a_missing_one(
    client_for: Any, other_worker: User, activity: GroupActivity, page: str
) -> None:
    client = client_for(other_worker)
    existing = client.get(reverse(page, args=[activity.pk]))
    missing = client.get(reverse(page, args=[activity.pk + 1000]))
    assert existing.status_code == missing.status_code == 404
    assert existing.content == missing.content


def test_an_outsider_adding_attendance_gets_the_same_404_as_for_a_missing_activity(
    client_for: Any, other_worker: User, activity: GroupActivity, person: Person
) -> None:
    client = client_for(other_worker)
    existing = client.post(
        reverse("outreach:attendance_add", args=[activity.pk]), attendance_post(person)
    )
    missing = client.post(
        reverse("outreach:attendance_add", args=[activity.pk + 1000]), attendance_post(person)
    )
    assert existing.status_code == missing.status_code == 404
    assert existing.content == missing.content
    assert not Attendance.objects.exists()


def test_attendance_pages_answer_only_posts(
    client_for: Any, outreach_worker: User, activity: GroupActivity
) -> None:
    client = client_for(outreach_worker)
    for action in ATTENDANCE_ACTIONS:
        assert client.get(reverse(action, args=[activity.pk])).status_code == 405


def test_the_list_shows_a_worker_only_their_hotspots_and_the_whole_community(
    client_for: Any,
    other_worker: User,
    coordinator: User,
    activity: GroupActivity,
    other_hotspot: Hotspot,
) -> None:
    make_activity(other_hotspot, coordinator, title="Lounge meeting")
    make_activity(None, coordinator, title="General assembly")
    body = client_for(other_worker).get(reverse("outreach:activity_list")).content.decode()
    assert "Lounge meeting" in body
    assert "General assembly" in body
    assert "Rights training" not in body
    everything = client_for(coordinator).get(reverse("outreach:activity_list")).content.decode()
    assert "Rights training" in everything


def test_a_worker_sees_a_whole_community_activity_but_may_not_change_it(
    client_for: Any, other_worker: User, coordinator: User
) -> None:
    assembly = make_activity(None, coordinator, title="General assembly")
    client = client_for(other_worker)
    assert client.get(reverse("outreach:activity_detail", args=[assembly.pk])).status_code == 200
    assert client.get(reverse("outreach:activity_edit", args=[assembly.pk])).status_code == 403
    page = client.get(reverse("outreach:activity_detail", args=[assembly.pk]))
    assert reverse("outreach:activity_edit", args=[assembly.pk]) not in page.content.decode()


def test_a_facilitator_keeps_their_activity_at_another_hotspot(
    client_for: Any, other_worker: User, hotspot: Hotspot
) -> None:
    visit = make_activity(hotspot, other_worker, title="Visiting training")
    client = client_for(other_worker)
    assert client.get(reverse("outreach:activity_detail", args=[visit.pk])).status_code == 200
    response = client.post(
        reverse("outreach:activity_edit", args=[visit.pk]),
        {
            "kind": "training",
            "title": "Visiting training, part 2",
            "held_on": visit.held_on.isoformat(),
            "hotspot": hotspot.pk,
            "facilitator": other_worker.pk,
            "other_attendees": 0,
        },
    )
    assert response.status_code == 302
    visit.refresh_from_db()
    assert visit.title == "Visiting training, part 2"


def test_an_untouched_save_keeps_a_hotspot_and_facilitator_the_user_could_not_choose(
    client_for: Any,
    outreach_worker: User,
    other_worker: User,
    hotspot: Hotspot,
    other_hotspot: Hotspot,
) -> None:
    """Only the title changes; neither select may fall back to its first option: not the
    hotspot of an activity the worker facilitates elsewhere, nor a facilitator who has left."""
    Hotspot.objects.create(name="Another corner", area="North", typology="street")
    elsewhere = make_activity(other_hotspot, outreach_worker, title="Visiting training")
    left = make_activity(hotspot, other_worker, title="Rights training")
    User.objects.filter(pk=other_worker.pk).update(is_active=False)
    client = client_for(outreach_worker)
    for activity in (elsewhere, left):
        url = reverse("outreach:activity_edit", args=[activity.pk])
        data = untouched(client.get(url).content.decode(), having="title")
        assert client.post(url, {**data, "title": "Part 2"}).status_code == 302
        before = (activity.hotspot, activity.facilitator)
        activity.refresh_from_db()
        assert (activity.title, activity.hotspot, activity.facilitator) == ("Part 2", *before)


# --- Create and edit -------------------------------------------------------------------------


def activity_data(hotspot: Hotspot | None, facilitator: User, **extra: Any) -> dict[str, Any]:
    return {
        "kind": "support_group",
        "title": "Thursday support group",
        "held_on": "2026-03-05",
        "hotspot": hotspot.pk if hotspot else "",
        "facilitator": facilitator.pk,
        "other_attendees": "3",
        **extra,
    }


def test_a_worker_creates_an_activity_they_facilitate_at_their_hotspot(
    client_for: Any, outreach_worker: User, hotspot: Hotspot
) -> None:
    client = client_for(outreach_worker)
    form = client.get(reverse("outreach:activity_create")).context["form"]
    assert form["facilitator"].value() == outreach_worker.pk
    assert form["hotspot"].value() == hotspot.pk  # their only hotspot, chosen already

    response = client.post(
        reverse("outreach:activity_create"), activity_data(hotspot, outreach_worker)
    )
    created = GroupActivity.objects.get()
    assert response["Location"] == reverse("outreach:activity_detail", args=[created.pk])
    assert (created.facilitator, created.hotspot, created.other_attendees) == (
        outreach_worker,
        hotspot,
        3,
    )
    assert created.held_on == date(2026, 3, 5)


def test_a_worker_cannot_place_an_activity_at_another_hotspot_or_nowhere(
    client_for: Any, outreach_worker: User, other_hotspot: Hotspot
) -> None:
    client = client_for(outreach_worker)
    for hotspot in (other_hotspot, None):
        response = client.post(
            reverse("outreach:activity_create"), activity_data(hotspot, outreach_worker)
        )
        assert response.status_code == 200
        assert "hotspot" in response.context["form"].errors
        assert 'value="Thursday support group"' in response.content.decode()  # kept
    assert not GroupActivity.objects.exists()


def test_a_coordinator_may_open_an_activity_to_the_whole_community(
    client_for: Any, coordinator: User
) -> None:
    response = client_for(coordinator).post(
        reverse("outreach:activity_create"), activity_data(None, coordinator)
    )
    assert response.status_code == 302
    assert GroupActivity.objects.get().hotspot is None


def test_mistakes_are_shown_beside_their_field_and_the_typing_is_kept(
    client_for: Any, outreach_worker: User, hotspot: Hotspot
) -> None:
    response = client_for(outreach_worker).post(
        reverse("outreach:activity_create"),
        activity_data(hotspot, outreach_worker, held_on="", other_attendees="-2"),
    )
    form = response.context["form"]
    assert set(form.errors) == {"held_on", "other_attendees"}
    body = response.content.decode()
    assert 'id="error_1_id_held_on"' in body
    assert 'value="Thursday support group"' in body


def test_a_worker_of_the_hotspot_changes_an_activity_someone_else_facilitates(
    client_for: Any, outreach_worker: User, coordinator: User, activity: GroupActivity
) -> None:
    response = client_for(outreach_worker).post(
        reverse("outreach:activity_edit", args=[activity.pk]),
        activity_data(activity.hotspot, coordinator, title="Rights training (moved)"),
    )
    assert response.status_code == 302
    activity.refresh_from_db()
    assert (activity.title, activity.facilitator) == ("Rights training (moved)", coordinator)


# --- Attendance ------------------------------------------------------------------------------


def test_a_person_attends_once_however_many_taps(
    client_for: Any, outreach_worker: User, activity: GroupActivity, person: Person
) -> None:
    client = client_for(outreach_worker)
    url = reverse("outreach:attendance_add", args=[activity.pk])
    client.post(url, attendance_post(person))
    again = client.post(url, attendance_post(person), follow=True)
    assert "Sunny was already on the list." in again.content.decode()
    assert Attendance.objects.filter(activity=activity, person=person).count() == 1
    # One change, one line in the person's access log.
    log = AccessLog.objects.filter(person=person, actor=outreach_worker)
    assert [(e.action, e.detail) for e in log] == [("change", "group activity attendance")]


def test_the_database_refuses_a_second_attendance_row(
    activity: GroupActivity, person: Person
) -> None:
    Attendance.objects.create(activity=activity, person=person)
    with pytest.raises(IntegrityError), transaction.atomic():
        Attendance.objects.create(activity=activity, person=person)


def test_the_service_is_idempotent(
    outreach_worker: User, activity: GroupActivity, person: Person
) -> None:
    assert services.attendance_add(actor=outreach_worker, activity=activity, person=person)
    assert not services.attendance_add(actor=outreach_worker, activity=activity, person=person)
    assert services.attendance_remove(actor=outreach_worker, activity=activity, person=person)
    assert not services.attendance_remove(actor=outreach_worker, activity=activity, person=person)
    assert not Attendance.objects.exists()


def test_the_page_counts_registered_attendees_and_others(
    client_for: Any, outreach_worker: User, activity: GroupActivity, person: Person
) -> None:
    activity.other_attendees = 4
    activity.save()
    Attendance.objects.create(activity=activity, person=person)
    response = client_for(outreach_worker).get(
        reverse("outreach:activity_detail", args=[activity.pk])
    )
    assert response.context["attending"] == 5
    assert "5 attending" in response.content.decode()
    listed = client_for(outreach_worker).get(reverse("outreach:activity_list"))
    assert "5 attending" in listed.content.decode()


def test_a_worker_adds_someone_by_the_parts_of_their_code(
    client_for: Any, outreach_worker: User, activity: GroupActivity, person: Person
) -> None:
    response = client_for(outreach_worker).post(
        reverse("outreach:attendance_add", args=[activity.pk]), SUNNY_PARTS
    )
    assert response.status_code == 302
    assert list(activity.attendees.all()) == [person]


def test_a_code_of_someone_out_of_sight_is_as_unknown_as_a_new_code(
    client_for: Any, other_worker: User, coordinator: User, person: Person
) -> None:
    assembly = make_activity(None, coordinator, title="General assembly")
    url = reverse("outreach:attendance_add", args=[assembly.pk])
    client = client_for(other_worker)
    out_of_sight = client.post(url, SUNNY_PARTS)
    unknown = client.post(url, {**SUNNY_PARTS, "code_mother": "zz"})
    for response in (out_of_sight, unknown):
        assert response.status_code == 200
        assert "No one you may see has this code." in response.content.decode()
    assert 'value="fa"' in out_of_sight.content.decode()  # what was typed stays
    assert not Attendance.objects.exists()


def test_a_worker_cannot_add_someone_they_do_not_follow(
    client_for: Any, other_worker: User, coordinator: User, person: Person
) -> None:
    assembly = make_activity(None, coordinator, title="General assembly")
    response = client_for(other_worker).post(
        reverse("outreach:attendance_add", args=[assembly.pk]), attendance_post(person)
    )
    assert response.status_code == 404
    assert not Attendance.objects.exists()


def test_the_short_list_offers_the_hotspots_people_and_finds_others_by_nickname(
    client_for: Any,
    outreach_worker: User,
    activity: GroupActivity,
    person: Person,
    hotspot: Hotspot,
) -> None:
    came = make_person(hotspot, "CAME0101", nickname="Comet")
    Attendance.objects.create(activity=activity, person=came)
    make_person(hotspot, "ERAS0101", nickname="", erased_at=timezone.now())
    client = client_for(outreach_worker)
    url = reverse("outreach:activity_detail", args=[activity.pk])

    offered = client.get(url).context["picks"]
    assert offered == [person]  # not Comet (already on the list), not the erased record
    assert client.post(url, {"q": "UNN"}).context["picks"] == [person]
    assert client.post(url, {"q": "nobody"}).context["picks"] == []


def test_the_nickname_searched_stays_out_of_the_address(
    client_for: Any, outreach_worker: User, activity: GroupActivity, person: Person
) -> None:
    """A GET form would keep /outreach/activities/2/?q=Sunny in the history and the logs."""
    client = client_for(outreach_worker)
    url = reverse("outreach:activity_detail", args=[activity.pk])
    page = client.get(url).content.decode()
    form = re.search(r'<form method="(\w+)" action="([^"]*)"[^>]*role="search"', page)
    assert form is not None and form.groups() == ("post", url)
    # An old bookmark with the search in it is ignored.
    assert client.get(url, {"q": "nobody"}).context["picks"] == [person]


def test_the_attendee_list_names_only_people_the_reader_may_see(
    client_for: Any,
    outreach_worker: User,
    coordinator: User,
    person: Person,
    other_hotspot: Hotspot,
) -> None:
    assembly = make_activity(None, coordinator, title="General assembly")
    elsewhere = make_person(other_hotspot, "ELSE0101", nickname="Elsewhere")
    Attendance.objects.create(activity=assembly, person=person)
    Attendance.objects.create(activity=assembly, person=elsewhere)
    url = reverse("outreach:activity_detail", args=[assembly.pk])

    worker_page = client_for(outreach_worker).get(url)
    body = worker_page.content.decode()
    assert "Sunny" in body
    assert "Elsewhere" not in body
    assert "and 1 other registered person you do not follow" in body
    assert worker_page.context["attending"] == 2

    coordinator_page = client_for(coordinator).get(url)
    assert coordinator_page.context["named"] == [elsewhere, person]
    assert coordinator_page.context["unnamed"] == 0


def test_removing_someone_takes_them_off_and_logs_it(
    client_for: Any, outreach_worker: User, activity: GroupActivity, person: Person
) -> None:
    Attendance.objects.create(activity=activity, person=person)
    response = client_for(outreach_worker).post(
        reverse("outreach:attendance_remove", args=[activity.pk]), attendance_post(person)
    )
    assert response.status_code == 302
    assert not Attendance.objects.exists()
    assert AccessLog.objects.filter(person=person, action="change").count() == 1


def test_a_person_id_that_is_not_a_number_is_not_found(
    client_for: Any, outreach_worker: User, activity: GroupActivity
) -> None:
    response = client_for(outreach_worker).post(
        reverse("outreach:attendance_remove", args=[activity.pk]), {"person": "1 OR 1=1"}
    )
    assert response.status_code == 404


# --- Indicators ------------------------------------------------------------------------------

FEBRUARY = Period.month(2026, 2)


def test_activities_held_counts_the_first_and_last_day_of_the_month_by_kind(
    coordinator: User,
) -> None:
    for day, kind in [
        (date(2026, 1, 31), "meeting"),
        (date(2026, 2, 1), "meeting"),
        (date(2026, 2, 14), "training"),
        (date(2026, 2, 28), "meeting"),
        (date(2026, 3, 1), "support_group"),
    ]:
        make_activity(None, coordinator, held_on=day, kind=kind)
    # The query the dashboard runs; the function itself touches no database.
    rows = list(GroupActivity.objects.only("kind", "held_on"))
    assert activities_held(rows, FEBRUARY) == {"meeting": 2, "training": 1}
    assert activities_held(rows, Period.month(2026, 3)) == {"support_group": 1}
    assert activities_held(rows, Period.month(2025, 12)) == {}


def test_a_leap_day_belongs_to_its_february() -> None:
    class Row:
        def __init__(self, kind: str, held_on: date) -> None:
            self.kind, self.held_on = kind, held_on

    rows = [Row("meeting", date(2028, 2, 29)), Row("meeting", date(2028, 3, 1))]
    assert activities_held(rows, Period.month(2028, 2)) == {"meeting": 1}


def test_people_attending_at_least_one_counts_each_person_once_within_the_month(
    coordinator: User, hotspot: Hotspot
) -> None:
    sunny, comet, star, late = (
        make_person(hotspot, f"ATTN010{n}", nickname=name)
        for n, name in enumerate(["Sunny", "Comet", "Star", "Late"])
    )
    first = make_activity(hotspot, coordinator, held_on=date(2026, 2, 1))
    last = make_activity(hotspot, coordinator, held_on=date(2026, 2, 28))
    before = make_activity(hotspot, coordinator, held_on=date(2026, 1, 31))
    after = make_activity(hotspot, coordinator, held_on=date(2026, 3, 1))
    for activity, people in [
        (first, [sunny, comet]),
        (last, [sunny, star]),  # Sunny came twice: counted once
        (before, [late]),
        (after, [late]),
    ]:
        for someone in people:
            Attendance.objects.create(activity=activity, person=someone)
    rows = list(Attendance.objects.annotate(held_on=F("activity__held_on")).only("person"))
    assert people_attending_at_least_one(rows, FEBRUARY) == 3
    assert people_attending_at_least_one(rows, Period.month(2026, 1)) == 1
    assert people_attending_at_least_one([], FEBRUARY) == 0


# --- Queries as the data grows ---------------------------------------------------------------


def test_the_list_costs_the_same_queries_however_many_activities(
    client_for: Any,
    coordinator: User,
    hotspot: Hotspot,
    person: Person,
    django_assert_max_num_queries: Any,
) -> None:
    client = client_for(coordinator)
    client.get(reverse("outreach:activity_list"))
    today = timezone.localdate()
    for n in range(50):
        activity = make_activity(hotspot, coordinator, held_on=today + timedelta(days=n - 25))
        Attendance.objects.create(activity=activity, person=person)
    # session, user, authenticator (two-factor), then for each of "coming up" and "past": the
    # count and one page of activities with their hotspots and attendance counts.
    with django_assert_max_num_queries(8):  # one more: the inbox bell
        response = client.get(reverse("outreach:activity_list"))
    assert response.status_code == 200
    assert len(response.context["past"]) == 20


def test_the_activity_page_costs_the_same_queries_however_many_attend(
    client_for: Any,
    outreach_worker: User,
    activity: GroupActivity,
    hotspot: Hotspot,
    other_hotspot: Hotspot,
    django_assert_max_num_queries: Any,
) -> None:
    client = client_for(outreach_worker)
    url = reverse("outreach:activity_detail", args=[activity.pk])
    client.get(url)
    for n in range(30):
        someone = make_person(hotspot if n % 2 else other_hotspot, f"MANY{n:04d}", nickname=f"P{n}")
        if n % 3:
            Attendance.objects.create(activity=activity, person=someone)
    # session, user, the activity with hotspot and facilitator, the named attendees, the count,
    # the people offered, and "may change" (the worker's hotspots).
    with django_assert_max_num_queries(8):  # one more: the inbox bell
        response = client.get(url)
    assert response.context["unnamed"] > 0
