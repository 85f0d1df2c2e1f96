"""Community feedback and complaints: a member's taps on a service, anonymous feedback with a
printed single-use code, and complaints raised by members and followed up by coordinators."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters

from members import codes, resend
from members.access import find_own_person, is_staff
from members.resend import resend_safe
from members.roles import STAFF, LoggedInRequest, Role, has_role, role_required
from monitoring import services_feedback as services
from monitoring.access import get_complainant_for_user, get_complaint_for_user
from monitoring.forms import (
    ComplaintFilterForm,
    ComplaintForm,
    ComplaintUpdateForm,
    FeedbackCodeForm,
    FeedbackCodesCreateForm,
    FeedbackForm,
)
from monitoring.selectors_feedback import complaints_listed, complaints_raised_by

PAGE_SIZE = 25
# Wrong codes allowed from one address before it must wait (ACCOUNT_RATE_LIMITS): enough for a
# drop-in's shared wifi, far too few to guess one of 31^8 codes.
WRONG_CODES = codes.WrongGuesses("feedback_code_failed")


@role_required(Role.MEMBER)
@resend_safe(unlinked=True)
def feedback_create(request: LoggedInRequest) -> HttpResponse:
    person = find_own_person(request)
    form = FeedbackForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.feedback_create(data=form.cleaned_data)
        return redirect("monitoring:feedback_thanks")
    return render(
        request,
        "monitoring/feedback_form.html",
        {"form": form, "complaints": complaints_raised_by(person), "with_code": False},
    )


def feedback_thanks(request: LoggedInRequest) -> HttpResponse:
    return render(request, "monitoring/feedback_thanks.html")


@login_not_required
@sensitive_post_parameters("code")
@resend_safe(unlinked=True)
def feedback_with_code(request: HttpRequest) -> HttpResponse:
    """Two steps on one address: type the code, then the same form as members, which carries
    the code in a hidden field. Nothing is kept in a session; the code is used up only when the
    feedback is saved, in the same transaction."""
    if request.method != "POST" and request.GET.get("sent"):
        return render(request, "monitoring/feedback_thanks.html", {"with_code": True})
    if request.method != "POST" or WRONG_CODES.too_many(request):
        return _code_step(request)
    code_form = FeedbackCodeForm(request.POST)
    if not code_form.is_valid():
        return _code_step(request)
    code = services.feedback_code_normalise(code_form.cleaned_data["code"])
    if request.POST.get("step") != "answers":
        return _code_step(request)
    form = FeedbackForm(request.POST)
    if form.is_valid():
        try:
            services.feedback_with_code_create(code=code, data=form.cleaned_data)
        except services.FeedbackCodeRefused:
            return _code_step(request, refused=True)
        # The thanks is this same public page, so no other address has to be public.
        return redirect(f"{reverse('monitoring:feedback_with_code')}?sent=1")
    return _answers_step(request, form, code)


def _answers_step(request: HttpRequest, form: FeedbackForm, code: str) -> HttpResponse:
    response = render(
        request,
        "monitoring/feedback_form.html",
        {"form": form, "complaints": (), "with_code": True, "code": code},
    )
    response["Cache-Control"] = "no-store"
    return response


def _code_refused_message() -> str:
    # One message for unknown, used and expired codes: codes cannot be probed.
    return _(
        "This code does not work. It may be mistyped, already used or expired: ask for a new one."
    )


def _code_step(request: HttpRequest, *, refused: bool = False) -> HttpResponse:
    form = FeedbackCodeForm(request.POST or None)
    status = 200
    if request.method == "POST" and WRONG_CODES.too_many(request):
        form.add_error(
            None, _("Too many wrong codes from this connection. Wait 10 minutes and try again.")
        )
        status = 429
    elif refused:
        WRONG_CODES.count(request)
        form.add_error("code", _code_refused_message())
    elif request.method == "POST" and form.is_valid():
        code = services.feedback_code_normalise(form.cleaned_data["code"])
        try:
            services.feedback_code_check(code=code)
        except services.FeedbackCodeRefused:
            WRONG_CODES.count(request)
            form.add_error("code", _code_refused_message())
        else:
            return _answers_step(request, FeedbackForm(), code)
    return render(request, "monitoring/feedback_code.html", {"form": form}, status=status)


@role_required(*STAFF)
@resend_safe
def feedback_codes_create(request: LoggedInRequest) -> HttpResponse:
    """Rendered, not redirected: the codes exist only in this one response."""
    form = FeedbackCodesCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = services.feedback_codes_create(actor=request.user, count=form.cleaned_data["count"])
        # Sent again, the form leads back to itself: the codes were shown once, here.
        resend.saved(request, reverse("monitoring:feedback_codes_create"))
        response = render(
            request,
            "monitoring/feedback_codes.html",
            {
                "codes": codes,
                "valid_days": services.CODE_VALID_DAYS,
                "code_url": request.build_absolute_uri(reverse("monitoring:feedback_with_code")),
            },
        )
        response["Cache-Control"] = "no-store"
        return response
    return render(request, "monitoring/feedback_codes_form.html", {"form": form})


# --- Complaints ------------------------------------------------------------------------------


@role_required(Role.MEMBER, Role.OUTREACH_WORKER)
@resend_safe
def complaint_create(request: LoggedInRequest) -> HttpResponse:
    """A member's own complaint; an outreach worker may raise one on a member's behalf by
    coming from their record (?person=<id>), or for nobody in particular."""
    person = get_complainant_for_user(request)
    on_behalf = person is not None and is_staff(request.user)
    form = ComplaintForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        services.complaint_create(
            person=person,
            place=data["place"],
            partner=data["partner"],
            description=data["description"],
        )
        messages.success(request, _("Thank you. Your complaint has been sent to a coordinator."))
        if has_role(request.user, Role.MEMBER) and not on_behalf:
            return redirect("monitoring:feedback_create")
        return redirect("home")
    return render(
        request,
        "monitoring/complaint_form.html",
        {"form": form, "person": person if on_behalf else None},
    )


@role_required(Role.COORDINATOR)
def complaint_list(request: LoggedInRequest) -> HttpResponse:
    # Queries, however many complaints: the count and one page with partners (nothing
    # encrypted is decrypted: what happened is read on the complaint's own page).
    form = ComplaintFilterForm(request.GET or None)
    status = form.cleaned_data["status"] if form.is_valid() else ""
    page = Paginator(complaints_listed(status=status), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "monitoring/complaint_list.html", {"form": form, "page": page})


@role_required(Role.COORDINATOR)
def complaint_update(request: LoggedInRequest, pk: int) -> HttpResponse:
    complaint = get_complaint_for_user(request, pk)
    form = ComplaintUpdateForm(
        request.POST or None,
        initial={"status": complaint.status, "resolution": complaint.resolution or ""},
    )
    if request.method == "POST" and form.is_valid():
        services.complaint_update(
            complaint=complaint,
            actor=request.user,
            status=form.cleaned_data["status"],
            resolution=form.cleaned_data["resolution"],
        )
        messages.success(request, _("The complaint was updated."))
        return redirect("monitoring:complaint_list")
    return render(
        request, "monitoring/complaint_update.html", {"form": form, "complaint": complaint}
    )
