"""For everyone logged in: how the programme is doing, in plain words. Partner scorecards from
members' feedback, complaints raised and closed, people at group activities; every figure about
people hides counts under the small-cell minimum."""

from __future__ import annotations

from datetime import date, timedelta

from django.db.models import F
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from common.suppression import small_cell_minimum
from members.roles import Role, role_required
from monitoring.models import Complaint, Feedback, Place
from monitoring.scorecards import scorecards, small_count
from outreach.indicators_contacts import Period
from outreach.indicators_groups import people_attending_at_least_one
from outreach.models import Attendance, Partner

SCORECARD_DAYS = 365


@role_required(Role.MEMBER, Role.OUTREACH_WORKER, Role.COORDINATOR)
def community_results(request: HttpRequest) -> HttpResponse:
    # Queries, however much data: active partners, feedback about partners over 12 months,
    # the two complaint counts, and this year's attendance rows.
    today = timezone.localdate()
    year = Period(date(today.year, 1, 1), today)
    partners = list(Partner.objects.filter(is_active=True).only("name").order_by("name"))
    rows = Feedback.objects.filter(
        place=Place.PARTNER,
        partner__in=[p.pk for p in partners],
        given_on__gt=today - timedelta(days=SCORECARD_DAYS),
    ).only("partner", "respect", "confidentiality", "would_recommend")
    cards = scorecards(rows, [p.pk for p in partners])
    names = {p.pk: p.name for p in partners}
    this_year = Complaint.objects.filter(raised_on__gte=year.first)
    raised = this_year.count()
    closed = Complaint.objects.filter(closed_on__gte=year.first).count()
    attendance = (
        Attendance.objects.filter(activity__held_on__gte=year.first)
        .annotate(held_on=F("activity__held_on"))
        .only("person")
    )
    attending = people_attending_at_least_one(attendance, year)
    return render(
        request,
        "monitoring/community_results.html",
        {
            "cards": [(names[card.partner_id], card) for card in cards],
            "minimum": small_cell_minimum(),
            "complaints_raised": small_count(raised),
            "complaints_closed": small_count(closed),
            "attending": small_count(attending),
            "year": today.year,
        },
    )
