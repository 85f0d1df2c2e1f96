"""The risk and vulnerability assessment of a person: which of the organization's factors apply.
More than PRIORITY_FACTORS of them makes the person a priority, contacted weekly."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from members.access import get_person_for_user
from members.models import AccessLog, Person
from members.resend import resend_safe
from members.roles import STAFF, LoggedInRequest, role_required
from members.services import access_log_write
from outreach import rules, services
from outreach.forms import RiskAssessmentForm
from outreach.selectors_people import factor_ids, latest_assessment


@role_required(*STAFF)
@resend_safe
def risk_assess(request: LoggedInRequest, pk: int) -> HttpResponse:
    posting = request.method == "POST"
    person = get_person_for_user(request, pk, write=True, log=not posting)
    latest = latest_assessment(person)
    initial = {"factors": factor_ids(latest)} if latest is not None else {}
    form = RiskAssessmentForm(request.POST if posting else None, initial=initial)
    if posting and form.is_valid():
        return _assess(request, person, form)
    if posting:
        # A refused save is still a look at the record.
        access_log_write(actor=request.user, person=person, action=AccessLog.Action.VIEW)
    return render(
        request,
        "outreach/riskassessment_form.html",
        {
            "form": form,
            "person": person,
            "latest": latest,
            "priority_factors": rules.PRIORITY_FACTORS,
        },
    )


def _assess(request: LoggedInRequest, person: Person, form: RiskAssessmentForm) -> HttpResponse:
    assessment = services.risk_assess(
        actor=request.user,
        person=person,
        factors=list(form.cleaned_data["factors"]),
        reassess_on=form.cleaned_data["reassess_on"],
    )
    if assessment.is_priority:
        messages.success(request, _("Saved. They are a priority: contact them every week."))
    else:
        messages.success(request, _("Saved. Contact them at least once a month."))
    return redirect("outreach:person_detail", pk=person.pk)
