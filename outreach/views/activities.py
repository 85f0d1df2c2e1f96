"""Group activities (community meetings, trainings, support groups) and who came to them.

Need to know: an outreach worker sees the activities of the hotspots assigned to them, those they
facilitate, and those open to the whole community (no hotspot); a coordinator sees all. Anyone
else gets 404 for an activity, as for a missing one. Changing an activity is for its
facilitator, the workers of its hotspot and coordinators (403 for others who may see it). The
attendee list names only people the user may see, and counts the rest."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from members.access import get_person_for_user
from members.forms import CodeForm
from members.ids import parse_id
from members.lookup import lookup_allowed, too_many_lookups
from members.models import Person
from members.resend import resend_safe
from members.roles import STAFF, LoggedInRequest, Role, has_role, role_required
from outreach import services
from outreach.access import (
    activities_visible_to,
    get_activity_for_user,
    hotspots_visible_to,
    may_change_activity,
)
from outreach.forms import AttendeeSearchForm, GroupActivityForm
from outreach.models import GroupActivity
from outreach.selectors_activities import (
    attendee_picks,
    attendees_named,
    attendees_registered,
    past_activities,
    upcoming_activities,
)
from outreach.selectors_people import people_with_code

PAGE_SIZE = 20
# People offered for a tap on the attendance page: enough for a small group, short on a phone.
PICK_LIMIT = 10


# --- Activities ------------------------------------------------------------------------------


@role_required(*STAFF)
def activity_list(request: LoggedInRequest) -> HttpResponse:
    """Workers see the activities they may know of (see the module's docstring); coordinators
    see all. The number attending counts everyone, named or not."""
    today = timezone.localdate()
    activities = activities_visible_to(request.user)
    upcoming = upcoming_activities(activities, today)
    past = past_activities(activities, today)
    return render(
        request,
        "outreach/groupactivity_list.html",
        {
            "upcoming": Paginator(upcoming, PAGE_SIZE).get_page(request.GET.get("upcoming")),
            "past": Paginator(past, PAGE_SIZE).get_page(request.GET.get("page")),
        },
    )


def _activity_form(request: LoggedInRequest, activity: GroupActivity) -> GroupActivityForm:
    coordinator = has_role(request.user, Role.COORDINATOR)
    # A worker's new activity belongs to one of their hotspots, or it would be out of their sight
    # once someone else facilitates it; only a coordinator opens one to the whole community.
    required = not coordinator and not (activity.pk and activity.hotspot_id is None)
    return GroupActivityForm(
        request.POST or None,
        instance=activity,
        hotspots=hotspots_visible_to(request.user),
        hotspot_required=required,
        user=request.user,
    )


@role_required(*STAFF)
@resend_safe
def activity_create(request: LoggedInRequest) -> HttpResponse:
    form = _activity_form(request, GroupActivity())
    if request.method == "POST" and form.is_valid():
        activity = services.activity_save(activity=form.instance)
        messages.success(request, _("Activity saved. Now add the people who came."))
        return redirect("outreach:activity_detail", pk=activity.pk)
    return render(request, "outreach/groupactivity_form.html", {"form": form, "activity": None})


@role_required(*STAFF)
def activity_edit(request: LoggedInRequest, pk: int) -> HttpResponse:
    activity = get_activity_for_user(request, pk, write=True)
    form = _activity_form(request, activity)
    if request.method == "POST" and form.is_valid():
        services.activity_save(activity=form.instance)
        messages.success(request, _("Saved."))
        return redirect("outreach:activity_detail", pk=activity.pk)
    return render(request, "outreach/groupactivity_form.html", {"form": form, "activity": activity})


# --- Attendance ------------------------------------------------------------------------------


@role_required(*STAFF)
def activity_detail(request: LoggedInRequest, pk: int) -> HttpResponse:
    """A POST here is the attendee search, which changes nothing: a nickname typed in a GET
    form would end up in the address, the browser's history and the server's logs."""
    activity = get_activity_for_user(request, pk)
    return _render_detail(request, activity, code_form=CodeForm(auto_id="code_%s"))


def _render_detail(
    request: LoggedInRequest,
    activity: GroupActivity,
    *,
    code_form: CodeForm,
    same_code: list[Person] | None = None,
) -> HttpResponse:
    named = attendees_named(activity, request.user)
    registered = attendees_registered(activity)
    search, typed = _search(request)
    # One more than shown tells whether to ask for more letters.
    picks = attendee_picks(activity, request.user, typed, PICK_LIMIT + 1)
    return render(
        request,
        "outreach/groupactivity_detail.html",
        {
            "activity": activity,
            "may_change": may_change_activity(request.user, activity),
            "named": named,
            "registered": registered,
            "unnamed": registered - len(named),
            "attending": registered + activity.other_attendees,
            "search_form": search,
            "typed": typed,
            "picks": picks[:PICK_LIMIT],
            "more_picks": len(picks) > PICK_LIMIT,
            "code_form": code_form,
            "same_code": same_code,
        },
    )


def _search(request: LoggedInRequest) -> tuple[AttendeeSearchForm, str]:
    """The attendee search as sent (see activity_detail), and the nickname typed."""
    searching = request.method == "POST" and "q" in request.POST
    search = AttendeeSearchForm(request.POST if searching else None)
    return search, (search.cleaned_data["q"].strip() if search.is_valid() else "")


def _person_from_post(request: LoggedInRequest) -> Person:
    """The person tapped on the list: 404 unless this user may see them."""
    person_pk = parse_id(request.POST.get("person"))
    if person_pk is None:
        raise Http404
    # The service logs the change itself, and only when there is one.
    return get_person_for_user(request, person_pk, write=True, log=False)


@require_POST
@role_required(*STAFF)
@resend_safe
def attendance_add(request: LoggedInRequest, pk: int) -> HttpResponse:
    """A tap on someone from the short list, or the parts of their code."""
    activity = get_activity_for_user(request, pk)
    if "person" in request.POST:
        return _add(request, activity, _person_from_post(request))
    code_form = CodeForm(request.POST, auto_id="code_%s")
    same_code = None
    if code_form.is_valid():
        if not lookup_allowed(request):
            return too_many_lookups(request)
        same_code = people_with_code(request.user, code_form.cleaned_data["uic_hash"], PICK_LIMIT)
        if len(same_code) == 1:
            return _add(request, activity, same_code[0])
        if not same_code:
            code_form.add_error(
                None,
                _(
                    "No one you may see has this code. If they are new, register them first "
                    "(Menu, Find or register a person)."
                ),
            )
    return _render_detail(request, activity, code_form=code_form, same_code=same_code)


def _add(request: LoggedInRequest, activity: GroupActivity, person: Person) -> HttpResponse:
    if services.attendance_add(actor=request.user, activity=activity, person=person):
        messages.success(request, _("%(name)s is on the list.") % {"name": person.label})
    else:
        messages.info(request, _("%(name)s was already on the list.") % {"name": person.label})
    return redirect("outreach:activity_detail", pk=activity.pk)


@require_POST
@role_required(*STAFF)
def attendance_remove(request: LoggedInRequest, pk: int) -> HttpResponse:
    activity = get_activity_for_user(request, pk)
    person = _person_from_post(request)
    if services.attendance_remove(actor=request.user, activity=activity, person=person):
        messages.success(request, _("%(name)s is off the list.") % {"name": person.label})
    return redirect("outreach:activity_detail", pk=activity.pk)
