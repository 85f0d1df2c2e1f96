"""The coordinator's contacts list and its CSV exports: coordinators only, filters, constant
query counts, every commodity summed on its own, small counts hidden, and an access-log line per
person in an export of rows."""

from __future__ import annotations

import csv
import io
from datetime import date
from typing import Any
from uuid import uuid4

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from members.models import AccessLog, Hotspot, Person, User
from outreach.models import Contact
from tests.conftest import make_contact, make_person

pytestmark = pytest.mark.django_db

LIST = reverse("outreach:contact_list")
EXPORT = reverse("outreach:contact_export")
NOVEMBER = {"month": "2026-11"}


def read_csv(response: Any) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(body)))


@pytest.fixture
def november(
    hotspot: Hotspot, other_hotspot: Hotspot, outreach_worker: User, other_worker: User
) -> dict[str, Any]:
    """Six people at the market (one seen twice) and two at the lounge in November 2026, and
    contacts either side of the month that must not count."""
    market = [make_person(hotspot, f"MARKET{n:02d}", nickname=f"Market {n}") for n in range(6)]
    lounge = [
        make_person(other_hotspot, f"LOUNGE{n:02d}", nickname=f"Lounge {n}") for n in range(2)
    ]
    # Different sizes for each commodity: a mix-up of two of them cannot add up by chance.
    goods = {"male_condoms": 3, "female_condoms": 2, "lubricant": 5, "self_test_kits": 1}
    for n, someone in enumerate(market):
        make_contact(someone, outreach_worker, contacted_on=date(2026, 11, 1 + n), **goods)
    make_contact(market[0], outreach_worker, contacted_on=date(2026, 11, 30), **goods)
    for someone in lounge:
        make_contact(
            someone, other_worker, contacted_on=date(2026, 11, 15), kind="phone", male_condoms=10
        )
    make_contact(market[1], outreach_worker, contacted_on=date(2026, 10, 31), male_condoms=99)
    make_contact(market[1], outreach_worker, contacted_on=date(2026, 12, 1), female_condoms=99)
    return {"market": market, "lounge": lounge}


# --- Access matrix ---------------------------------------------------------------------------

PAGES = [LIST, f"{EXPORT}?format=aggregate", f"{EXPORT}?format=rows"]


@pytest.mark.parametrize("url", PAGES)
def test_anonymous_visitors_are_sent_to_log_in(client: Client, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize("url", PAGES)
@pytest.mark.parametrize(
    ("persona", "status"),
    [("member", 403), ("outreach_worker", 403), ("other_worker", 403), ("coordinator", 200)],
)
def test_only_coordinators_see_the_list_and_the_exports(
    request: Any, client_for: Any, person: Person, url: str, persona: str, status: int
) -> None:
    user = request.getfixturevalue(persona)
    assert client_for(user).get(url).status_code == status


def test_refused_exports_write_nothing_to_the_access_log(
    client_for: Any, outreach_worker: User, person: Person
) -> None:
    make_contact(person, outreach_worker)
    client_for(outreach_worker).get(f"{EXPORT}?format=rows")
    assert not AccessLog.objects.filter(action="export").exists()


def test_the_menu_links_to_the_list_for_coordinators_only(
    client_for: Any, coordinator: User, outreach_worker: User
) -> None:
    assert f'href="{LIST}"' in client_for(coordinator).get(reverse("home")).content.decode()
    assert f'href="{LIST}"' not in client_for(outreach_worker).get(reverse("home")).content.decode()


# --- The list --------------------------------------------------------------------------------


def test_the_list_shows_date_person_hotspot_worker_kind_and_goods(
    client_for: Any, coordinator: User, outreach_worker: User, person: Person
) -> None:
    make_contact(
        person, outreach_worker, contacted_on=date(2026, 11, 3), male_condoms=12, lubricant=4
    )
    body = client_for(coordinator).get(LIST, NOVEMBER).content.decode()
    assert "2026-11-03" in body
    assert f'href="{reverse("outreach:person_detail", args=[person.pk])}"' in body
    assert "Sunny" in body
    assert "Test market" in body
    assert "worker.test" in body
    assert "One-to-one" in body
    assert "Male condoms: 12" in body
    assert "Lubricant: 4" in body
    assert "Female condoms" not in body  # only what was given


def test_the_list_shows_no_encrypted_notes(
    client_for: Any, coordinator: User, outreach_worker: User, person: Person
) -> None:
    make_contact(person, outreach_worker, needs_raised="Needs somewhere safe to sleep")
    assert "somewhere safe" not in client_for(coordinator).get(LIST).content.decode()


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"date_from": "2026-01-01"}, 11),
        (NOVEMBER, 9),
        ({"date_from": "2026-11-30", "date_to": "2026-12-01"}, 2),
        ({"date_from": "2026-12-01"}, 1),
        ({"date_to": "2026-10-31"}, 1),
        ({**NOVEMBER, "kind": "phone"}, 2),
    ],
    ids=["since-january", "month", "dates", "from", "to", "kind"],
)
def test_the_list_filters_by_period_and_kind(
    client_for: Any, coordinator: User, november: dict[str, Any], filters: dict, expected: int
) -> None:
    response = client_for(coordinator).get(LIST, filters)
    assert response.context["page"].paginator.count == expected


