"""Staff posts (who holds which post, paid or volunteer, for how much) and the staffing figures.
Coordinators only: pay is confidential."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from common.periods import first_of_month, last_of_month, parse_month
from members import staffing
from members.access import get_employment_for_user
from members.forms import EmploymentForm
from members.resend import resend_safe
from members.roles import LoggedInRequest, Role, role_required
from members.selectors import current_and_past_posts, posts_held_between
from members.services import employment_save


@role_required(Role.COORDINATOR)
def employment_list(request: LoggedInRequest) -> HttpResponse:
    # One query: every post with its login.
    current, past = current_and_past_posts(timezone.localdate())
    return render(request, "members/employment_list.html", {"current": current, "past": past})


@role_required(Role.COORDINATOR)
@resend_safe
def employment_create(request: LoggedInRequest) -> HttpResponse:
    form = EmploymentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        employment_save(employment=form.instance)
        messages.success(request, _("Post added."))
        return redirect("members:employment_list")
    return render(request, "members/employment_form.html", {"form": form, "employment": None})


@role_required(Role.COORDINATOR)
def employment_edit(request: LoggedInRequest, pk: int) -> HttpResponse:
    employment = get_employment_for_user(request, pk)
    form = EmploymentForm(request.POST or None, instance=employment)
    if request.method == "POST" and form.is_valid():
        employment_save(employment=form.instance)
        messages.success(request, _("Saved."))
        return redirect("members:employment_list")
    return render(request, "members/employment_form.html", {"form": form, "employment": employment})


@role_required(Role.COORDINATOR)
def staffing_figures(request: LoggedInRequest) -> HttpResponse:
    this_month = first_of_month(timezone.localdate())
    asked = request.GET.get("month", "")
    month = parse_month(asked) if asked else this_month
    if month is None:
        messages.warning(
            request,
            _("“%(month)s” is not a month like 2026-03: showing this month.")
            % {"month": asked[:20]},
        )
        month = this_month
    # One query: every post held at some time from the oldest turnover month to this month.
    rows = posts_held_between(staffing.window_start(month), last_of_month(month))
    min_cell = settings.SMALL_CELL_MIN
    figures = staffing.staffing_figures(rows, month, min_cell=min_cell)
    return render(
        request,
        "members/staffing.html",
        {"figures": figures, "month_value": f"{month:%Y-%m}", "min_cell": min_cell},
    )
