"""Staff posts and the staffing figures: coordinators only, mistakes explained beside the field,
and a figures page that costs the same queries however many posts there are."""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from members.models import Employment, User
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


def make_post(user: User, **fields: Any) -> Employment:
    values: dict[str, Any] = {
        "role": Employment.Role.OUTREACH_WORKER,
        "is_community_member": True,
        "is_paid": True,
        "monthly_pay": Decimal("1000"),
        "started_on": date(2025, 1, 1),
    }
    return Employment.objects.create(user=user, **(values | fields))


@pytest.fixture
def post(outreach_worker: User) -> Employment:
    return make_post(outreach_worker, hours_per_week=20)


def url_of(name: str, post: Employment) -> str:
    return reverse(name, args=[post.pk]) if name == "members:employment_edit" else reverse(name)


PAGES = [
    "members:employment_list",
    "members:employment_create",
    "members:employment_edit",
    "members:staffing",
]


# --- Access ----------------------------------------------------------------------------------


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize(
    ("persona", "status"),
    [("member", 403), ("outreach_worker", 403), ("other_worker", 403), ("coordinator", 200)],
)
def test_only_coordinators_see_staff_pages(
    request: Any, client_for: Any, post: Employment, page: str, persona: str, status: int
) -> None:
    user = request.getfixturevalue(persona)
    assert client_for(user).get(url_of(page, post)).status_code == status


@pytest.mark.parametrize("page", PAGES)
def test_anonymous_visitors_are_sent_to_log_in(client: Client, post: Employment, page: str) -> None:
    response = client.get(url_of(page, post))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize("persona", ["member", "outreach_worker", "other_worker"])
def test_nobody_else_can_add_or_change_a_post(
    request: Any, client_for: Any, post: Employment, persona: str
) -> None:
    client = client_for(request.getfixturevalue(persona))
    data = {"user": post.user_id, "role": "supervisor", "is_paid": "on", "monthly_pay": "9"}
    assert client.post(reverse("members:employment_create"), data).status_code == 403
    edit = client.post(reverse("members:employment_edit", args=[post.pk]), data)
    assert edit.status_code == 403
    post.refresh_from_db()
    assert post.role == Employment.Role.OUTREACH_WORKER
    assert Employment.objects.count() == 1


def test_a_missing_post_is_not_found(client_for: Any, coordinator: User) -> None:
    response = client_for(coordinator).get(reverse("members:employment_edit", args=[999]))
    assert response.status_code == 404


# --- List and forms --------------------------------------------------------------------------


def test_the_list_shows_current_and_past_posts(
    client_for: Any, coordinator: User, post: Employment, other_worker: User
) -> None:
    make_post(other_worker, is_paid=False, monthly_pay=None, ended_on=date(2025, 6, 30))
    page = client_for(coordinator).get(reverse("members:employment_list")).content.decode()
    current, past = page.split("Past posts")
    assert "worker.test" in current and "1,000.00 a month" in current
    assert "20 hours a week" in current
    assert "worker.other" in past and "Volunteer" in past
    assert "From 1 January 2025 to 30 June 2025" in past
    assert reverse("members:employment_edit", args=[post.pk]) in page


