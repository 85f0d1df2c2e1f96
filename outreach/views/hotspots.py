"""Hotspots, their size estimates, the assignments of outreach workers, and caseloads.
Hotspots are confidential: members never see them, a worker sees only those assigned to them,
and for anyone else a hotspot does not exist (404, the same as a missing number)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from members.access import get_hotspot_for_user, hotspots_visible_to
from members.resend import resend_safe
from members.roles import STAFF, LoggedInRequest, Role, has_role, role_required
from outreach import services
from outreach.forms import AssignmentForm, HotspotForm, SizeEstimateForm
from outreach.rules import ACTIVE_DAYS, CASELOAD_RANGE, CASELOAD_TARGET
from outreach.selectors_hotspots import (
    active_people_at,
    assignment_among,
    assignments_of,
    caseloads,
    estimates_for,
    estimates_of,
    hotspots_with_counts,
)


@role_required(*STAFF)
def hotspot_list(request: LoggedInRequest) -> HttpResponse:
    # Two queries however many hotspots: the hotspots with their active people counted in a
    # subquery, and the latest size estimate of each.
    today = timezone.localdate()
    hotspots = list(hotspots_with_counts(hotspots_visible_to(request.user), today))
    estimates = estimates_for(hotspots, today)
    for hotspot in hotspots:
        # Read by the template beside the annotated count; no field of the model.
        hotspot.latest_estimate = estimates.get(hotspot.pk)  # type: ignore[attr-defined]
    return render(
        request,
        "outreach/hotspot_list.html",
        {
            "hotspots": hotspots,
            "is_coordinator": has_role(request.user, Role.COORDINATOR),
            "active_days": ACTIVE_DAYS,
        },
    )


@role_required(*STAFF)
def hotspot_detail(request: LoggedInRequest, pk: int) -> HttpResponse:
    # Through the access helper: only its own workers and coordinators may read the safety notes.
    today = timezone.localdate()
    hotspot = get_hotspot_for_user(request, pk)
    count = active_people_at(hotspot, today)
    # The list's annotation, counted here for one hotspot: the same template partial reads it.
    hotspot.active_people = count  # type: ignore[attr-defined]
    estimates = estimates_of(hotspot)
    assignments = assignments_of(hotspot)
    current = [a for a in assignments if a.ends_on is None or a.ends_on >= today]
    return render(
        request,
        "outreach/hotspot_detail.html",
        {
            "hotspot": hotspot,
            "latest_estimate": next((e for e in estimates if e.estimated_on <= today), None),
            "estimates": estimates,
            "current": current,
            "past": [a for a in assignments if a not in current],
            "today": today,
            "is_coordinator": has_role(request.user, Role.COORDINATOR),
            "active_days": ACTIVE_DAYS,
        },
    )


@role_required(Role.COORDINATOR)
@resend_safe
def hotspot_create(request: LoggedInRequest) -> HttpResponse:
    form = HotspotForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        hotspot = services.hotspot_save(hotspot=form.instance)
        messages.success(request, _("Hotspot added."))
        return redirect("outreach:hotspot_detail", pk=hotspot.pk)
    return render(request, "outreach/hotspot_form.html", {"form": form, "hotspot": None})


@role_required(Role.COORDINATOR)
def hotspot_edit(request: LoggedInRequest, pk: int) -> HttpResponse:
    hotspot = get_hotspot_for_user(request, pk)
    form = HotspotForm(request.POST or None, instance=hotspot)
    if request.method == "POST" and form.is_valid():
        services.hotspot_save(hotspot=form.instance)
        messages.success(request, _("Saved."))
        return redirect("outreach:hotspot_detail", pk=hotspot.pk)
    return render(request, "outreach/hotspot_form.html", {"form": form, "hotspot": hotspot})


@role_required(Role.COORDINATOR)
@resend_safe
def size_estimate_create(request: LoggedInRequest, pk: int) -> HttpResponse:
    hotspot = get_hotspot_for_user(request, pk)
    form = SizeEstimateForm(request.POST or None, hotspot=hotspot)
    if request.method == "POST" and form.is_valid():
        try:
            services.size_estimate_create(hotspot=hotspot, **form.cleaned_data)
        except (IntegrityError, ValidationError):
            # Another coordinator saved one for the same day between the check and the save.
            form.add_error("estimated_on", SizeEstimateForm.SAME_DAY)
        else:
            messages.success(request, _("Size estimate added."))
            return redirect("outreach:hotspot_detail", pk=hotspot.pk)
    return render(request, "outreach/sizeestimate_form.html", {"form": form, "hotspot": hotspot})


@role_required(Role.COORDINATOR)
@resend_safe
def assignment_create(request: LoggedInRequest, pk: int) -> HttpResponse:
    hotspot = get_hotspot_for_user(request, pk)
    form = AssignmentForm(request.POST or None, hotspot=hotspot)
    if request.method == "POST" and form.is_valid():
        services.assignment_create(hotspot=hotspot, **form.cleaned_data)
        messages.success(
            request,
            _("%(worker)s is assigned to %(hotspot)s.")
            % {"worker": form.cleaned_data["worker"].username, "hotspot": hotspot.name},
        )
        return redirect("outreach:hotspot_detail", pk=hotspot.pk)
    return render(request, "outreach/assignment_form.html", {"form": form, "hotspot": hotspot})


@require_POST
@role_required(Role.COORDINATOR)
def assignment_end(request: LoggedInRequest, pk: int) -> HttpResponse:
    assignment = assignment_among(hotspots_visible_to(request.user), pk)
    if assignment is None:
        raise Http404
    kept = services.assignment_end(assignment=assignment)
    if kept is None:
        messages.success(request, _("The planned assignment is cancelled."))
    else:
        messages.success(
            request,
            _("%(worker)s's assignment ends today.") % {"worker": assignment.worker.username},
        )
    return redirect("outreach:hotspot_detail", pk=assignment.hotspot_id)


@role_required(Role.COORDINATOR)
def caseload(request: LoggedInRequest) -> HttpResponse:
    # Three queries however many workers and people (see selectors_hotspots.caseloads).
    low, high = CASELOAD_RANGE
    return render(
        request,
        "outreach/assignment_caseload.html",
        {
            "caseloads": caseloads(timezone.localdate()),
            "target": CASELOAD_TARGET,
            "low": low,
            "high": high,
            "active_days": ACTIVE_DAYS,
        },
    )
