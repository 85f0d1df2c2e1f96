"""Goods given and people reached: each commodity on its own, people counted once, and the edges
of a period (the last day of a month is in it, the first day of the next is not)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from common.periods import Period, months_between
from members.models import Hotspot, Person, User
from outreach.indicators_contacts import (
    COMMODITIES,
    by_hotspot_and_month,
    goods_given,
    in_period,
    people_reached,
)
from outreach.models import Contact
from tests.conftest import make_contact, make_person

pytestmark = pytest.mark.django_db

NOVEMBER = Period.month(2026, 11)


def test_a_month_runs_from_its_first_to_its_last_day() -> None:
    assert Period(date(2026, 11, 1), date(2026, 11, 30)) == NOVEMBER
    assert Period.month(2028, 2).last == date(2028, 2, 29)
    assert Period.month(2026, 12).last == date(2026, 12, 31)
    assert date(2026, 11, 30) in NOVEMBER
    assert date(2026, 12, 1) not in NOVEMBER
    assert date(2026, 10, 31) not in NOVEMBER
    assert date(1990, 1, 1) in Period(None, date(2026, 1, 1))


@pytest.mark.parametrize(
    ("period", "slug"),
    [
        (NOVEMBER, "2026-11"),
        (Period(date(2026, 11, 3), date(2026, 12, 1)), "2026-11-03_2026-12-01"),
        (Period(date(2026, 11, 1), date(2026, 11, 29)), "2026-11-01_2026-11-29"),
        (Period(date(2026, 11, 3), None), "2026-11-03_now"),
        (Period(None, date(2026, 11, 3)), "start_2026-11-03"),
    ],
)
def test_a_period_names_its_file_neutrally(period: Period, slug: str) -> None:
    assert period.slug == slug


def test_months_between_cross_the_new_year() -> None:
    assert months_between(date(2026, 11, 20), date(2027, 2, 1)) == [
        date(2026, 11, 1),
        date(2026, 12, 1),
        date(2027, 1, 1),
        date(2027, 2, 1),
    ]


@pytest.fixture
def edges(person: Person, outreach_worker: User) -> dict[str, Contact]:
    return {
        "before": make_contact(person, outreach_worker, contacted_on=date(2026, 10, 31)),
        "first": make_contact(person, outreach_worker, contacted_on=date(2026, 11, 1)),
        "last": make_contact(person, outreach_worker, contacted_on=date(2026, 11, 30)),
        "after": make_contact(person, outreach_worker, contacted_on=date(2026, 12, 1)),
    }


def test_a_month_holds_its_first_and_last_day_and_nothing_either_side(
    edges: dict[str, Contact],
) -> None:
    inside = set(in_period(Contact.objects.all(), NOVEMBER))
    assert inside == {edges["first"], edges["last"]}
    assert set(in_period(Contact.objects.all(), None)) == set(edges.values())


@pytest.mark.parametrize("commodity", COMMODITIES)
def test_each_commodity_is_summed_on_its_own_within_the_period(
    person: Person, outreach_worker: User, commodity: str
) -> None:
    make_contact(person, outreach_worker, contacted_on=date(2026, 11, 30), **{commodity: 7})
    make_contact(person, outreach_worker, contacted_on=date(2026, 11, 1), **{commodity: 5})
    make_contact(person, outreach_worker, contacted_on=date(2026, 12, 1), **{commodity: 1000})
    make_contact(person, outreach_worker, contacted_on=date(2026, 10, 31), **{commodity: 1000})
    given = goods_given(Contact.objects.all(), NOVEMBER)
    assert given == {name: 12 if name == commodity else 0 for name in COMMODITIES}


def test_male_and_female_condoms_are_never_mixed(person: Person, outreach_worker: User) -> None:
    make_contact(person, outreach_worker, male_condoms=10, female_condoms=3, lubricant=4)
    make_contact(person, outreach_worker, male_condoms=1, self_test_kits=2)
    assert goods_given(Contact.objects.all()) == {
        "male_condoms": 11,
        "female_condoms": 3,
        "lubricant": 4,
        "self_test_kits": 2,
    }


def test_nothing_given_is_zero_not_none() -> None:
    assert goods_given(Contact.objects.all()) == dict.fromkeys(COMMODITIES, 0)
    assert people_reached(Contact.objects.all()) == 0


def test_people_are_counted_once_however_many_contacts(
    person: Person, outreach_worker: User, hotspot: Hotspot, edges: dict[str, Contact]
) -> None:
    someone = make_person(hotspot, "ONCE0101")
    make_contact(someone, outreach_worker, contacted_on=date(2026, 12, 1))
    assert people_reached(Contact.objects.all(), NOVEMBER) == 1
    assert people_reached(Contact.objects.all(), Period.month(2026, 12)) == 2
    assert people_reached(Contact.objects.all(), Period.month(2026, 10)) == 1
    assert people_reached(Contact.objects.all()) == 2


def test_the_figures_by_hotspot_and_month_cost_four_queries(
    person: Person,
    outreach_worker: User,
    other_worker: User,
    other_hotspot: Hotspot,
    hotspot: Hotspot,
    edges: dict[str, Contact],
    django_assert_num_queries: Any,
) -> None:
    elsewhere = make_person(other_hotspot, "ELSE0101")
    make_contact(elsewhere, other_worker, contacted_on=date(2026, 11, 30), female_condoms=4)
    period = Period(date(2026, 10, 1), date(2027, 1, 31))
    # The cells, the hotspot totals, the month totals and the overall total.
    with django_assert_num_queries(4):
        figures = by_hotspot_and_month(Contact.objects.all(), period)
    assert figures.months == [date(2026, m, 1) for m in (10, 11, 12)] + [date(2027, 1, 1)]
    november = date(2026, 11, 1)
    assert figures.cell(hotspot.pk, november)["contacts"] == 2
    assert figures.cell(hotspot.pk, november)["people"] == 1
    assert figures.cell(other_hotspot.pk, november)["female_condoms"] == 4
    assert figures.cell(other_hotspot.pk, date(2027, 1, 1)) == {
        "contacts": 0,
        "people": 0,
        **dict.fromkeys(COMMODITIES, 0),
    }
    assert figures.by_hotspot[hotspot.pk]["contacts"] == 4
    assert figures.by_hotspot[hotspot.pk]["people"] == 1  # the same person in three months
    assert figures.by_month[november]["people"] == 2
    assert figures.overall["contacts"] == 5
    assert figures.overall["people"] == 2