def test_without_a_period_the_list_opens_on_this_month(
    client_for: Any, coordinator: User, november: dict[str, Any], monkeypatch: Any
) -> None:
    monkeypatch.setattr("outreach.views.reports.timezone.localdate", lambda: date(2026, 11, 20))
    client = client_for(coordinator)
    for params in ({}, {"page": "1"}, {"kind": ""}):
        response = client.get(LIST, params)
        assert response.context["page"].paginator.count == 9, params
        assert response.context["form"]["month"].value() == "2026-11"
    assert client.get(LIST, {"kind": "phone"}).context["page"].paginator.count == 2


def test_the_list_filters_by_hotspot_and_worker(
    client_for: Any,
    coordinator: User,
    november: dict[str, Any],
    other_hotspot: Hotspot,
    other_worker: User,
) -> None:
    client = client_for(coordinator)
    by_hotspot = client.get(LIST, {"hotspot": other_hotspot.pk, **NOVEMBER})
    assert {c.hotspot_id for c in by_hotspot.context["page"]} == {other_hotspot.pk}
    assert by_hotspot.context["page"].paginator.count == 2
    body = by_hotspot.content.decode()
    assert "Lounge 0" in body
    assert "Market 0" not in body
    by_worker = client.get(LIST, {"worker": other_worker.pk, **NOVEMBER})
    assert by_worker.context["page"].paginator.count == 2


def test_a_month_with_dates_is_explained_beside_the_field_and_kept(
    client_for: Any, coordinator: User, november: dict[str, Any]
) -> None:
    response = client_for(coordinator).get(
        LIST, {**NOVEMBER, "date_from": "2026-11-02", "date_to": "2026-11-01"}
    )
    form = response.context["form"]
    assert form.errors["month"] == ["Choose a month or dates, not both."]
    assert form.errors["date_to"] == ["The end comes before the start."]
    body = response.content.decode()
    assert 'value="2026-11"' in body
    assert 'value="2026-11-02"' in body
    assert "Download these contacts" not in body  # no export of a selection that is not valid
    assert response.context["page"].paginator.count == 0


def test_an_unknown_hotspot_is_a_field_error_not_a_crash(
    client_for: Any, coordinator: User
) -> None:
    response = client_for(coordinator).get(LIST, {"hotspot": 999999})
    assert response.status_code == 200
    assert "hotspot" in response.context["form"].errors


def test_the_list_pages_by_fifty_and_keeps_the_filters(
    client_for: Any, coordinator: User, outreach_worker: User, person: Person, hotspot: Hotspot
) -> None:
    Contact.objects.bulk_create(
        Contact(person=person, worker=outreach_worker, hotspot=hotspot, idempotency_key=uuid4())
        for _ in range(51)
    )
    response = client_for(coordinator).get(LIST, {"hotspot": hotspot.pk})
    assert len(response.context["page"]) == 50
    assert f"?hotspot={hotspot.pk}&amp;page=2" in response.content.decode()
    second = client_for(coordinator).get(LIST, {"hotspot": hotspot.pk, "page": 2})
    assert len(second.context["page"]) == 1


THIS_MONTH = timezone.localdate().strftime("%Y-%m")


