"""A member's own data: everything held about them, a download of it, consent per purpose and a
request for erasure. Reading one's own record is not logged: the access log records staff."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from members import services
from members.access import get_own_person
from members.forms import OwnConsentForm
from members.models import Consent, Person, User

# Every field of the record a person can be told about: a stable key for the download, and a
# label that speaks to them (the staff form says "where they work"). Left out: the code hash (a
# keyed hash that cannot be read back, explained on the page) and links to other records.
PERSON_FIELDS = {
    "nickname": ("nickname", gettext_lazy("Nickname")),
    "gender_identity": ("gender_identity", gettext_lazy("Gender identity")),
    "age_band": ("age_band", gettext_lazy("Age band")),
    "typology": ("where_you_work", gettext_lazy("Where you work")),
    "hotspot": ("main_hotspot", gettext_lazy("Main hotspot")),
    "languages": ("languages", gettext_lazy("Languages")),
    "status": ("status", gettext_lazy("Status")),
    "is_member": ("member", gettext_lazy("Member of the organization")),
    "member_since": ("member_since", gettext_lazy("Member since")),
    "phone": ("phone", gettext_lazy("Phone")),
    "email": ("email", gettext_lazy("E-mail")),
    "notes": ("notes", gettext_lazy("Notes")),
    "registered_at": ("registered_at", gettext_lazy("Registered on")),
}
# The page shows the latest lines of the log; the download holds all of them.
LOG_SHOWN = 50


def actor_role(actor: User) -> str:
    """Who looked, as a role rather than a username. Outreach workers are community members
    too: their logins are not handed to everyone they serve, and a member's phone or downloaded
    file may be read by a partner. The role is enough to raise a concern with the organization;
    coordinators see the exact login in the full log. A login with several roles shows the one
    with the widest access."""
    if actor.is_superuser:
        return _("an administrator")
    if actor.is_coordinator:
        return _("a coordinator")
    if actor.is_outreach_worker:
        return _("an outreach worker")
    return _("a member of staff")


def _details(person: Person) -> list[dict[str, Any]]:
    details = []
    for name, (key, label) in PERSON_FIELDS.items():
        if Person._meta.get_field(name).choices:
            value: Any = getattr(person, f"get_{name}_display")()
        elif name == "hotspot":
            value = person.hotspot.name if person.hotspot else None
        else:
            value = getattr(person, name)
        details.append({"key": key, "label": label, "value": value})
    return details


def _log(person: Person, limit: int | None = None) -> list[dict[str, Any]]:
    """One query: the person's access log, newest first: when, what and who (as a role). The
    reason and detail staff typed stay out: free text can name other people or places, and
    this page and its download may be seen by someone else on a shared phone."""
    entries = person.access_log.select_related("actor").order_by("-at", "-pk")
    if limit is not None:
        entries = entries[:limit]
    return [
        {"at": entry.at, "action": entry.get_action_display(), "by": actor_role(entry.actor)}
        for entry in entries
    ]


def _consents(person: Person) -> list[dict[str, Any]]:
    return [
        {
            "purpose": consent.get_purpose_display(),
            "given_at": consent.given_at,
            "withdrawn_at": consent.withdrawn_at,
        }
        for consent in person.consents.order_by("-given_at", "-pk")
    ]


def own_data(request: HttpRequest) -> HttpResponse:
    person = get_own_person(request)
    consents = _consents(person)
    given = {
        consent.purpose: consent.given_at
        for consent in person.consents.filter(withdrawn_at__isnull=True)
    }
    purposes = [
        {"value": value, "label": label, "given_at": given.get(value)}
        for value, label in Consent.Purpose.choices
    ]
    log = _log(person, limit=LOG_SHOWN + 1)
    return render(
        request,
        "members/own_data.html",
        {
            "details": _details(person),
            "purposes": purposes,
            "consents": consents,
            "log": log[:LOG_SHOWN],
            "log_is_longer": len(log) > LOG_SHOWN,
            "erasure_request": person.erasure_requests.filter(confirmed_at__isnull=True).first(),
        },
    )


def own_data_download(request: HttpRequest) -> HttpResponse:
    """The same data as the page, as a file. The only export with the decrypted contact
    details: it is the person's own data, asked for by them."""
    person = get_own_person(request)
    data = {
        "downloaded_at": timezone.now(),
        "details": {item["key"]: item["value"] for item in _details(person)},
        "consents": _consents(person),
        "access_log": _log(person),
        "erasure_requests": [
            {"requested_at": r.requested_at, "confirmed_at": r.confirmed_at}
            for r in person.erasure_requests.order_by("requested_at")
        ],
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
def own_consent(request: HttpRequest) -> HttpResponse:
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
def erasure_request(request: HttpRequest) -> HttpResponse:
    """GET explains what erasure wipes and what stays; POST asks for it."""
    person = get_own_person(request)
    if request.method == "POST":
        _request, created = services.erasure_request_create(person=person)
        if created:
            sent = _("Your request is sent. Until a coordinator confirms it, nothing is wiped.")
            messages.success(request, sent)
        else:
            messages.info(request, _("You have already asked. A coordinator will confirm it soon."))
        return redirect("members:own_data")
    return render(
        request,
        "members/erasure_request_confirm.html",
        {"erasure_request": person.erasure_requests.filter(confirmed_at__isnull=True).first()},
    )
