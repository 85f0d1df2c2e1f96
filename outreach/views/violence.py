"""The short violence record opened from a contact, and its follow-up. Restricted: the person's
outreach workers and coordinators only; for anyone else it does not exist."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import formats
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from members.models import AccessLog
from members.resend import resend_safe
from members.roles import STAFF, LoggedInRequest, role_required
from members.services import access_log_write
from outreach import services
from outreach.access import get_contact_for_user, get_incident_for_user
from outreach.forms import ViolenceIncidentForm
from outreach.selectors_contacts import incident_of


@role_required(*STAFF)
@resend_safe
def incident_create(request: LoggedInRequest, pk: int) -> HttpResponse:
    contact = get_contact_for_user(request, pk)
    # The contact is visible, so its record is too: one per contact.
    existing = incident_of(contact)
    if existing is not None:
        return redirect("outreach:incident_detail", pk=existing.pk)
    form = ViolenceIncidentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        incident, _created = services.incident_open(
            worker=request.user, contact=contact, **form.cleaned_data
        )
        messages.success(
            request,
            _("Saved. Follow up on %(day)s.") % {"day": formats.date_format(incident.follow_up_on)},
        )
        return redirect("outreach:person_detail", pk=contact.person_id)
    access_log_write(
        actor=request.user,
        person=contact.person,
        action=AccessLog.Action.VIEW,
        detail=services.FOLLOW_UP_LOG_DETAIL,
    )
    return render(
        request, "outreach/violenceincident_form.html", {"form": form, "contact": contact}
    )


@role_required(*STAFF)
def incident_detail(request: LoggedInRequest, pk: int) -> HttpResponse:
    incident = get_incident_for_user(request, pk)
    access_log_write(
        actor=request.user,
        person=incident.person,
        action=AccessLog.Action.VIEW,
        detail=services.FOLLOW_UP_LOG_DETAIL,
    )
    return render(request, "outreach/violenceincident_detail.html", {"incident": incident})


@require_POST
@role_required(*STAFF)
def incident_follow_up(request: LoggedInRequest, pk: int) -> HttpResponse:
    incident = get_incident_for_user(request, pk)
    services.incident_mark_followed_up(actor=request.user, incident=incident)
    messages.success(request, _("Marked as followed up."))
    return redirect("outreach:incident_detail", pk=incident.pk)
