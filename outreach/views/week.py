"""My week: an outreach worker's plan. Who is due a one-to-one contact, which referrals need a
follow-up, who has not been seen, today's contacts and the "no contacts today" report.
Coordinators open any worker's week with ?worker=<id>."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Page, Paginator
from django.db.models import Count, Window
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from members.access import get_worker_for_user, outreach_workers
from members.resend import resend_safe
from members.roles import Role, has_role, role_required
from outreach import selectors, services
from outreach.rules import MAX_TRACING_ATTEMPTS, NOT_SEEN_DAYS

# Every section is bounded, whatever the caseload: the people due come in pages, the other
# lists show their first rows and count the rest.
DUE_PAGE_SIZE = 25
REFERRALS_SHOWN = 25
NOT_SEEN_SHOWN = 20
CONTACTS_SHOWN = 50
LAST_PAGE_TRIED = 100_000


def _page_with_total(rows: Any, wanted: str | None, size: int) -> Page:
    """One page of an ordered queryset, counted in the same query (a window count on each row):
    the people due are worked out per person, so a separate COUNT would do it all twice. Only a
    page past the end costs a second query, to fall back to the last page."""
    try:
        # Any page past the end falls back to the last; the cap keeps the offset a valid integer.
        number = min(max(int(wanted or 1), 1), LAST_PAGE_TRIED)
    except ValueError:
        number = 1
    bottom = (number - 1) * size
    found = list(rows.annotate(total_rows=Window(Count("pk")))[bottom : bottom + size])
    if not found and number > 1:
        return Paginator(rows, size).get_page(wanted)
    paginator = Paginator(rows, size)
    paginator.count = found[0].total_rows if found else 0
    return Page(found, number, paginator)


@role_required(Role.OUTREACH_WORKER, Role.COORDINATOR)
def my_week(request: HttpRequest) -> HttpResponse:
    # Queries, whatever the caseload: one page of people due, referrals, not-seen, today's
    # contacts (each with its total on every row), today's zero report (and for
    # coordinators: the worker, the picker).
    worker = get_worker_for_user(request)
    is_coordinator = has_role(request.user, Role.COORDINATOR)
    context: dict[str, Any] = {
        "worker": worker,
        "is_own": worker is not None and worker.pk == request.user.pk,
        "is_coordinator": is_coordinator,
        "workers": list(outreach_workers()) if is_coordinator else [],
    }
    if worker is not None:
        today = timezone.localdate()
        page = _page_with_total(
            selectors.due_people(worker, today), request.GET.get("page"), DUE_PAGE_SIZE
        )
        referrals, referrals_count = selectors.first_with_total(
            selectors.referrals_to_follow_up(worker, today), REFERRALS_SHOWN
        )
        not_seen, not_seen_count = selectors.first_with_total(
            selectors.people_not_seen(worker, today), NOT_SEEN_SHOWN
        )
        contacts_today, contacts_count = selectors.first_with_total(
            selectors.contacts_on(worker, today), CONTACTS_SHOWN
        )
        context.update(
            today=today,
            not_seen_days=NOT_SEEN_DAYS,
            max_attempts=MAX_TRACING_ATTEMPTS,
            page=page,
            due=[selectors.due_row(person, today) for person in page],
            due_count=page.paginator.count,
            referrals=referrals,
            referrals_count=referrals_count,
            not_seen=not_seen,
            not_seen_count=not_seen_count,
            contacts_today=contacts_today,
            contacts_count=contacts_count,
            zero_reported=selectors.has_zero_report(worker, today),
        )
    return render(request, "outreach/week_plan.html", context)


@require_POST
@role_required(Role.OUTREACH_WORKER)
@resend_safe
def zero_report(request: HttpRequest) -> HttpResponse:
    """The worker's own "no contacts today" report, made once however many taps."""
    try:
        _report, created = services.zero_report_create(
            worker=request.user, day=timezone.localdate()
        )
    except services.ZeroReportRefused:
        messages.info(request, _("You logged a contact today, so today is already reported."))
    else:
        if created:
            messages.success(request, _("Thank you: today is reported as a day without contacts."))
        else:
            messages.info(request, _("Today was already reported as a day without contacts."))
    return redirect("outreach:my_week")
