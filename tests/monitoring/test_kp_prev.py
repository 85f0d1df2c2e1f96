"""KP_PREV's counting rules (monitoring.kp_prev), each on a hand-worked example. The financial
year starts in October: its first half is October to March, its second April to September."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from common.periods import Period
from members.models import Hotspot, User
from monitoring.kp_prev import (
    DECLINED,
    FSW,
    KNOWN_POSITIVE,
    MSM,
    TESTED,
    TESTING,
    TG,
    TYPES,
    half_year,
    kp_prev,
    last_half_years,
)
from outreach.models import Attendance, GroupActivity, Partner, Referral
from tests.conftest import make_contact, make_person

pytestmark = pytest.mark.django_db

H1 = half_year(date(2026, 1, 15))  # October 2025 to March 2026
H2 = half_year(date(2026, 6, 15))  # April to September 2026


@pytest.fixture(autouse=True)
def _october(settings: Any) -> None:
    settings.REPORTING_YEAR_START_MONTH = 10


def test_the_halves_of_a_financial_year() -> None:
    assert half_year(date(2026, 3, 31)) == half_year(date(2025, 10, 1))
    assert not half_year(date(2026, 3, 31)).second
    assert half_year(date(2026, 4, 1)).second
    assert H1.period == Period(date(2025, 10, 1), date(2026, 3, 31))
    assert H2.period == Period(date(2026, 4, 1), date(2026, 9, 30))
    assert H2.first_half == H1.period
    assert last_half_years(date(2026, 12, 7), 2) == [H2, H1]


@pytest.fixture
def year(hotspot: Hotspot, outreach_worker: User) -> None:
    """Seven people over a financial year (see each line)."""
    w = outreach_worker
    ana = make_person(hotspot, "ANAA0190", gender_identity="woman")
    make_contact(ana, w, contacted_on=date(2025, 11, 3))  # H1, twice: counted once
    make_contact(ana, w, contacted_on=date(2026, 2, 9))
    bo = make_person(hotspot, "BOBO0190", gender_identity="man")
    make_contact(bo, w, contacted_on=date(2025, 12, 1), kind="phone")  # by phone: not reached
    cy = make_person(hotspot, "CYCY0190", gender_identity="trans_woman")
    make_contact(cy, w, contacted_on=date(2026, 1, 20), kind="group")  # H1 (group)
    make_contact(cy, w, contacted_on=date(2026, 5, 2))  # H2 again: not counted twice in the year
    di = make_person(hotspot, "DIDI0190", gender_identity="")  # preferred not to say: FSW
    make_contact(di, w, contacted_on=date(2026, 4, 1))  # H2's first day
    ed = make_person(hotspot, "EDED0190", gender_identity="woman")
    meeting = GroupActivity.objects.create(
        kind="support_group", title="Support group", held_on=date(2026, 9, 30), facilitator=w
    )
    Attendance.objects.create(activity=meeting, person=ed)  # H2's last day, a small group
    fa = make_person(hotspot, "FAFA0190", gender_identity="man")
    make_contact(fa, w, contacted_on=date(2026, 7, 7), self_test_kits=1)  # MSM, newly tested
    gi = make_person(hotspot, "GIGI0190", gender_identity="woman")
    contact = make_contact(gi, w, contacted_on=date(2026, 8, 8))
    Referral.objects.create(  # referred to treatment in the first half: known positive
        person=gi,
        contact=contact,
        partner=Partner.objects.create(name="Clinic", kind="health", services=["art"]),
        service="art",
        made_by=w,
        made_on=date(2026, 3, 1),
        due_on=date(2026, 3, 10),
    )
    make_contact(gi, w, contacted_on=date(2026, 10, 1))  # the next financial year: not here


def test_the_first_half_counts_each_person_reached_once(year: None) -> None:
    report = kp_prev(H1)
    assert report.total == 2  # Ana (twice) and Cy; Bo by phone only
    assert report.by_type(FSW) == 1 and report.by_type(TG) == 1 and report.by_type(MSM) == 0
    assert report.cells[(FSW, DECLINED)] == 1 and report.cells[(TG, DECLINED)] == 1


def test_the_second_half_leaves_out_who_the_first_half_counted(year: None) -> None:
    report = kp_prev(H2)
    # Di, Ed, Fa and Gi; Cy was counted in the first half.
    assert report.total == 4
    assert report.cells[(FSW, DECLINED)] == 2  # Di (no identity recorded) and Ed (a group)
    assert report.cells[(FSW, KNOWN_POSITIVE)] == 1  # Gi
    assert report.cells[(MSM, TESTED)] == 1  # Fa, a self-test kit
    assert report.by_type(TG) == 0


def test_disaggregations_add_up_to_the_total(year: None) -> None:
    for half in (H1, H2):
        report = kp_prev(half)
        assert set(report.cells) == {(t, s) for t in TYPES for s in TESTING}
        assert sum(report.by_type(t) for t in TYPES) == report.total
        for kind in TYPES:
            assert sum(report.cells[(kind, s)] for s in TESTING) == report.by_type(kind)


def test_the_two_halves_add_up_to_the_years_people(year: None) -> None:
    assert kp_prev(H1).total + kp_prev(H2).total == 6  # everyone reached but Bo


def test_the_report_takes_the_same_queries_however_many_people(
    year: None, django_assert_max_num_queries: Any
) -> None:
    with django_assert_max_num_queries(8):
        kp_prev(H2)
