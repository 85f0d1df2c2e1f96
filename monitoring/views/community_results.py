"""For everyone logged in: how the programme is doing, in plain words. Partner scorecards from
members' feedback, complaints raised and closed, people at group activities; every figure about
people hides counts under the small-cell minimum."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from common.suppression import small_cell_minimum
from members.roles import LoggedInRequest, Role, role_required
from monitoring.scorecards import small_count
from monitoring.selectors_community_results import community_results_for


@role_required(Role.MEMBER, Role.OUTREACH_WORKER, Role.COORDINATOR)
def community_results(request: LoggedInRequest) -> HttpResponse:
    # Queries: those of community_results_for, fixed however much data there is.
    today = timezone.localdate()
    results = community_results_for(today)
    return render(
        request,
        "monitoring/community_results.html",
        {
            "cards": results.cards,
            "minimum": small_cell_minimum(),
            "complaints_raised": small_count(results.complaints_raised),
            "complaints_closed": small_count(results.complaints_closed),
            "attending": small_count(results.attending),
            "year": today.year,
        },
    )
