"""The staffing figures: community members in outreach and supervisory posts, how many of those
posts are paid, pay parity and turnover. Pure functions over Employment rows already fetched, so
the page costs one query and the arithmetic is tested without a database."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from common.periods import add_months, first_of_month, last_of_month
from members.models import Employment

# The posts the Staffing indicator is about: those that meet the community.
FRONTLINE_ROLES = (Employment.Role.OUTREACH_WORKER, Employment.Role.SUPERVISOR)
TURNOVER_MONTHS = 12


@dataclass(frozen=True)
class Share:
    """A part of a whole, as counted: staffing here, referral completion in outreach too."""

    numerator: int
    denominator: int

    @property
    def percent(self) -> int | None:
        """Rounded to a whole percent; None when there is nothing to divide by (nothing could
        be counted yet)."""
        if not self.denominator:
            return None
        return round(100 * self.numerator / self.denominator)


@dataclass(frozen=True)
class PayComparison:
    """Average monthly pay of community and other staff in one role. The averages are None
    (suppressed) unless both groups have at least `min_cell` people: with fewer, a colleague
    could work out someone's pay."""

    role: str
    role_label: str
    community_count: int
    other_count: int
    community_average: Decimal | None
    other_average: Decimal | None

    @property
    def shown(self) -> bool:
        return self.community_average is not None


@dataclass(frozen=True)
class Turnover:
    month: date
    ended: int
    at_start: int

    @property
    def percent(self) -> int | None:
        return Share(self.ended, self.at_start).percent


@dataclass(frozen=True)
class StaffingFigures:
    month: date
    community: Share
    paid: Share
    community_paid: Share
    pay: list[PayComparison]
    turnover: list[Turnover]


def window_start(month: date) -> date:
    """The first day the figures for `month` look at: the oldest month of the turnover list."""
    return add_months(first_of_month(month), 1 - TURNOVER_MONTHS)


# --- Figures ---------------------------------------------------------------------------------


def active_during(rows: Iterable[Employment], month: date) -> list[Employment]:
    """Posts held on at least one day of `month`."""
    first, last = first_of_month(month), last_of_month(month)
    return [
        row
        for row in rows
        if row.started_on <= last and (row.ended_on is None or row.ended_on >= first)
    ]


def frontline(rows: Iterable[Employment]) -> list[Employment]:
    return [row for row in rows if row.role in FRONTLINE_ROLES]


def community_share(rows: Iterable[Employment], month: date) -> Share:
    posts = frontline(active_during(rows, month))
    return Share(sum(row.is_community_member for row in posts), len(posts))


def paid_share(rows: Iterable[Employment], month: date, *, community_only: bool = False) -> Share:
    posts = frontline(active_during(rows, month))
    if community_only:
        posts = [row for row in posts if row.is_community_member]
    return Share(sum(row.is_paid for row in posts), len(posts))


def _average(amounts: list[Decimal]) -> Decimal:
    return (sum(amounts, Decimal(0)) / len(amounts)).quantize(Decimal("0.01"), ROUND_HALF_UP)


def pay_parity(rows: Iterable[Employment], month: date, *, min_cell: int) -> list[PayComparison]:
    """Per role, the paid posts active during `month`, one per person: someone whose post
    changed during the month counts once, with the pay of their latest post."""
    # Each post with its pay, known to be there.
    latest: dict[tuple[str, int], tuple[Employment, Decimal]] = {}
    for row in active_during(rows, month):
        if not row.is_paid or row.monthly_pay is None:
            continue
        key = (row.role, row.user_id)
        if key not in latest or row.started_on >= latest[key][0].started_on:
            latest[key] = (row, row.monthly_pay)
    comparisons = []
    for role, label in Employment.Role.choices:
        posts = [post for (row_role, _user), post in latest.items() if row_role == role]
        if not posts:
            continue
        community = [pay for row, pay in posts if row.is_community_member]
        other = [pay for row, pay in posts if not row.is_community_member]
        shown = len(community) >= min_cell and len(other) >= min_cell
        comparisons.append(
            PayComparison(
                role=role,
                role_label=str(label),
                community_count=len(community),
                other_count=len(other),
                community_average=_average(community) if shown else None,
                other_average=_average(other) if shown else None,
            )
        )
    return comparisons


def turnover(rows: Iterable[Employment], month: date) -> Turnover:
    """Outreach and supervisory posts that ended during `month`, against those held on its
    first day."""
    posts = frontline(rows)
    first, last = first_of_month(month), last_of_month(month)
    at_start = sum(
        1
        for row in posts
        if row.started_on <= first and (row.ended_on is None or row.ended_on >= first)
    )
    ended = sum(1 for row in posts if row.ended_on is not None and first <= row.ended_on <= last)
    return Turnover(month=first, ended=ended, at_start=at_start)


def turnover_by_month(rows: Iterable[Employment], month: date) -> list[Turnover]:
    """The `TURNOVER_MONTHS` months ending with `month`, newest first."""
    rows = list(rows)
    return [turnover(rows, add_months(first_of_month(month), -n)) for n in range(TURNOVER_MONTHS)]


def staffing_figures(rows: Iterable[Employment], month: date, *, min_cell: int) -> StaffingFigures:
    rows = list(rows)
    return StaffingFigures(
        month=first_of_month(month),
        community=community_share(rows, month),
        paid=paid_share(rows, month),
        community_paid=paid_share(rows, month, community_only=True),
        pay=pay_parity(rows, month, min_cell=min_cell),
        turnover=turnover_by_month(rows, month),
    )