def test_a_coordinator_adds_a_post(
    client_for: Any, coordinator: User, outreach_worker: User
) -> None:
    response = client_for(coordinator).post(
        reverse("members:employment_create"),
        {
            "user": outreach_worker.pk,
            "role": "supervisor",
            "is_community_member": "on",
            "is_paid": "on",
            "monthly_pay": "1250.50",
            "hours_per_week": "30",
            "started_on": "2026-02-01",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("members:employment_list")
    saved = Employment.objects.get()
    assert (saved.user, saved.role, saved.monthly_pay) == (
        outreach_worker,
        Employment.Role.SUPERVISOR,
        Decimal("1250.50"),
    )
    assert saved.is_community_member and saved.ended_on is None


def test_a_volunteer_with_pay_is_explained_beside_the_pay_and_keeps_what_was_typed(
    client_for: Any, coordinator: User, outreach_worker: User
) -> None:
    response = client_for(coordinator).post(
        reverse("members:employment_create"),
        {
            "user": outreach_worker.pk,
            "role": "outreach_worker",
            "monthly_pay": "750",
            "hours_per_week": "12",
            "started_on": "2026-02-01",
        },
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert list(form.errors) == ["monthly_pay"]
    page = response.content.decode()
    assert 'value="750"' in page and 'value="12"' in page and 'value="2026-02-01"' in page
    assert "Volunteers have no pay" in page
    assert 'id="error_1_id_monthly_pay"' in page  # rendered beside the field by crispy
    assert not Employment.objects.exists()


def test_an_end_before_the_start_is_explained_beside_the_end_date(
    client_for: Any, coordinator: User, post: Employment
) -> None:
    response = client_for(coordinator).post(
        reverse("members:employment_edit", args=[post.pk]),
        {
            "user": post.user_id,
            "role": "outreach_worker",
            "is_community_member": "on",
            "is_paid": "on",
            "monthly_pay": "1100",
            "started_on": "2025-01-01",
            "ended_on": "2024-12-31",
        },
    )
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["ended_on"]
    page = response.content.decode()
    assert 'value="2024-12-31"' in page and 'value="1100"' in page
    assert 'id="error_1_id_ended_on"' in page
    assert "The end date must be on or after the start date." in page
    post.refresh_from_db()
    assert post.ended_on is None and post.monthly_pay == Decimal("1000")


def test_a_paid_post_needs_its_pay(client_for: Any, coordinator: User, post: Employment) -> None:
    response = client_for(coordinator).post(
        reverse("members:employment_edit", args=[post.pk]),
        {
            "user": post.user_id,
            "role": "outreach_worker",
            "is_paid": "on",
            "started_on": "2025-01-01",
        },
    )
    assert list(response.context["form"].errors) == ["monthly_pay"]


def test_a_coordinator_ends_a_post_and_a_volunteers_zero_pay_is_stored_as_none(
    client_for: Any, coordinator: User, post: Employment
) -> None:
    response = client_for(coordinator).post(
        reverse("members:employment_edit", args=[post.pk]),
        {
            "user": post.user_id,
            "role": "outreach_worker",
            "is_community_member": "on",
            "monthly_pay": "0",
            "started_on": "2025-01-01",
            "ended_on": "2026-01-31",
        },
    )
    assert response.status_code == 302
    post.refresh_from_db()
    assert (post.is_paid, post.monthly_pay, post.ended_on) == (False, None, date(2026, 1, 31))


def test_a_post_edited_in_french_keeps_its_dates(
    client_for: Any, coordinator: User, post: Employment, settings: Any
) -> None:
    Employment.objects.filter(pk=post.pk).update(ended_on=date(2025, 6, 30))
    client = client_for(coordinator)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    page = client.get(reverse("members:employment_edit", args=[post.pk])).content.decode()
    # The date picker reads ISO dates only: 01/01/2025 would show as empty and be lost.
    assert re.search(r'<input type="date" name="started_on" value="2025-01-01"', page)
    assert re.search(r'<input type="date" name="ended_on" value="2025-06-30"', page)


def test_only_active_logins_are_offered_but_a_suspended_holder_stays_editable(
    client_for: Any, coordinator: User, post: Employment
) -> None:
    gone = make_user("worker.gone", is_outreach_worker=True)
    gone.is_active = False
    gone.save()
    client = client_for(coordinator)
    add = client.get(reverse("members:employment_create")).context["form"]
    assert gone not in add.fields["user"].queryset
    gone_post = make_post(gone)
    edit = client.get(reverse("members:employment_edit", args=[gone_post.pk])).context["form"]
    assert gone in edit.fields["user"].queryset


# --- Staffing figures ------------------------------------------------------------------------


def test_the_figures_page_shows_numbers_with_what_they_count(
    client_for: Any, coordinator: User, post: Employment, other_worker: User
) -> None:
    make_post(other_worker, is_community_member=False, is_paid=False, monthly_pay=None)
    response = client_for(coordinator).get(reverse("members:staffing"), {"month": "2026-03"})
    page = response.content.decode()
    assert "March 2026" in page
    assert "50%" in page and "1 of 2 posts" in page
    assert "1 of 2 posts paid" in page
    assert "Too few to show" in page  # one paid person in the role
    assert "1,000" not in page
    assert "held by community members" in page  # the definition beside the figure


def test_a_bad_month_says_so_and_shows_this_month(client_for: Any, coordinator: User) -> None:
    response = client_for(coordinator).get(reverse("members:staffing"), {"month": "2026-13"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "is not a month like 2026-03" in page
    assert response.context["figures"].month == timezone.localdate().replace(day=1)


def test_pay_averages_show_only_for_large_enough_groups(
    client_for: Any, coordinator: User, settings: Any
) -> None:
    settings.SMALL_CELL_MIN = 2
    for n in range(2):
        make_post(make_user(f"peer.{n}"), monthly_pay=Decimal("1000"))
        make_post(make_user(f"clinic.{n}"), is_community_member=False, monthly_pay=Decimal("1400"))
    page = client_for(coordinator).get(reverse("members:staffing"), {"month": "2026-03"})
    text = page.content.decode()
    assert "Community members: 1,000.00 on average (2 people)" in text
    assert "Other staff: 1,400.00 on average (2 people)" in text


def query_count(client: Client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("members:staffing")).status_code == 200
    return len(queries)


def test_the_figures_page_costs_the_same_queries_with_3_or_30_posts(
    client_for: Any, coordinator: User
) -> None:
    client = client_for(coordinator)
    client.get(reverse("members:staffing"))  # warm the session
    today = timezone.localdate()

    def add_posts(first: int, last: int) -> None:
        for n in range(first, last):
            make_post(
                make_user(f"staff.{n}"),
                is_community_member=n % 2 == 0,
                started_on=today - timedelta(days=30 * n),
                ended_on=today - timedelta(days=3 * n) if n % 3 == 0 else None,
            )

    add_posts(0, 3)
    with_3 = query_count(client)
    add_posts(3, 30)
    # session, user, authenticator (two-factor check), the posts.
    assert query_count(client) == with_3 == 5  # incl. the inbox bell


def test_the_list_costs_the_same_queries_with_3_or_30_posts(
    client_for: Any, coordinator: User, django_assert_num_queries: Any
) -> None:
    client = client_for(coordinator)
    client.get(reverse("members:employment_list"))  # warm the session
    for n in range(30):
        make_post(make_user(f"staff.{n}"))
    # session, user, authenticator (two-factor check), the posts with their logins.
    with django_assert_num_queries(5):  # one more: the inbox bell
        assert client.get(reverse("members:employment_list")).status_code == 200
