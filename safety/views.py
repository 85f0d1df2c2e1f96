"""Safety alerts: report a bad date, see the alerts of one's area, check a number or plate,
moderate, support the person it happened to, and ask for an alert to be removed."""

from __future__ import annotations

from allauth.core import ratelimit
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from members.codes import address_key
from members.lookup import wait_minutes
from members.models import AccessLog
from members.resend import resend_safe
from members.roles import LoggedInRequest, Role, has_role, role_required
from members.services import access_log_write
from safety import access, selectors, services
from safety.forms import CheckForm, EditForm, RemovalForm, ReportForm
from safety.models import Decision

EVERYONE = (Role.MEMBER, Role.OUTREACH_WORKER, Role.COORDINATOR, Role.MODERATOR)
REPORTERS = (Role.MEMBER, Role.OUTREACH_WORKER, Role.COORDINATOR)
CHECK = "identifier_check"
REMOVAL = "removal_request"


@role_required(*EVERYONE)
def safety_home(request: LoggedInRequest) -> HttpResponse:
    page = selectors.home_lists(request.user)
    page["may_report"] = any(has_role(request.user, role) for role in REPORTERS)
    return render(request, "safety/home.html", page)


def _report_form(request: LoggedInRequest) -> ReportForm:
    people, hotspots = access.report_choices(request.user)
    return ReportForm(request.POST or None, people=people, hotspots=hotspots)


@role_required(*REPORTERS)
@sensitive_post_parameters("phone", "plate")
@resend_safe
def report_create(request: LoggedInRequest) -> HttpResponse:
    form = _report_form(request)
    if request.method == "POST" and form.is_valid():
        reporter = form.cleaned_data.get("reporter") or getattr(request.user, "person", None)
        report = services.report_submit(
            entered_by=request.user,
            reporter=reporter,
            incident=form.incident(),
            consents=form.consents(),
            wants_support=form.cleaned_data["wants_support"],
        )
        messages.success(request, _("Thank you. Your report is saved."))
        return redirect("safety:report_detail", pk=report.pk)
    return render(request, "safety/report_form.html", {"form": form})


@role_required(*REPORTERS)
def report_detail(request: LoggedInRequest, pk: int) -> HttpResponse:
    report = access.get_own_report(request, pk)
    return render(request, "safety/report_detail.html", {"report": report})


@require_POST
@role_required(*REPORTERS)
def report_withdraw(request: LoggedInRequest, pk: int) -> HttpResponse:
    report = access.get_own_report(request, pk)
    services.report_withdraw(report=report, by=request.user)
    messages.success(request, _("The report is withdrawn. Nobody will be sent it again."))
    return redirect("safety:report_detail", pk=report.pk)


@role_required(*EVERYONE)
def alert_detail(request: LoggedInRequest, pk: int) -> HttpResponse:
    alert = access.get_alert_for_user(request, pk)
    return render(request, "safety/alert_detail.html", {"alert": alert})


@role_required(*EVERYONE)
@sensitive_post_parameters("number")
def identifier_check(request: LoggedInRequest) -> HttpResponse:
    """POST only carries the number: it stays out of addresses, history and server logs. Each
    check counts against the login's allowance and is in the access log (found or not, never
    the number)."""
    form = CheckForm(request.POST or None)
    result = None
    if request.method == "POST" and form.is_valid():
        if not ratelimit.consume(request, action=CHECK, user=request.user):
            minutes = wait_minutes(CHECK)
            page = {"minutes": minutes, "checks": True}
            return render(request, "members/lookup_throttled.html", page, status=429)
        result = selectors.identifier_check(request.user, form.cleaned_data["number"])
        found = _("mentioned in alerts") if result.mentioned else _("not mentioned")
        access_log_write(
            actor=request.user, login=request.user, action=AccessLog.Action.CHECK, detail=found
        )
    return render(request, "safety/check.html", {"form": form, "result": result})


