"""Field work without a connection: the service worker, the forms a phone keeps for offline use,
the page listing what waits on the phone, and the address that receives what was saved there.

A record saved offline is sealed on the phone to the server's public key (outreach.offline);
here it is opened and saved through the same forms, look-ups and services as online, under
the key its form carried, so a record sent twice saves once. A record the server cannot save
is answered with the reason, beside its fields; the phone keeps it for the worker to fix."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any
from uuid import UUID

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from members.access import get_person_for_user
from members.forms import CodeForm
from members.ids import parse_id
from members.lookup import lookup_allowed
from members.models import Person
from members.resend import digest_of, run_once
from members.roles import LoggedInRequest, Role, role_required
from outreach import offline, services
from outreach.access import contacts_visible_to
from outreach.forms import ContactForm, ReferralForm
from outreach.selectors_partners import partners_offering
from outreach.selectors_people import contacts_of
from outreach.views.contact_form import person_by_code

# One sending carries at most this many records; the phone sends the rest next.
MAX_RECORDS = 50


@dataclass
class Answer:
    """What the server says of one record: stored, refused (with why), or to send later."""

    status: str
    reason: str = ""
    errors: dict[str, list[str]] = field(default_factory=dict)
    next: str = ""


class Refused(Exception):
    """The record is not saved: refused (the worker fixes it) or to be sent again later."""

    def __init__(
        self, reason: str, errors: dict[str, list[str]] | None = None, status: str = "refused"
    ) -> None:
        super().__init__(reason)
        self.answer = Answer(status, reason, errors or {})


@login_not_required
@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    """The service worker, at the root so that its scope is the whole site. It holds nothing
    about anyone: the addresses of the files and forms kept for offline use, and their version."""
    # Never cached (like every answer of the site): each visit checks it, and a new version of
    # the site installs a new service worker.
    return render(
        request,
        "outreach/offline/sw.js",
        offline.service_worker_context(),
        content_type="text/javascript; charset=utf-8",
    )


@never_cache
@require_GET
@role_required(Role.OUTREACH_WORKER)
def offline_key(request: LoggedInRequest) -> JsonResponse:
    """What a phone needs to seal and send records: the public key, whose records they are, and
    the token a sending must carry. Same origin only: no other site can read this answer."""
    key = offline.current_key()
    return JsonResponse(
        {
            "key": key.pk,
            "public_key": key.public_key,
            "worker": request.user.pk,
            "csrf": get_token(request),
        }
    )


@never_cache
@require_POST
@role_required(Role.OUTREACH_WORKER)
def offline_send(request: LoggedInRequest) -> JsonResponse:
    """Save the records sent; answer, for each by its id, whether it is stored."""
    items = _items(request)
    if not items:
        return JsonResponse({"results": []}, status=400)
    keys: dict[int, Any] = {}  # the private keys read for this sending, each once
    results = []
    for item in items[:MAX_RECORDS]:
        answer = _receive(request, item.get("sealed"), keys)
        results.append({"id": str(item.get("id", ""))[:64], **asdict(answer)})
    return JsonResponse({"results": results})


@never_cache
@require_POST
@role_required(Role.OUTREACH_WORKER)
def offline_open(request: LoggedInRequest) -> JsonResponse:
    """A refused record's answers, back to the worker who saved it, to fix on the form."""
    items = _items(request)
    try:
        record = _own_record(request, items[0].get("sealed") if items else None, {})
    except Refused as refused:
        return JsonResponse({"reason": refused.answer.reason}, status=400)
    return JsonResponse(
        {"kind": record.kind, "form_key": record.form_key, "answers": record.answers}
    )


def _items(request: HttpRequest) -> list[dict[str, Any]]:
    try:
        body = json.loads(request.body)
    except ValueError:
        return []
    records = body.get("records") if isinstance(body, dict) else None
    return [item for item in records if isinstance(item, dict)] if isinstance(records, list) else []


def _own_record(request: LoggedInRequest, sealed: object, keys: dict[int, Any]) -> offline.Record:
    try:
        record = offline.record_open(sealed, keys)
    except offline.Unreadable as exc:
        raise Refused(_("This record could not be read. Discard it and log it again.")) from exc
    if record.worker != request.user.pk:
        raise Refused(_("This record was saved by another login. Log in as them to send it."))
    return record


def _receive(request: LoggedInRequest, sealed: object, keys: dict[int, Any]) -> Answer:
    try:
        record = _own_record(request, sealed, keys)
        data = QueryDict(mutable=True)
        for name, value in record.answers:
            data.appendlist(name, value)
        person = _person(request, data)
        if record.kind == "contact":
            return _contact(request, record, data, person)
        return _referral(request, record, data, person)
    except Refused as refused:
        return refused.answer


def _person(request: LoggedInRequest, data: QueryDict) -> Person:
    """The person the record is about: chosen from a list (their id), or by their code."""
    if data.get("person"):
        pk = parse_id(data.get("person"))
        try:
            person = get_person_for_user(request, pk or 0, log=False)
        except (Http404, PermissionDenied):
            person = None
        if person is None or person.erased_at is not None:
            raise Refused(_("This person is no longer among your people (moved or erased)."))
        return person
    code_form = CodeForm(data)
    if code_form.is_valid() and not lookup_allowed(request):
        raise Refused(_("Too many codes looked up: it will be sent again later."), status="later")
    person, _offer = person_by_code(request, code_form)
    if person is None:
        raise Refused(_("Check the code."), _errors(code_form))
    return person


def _errors(form: Any) -> dict[str, list[str]]:
    return {name: [str(m) for m in messages] for name, messages in form.errors.items()}


def _contact(
    request: LoggedInRequest, record: offline.Record, data: QueryDict, person: Person
) -> Answer:
    form = ContactForm(data)
    if not form.is_valid():
        raise Refused(_("Some answers need checking."), _errors(form))
    try:
        sent = services.contact_log_sent(
            worker=request.user, person=person, form_key=_key(record), **form.cleaned_data
        )
    except services.ContactWithoutHotspot as exc:
        raise Refused(
            _("This person has no main hotspot. Add one to their details, then send again.")
        ) from exc
    follow_up = sent.created and sent.contact.violence_reported
    next_url = reverse("outreach:incident_create", args=[sent.contact.pk]) if follow_up else ""
    return Answer("stored", next=next_url)


def _referral(
    request: LoggedInRequest, record: offline.Record, data: QueryDict, person: Person
) -> Answer:
    contacts = contacts_of(contacts_visible_to(request.user), person)
    form = ReferralForm(data, partners=partners_offering("")[0], contacts=contacts)
    if not form.is_valid():
        raise Refused(_("Some answers need checking."), _errors(form))

    def save(key: UUID) -> str:
        referral = services.referral_make(actor=request.user, person=person, **form.cleaned_data)
        return reverse("outreach:referral_detail", args=[referral.pk])

    # The scope and answers of the referral page itself: a form whose sending online lost its
    # answer, then queued, is recognised as the same referral.
    scope = f"outreach:referral_create:person_pk={person.pk}"
    answers = [(n, v) for n, v in record.answers if n != "person" and not n.startswith("code_")]
    try:
        run_once(
            owner=request.user, key=_key(record), scope=scope, digest=digest_of(answers), save=save
        )
    except services.ReferralRefused as exc:
        raise Refused(str(exc)) from exc
    return Answer("stored")


def _key(record: offline.Record) -> UUID:
    try:
        return UUID(record.form_key)
    except ValueError as exc:
        raise Refused(_("This record could not be read. Discard it and log it again.")) from exc