@pytest.mark.parametrize("filters", [{}, {"month": THIS_MONTH, "kind": "one_to_one"}])
def test_the_list_costs_the_same_queries_however_many_contacts(
    client_for: Any,
    coordinator: User,
    outreach_worker: User,
    hotspot: Hotspot,
    django_assert_max_num_queries: Any,
    filters: dict,
) -> None:
    client = client_for(coordinator)
    people = [make_person(hotspot, f"MANY{n:04d}", nickname=f"P{n}") for n in range(10)]
    filters = {**filters, "hotspot": hotspot.pk, "worker": outreach_worker.pk}
    client.get(LIST, filters)
    for total in (5, 500):
        Contact.objects.bulk_create(
            Contact(
                person=people[n % 10],
                worker=outreach_worker,
                hotspot=hotspot,
                contacted_on=timezone.localdate().replace(day=1 + n % 28),
                idempotency_key=uuid4(),
            )
            for n in range(total - Contact.objects.count())
        )
        # Session, user, authenticator (two-factor check), the chosen hotspot and worker
        # (validation), the count, one page of contacts with people, hotspots and workers,
        # and the hotspots and workers of the filter's menus.
        with django_assert_max_num_queries(10):  # one more: the inbox bell
            response = client.get(LIST, filters)
        assert response.context["page"].paginator.count == total


# --- Aggregate export ------------------------------------------------------------------------


