"""Referrals: made from a person's page, followed from made to attended to an outcome, and traced
up to three times when the person does not turn up."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from members.access import get_person_for_user, is_staff
from members.ids import parse_id
from members.models import AccessLog
from members.resend import resend_safe
from members.roles import Role, role_required
from members.services import access_log_write
from outreach import services
from outreach.access import contacts_visible_to, get_referral_for_user, referrals_visible_to
from outreach.forms import AttendedForm, OutcomeForm, ReferralForm, TracingForm
from outreach.models import Partner, Referral, Service
from outreach.rules import MAX_TRACING_ATTEMPTS

STAFF = (Role.OUTREACH_WORKER, Role.COORDINATOR)
PAGE_SIZE = 25
SHOW = ("open", "overdue", "all")


def _partners_offering(service: str) -> tuple[Any, bool]:
    """Active partners, only those listing `service` if any does; and whether any does."""
    partners = Partner.objects.filter(is_active=True).order_by("name")
    if service not in Service.values:
        return partners, False
    # Services are a short JSON list, matched here: the same on SQLite and PostgreSQL.
    offering = [p.pk for p in partners if service in p.services]
    return (partners.filter(pk__in=offering), True) if offering else (partners, False)


@role_required(*STAFF)
@resend_safe
def referral_create(request: HttpRequest, person_pk: int) -> HttpResponse:
    """One form. "Only partners offering this service" narrows the partner list without
    JavaScript: the form comes back with what was typed and fewer partners. It posts, so the
    service asked for never lands in the address bar or the history of a shared phone."""
    posting = request.method == "POST"
    referring = posting and request.POST.get("action") == "refer"
    person = get_person_for_user(request, person_pk, write=True, log=not referring)
    contacts = contacts_visible_to(request.user).filter(person=person)
    if referring:
        form = ReferralForm(request.POST, partners=_partners_offering("")[0], contacts=contacts)
        if form.is_valid():
            try:
                referral = services.referral_make(
                    actor=request.user, person=person, **form.cleaned_data
                )
            except services.ReferralRefused as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("Referral made."))
                return redirect("outreach:referral_detail", pk=referral.pk)
        # A refused referral is still a look at the record.
        access_log_write(actor=request.user, person=person, action=AccessLog.Action.VIEW)
    else:
        if posting:
            initial = {k: v for k, v in request.POST.items() if k in ReferralForm.base_fields}
        else:
            # A contact's page may link here with ?contact=<id>: a number, nothing personal.
            contact = parse_id(request.GET.get("contact"))
            initial = {"contact": str(contact)} if contact is not None else {}
        service = initial.get("service", "")
        partners, matched = _partners_offering(service)
        if service and not matched:
            messages.info(request, _("No partner lists this service yet: all are shown."))
        form = ReferralForm(initial=initial, partners=partners, contacts=contacts)
    return render(request, "outreach/referral_form.html", {"form": form, "person": person})


@role_required(*STAFF)
def referral_list(request: HttpRequest) -> HttpResponse:
    show = request.GET.get("show", "open")
    if show not in SHOW:
        show = "open"
    today = timezone.localdate()
    # Two queries whatever the numbers: the count, and one page of referrals with their
    # person, partner and maker and the number of tracing attempts.
    referrals = (
        referrals_visible_to(request.user)
        .select_related("person", "partner", "made_by")
        # Encrypted contact details are not needed here: neither fetched nor decrypted.
        .defer("person__phone", "person__email", "person__notes")
        .annotate(attempts=Count("tracing_attempts"))
    )
    if show == "open":
        referrals = referrals.filter(status=Referral.Status.MADE).order_by("due_on", "pk")
    elif show == "overdue":
        referrals = referrals.filter(status=Referral.Status.MADE, due_on__lt=today).order_by(
            "due_on", "pk"
        )
    else:
        referrals = referrals.order_by("-made_on", "-pk")
    page = Paginator(referrals, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "outreach/referral_list.html",
        {"page": page, "show": show, "today": today, "max_attempts": MAX_TRACING_ATTEMPTS},
    )


def _detail(request: HttpRequest, referral: Referral, **forms: Any) -> HttpResponse:
    """The referral page, with any form that came back with errors in place of a blank one."""
    if is_staff(request.user) and referral.person.user_id != request.user.pk:
        access_log_write(
            actor=request.user,
            person=referral.person,
            action=AccessLog.Action.VIEW,
            detail=f"referral #{referral.pk}",
        )
    attempts = list(referral.tracing_attempts.select_related("worker").order_by("number"))
    context = {
        "referral": referral,
        "attempts": attempts,
        "can_trace": referral.status == Referral.Status.MADE
        and len(attempts) < MAX_TRACING_ATTEMPTS,
        "max_attempts": MAX_TRACING_ATTEMPTS,
        "overdue": referral.status == Referral.Status.MADE
        and referral.due_on < timezone.localdate(),
        "attended_form": AttendedForm(referral=referral),
        "outcome_form": OutcomeForm(referral=referral),
        "tracing_form": TracingForm(referral=referral),
        **forms,
    }
    return render(request, "outreach/referral_detail.html", context)


@role_required(*STAFF)
@resend_safe
def referral_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, get_referral_for_user(request, pk))


def _done(request: HttpRequest, referral: Referral, change: Any, success: str) -> HttpResponse:
    """Run a status change; a refusal (the referral moved on meanwhile) becomes a message."""
    try:
        change()
    except services.ReferralRefused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, success)
    return redirect("outreach:referral_detail", pk=referral.pk)


@require_POST
@role_required(*STAFF)
def referral_attended(request: HttpRequest, pk: int) -> HttpResponse:
    referral = get_referral_for_user(request, pk)
    form = AttendedForm(request.POST, referral=referral)
    if not form.is_valid():
        return _detail(request, referral, attended_form=form)
    return _done(
        request,
        referral,
        lambda: services.referral_mark_attended(
            actor=request.user, referral=referral, attended_on=form.cleaned_data["attended_on"]
        ),
        _("Marked as attended."),
    )


@require_POST
@role_required(*STAFF)
def referral_outcome(request: HttpRequest, pk: int) -> HttpResponse:
    referral = get_referral_for_user(request, pk)
    form = OutcomeForm(request.POST, referral=referral)
    if not form.is_valid():
        return _detail(request, referral, outcome_form=form)
    return _done(
        request,
        referral,
        lambda: services.referral_record_outcome(
            actor=request.user, referral=referral, **form.cleaned_data
        ),
        _("Outcome saved."),
    )


@require_POST
@role_required(*STAFF)
def referral_not_completed(request: HttpRequest, pk: int) -> HttpResponse:
    referral = get_referral_for_user(request, pk)
    return _done(
        request,
        referral,
        lambda: services.referral_mark_not_completed(actor=request.user, referral=referral),
        _("Marked as not completed."),
    )


@require_POST
@role_required(*STAFF)
@resend_safe
def tracing_create(request: HttpRequest, pk: int) -> HttpResponse:
    referral = get_referral_for_user(request, pk)
    form = TracingForm(request.POST, referral=referral)
    if not form.is_valid():
        return _detail(request, referral, tracing_form=form)
    return _done(
        request,
        referral,
        lambda: services.tracing_attempt_add(
            actor=request.user, referral=referral, **form.cleaned_data
        ),
        _("Tracing attempt recorded."),
    )
