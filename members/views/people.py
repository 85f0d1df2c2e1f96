"""People reached: find by code, register, read and change a record, need-to-know openings and the
duplicate review queue."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from members import resend, services
from members.access import (
    get_duplicate_for_user,
    get_person_for_outside_opening,
    get_person_for_user,
    hotspots_visible_to,
    outside_opening_token,
    people_visible_to,
    people_with_code_elsewhere,
    people_with_code_visible_to,
)
from members.forms import CodeForm, ConsentForm, MergeForm, PersonForm, ReasonForm
from members.ids import parse_id
from members.lookup import lookup_allowed, too_many_lookups
from members.models import AccessLog, Consent
from members.resend import resend_safe
from members.roles import STAFF, LoggedInRequest, Role, has_role, role_required
from members.selectors import open_duplicate_pairs, people_listed

PAGE_SIZE = 50


@role_required(*STAFF)
def person_list(request: LoggedInRequest) -> HttpResponse:
    # Three queries whatever the numbers: the count, one page of people with their hotspots,
    # and the hotspots for the filter.
    hotspots = hotspots_visible_to(request.user)
    hotspot_id = parse_id(request.GET.get("hotspot"))
    people = people_listed(people_visible_to(request.user), hotspot_id=hotspot_id)
    page = Paginator(people, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "members/person_list.html",
        {
            "page": page,
            "hotspots": hotspots,
            "hotspot_id": hotspot_id,
            "find_form": CodeForm(auto_id="find_%s"),
        },
    )


@role_required(*STAFF)
def person_find(request: LoggedInRequest) -> HttpResponse:
    """Look a code up without registering (the search box of the list)."""
    return _find_or_register(request, register=False)


@role_required(*STAFF)
@resend_safe
def person_register(request: LoggedInRequest) -> HttpResponse:
    """One screen: the code parts, then the details. The code is always looked up first."""
    return _find_or_register(request, register=True)


def _details_form(request: LoggedInRequest, *, registering: bool) -> PersonForm:
    """The details are checked only when registering; a lookup just keeps what was typed."""
    hotspots = hotspots_visible_to(request.user)
    only_own = not has_role(request.user, Role.COORDINATOR)
    if registering:
        return PersonForm(request.POST, hotspots=hotspots, hotspot_required=only_own)
    initial = request.POST.dict() or None
    return PersonForm(initial=initial, hotspots=hotspots, hotspot_required=only_own)


def _find_or_register(request: LoggedInRequest, *, register: bool) -> HttpResponse:
    registering = register and request.POST.get("action") == "register"
    code_form = CodeForm(request.POST or None)
    details_form = _details_form(request, registering=registering)
    if request.method == "POST" and code_form.is_valid():
        if not lookup_allowed(request):
            return too_many_lookups(request)
        found = _lookup(request, code_form.cleaned_data["uic_hash"])
        if found is not None:
            return found
        if not registering:
            messages.info(
                request, _("No one has this code yet. Add their details to register them.")
            )
        elif details_form.is_valid():
            person = services.person_register(
                actor=request.user,
                uic_hash=code_form.cleaned_data["uic_hash"],
                **details_form.cleaned_data,
            )
            messages.success(request, _("Registered. Their code now finds them."))
            return redirect("outreach:person_detail", pk=person.pk)
    return render(
        request,
        "members/person_register.html",
        {"code_form": code_form, "details_form": details_form},
    )


def _lookup(request: LoggedInRequest, code_hash: str) -> HttpResponse | None:
    """Open the person with this code if this worker may; offer an opening with a reason if the
    person is registered elsewhere; None if nobody has the code. Telling a worker that someone
    is registered at another hotspot is already telling them something: it is logged."""
    visible = people_with_code_visible_to(request.user, code_hash)
    if len(visible) == 1:
        # Found, so nothing is saved: sending the same code again must find it again.
        resend.nothing_saved(request)
        messages.info(request, _("Found: this code is already registered."))
        return redirect("outreach:person_detail", pk=visible[0].pk)
    elsewhere = people_with_code_elsewhere(code_hash, visible=visible)
    for person in elsewhere:
        services.access_log_write(actor=request.user, person=person, action=AccessLog.Action.LOOKUP)
    if visible or elsewhere:
        resend.nothing_saved(request)
        tokens = [(p, outside_opening_token(request.user, p)) for p in elsewhere]
        return render(
            request,
            "members/person_found.html",
            {"visible": visible, "elsewhere": tokens, "reason_form": ReasonForm()},
        )
    return None


@require_POST
@role_required(Role.OUTREACH_WORKER)
@resend_safe
def person_open_outside(request: LoggedInRequest, pk: int) -> HttpResponse:
    """Only after finding the person by their code (the signed token proves it) and with a
    reason: a worker cannot browse other hotspots by guessing numbers."""
    person = get_person_for_outside_opening(request, pk)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        return render(
            request,
            "members/person_found.html",
            {"visible": [], "elsewhere": [(person, request.POST["token"])], "reason_form": form},
        )
    services.outside_access_grant(
        worker=request.user, person=person, reason=form.cleaned_data["reason"]
    )
    return redirect("outreach:person_detail", pk=person.pk)


@role_required(*STAFF)
def person_edit(request: LoggedInRequest, pk: int) -> HttpResponse:
    posting = request.method == "POST"
    person = get_person_for_user(request, pk, write=True, log=not posting)
    coordinator = has_role(request.user, Role.COORDINATOR)
    form = PersonForm(
        request.POST or None,
        instance=person,
        hotspots=hotspots_visible_to(request.user),
        may_move=coordinator,
    )
    if posting and form.is_valid():
        services.person_update(actor=request.user, person=form.instance, changed=form.changed_data)
        messages.success(request, _("Saved."))
        return redirect("outreach:person_detail", pk=person.pk)
    if posting:
        # A refused change is still a look at the record.
        services.access_log_write(actor=request.user, person=person, action=AccessLog.Action.VIEW)
    return render(request, "members/person_edit.html", {"form": form, "person": person})


@require_POST
@role_required(*STAFF)
def person_consent(request: LoggedInRequest, pk: int) -> HttpResponse:
    person = get_person_for_user(
        request, pk, write=True, action=AccessLog.Action.CHANGE, detail="consent"
    )
    form = ConsentForm(request.POST)
    if not form.is_valid():
        raise PermissionDenied
    for purpose, _label in Consent.Purpose.choices:  # the form's choices
        services.consent_set(
            person=person, purpose=purpose, given=purpose in form.cleaned_data["purposes"]
        )
    messages.success(request, _("Consent updated."))
    return redirect("outreach:person_detail", pk=person.pk)


@role_required(Role.COORDINATOR)
def duplicate_list(request: LoggedInRequest) -> HttpResponse:
    # One query: the open pairs with both people and their hotspots.
    pairs = open_duplicate_pairs()
    return render(request, "members/duplicate_list.html", {"pairs": pairs})


@role_required(Role.COORDINATOR)
def duplicate_resolve(request: LoggedInRequest, pk: int) -> HttpResponse:
    pair = get_duplicate_for_user(request, pk)
    people = (pair.person, pair.other)
    form = MergeForm(request.POST or None, people=people)
    if request.method == "POST" and form.is_valid():
        if form.cleaned_data["decision"] == "different":
            services.duplicate_mark_different(actor=request.user, duplicate=pair)
            messages.success(request, _("Marked as different people."))
            return redirect("members:duplicate_list")
        keep = next(p for p in people if str(p.pk) == form.cleaned_data["keep"])
        remove = next(p for p in people if p is not keep)
        services.person_merge(actor=request.user, keep=keep, remove=remove)
        messages.success(request, _("Merged: everything now belongs to one record."))
        return redirect("outreach:person_detail", pk=keep.pk)
    for person in people:
        services.access_log_write(
            actor=request.user,
            person=person,
            action=AccessLog.Action.VIEW,
            detail="duplicate review",
        )
    return render(
        request, "members/duplicate_resolve.html", {"pair": pair, "people": people, "form": form}
    )