def test_the_aggregate_export_is_a_neutral_attachment_never_cached(
    client_for: Any, coordinator: User, november: dict[str, Any]
) -> None:
    response = client_for(coordinator).get(EXPORT, {**NOVEMBER, "format": "aggregate"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="export-2026-11.csv"'
    assert response["Cache-Control"] == "no-store"


def test_the_aggregate_export_sums_each_commodity_on_its_own(
    client_for: Any, coordinator: User, november: dict[str, Any]
) -> None:
    lines = read_csv(client_for(coordinator).get(EXPORT, {**NOVEMBER, "format": "aggregate"}))
    header = lines[0]
    assert header == [
        "Hotspot",
        "Month",
        "Contacts",
        "People reached",
        "Male condoms",
        "Female condoms",
        "Lubricant",
        "HIV self-test kits",
    ]
    rows = {
        (line[0], line[1]): dict(zip(header, line, strict=True))
        for line in lines[1:]
        if len(line) == 8
    }
    assert len(rows) == 6  # two hotspots and all, by the month and in all
    market = rows[("Test market", "2026-11")]
    # Seven contacts at the market, each 3 male, 2 female, 5 lubricant, 1 kit; the contacts of
    # 31 October and 1 December are outside the month.
    assert market["Male condoms"] == "21"
    assert market["Female condoms"] == "14"
    assert market["Lubricant"] == "35"
    assert market["HIV self-test kits"] == "7"
    lounge = rows[("Test lounge", "2026-11")]
    assert lounge["Male condoms"] == "20"
    assert lounge["Female condoms"] == lounge["Lubricant"] == lounge["HIV self-test kits"] == "0"
    everywhere = rows[("All hotspots", "All months")]
    assert everywhere["Male condoms"] == "41"
    assert everywhere["Female condoms"] == "14"
    assert everywhere["Lubricant"] == "35"
    assert everywhere["HIV self-test kits"] == "7"
    assert everywhere["Contacts"] == "9"
    assert everywhere["People reached"] == "8"


def test_the_aggregate_export_hides_small_counts_and_their_complements(
    client_for: Any, coordinator: User, november: dict[str, Any]
) -> None:
    lines = read_csv(client_for(coordinator).get(EXPORT, {**NOVEMBER, "format": "aggregate"}))
    counts = {(line[0], line[1]): line[2:4] for line in lines[1:] if len(line) == 8}
    # Two people at the lounge: hidden. The market's six, alone beside them in the month's
    # column, would give them away as 8 - 6: hidden too, with its total.
    assert counts[("Test lounge", "2026-11")] == ["<5", "<5"]
    assert counts[("Test lounge", "All months")] == ["<5", "<5"]
    assert counts[("Test market", "2026-11")] == ["", ""]
    assert counts[("Test market", "All months")] == ["", ""]
    assert counts[("All hotspots", "2026-11")] == ["9", "8"]
    notes = [line[0] for line in lines if len(line) == 1]
    assert notes[0].startswith("<5: fewer than 5")
    assert notes[1].startswith("Empty: hidden as well")


def test_the_aggregate_export_shows_every_month_of_the_period(
    client_for: Any, coordinator: User, november: dict[str, Any]
) -> None:
    lines = read_csv(
        client_for(coordinator).get(
            EXPORT, {"date_from": "2026-10-01", "date_to": "2026-12-31", "format": "aggregate"}
        )
    )
    market = [line[1] for line in lines if line and line[0] == "Test market"]
    assert market == ["2026-10", "2026-11", "2026-12", "All months"]
    response = client_for(coordinator).get(
        EXPORT, {"date_from": "2026-10-01", "date_to": "2026-12-31", "format": "aggregate"}
    )
    assert "export-2026-10-01_2026-12-31.csv" in response["Content-Disposition"]


def test_the_aggregate_export_writes_nothing_to_the_access_log(
    client_for: Any, coordinator: User, november: dict[str, Any]
) -> None:
    read_csv(client_for(coordinator).get(EXPORT, {"format": "aggregate"}))
    assert not AccessLog.objects.exists()


def test_a_name_that_looks_like_a_formula_is_kept_as_text(
    client_for: Any, coordinator: User, outreach_worker: User, hotspot: Hotspot
) -> None:
    hotspot.name = "=HYPERLINK(1)"
    hotspot.save()
    make_contact(make_person(hotspot, "FORM0101"), outreach_worker)
    lines = read_csv(client_for(coordinator).get(EXPORT, {"format": "rows"}))
    assert lines[1][3] == "'=HYPERLINK(1)"


# --- Rows export -----------------------------------------------------------------------------


def test_the_rows_export_has_one_line_per_contact_and_nothing_encrypted(
    client_for: Any, coordinator: User, november: dict[str, Any]
) -> None:
    market = november["market"]
    first = Contact.objects.filter(person=market[0]).order_by("contacted_on").first()
    first.needs_raised = "Needs somewhere safe to sleep"
    first.save()
    response = client_for(coordinator).get(EXPORT, {**NOVEMBER, "format": "rows"})
    assert response["Content-Disposition"] == 'attachment; filename="export-2026-11-rows.csv"'
    assert response["Cache-Control"] == "no-store"
    lines = read_csv(response)
    assert lines[0] == [
        "Contact number",
        "Date",
        "Person number",
        "Hotspot",
        "Outreach worker",
        "Kind",
        "Male condoms",
        "Female condoms",
        "Lubricant",
        "HIV self-test kits",
    ]
    assert len(lines) == 1 + 9
    assert lines[1] == [str(first.pk), "2026-11-01", str(market[0].pk), "Test market",
                        "worker.test", "One-to-one", "3", "2", "5", "1"]  # fmt: skip
    body = "\n".join(",".join(line) for line in lines)
    assert "somewhere safe" not in body
    assert "Market 0" not in body  # people are numbers, not nicknames


def test_the_rows_export_logs_each_person_once(
    client_for: Any, coordinator: User, november: dict[str, Any]
) -> None:
    read_csv(client_for(coordinator).get(EXPORT, {**NOVEMBER, "format": "rows"}))
    logged = AccessLog.objects.filter(action="export")
    people = november["market"] + november["lounge"]
    assert sorted(logged.values_list("person_id", flat=True)) == sorted(p.pk for p in people)
    assert {entry.actor_id for entry in logged} == {coordinator.pk}
    assert {entry.detail for entry in logged} == {"contact rows, 2026-11"}


def test_the_rows_export_logs_only_the_people_in_the_file(
    client_for: Any, coordinator: User, november: dict[str, Any], other_hotspot: Hotspot
) -> None:
    read_csv(client_for(coordinator).get(EXPORT, {"hotspot": other_hotspot.pk, "format": "rows"}))
    logged = set(AccessLog.objects.values_list("person_id", flat=True))
    assert logged == {p.pk for p in november["lounge"]}


def test_the_rows_export_logs_more_people_than_one_batch(
    client_for: Any, coordinator: User, outreach_worker: User, hotspot: Hotspot
) -> None:
    people = Person.objects.bulk_create(
        Person(uic_hash=f"{n:064d}", hotspot=hotspot) for n in range(2100)
    )
    Contact.objects.bulk_create(
        Contact(person=p, worker=outreach_worker, hotspot=hotspot, idempotency_key=uuid4())
        for p in people
    )
    lines = read_csv(client_for(coordinator).get(EXPORT, {"format": "rows"}))
    assert len(lines) == 1 + 2100
    assert AccessLog.objects.filter(action="export").count() == 2100


@pytest.mark.parametrize(
    "query",
    [{"format": "pdf"}, {}, {**NOVEMBER, "date_to": "2026-11-02", "format": "rows"}],
    ids=["unknown format", "no format", "month and dates"],
)
def test_a_broken_export_link_shows_the_list_and_logs_nothing(
    client_for: Any, coordinator: User, november: dict[str, Any], query: dict
) -> None:
    response = client_for(coordinator).get(EXPORT, query)
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    assert not AccessLog.objects.exists()


def test_an_export_cannot_be_posted(client_for: Any, coordinator: User) -> None:
    assert client_for(coordinator).post(EXPORT, {"format": "rows"}).status_code == 405
