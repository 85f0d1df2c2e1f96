"""My week: an outreach worker's plan. Who is due a one-to-one contact, which referrals need a
follow-up, who has not been seen, today's contacts and the "no contacts today" report.
Coordinators open any worker's week with ?worker=<id>."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from members.access import get_worker_for_user, outreach_workers
from members.models import User
from members.resend import resend_safe
from members.roles import STAFF, LoggedInRequest, Role, has_role, role_required
from outreach import services
from outreach.rules import MAX_TRACING_ATTEMPTS, NOT_SEEN_DAYS
from outreach.selectors_week import (
    contacts_on,
    due_people,
    due_row,
    first_with_total,
    has_zero_report,
    page_with_total,
    people_not_seen,
    referrals_to_follow_up,
)

# Every section is bounded, whatever the caseload: the people due come in pages, the other
# lists show their first rows and count the rest.
DUE_PAGE_SIZE = 25
REFERRALS_SHOWN = 25
NOT_SEEN_SHOWN = 20
CONTACTS_SHOWN = 50


@role_required(*STAFF)
def my_week(request: LoggedInRequest) -> HttpResponse:
    # Queries, whatever the caseload: one page of people due, referrals, not-seen, today's
    # contacts (each with its total on every row), today's zero report (and for
    # coordinators: the worker, the picker).
    worker = get_worker_for_user(request)
    is_coordinator = has_role(request.user, Role.COORDINATOR)
    context: dict[str, object] = {
        "worker": worker,
        "is_own": worker is not None and worker.pk == request.user.pk,
        "is_coordinator": is_coordinator,
        "workers": list(outreach_workers()) if is_coordinator else [],
    }
    if worker is not None:
        context.update(_plan(worker, request.GET.get("page")))
    return render(request, "outreach/week_plan.html", context)


def _plan(worker: User, wanted_page: str | None) -> dict[str, object]:
    """The sections of the worker's week, each bounded (see the constants above)."""
    today = timezone.localdate()
    page = page_with_total(due_people(worker, today), wanted_page, DUE_PAGE_SIZE)
    referrals, referrals_count = first_with_total(
        referrals_to_follow_up(worker, today), REFERRALS_SHOWN
    )
    not_seen, not_seen_count = first_with_total(people_not_seen(worker, today), NOT_SEEN_SHOWN)
    contacts_today, contacts_count = first_with_total(contacts_on(worker, today), CONTACTS_SHOWN)
    return {
        "today": today,
        "not_seen_days": NOT_SEEN_DAYS,
        "max_attempts": MAX_TRACING_ATTEMPTS,
        "page": page,
        "due": [due_row(person, today) for person in page],
        "due_count": page.paginator.count,
        "referrals": referrals,
        "referrals_count": referrals_count,
        "not_seen": not_seen,
        "not_seen_count": not_seen_count,
        "contacts_today": contacts_today,
        "contacts_count": contacts_count,
        "zero_reported": has_zero_report(worker, today),
    }


@require_POST
@role_required(Role.OUTREACH_WORKER)
@resend_safe
def zero_report(request: LoggedInRequest) -> HttpResponse:
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
