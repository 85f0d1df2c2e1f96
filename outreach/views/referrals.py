"""Referrals: made from a person's page, followed from made to attended to an outcome, and traced
up to three times when the person does not turn up."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.forms import BaseForm
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from members.access import get_person_for_user, is_staff
from members.ids import parse_id
from members.models import AccessLog, Person
from members.resend import resend_safe
from members.roles import STAFF, LoggedInRequest, role_required
from members.services import access_log_write
from outreach import services
from outreach.access import contacts_visible_to, get_referral_for_user, referrals_visible_to
from outreach.forms import AttendedForm, OutcomeForm, ReferralForm, TracingForm
from outreach.models import Contact, Referral
from outreach.rules import MAX_TRACING_ATTEMPTS
from outreach.selectors_partners import partners_offering
from outreach.selectors_people import contacts_of
from outreach.selectors_referrals import referrals_listed, tracing_attempts_of

PAGE_SIZE = 25
SHOW = ("open", "overdue", "all")


@role_required(*STAFF)
@resend_safe
def referral_create(request: LoggedInRequest, person_pk: int) -> HttpResponse:
    """One form. "Only partners offering this service" narrows the partner list without
    JavaScript: the form comes back with what was typed and fewer partners. It posts, so the
    service asked for never lands in the address bar or the history of a shared phone."""
    referring = request.method == "POST" and request.POST.get("action") == "refer"
    person = get_person_for_user(request, person_pk, write=True, log=not referring)
    contacts = contacts_of(contacts_visible_to(request.user), person)
    if referring:
        form = ReferralForm(request.POST, partners=partners_offering("")[0], contacts=contacts)
        made = _refer(request, form, person)
        if made is not None:
            return made
    else:
        form = _narrowed_form(request, contacts)
    return render(request, "outreach/referral_form.html", {"form": form, "person": person})


def _refer(request: LoggedInRequest, form: ReferralForm, person: Person) -> HttpResponse | None:
    """Make the referral and redirect, or None with the reason added to the form."""
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
    return None


def _narrowed_form(request: LoggedInRequest, contacts: QuerySet[Contact]) -> ReferralForm:
    """The form as typed so far (or as linked), its partners narrowed to the service chosen."""
    if request.method == "POST":
        initial = {
            name: request.POST.get(name, "")
            for name in ReferralForm.base_fields
            if name in request.POST
        }
    else:
        # A contact's page may link here with ?contact=<id>: a number, nothing personal.
        contact = parse_id(request.GET.get("contact"))
        initial = {"contact": str(contact)} if contact is not None else {}
    service = initial.get("service", "")
    partners, matched = partners_offering(service)
    if service and not matched:
        messages.info(request, _("No partner lists this service yet: all are shown."))
    return ReferralForm(initial=initial, partners=partners, contacts=contacts)


@role_required(*STAFF)
def referral_list(request: LoggedInRequest) -> HttpResponse:
    show = request.GET.get("show", "open")
    if show not in SHOW:
        show = "open"
    today = timezone.localdate()
    # Two queries whatever the numbers: the count, and one page of referrals with their
    # person, partner and maker and the number of tracing attempts.
    referrals = referrals_listed(referrals_visible_to(request.user), show, today)
    page = Paginator(referrals, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "outreach/referral_list.html",
        {"page": page, "show": show, "today": today, "max_attempts": MAX_TRACING_ATTEMPTS},
    )


def _detail(request: LoggedInRequest, referral: Referral, **forms: BaseForm) -> HttpResponse:
    """The referral page, with any form that came back with errors in place of a blank one."""
    if is_staff(request.user) and referral.person.user_id != request.user.pk:
        access_log_write(
            actor=request.user,
            person=referral.person,
            action=AccessLog.Action.VIEW,
            detail=f"referral #{referral.pk}",
        )
    attempts = tracing_attempts_of(referral)
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
def referral_detail(request: LoggedInRequest, pk: int) -> HttpResponse:
    return _detail(request, get_referral_for_user(request, pk))


def _done(
    request: LoggedInRequest, referral: Referral, change: Callable[[], object], success: str
) -> HttpResponse:
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
def referral_attended(request: LoggedInRequest, pk: int) -> HttpResponse:
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
def referral_outcome(request: LoggedInRequest, pk: int) -> HttpResponse:
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
def referral_not_completed(request: LoggedInRequest, pk: int) -> HttpResponse:
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
def tracing_create(request: LoggedInRequest, pk: int) -> HttpResponse:
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
