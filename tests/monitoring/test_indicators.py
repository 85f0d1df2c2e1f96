"""Each indicator on a small data set counted by hand (the expected numbers are worked out in
the comments), its period boundaries, people counted once, the reporting year's start, and the
export's small-cell suppression."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from common.periods import Period, last_months
from members.models import Employment, Hotspot, Person, User
from monitoring import indicators, indicators_trends
from monitoring.indicators import COUNT, SHARE, Figure, Filters, Group
from monitoring.models import Complaint, Feedback, Place, Rating
from monitoring.selectors_dashboard import (
    Cell,
    indicator_lines,
    line_chart,
    people_table,
    period_for,
)
from outreach import rules as outreach_rules
from outreach.indicators_groups import activities_held, people_attending_at_least_one
from outreach.models import Attendance, GroupActivity, Partner, Referral, SizeEstimate
from programmes.models import Need, RollEntry, Round
from tests.common.test_suppression import differencing
from tests.conftest import make_contact, make_person, make_user

NOVEMBER = Period.month(2026, 11)
EVERYONE = Filters()


@pytest.fixture
def people(hotspot: Hotspot) -> list[Person]:
    return [make_person(hotspot, f"PEOP{i:04d}", age_band="25-34") for i in range(4)]


# --- Coverage ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_coverage_counts_people_once_within_the_month_against_the_estimate(
    hotspot: Hotspot, other_hotspot: Hotspot, outreach_worker: User, people: list[Person]
) -> None:
    SizeEstimate.objects.create(hotspot=hotspot, number=10, estimated_on=date(2026, 1, 1))
    # A newer estimate after the month's end is not the one valid on its last day.
    SizeEstimate.objects.create(hotspot=hotspot, number=99, estimated_on=date(2026, 12, 1))
    SizeEstimate.objects.create(hotspot=other_hotspot, number=30, estimated_on=date(2026, 6, 1))
    a, b, c, d = people
    make_contact(a, outreach_worker, contacted_on=date(2026, 11, 1))  # first day: in
    make_contact(a, outreach_worker, contacted_on=date(2026, 11, 15))  # same person: once
    make_contact(b, outreach_worker, contacted_on=date(2026, 11, 30))  # last day: in
    make_contact(c, outreach_worker, contacted_on=date(2026, 10, 31))  # day before: out
    make_contact(d, outreach_worker, contacted_on=date(2026, 12, 1))  # day after: out
    make_contact(c, outreach_worker, contacted_on=date(2026, 11, 3), kind="phone")  # not 1:1
    figure = indicators.coverage(NOVEMBER, EVERYONE)
    # 2 people (a, b) / (10 + 30) estimated = 0.05
    assert (figure.numerator, figure.denominator, figure.value) == (2, 40, 0.05)
    groups = {g.label: (g.numerator, g.denominator) for g in figure.groups}
    assert groups == {"Test market": (2, 10), "Test lounge": (0, 30)}
    # Both hotspots are under the alert (0.2 and 0.0 of their estimates).
    assert [g.label for g in indicators.hotspots_below_alert(figure)] == [
        "Test lounge",
        "Test market",
    ]
    market = indicators.coverage(NOVEMBER, Filters(hotspot_ids=(other_hotspot.pk,)))
    assert (market.numerator, market.denominator) == (0, 30)


@pytest.mark.django_db
def test_hotspots_with_no_contact_in_30_days(
    hotspot: Hotspot, other_hotspot: Hotspot, outreach_worker: User, people: list[Person]
) -> None:
    # The market's last contact is on 31 October: 30 days before 30 November, so not seen in
    # the 30 days up to the month's end; the lounge never had one. 2 of 2.
    make_contact(people[0], outreach_worker, contacted_on=date(2026, 10, 31))
    figure = indicators.hotspots_not_reached(NOVEMBER, EVERYONE)
    assert (figure.numerator, figure.denominator) == (2, 2)
    make_contact(people[1], outreach_worker, contacted_on=date(2026, 11, 1))
    figure = indicators.hotspots_not_reached(NOVEMBER, EVERYONE)
    assert [g.label for g in figure.groups] == ["Test lounge"]


# --- Reach and active --------------------------------------------------------------------------


@pytest.mark.django_db
def test_reach_starts_on_the_reporting_year_and_counts_people_once(
    settings: Any, outreach_worker: User, people: list[Person]
) -> None:
    settings.REPORTING_YEAR_START_MONTH = 10
    a, b, c, _d = people
    make_contact(a, outreach_worker, contacted_on=date(2026, 9, 30))  # last year
    make_contact(b, outreach_worker, contacted_on=date(2026, 10, 1))  # first day of the year
    make_contact(b, outreach_worker, contacted_on=date(2026, 11, 2))  # again: once
    make_contact(c, outreach_worker, contacted_on=date(2026, 11, 30))
    # b and c: 2. a was reached only in the year before.
    assert indicators.reach(NOVEMBER, EVERYONE).numerator == 2
    # With the year starting in January, a's September contact is in the year too: 3.
    settings.REPORTING_YEAR_START_MONTH = 1
    assert indicators.reach(NOVEMBER, EVERYONE).numerator == 3


@pytest.mark.django_db
def test_the_reach_trend_adds_up_people_at_their_first_contact_of_the_year(
    settings: Any, outreach_worker: User, people: list[Person]
) -> None:
    settings.REPORTING_YEAR_START_MONTH = 10
    a, b, c, _d = people
    make_contact(a, outreach_worker, contacted_on=date(2026, 9, 15))  # year 2025-26, September
    make_contact(a, outreach_worker, contacted_on=date(2026, 10, 2))  # year 2026-27, October
    make_contact(b, outreach_worker, contacted_on=date(2026, 10, 20))  # October
    make_contact(b, outreach_worker, contacted_on=date(2026, 11, 3))  # not new in November
    make_contact(c, outreach_worker, contacted_on=date(2026, 11, 4))  # new in November
    months = last_months(date(2026, 11, 30))
    trend = {p.month: p.numerator for p in indicators_trends.reach_trend(months, EVERYONE)}
    assert len(trend) == 12
    # September: a (year to date 1); October starts again: a, b = 2; November: + c = 3.
    assert trend[date(2026, 9, 1)] == 1
    assert trend[date(2026, 10, 1)] == 2
    assert trend[date(2026, 11, 1)] == 3


@pytest.mark.django_db
def test_active_means_a_contact_in_the_90_days_up_to_the_end(
    outreach_worker: User, people: list[Person]
) -> None:
    a, b, c, _d = people
    # Counting 30 November as the first day, 2 September is the 90th and 1 September the 91st.
    make_contact(a, outreach_worker, contacted_on=date(2026, 9, 2))
    make_contact(b, outreach_worker, contacted_on=date(2026, 9, 1))  # not active
    make_contact(c, outreach_worker, contacted_on=date(2026, 11, 30))
    Person.objects.filter(pk=c.pk).update(status=Person.Status.LEFT)  # left: not active
    assert indicators.active(NOVEMBER, EVERYONE).numerator == 1


# --- Condom adequacy ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_condom_adequacy_over_contacts_with_a_known_need(
    outreach_worker: User, people: list[Person]
) -> None:
    a, b, c, _d = people
    day = date(2026, 11, 10)
    # a: need max(20, 3 x 4) = 20, given 15 + 5 = 20 (met). b: need max(0, 10 x 4) = 40, given
    # 10 (not met). c: need unknown, given 50: left out of both sides.
    make_contact(
        a,
        outreach_worker,
        contacted_on=day,
        male_condoms=15,
        female_condoms=5,
        stated_monthly_need=20,
        weekly_acts=3,
    )
    make_contact(b, outreach_worker, contacted_on=day, male_condoms=10, weekly_acts=10)
    make_contact(c, outreach_worker, contacted_on=day, male_condoms=50)
    adequacy = indicators.condom_adequacy(NOVEMBER, EVERYONE)
    # (20 + 10) / (20 + 40) = 0.5
    assert (adequacy.numerator, adequacy.denominator, adequacy.value) == (30, 60, 0.5)
    need = indicators.people_given_their_need(NOVEMBER, EVERYONE)
    assert (need.numerator, need.denominator) == (1, 2)


@pytest.mark.django_db
def test_the_condom_need_in_sql_is_the_one_rule_of_outreach(
    outreach_worker: User, people: list[Person], monkeypatch: pytest.MonkeyPatch
) -> None:
    # A copy of "x 4" in the SQL would stay at 4 when the rule says 5.
    monkeypatch.setattr(outreach_rules, "WEEKS_PER_MONTH", 5)
    day = date(2026, 11, 10)
    needs = [(20, 3), (None, 10), (12, None), (0, 0)]
    for person, (stated, weekly) in zip(people, needs, strict=True):
        make_contact(
            person,
            outreach_worker,
            contacted_on=day,
            stated_monthly_need=stated,
            weekly_acts=weekly,
        )
    adequacy = indicators.condom_adequacy(NOVEMBER, EVERYONE)
    assert adequacy.denominator == sum(outreach_rules.monthly_need(*n) or 0 for n in needs) == 82


# --- Quality -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_feedback_good_and_would_recommend(partner: Partner) -> None:
    day = date(2026, 11, 30)
    Feedback.objects.create(
        place=Place.OUTREACH,
        respect=Rating.GOOD,
        waiting_time=Rating.BAD,
        would_recommend=True,
        given_on=day,
    )
    Feedback.objects.create(
        place=Place.PARTNER,
        partner=partner,
        respect=Rating.GOOD,
        confidentiality=Rating.GOOD,
        would_recommend=False,
        given_on=day,
    )
    Feedback.objects.create(place=Place.OUTREACH, respect=Rating.BAD, given_on=date(2026, 12, 1))
    good = indicators.feedback_good(NOVEMBER, EVERYONE)
    # Answers in November: respect good, waiting bad; respect good, privacy good: 3 of 4.
    assert (good.numerator, good.denominator) == (3, 4)
    groups = {g.label: (g.numerator, g.denominator) for g in good.groups}
    assert groups["Respect"] == (2, 2)
    assert groups["Test clinic"] == (2, 2)
    assert groups["Outreach workers"] == (1, 2)
    recommend = indicators.would_recommend(NOVEMBER, EVERYONE)
    assert (recommend.numerator, recommend.denominator) == (1, 2)


@pytest.mark.django_db
def test_referral_completion_and_complaints(
    partner: Partner, outreach_worker: User, people: list[Person]
) -> None:
    a, b, c, _d = people
    for person, made, attended in (
        (a, date(2026, 11, 1), date(2026, 11, 8)),  # day 7: within 7, 14 and 28
        (b, date(2026, 11, 1), date(2026, 11, 20)),  # day 19: within 28 only
        (c, date(2026, 11, 25), None),  # 5 days before the end: no window over yet
    ):
        Referral.objects.create(
            person=person,
            partner=partner,
            service="hiv_test",
            made_by=outreach_worker,
            made_on=made,
            due_on=made,
            attended_on=attended,
        )
    figure = indicators.referral_completion(NOVEMBER, EVERYONE)
    windows = {g.label: (g.numerator, g.denominator) for g in figure.groups}
    assert windows == {"Within 7 days": (1, 2), "Within 14 days": (1, 2), "Within 28 days": (2, 2)}
    # The 28-day window counts referrals made by 2 November: a and b, both attended.
    assert (figure.numerator, figure.denominator) == (2, 2)
    Complaint.objects.create(
        place=Place.OUTREACH,
        description="x",
        raised_on=date(2026, 11, 1),
        status=Complaint.Status.CLOSED,
        closed_on=date(2026, 11, 9),
    )
    Complaint.objects.create(place=Place.OUTREACH, description="y", raised_on=date(2026, 11, 30))
    Complaint.objects.create(place=Place.OUTREACH, description="z", raised_on=date(2026, 10, 31))
    assert indicators.complaints(NOVEMBER, EVERYONE).numerator == 1
    assert indicators.complaints(NOVEMBER, EVERYONE).denominator == 2


# --- Engagement, cohesion, acceptance ----------------------------------------------------------


@pytest.mark.django_db
def test_turnout_of_the_last_counted_round_and_needs(coordinator: User, member: User) -> None:
    when = datetime(2026, 11, 10, 12, tzinfo=UTC)
    counted = Round.objects.create(
        title="Priorities",
        question="?",
        opens_at=when - timedelta(7),
        closes_at=when,
        status=Round.Status.COUNTED,
        created_by=coordinator,
    )
    voters = [make_user(f"voter{i}", is_member=True) for i in range(3)]
    for i, voter in enumerate(voters):
        RollEntry.objects.create(round=counted, member=voter, has_voted=i < 2)
    # 2 of 3 on the roll voted.
    turnout = indicators.turnout(NOVEMBER, EVERYONE)
    assert (turnout.numerator, turnout.denominator) == (2, 3)
    Need.objects.create(
        title="Lockers",
        category="other",
        author=member,
        created_at=datetime(2026, 11, 30, 23, tzinfo=UTC),
    )
    Need.objects.create(
        title="Late",
        category="other",
        author=member,
        created_at=datetime(2026, 12, 1, 12, tzinfo=UTC),
    )
    assert indicators.needs_submitted(NOVEMBER, EVERYONE).numerator == 1


@pytest.mark.django_db
def test_cohesion_counts_agree_with_the_group_indicators(
    outreach_worker: User, hotspot: Hotspot, people: list[Person]
) -> None:
    a, b, _c, _d = people
    inside = GroupActivity.objects.create(
        kind="meeting",
        title="M",
        held_on=date(2026, 11, 30),
        hotspot=hotspot,
        facilitator=outreach_worker,
    )
    second = GroupActivity.objects.create(
        kind="training",
        title="T",
        held_on=date(2026, 11, 1),
        hotspot=hotspot,
        facilitator=outreach_worker,
    )
    outside = GroupActivity.objects.create(
        kind="meeting",
        title="O",
        held_on=date(2026, 12, 1),
        hotspot=hotspot,
        facilitator=outreach_worker,
    )
    for activity, person in ((inside, a), (second, a), (second, b), (outside, b)):
        Attendance.objects.create(activity=activity, person=person)
    # 2 activities held in November (one meeting, one training); a and b came: 2 people.
    held = indicators.activities_held(NOVEMBER, EVERYONE)
    attending = indicators.people_attending(NOVEMBER, EVERYONE)
    assert held.numerator == 2
    assert attending.numerator == 2
    # The same as the pure functions of outreach.indicators_groups.
    assert {g.label: g.numerator for g in held.groups} == {"Community meeting": 1, "Training": 1}
    assert sum(activities_held(GroupActivity.objects.all(), NOVEMBER).values()) == 2
    rows = [
        type("Row", (), {"person_id": r.person_id, "held_on": r.activity.held_on})
        for r in Attendance.objects.select_related("activity")
    ]
    assert people_attending_at_least_one(rows, NOVEMBER) == 2


@pytest.mark.django_db
def test_people_reached_again_within_90_days(outreach_worker: User, people: list[Person]) -> None:
    a, b, c, _d = people
    make_contact(a, outreach_worker, contacted_on=date(2026, 11, 1))
    make_contact(a, outreach_worker, contacted_on=date(2027, 1, 30))  # day 90: again
    make_contact(b, outreach_worker, contacted_on=date(2026, 11, 1))
    make_contact(b, outreach_worker, contacted_on=date(2027, 1, 31))  # day 91: too late
    make_contact(c, outreach_worker, contacted_on=date(2026, 11, 2))
    figure = indicators.reached_again(NOVEMBER, EVERYONE)
    # a of a, b, c.
    assert (figure.numerator, figure.denominator) == (1, 3)


@pytest.mark.django_db
def test_brought_by_peers_is_not_invented() -> None:
    figure = indicators.brought_by_peers(NOVEMBER, EVERYONE)
    assert figure.value is None
    assert figure.recorded is False


# --- Staffing and goods ------------------------------------------------------------------------


@pytest.mark.django_db
def test_staffing_shares(outreach_worker: User, other_worker: User, coordinator: User) -> None:
    Employment.objects.create(
        user=outreach_worker, role="outreach_worker", started_on=date(2026, 1, 1)
    )
    Employment.objects.create(
        user=other_worker,
        role="supervisor",
        is_community_member=False,
        is_paid=False,
        started_on=date(2026, 1, 1),
    )
    Employment.objects.create(user=coordinator, role="coordinator", started_on=date(2026, 1, 1))
    # Two frontline posts: one held by a community member, one paid.
    community = indicators.community_posts(NOVEMBER, EVERYONE)
    assert (community.numerator, community.denominator) == (1, 2)
    assert indicators.paid_posts(NOVEMBER, EVERYONE).numerator == 1


@pytest.mark.django_db
def test_goods_are_counted_per_commodity(outreach_worker: User, people: list[Person]) -> None:
    make_contact(
        people[0], outreach_worker, contacted_on=date(2026, 11, 2), male_condoms=10, lubricant=4
    )
    make_contact(people[1], outreach_worker, contacted_on=date(2026, 11, 3), female_condoms=2)
    figure = indicators.goods(NOVEMBER, EVERYONE)
    assert {g.label: g.numerator for g in figure.groups} == {
        "Male condoms": 10,
        "Female condoms": 2,
        "Lubricant": 4,
        "HIV self-test kits": 0,
    }


@pytest.mark.django_db
def test_every_indicator_runs_and_goods_come_last() -> None:
    areas = indicators.compute_all(NOVEMBER, Filters(typology="street", age_band="18-24"))
    assert [a.slug for a in areas][:5] == list(indicators.HEADLINE_AREAS)
    assert areas[-1].slug == "goods"
    assert all(row.indicator.definition for area in areas for row in area.rows)


# --- Periods and charts ------------------------------------------------------------------------


def test_periods_from_the_filters(settings: Any) -> None:
    settings.REPORTING_YEAR_START_MONTH = 10
    november = date(2026, 11, 1)
    assert period_for("month", november, None, None) == NOVEMBER
    assert period_for("quarter", november, None, None) == Period(
        date(2026, 10, 1), date(2026, 12, 31)
    )
    assert period_for("year", date(2026, 9, 1), None, None) == Period(
        date(2025, 10, 1), date(2026, 9, 30)
    )
    settings.REPORTING_YEAR_START_MONTH = 1
    assert period_for("year", november, None, None) == Period(date(2026, 1, 1), date(2026, 12, 31))


def test_a_chart_is_a_path_through_the_values_with_gaps() -> None:
    chart = line_chart([0, 10, None, 5], ["Jan", "Feb", "Mar", "Apr"], percent=False)
    assert chart.path.startswith(f"M{chart.left}.0 {chart.bottom}.0 L")
    assert chart.path.count("M") == 2  # the gap lifts the pen
    assert len(chart.dots) == 3
    # Labelled axes: 0, half and a round top above the largest value; every third month and
    # the last; the latest value beside its dot.
    assert [t.label for t in chart.values] == ["0", "5", "10"]
    assert [t.label for t in chart.months] == ["Jan", "Apr"]
    assert chart.last is not None and chart.last.label == "5"


def test_a_share_is_drawn_on_a_scale_to_100_percent() -> None:
    """1 % coverage is a line along the bottom, not a spike to the top."""
    chart = line_chart([0.01, 0.01], ["Nov", "Dec"], percent=True)
    assert [t.label for t in chart.values] == ["0\u00a0%", "50\u00a0%", "100\u00a0%"]
    bottom_to_top = chart.bottom - chart.top
    assert all(chart.bottom - y < 0.02 * bottom_to_top for _x, y in chart.dots)
    assert chart.last is not None and chart.last.label == "1\u00a0%"


@pytest.mark.parametrize(
    ("largest", "top"), [(0, 1), (1, 1), (3, 5), (7, 10), (12, 20), (180, 200)]
)
def test_the_count_scale_ends_on_a_round_number(largest: float, top: float) -> None:
    chart = line_chart([0, largest], ["a", "b"], percent=False)
    assert chart.values[-1].label == f"{top:g}"


# --- Suppression in the export -----------------------------------------------------------------


def _area(figure: Figure) -> list[indicators.Area]:
    indicator = indicators.REGISTRY[0]
    return [indicators.Area("coverage", "Coverage", [indicators.Row(indicator, figure)])]


def test_small_counts_of_people_are_hidden_in_the_export() -> None:
    # Hotspots of 3, 8 and 9 people, 20 overall: the 3 is hidden, and so is the 8 (the
    # smallest other count in its column) so that 20 - 8 - 9 cannot give it away.
    figure = Figure(0.2, 20, 100, (Group("A", 3, 10), Group("B", 8, 40), Group("C", 9, 50)), COUNT)
    lines = indicator_lines(_area(figure))
    shown = {line[2]: line[3] for line in lines[1:]}
    # Figures go out as numbers (Excel sums them); what is hidden is text.
    assert shown == {"All": 20, "A": "<5", "B": "", "C": 9}


def _numbers(lines: list[list[Cell]]) -> list[int]:
    return [cell for line in lines[1:] for cell in line[3:5] if isinstance(cell, int)]


@hypothesis_settings(max_examples=150, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 12), st.integers(0, 12)), min_size=1, max_size=5),
    st.sampled_from([COUNT, SHARE]),
)
def test_no_exported_count_of_people_is_small_or_recoverable(
    pairs: list[tuple[int, int]], protects: str
) -> None:
    # Each group: numerator people out of numerator + rest people.
    groups = tuple(Group(f"G{i}", n, n + rest) for i, (n, rest) in enumerate(pairs))
    numerator = sum(n for n, _rest in pairs)
    denominator = sum(n + rest for n, rest in pairs)
    figure = Figure(None, numerator, denominator, groups, protects)
    lines = indicator_lines(_area(figure))
    assert not [n for n in _numbers(lines) if 1 <= n <= 4]
    table = people_table(figure)
    assert table is not None
    assert differencing(table) == {}


def test_goods_are_not_suppressed() -> None:
    figure = Figure(None, None, None, (Group("Lubricant", 3),))
    lines = indicator_lines(_area(figure))
    assert lines[-1][3] == 3


def test_a_small_overall_count_is_hidden_too() -> None:
    lines = indicator_lines(_area(Figure(3, 3, None, (), COUNT)))
    assert lines[1][3] == "<5"
    assert Decimal(0) == Decimal(0)
