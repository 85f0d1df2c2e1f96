"""Reads for the community results page: partner scorecards, complaints and attendance this
year, each in a fixed number of queries however much data there is. The page hides the small
counts (monitoring.scorecards)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import F

from common.periods import Period
from monitoring.models import Complaint, Feedback, Place
from monitoring.scorecards import Scorecard, scorecards
from outreach.indicators_groups import people_attending_at_least_one
from outreach.models import Attendance, Partner

SCORECARD_DAYS = 365


@dataclass(frozen=True)
class CommunityResults:
    # Each active partner's name and scorecard, by name.
    cards: list[tuple[str, Scorecard]]
    complaints_raised: int
    complaints_closed: int
    attending: int


def community_results_for(today: date) -> CommunityResults:
    """Queries: active partners, feedback about partners over 12 months, the two complaint counts,
    and this year's attendance rows."""
    year = Period(date(today.year, 1, 1), today)
    partners = list(Partner.objects.filter(is_active=True).only("name").order_by("name"))
    rows = Feedback.objects.filter(
        place=Place.PARTNER,
        partner__in=[p.pk for p in partners],
        given_on__gt=today - timedelta(days=SCORECARD_DAYS),
    ).only("partner", "respect", "confidentiality", "would_recommend")
    cards = scorecards(rows, [p.pk for p in partners])
    names = {p.pk: p.name for p in partners}
    raised = Complaint.objects.filter(raised_on__gte=year.first).count()
    closed = Complaint.objects.filter(closed_on__gte=year.first).count()
    attendance = (
        Attendance.objects.filter(activity__held_on__gte=year.first)
        .annotate(held_on=F("activity__held_on"))
        .only("person")
    )
    return CommunityResults(
        cards=[(names[card.partner_id], card) for card in cards],
        complaints_raised=raised,
        complaints_closed=closed,
        attending=people_attending_at_least_one(attendance, year),
    )
