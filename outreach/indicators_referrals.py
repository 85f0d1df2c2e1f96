"""Referral completion within 7, 14 and 28 days (the Quality indicator). Pure functions over
referrals already fetched, so the arithmetic, and above all its boundaries, is tested without a
database.

A referral counts for a window of N days once it was made at least N days ago: one made
yesterday has not failed yet, so it is in neither the numerator nor the denominator."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Protocol

from members.staffing import Share
from outreach.rules import REFERRAL_WINDOWS


class ReferralLike(Protocol):
    """What the calculation reads: a Referral, or any row with these attributes."""

    partner_id: int
    made_on: date
    attended_on: date | None


@dataclass(frozen=True)
class WindowCompletion:
    """Referrals attended within `days` days of being made, overall and per partner id."""

    days: int
    overall: Share
    by_partner: dict[int, Share] = field(default_factory=dict)


def attended_within(referral: ReferralLike, days: int) -> bool:
    """Attended on day `days` after being made still counts (day 7 is within 7 days)."""
    return referral.attended_on is not None and (referral.attended_on - referral.made_on).days <= (
        days
    )


def is_countable(referral: ReferralLike, days: int, as_of: date) -> bool:
    """Made at least `days` days before `as_of`: the window is over, so the result is known."""
    return (as_of - referral.made_on).days >= days


def completion_rates(
    referrals: Iterable[ReferralLike],
    windows: Iterable[int] = REFERRAL_WINDOWS,
    *,
    as_of: date,
) -> list[WindowCompletion]:
    """For each window: referrals attended within it / referrals whose window is over."""
    rows = list(referrals)
    result = []
    for days in windows:
        counted = [r for r in rows if is_countable(r, days, as_of)]
        totals: dict[int, list[int]] = {}
        for referral in counted:
            partner = totals.setdefault(referral.partner_id, [0, 0])
            partner[0] += attended_within(referral, days)
            partner[1] += 1
        result.append(
            WindowCompletion(
                days=days,
                overall=Share(
                    numerator=sum(n for n, _ in totals.values()),
                    denominator=len(counted),
                ),
                by_partner={pk: Share(n, d) for pk, (n, d) in totals.items()},
            )
        )
    return result
