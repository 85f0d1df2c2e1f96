"""The partners directory: staff read it, coordinators keep it; referral counts per partner."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from members.models import Person, User
from outreach.models import Partner, Referral
from outreach.views.partners import COUNTED_DAYS, shown_counts

pytestmark = pytest.mark.django_db

PARTNER_DATA = {
    "name": "Harbour legal aid",
    "kind": "legal",
    "services": ["legal_aid", "violence_support"],
    "opening_hours": "Monday to Friday, 9:00 to 17:00",
    "area": "Harbour district",
    "is_active": "on",
}


def refer(person: Person, partner: Partner, worker: User, days_ago: int, attended: bool) -> None:
    made_on = timezone.localdate() - timedelta(days=days_ago)
    Referral.objects.create(
        person=person,
        partner=partner,
        made_by=worker,
        service="hiv_test",
        made_on=made_on,
        due_on=made_on + timedelta(days=7),
        status="attended" if attended else "made",
        attended_on=made_on + timedelta(days=1) if attended else None,
    )


# --- Access matrix ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "status"),
    [("member", 403), ("outreach_worker", 200), ("other_worker", 200), ("coordinator", 200)],
)
def test_the_directory_is_for_staff(
    request: Any, client_for: Any, partner: Partner, persona: str, status: int
) -> None:
    user = request.getfixturevalue(persona)
    assert client_for(user).get(reverse("outreach:partner_list")).status_code == status


@pytest.mark.parametrize("page", ["outreach:partner_create", "outreach:partner_edit"])
@pytest.mark.parametrize(
    ("persona", "status"),
    [("member", 403), ("outreach_worker", 403), ("other_worker", 403), ("coordinator", 200)],
)
def test_only_coordinators_change_the_directory(
    request: Any, client_for: Any, partner: Partner, page: str, persona: str, status: int
) -> None:
    user = request.getfixturevalue(persona)
    args = [partner.pk] if page == "outreach:partner_edit" else []
    assert client_for(user).get(reverse(page, args=args)).status_code == status
    assert client_for(user).post(reverse(page, args=args), PARTNER_DATA).status_code in (
        status,
        302,
    )
    if status == 403:
        assert not Partner.objects.filter(name=PARTNER_DATA["name"]).exists()


@pytest.mark.parametrize(
    "page", ["outreach:partner_list", "outreach:partner_create", "outreach:partner_edit"]
)
def test_anonymous_visitors_are_sent_to_log_in(client: Client, partner: Partner, page: str) -> None:
    args = [partner.pk] if page == "outreach:partner_edit" else []
    response = client.get(reverse(page, args=args))
    assert response["Location"].startswith(reverse("account_login"))


def test_a_missing_partner_is_not_found(client_for: Any, coordinator: User) -> None:
    url = reverse("outreach:partner_edit", args=[1000])
    assert client_for(coordinator).get(url).status_code == 404


def test_the_navigation_links_to_the_directory_for_staff_only(
    client_for: Any, outreach_worker: User, member: User
) -> None:
    url = reverse("outreach:partner_list")
    assert f'href="{url}"' in client_for(outreach_worker).get(reverse("home")).content.decode()
    assert f'href="{url}"' not in client_for(member).get(reverse("home")).content.decode()


# --- Keeping the directory -------------------------------------------------------------------


def test_a_coordinator_adds_a_partner_with_services_ticked(
    client_for: Any, coordinator: User
) -> None:
    client = client_for(coordinator)
    page = client.get(reverse("outreach:partner_create")).content.decode()
    assert re.search(r'type="checkbox"[^>]*name="services"[^>]*value="legal_aid"', page)
    response = client.post(reverse("outreach:partner_create"), PARTNER_DATA)
    assert response["Location"] == reverse("outreach:partner_list")
    partner = Partner.objects.get(name="Harbour legal aid")
    assert partner.services == ["legal_aid", "violence_support"]
    assert partner.area == "Harbour district"


def test_a_coordinator_changes_a_partner_and_the_form_shows_its_services(
    client_for: Any, coordinator: User, partner: Partner
) -> None:
    client = client_for(coordinator)
    url = reverse("outreach:partner_edit", args=[partner.pk])
    form = client.get(url).context["form"]
    assert form["services"].value() == ["hiv_test", "sti_checkup", "prep"]
    client.post(url, {**PARTNER_DATA, "name": partner.name, "services": ["pep"], "is_active": ""})
    partner.refresh_from_db()
    assert partner.services == ["pep"]
    assert not partner.is_active


def test_mistakes_are_shown_beside_the_field_and_typing_is_kept(
    client_for: Any, coordinator: User, partner: Partner
) -> None:
    data = {**PARTNER_DATA, "name": partner.name, "services": ["no_such_service"]}
    response = client_for(coordinator).post(reverse("outreach:partner_create"), data)
    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.errors) == {"name", "services"}
    assert 'value="Harbour district"' in response.content.decode()


# --- The directory ---------------------------------------------------------------------------


def test_the_directory_counts_referrals_of_the_last_year(
    client_for: Any, coordinator: User, partner: Partner, person: Person, outreach_worker: User
) -> None:
    for n in range(3):
        refer(person, partner, outreach_worker, days_ago=10 + n, attended=n == 0)
    refer(person, partner, outreach_worker, days_ago=COUNTED_DAYS + 1, attended=True)
    response = client_for(coordinator).get(reverse("outreach:partner_list"))
    (row,) = response.context["rows"]
    assert (row.made, row.completed) == (3, 1)
    assert row.services == ["HIV test", "STI check-up", "PrEP"]


def test_workers_see_no_small_counts(
    client_for: Any, outreach_worker: User, partner: Partner, person: Person
) -> None:
    for n in range(3):
        refer(person, partner, outreach_worker, days_ago=10 + n, attended=True)
    response = client_for(outreach_worker).get(reverse("outreach:partner_list"))
    (row,) = response.context["rows"]
    assert (row.made, row.completed) == (None, None)
    assert "not shown" in response.content.decode()


@pytest.mark.parametrize(
    ("made", "completed", "shown"),
    [
        (4, 4, (None, None)),  # too few referrals
        (5, 0, (5, None)),  # too few attended
        (9, 5, (9, None)),  # 4 not attended could be worked out
        (10, 5, (10, 5)),
        (10, 10, (10, None)),  # "all of them" is a small cell of zero not attended
    ],
)
def test_small_cells_and_their_complements_are_hidden(
    made: int, completed: int, shown: tuple[int | None, int | None]
) -> None:
    assert shown_counts(made, completed, min_cell=5) == shown


def test_workers_see_active_partners_and_filter_by_service(
    client_for: Any, outreach_worker: User, partner: Partner
) -> None:
    Partner.objects.create(name="Closed clinic", kind="health", is_active=False)
    lawyers = Partner.objects.create(name="Test lawyers", kind="legal", services=["legal_aid"])
    client = client_for(outreach_worker)
    rows = client.get(reverse("outreach:partner_list")).context["rows"]
    assert [r.partner for r in rows] == [partner, lawyers]
    rows = client.get(reverse("outreach:partner_list"), {"service": "legal_aid"}).context["rows"]
    assert [r.partner for r in rows] == [lawyers]
    assert "Add a partner" not in client.get(reverse("outreach:partner_list")).content.decode()


@pytest.mark.parametrize("partners", [3, 30])
def test_the_directory_costs_the_same_queries_however_many_partners(
    client_for: Any,
    coordinator: User,
    person: Person,
    outreach_worker: User,
    django_assert_max_num_queries: Any,
    partners: int,
) -> None:
    for n in range(partners):
        partner = Partner.objects.create(name=f"Partner {n}", kind="health", services=["prep"])
        refer(person, partner, outreach_worker, days_ago=n, attended=bool(n % 2))
    client = client_for(coordinator)
    # session, user, authenticator (two-factor check), and every partner with its two counts.
    with django_assert_max_num_queries(5):  # one more: the inbox bell
        response = client.get(reverse("outreach:partner_list"))
    assert len(response.context["rows"]) == partners
