"""The staffing figures are pure functions over posts: no database, no HTTP."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from itertools import count
from typing import Any

import pytest

from common.periods import add_months, parse_month
from members.models import Employment
from members.staffing import (
    Share,
    community_share,
    paid_share,
    pay_parity,
    staffing_figures,
    turnover,
    turnover_by_month,
    window_start,
)

MARCH = date(2026, 3, 1)
OUTREACH = Employment.Role.OUTREACH_WORKER
SUPERVISOR = Employment.Role.SUPERVISOR
COORDINATOR = Employment.Role.COORDINATOR
_user_ids = count(1)


def post(
    role: str = OUTREACH,
    *,
    community: bool = True,
    pay: str | None = "1000",
    start: date = date(2025, 1, 1),
    end: date | None = None,
    user_id: int | None = None,
) -> Employment:
    """An unsaved post; the functions only read its fields."""
    return Employment(
        user_id=user_id or next(_user_ids),
        role=role,
        is_community_member=community,
        is_paid=pay is not None,
        monthly_pay=Decimal(pay) if pay is not None else None,
        started_on=start,
        ended_on=end,
    )


# --- Shares ----------------------------------------------------------------------------------


def test_it_counts_community_members_in_outreach_and_supervisory_posts_only() -> None:
    rows = [
        post(OUTREACH),
        post(SUPERVISOR, community=False),
        post(OUTREACH, community=False),
        post(COORDINATOR),  # not a frontline post
        post(Employment.Role.OTHER, community=False),
    ]
    share = community_share(rows, MARCH)
    assert share == Share(numerator=1, denominator=3)
    assert share.percent == 33


def test_a_post_counts_if_held_on_any_day_of_the_month() -> None:
    rows = [
        post(start=date(2026, 3, 31)),  # started on the last day
        post(start=date(2025, 1, 1), end=date(2026, 3, 1)),  # ended on the first day
        post(start=date(2026, 4, 1)),  # not yet
        post(start=date(2025, 1, 1), end=date(2026, 2, 28)),  # already gone
    ]
    assert community_share(rows, MARCH).denominator == 2


def test_it_gives_the_share_of_posts_that_are_paid() -> None:
    rows = [
        post(pay="900"),
        post(pay=None),
        post(SUPERVISOR, community=False, pay="1500"),
        post(COORDINATOR, pay=None),
    ]
    assert paid_share(rows, MARCH) == Share(2, 3)
    assert paid_share(rows, MARCH, community_only=True) == Share(1, 2)


def test_no_posts_means_no_percentage_not_a_division_by_zero() -> None:
    assert community_share([], MARCH) == Share(0, 0)
    assert community_share([], MARCH).percent is None
    assert paid_share([], MARCH).percent is None
    assert pay_parity([], MARCH, min_cell=5) == []
    assert all(row.percent is None for row in turnover_by_month([], MARCH))


# --- Pay parity ------------------------------------------------------------------------------


def test_it_compares_average_pay_when_both_groups_are_large_enough() -> None:
    rows = [post(pay=str(1000 + 10 * n)) for n in range(5)]
    rows += [post(community=False, pay="1200") for _ in range(5)]
    (row,) = pay_parity(rows, MARCH, min_cell=5)
    assert row.role == OUTREACH
    assert row.shown
    assert (row.community_count, row.other_count) == (5, 5)
    assert row.community_average == Decimal("1020.00")
    assert row.other_average == Decimal("1200.00")


@pytest.mark.parametrize(("community", "other"), [(4, 5), (5, 4), (0, 9), (9, 0)])
def test_it_hides_averages_when_a_group_is_too_small(community: int, other: int) -> None:
    rows = [post(pay="1000") for _ in range(community)]
    rows += [post(community=False, pay="1300") for _ in range(other)]
    (row,) = pay_parity(rows, MARCH, min_cell=5)
    assert not row.shown
    assert row.community_average is None
    assert row.other_average is None
    assert (row.community_count, row.other_count) == (community, other)


def test_pay_parity_is_per_role_and_leaves_volunteers_out() -> None:
    rows = [post(OUTREACH, pay="1000"), post(SUPERVISOR, pay="1500"), post(OUTREACH, pay=None)]
    parity = {row.role: row for row in pay_parity(rows, MARCH, min_cell=1)}
    assert set(parity) == {OUTREACH, SUPERVISOR}
    assert parity[OUTREACH].community_count == 1


def test_someone_whose_post_changed_in_the_month_counts_once_with_the_new_pay() -> None:
    rows = [
        post(pay="1000", user_id=900, start=date(2025, 1, 1), end=date(2026, 3, 14)),
        post(pay="1100", user_id=900, start=date(2026, 3, 15)),
        post(community=False, pay="1100"),
    ]
    (row,) = pay_parity(rows, MARCH, min_cell=1)
    assert row.community_count == 1
    assert row.community_average == Decimal("1100.00")


# --- Turnover --------------------------------------------------------------------------------


def test_turnover_is_posts_ended_in_the_month_over_posts_held_on_its_first_day() -> None:
    rows = [
        post(end=date(2026, 3, 1)),  # held on the first day, ended that day
        post(end=date(2026, 3, 31)),
        post(),
        post(),
        post(end=date(2026, 2, 28)),  # gone before the month
        post(start=date(2026, 3, 10)),  # arrived during the month
        post(COORDINATOR, end=date(2026, 3, 5)),  # not a frontline post
    ]
    march = turnover(rows, MARCH)
    assert (march.ended, march.at_start) == (2, 4)
    assert march.percent == 50


def test_turnover_covers_the_last_twelve_months_newest_first() -> None:
    rows = [post(start=date(2025, 1, 1), end=date(2025, 6, 20)), post(start=date(2025, 1, 1))]
    months = turnover_by_month(rows, MARCH)
    assert [row.month for row in months] == [add_months(MARCH, -n) for n in range(12)]
    assert months[-1].month == date(2025, 4, 1)
    june = next(row for row in months if row.month == date(2025, 6, 1))
    assert (june.ended, june.at_start, june.percent) == (1, 2, 50)
    july = next(row for row in months if row.month == date(2025, 7, 1))
    assert (july.ended, july.at_start, july.percent) == (0, 1, 0)


def test_a_post_that_starts_and_ends_within_a_month_has_no_start_to_divide_by() -> None:
    row = turnover([post(start=date(2026, 3, 2), end=date(2026, 3, 20))], MARCH)
    assert (row.ended, row.at_start, row.percent) == (1, 0, None)


# --- Months ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2026-03", date(2026, 3, 1)),
        ("2025-12", date(2025, 12, 1)),
        ("2026-13", None),
        ("2026-00", None),
        ("2026-3", None),
        ("march", None),
        ("", None),
        ("0001-01", None),
        ("2026-03-01", None),
    ],
)
def test_it_reads_a_month_or_refuses_it(value: str, expected: Any) -> None:
    assert parse_month(value) == expected


def test_months_roll_over_the_year() -> None:
    assert add_months(date(2026, 1, 1), -1) == date(2025, 12, 1)
    assert add_months(date(2025, 12, 1), 1) == date(2026, 1, 1)
    assert window_start(MARCH) == date(2025, 4, 1)


def test_the_figures_come_together_for_one_month() -> None:
    rows = [post(), post(community=False, pay=None)]
    figures = staffing_figures(rows, date(2026, 3, 17), min_cell=5)
    assert figures.month == MARCH
    assert figures.community == Share(1, 2)
    assert figures.paid == Share(1, 2)
    assert len(figures.turnover) == 12