# --- Moderators ----------------------------------------------------------------------------------


@role_required(Role.MODERATOR)
def moderation_list(request: LoggedInRequest) -> HttpResponse:
    return render(request, "safety/moderation_list.html", selectors.moderation_lists(request.user))


@role_required(Role.MODERATOR)
def moderation_detail(request: LoggedInRequest, pk: int) -> HttpResponse:
    """The report as it would circulate, never who sent it; the words can be edited to take out
    anything that could identify anyone."""
    report = access.get_report_for_moderator(request, pk)
    form = EditForm(request.POST or None, instance=report)
    if request.method == "POST" and form.is_valid():
        try:
            services.report_edit(report=report, moderator=request.user, values=form.cleaned_data)
        except ValidationError as error:
            messages.error(request, error.messages[0])
        else:
            messages.success(request, _("The changes are saved."))
        return redirect("safety:moderation_detail", pk=report.pk)
    return render(
        request,
        "safety/moderation_detail.html",
        {"report": report, "form": form, "decisions": selectors.verdicts(report)},
    )


@require_POST
@role_required(Role.MODERATOR)
def report_decide(request: LoggedInRequest, pk: int) -> HttpResponse:
    report = access.get_report_for_moderator(request, pk)
    verdict = request.POST.get("verdict", "")
    if verdict not in Decision.Verdict.values:
        return redirect("safety:moderation_detail", pk=report.pk)
    try:
        report = services.report_decide(report=report, moderator=request.user, verdict=verdict)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(
            request,
            _("Your decision is saved: %(status)s.") % {"status": report.get_status_display()},
        )
    return redirect("safety:moderation_list")


@require_POST
@role_required(Role.MODERATOR)
def moderator_withdraw(request: LoggedInRequest, pk: int) -> HttpResponse:
    report = access.get_report_for_moderator(request, pk)
    services.report_withdraw(report=report, by=request.user, moderator=True)
    messages.success(request, _("The alert is withdrawn. Nobody will be sent it again."))
    return redirect("safety:moderation_list")


@require_POST
@role_required(Role.MODERATOR)
def removal_resolve(request: LoggedInRequest, pk: int) -> HttpResponse:
    removal = access.get_removal_for_moderator(request, pk)
    remove = request.POST.get("remove") == "yes"
    services.removal_request_resolve(request=removal, moderator=request.user, remove=remove)
    messages.success(request, _("The request is answered."))
    return redirect("safety:moderation_list")


# --- Support and removal -------------------------------------------------------------------------


@role_required(Role.OUTREACH_WORKER, Role.COORDINATOR)
def report_support(request: LoggedInRequest, pk: int) -> HttpResponse:
    """For the staff who support the person it happened to: who, and what they asked for. The
    read of who it was is in the access log, as any read of a person's record."""
    report = access.get_supported_report(request, pk)
    if report.reporter is not None and report.reporter.user_id != request.user.pk:
        access_log_write(
            actor=request.user,
            person=report.reporter,
            action=AccessLog.Action.VIEW,
            detail=f"safety report {report.reference}",
        )
    return render(request, "safety/support.html", {"report": report})


@login_not_required
@resend_safe(unlinked=True)
def removal_request(request: HttpRequest) -> HttpResponse:
    """Open to anyone, for a person an alert names or describes wrongly. The answer is the same
    whether or not the reference exists; sends are limited per address."""
    form = RemovalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        key = address_key(request, action=REMOVAL)
        if not ratelimit.consume(request, action=REMOVAL, key=key):
            return render(request, "429.html", status=429)
        with transaction.atomic():
            services.removal_request_create(**form.cleaned_data)
        return redirect("safety:removal_sent")
    return render(request, "safety/removal_form.html", {"form": form})


@login_not_required
def removal_sent(request: HttpRequest) -> HttpResponse:
    return render(request, "safety/removal_sent.html")
