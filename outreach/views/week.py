"""My week: an outreach worker's plan. Who is due a one-to-one contact, which referrals need a
follow-up, who has not been seen, today's contacts and the "no contacts today" report.
Coordinators open any worker's week with ?worker=<id>."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from members.models import User
from members.roles import Role, has_role, role_required
from outreach import selectors, services
from outreach.rules import MAX_TRACING_ATTEMPTS, NOT_SEEN_DAYS

# The "not seen" section lists this many people and counts the rest.
NOT_SEEN_SHOWN = 20


def _outreach_workers() -> Any:
    return User.objects.filter(is_outreach_worker=True, is_active=True).order_by("username")


def get_worker_for_user(request: HttpRequest) -> User | None:
    """Whose week to show: a coordinator's ?worker=<id> (any outreach worker), otherwise the
    worker themself. None for a coordinator who is no outreach worker and chose nobody yet.
    An unknown id, or a worker asking for someone else's week, is 404: nobody learns which
    logins exist."""
    wanted = request.GET.get("worker", "")
    if not wanted:
        return request.user if has_role(request.user, Role.OUTREACH_WORKER) else None
    if not wanted.isdigit():
        raise Http404
    if not has_role(request.user, Role.COORDINATOR):
        if int(wanted) != request.user.pk:
            raise Http404
        return request.user
    worker = _outreach_workers().filter(pk=int(wanted)).first()
    if worker is None:
        raise Http404
    return worker


@role_required(Role.OUTREACH_WORKER, Role.COORDINATOR)
def my_week(request: HttpRequest) -> HttpResponse:
    # Queries, whatever the caseload: people due, referrals, not-seen count and first page,
    # today's contacts, today's zero report (and for coordinators: the worker, the picker).
    worker = get_worker_for_user(request)
    is_coordinator = has_role(request.user, Role.COORDINATOR)
    context: dict[str, Any] = {
        "worker": worker,
        "is_own": worker is not None and worker.pk == request.user.pk,
        "is_coordinator": is_coordinator,
        "workers": list(_outreach_workers()) if is_coordinator else [],
    }
    if worker is not None:
        today = timezone.localdate()
        not_seen = selectors.people_not_seen(worker, today)
        context.update(
            today=today,
            not_seen_days=NOT_SEEN_DAYS,
            max_attempts=MAX_TRACING_ATTEMPTS,
            due=selectors.people_due(worker, today),
            referrals=list(selectors.referrals_to_follow_up(worker, today)),
            not_seen_count=not_seen.count(),
            not_seen=list(not_seen[:NOT_SEEN_SHOWN]),
            contacts_today=list(selectors.contacts_on(worker, today)),
            zero_reported=selectors.has_zero_report(worker, today),
        )
    return render(request, "outreach/week_plan.html", context)


@require_POST
@role_required(Role.OUTREACH_WORKER)
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
