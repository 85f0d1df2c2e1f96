"""My data: everything held about a login and the person behind it, a download of it, and for a
person with a record consent per purpose and a request for erasure. Reading one's own data is not
logged: the access log records staff."""

from __future__ import annotations

import json

from django.contrib import messages
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from members import personal_data, services
from members.access import find_own_person, get_own_person
from members.forms import OwnConsentForm
from members.models import Consent
from members.roles import LoggedInRequest
from members.selectors import consents_given_at, open_erasure_request


def own_data(request: LoggedInRequest) -> HttpResponse:
    """Everything held about this login and, for a person with a record, about them: one
    section per kind of record in the registry (members.personal_data)."""
    person = find_own_person(request)
    purposes = []
    if person is not None:
        given = consents_given_at(person)
        purposes = [
            {"value": value, "label": label, "given_at": given.get(value)}
            for value, label in Consent.Purpose.choices
        ]
    return render(
        request,
        "members/own_data.html",
        {
            "person": person,
            "sections": personal_data.sections(person=person, login=request.user),
            "purposes": purposes,
            "erasure_request": person and open_erasure_request(person),
        },
    )


def own_data_download(request: LoggedInRequest) -> HttpResponse:
    """Everything on the page, every row of it, as a file. The only export with the decrypted
    contact details: it is the person's own data, asked for by them."""
    person = find_own_person(request)
    data = {
        "downloaded_at": timezone.now(),
        **personal_data.export(person=person, login=request.user),
    }
    response = HttpResponse(
        json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    # A neutral name: the file may sit in the downloads of a shared phone.
    response["Content-Disposition"] = 'attachment; filename="my-data.json"'
    response["Cache-Control"] = "no-store"
    return response


@require_POST
def own_consent(request: LoggedInRequest) -> HttpResponse:
    """Give or withdraw one purpose; the record is always the member's own."""
    person = get_own_person(request)
    form = OwnConsentForm(request.POST)
    if form.is_valid():
        purpose, given = form.cleaned_data["purpose"], form.cleaned_data["given"]
        services.consent_set(person=person, purpose=purpose, given=given)
        messages.success(request, _("Your choice is saved."))
    else:
        messages.error(request, _("That choice could not be saved. Please try again."))
    return redirect(reverse("members:own_data") + "#consent")


@require_http_methods(["GET", "POST"])
def erasure_request(request: LoggedInRequest) -> HttpResponse:
    """GET explains what erasure wipes and what stays; POST asks for it."""
    person = get_own_person(request)
    if request.method == "POST":
        _request, created = services.erasure_request_create(person=person)
        if created:
            sent = _("Your request is sent. Nothing is wiped until a coordinator says yes.")
            messages.success(request, sent)
        else:
            messages.info(request, _("You have already asked. A coordinator will confirm it soon."))
        return redirect("members:own_data")
    return render(
        request,
        "members/erasure_request_confirm.html",
        {
            "erasure_request": open_erasure_request(person),
            "held": personal_data.held(person=person, login=request.user),
        },
    )
