"""Programmes made from the priorities members voted for: the list, one programme with its four
stages, and the two buttons members tap ("I'll help", "Follow updates").

Every member, outreach worker and coordinator may see every programme; anyone else gets 403 for
the pages and 404 for a programme, as for a missing one. Only coordinators change programmes
(programmes.views.programme_manage). Members see how many sit on a planning committee;
coordinators see who, and who offered to help."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from members.resend import resend_safe
from members.roles import LoggedInRequest, Role, has_role, role_required
from programmes import rules, selectors, services
from programmes.access import VIEWERS, get_programme_for_user
from programmes.indicators import members_in_planning, share_of_spending_on_voted_priorities
from programmes.models import Programme

PAGE_SIZE = 20
UPDATES_PAGE_SIZE = 10


# --- Pages -----------------------------------------------------------------------------------


@role_required(*VIEWERS)
def programme_list(request: LoggedInRequest) -> HttpResponse:
    # Two queries whatever the numbers: the count, then one page of programmes with their
    # priority, its round, the counts of helpers and followers, and whether this user is one.
    programmes = selectors.programmes_for_list(request.user)
    page = Paginator(programmes, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "programmes/programme_list.html",
        {"page": page, "may_create": has_role(request.user, Role.COORDINATOR)},
    )


def _spending(programme: Programme) -> dict[str, object]:
    """The budget lines and how much of the money serves voted priorities."""
    budget_lines = selectors.programme_budget_lines(programme)
    traceable, total, share = share_of_spending_on_voted_priorities(budget_lines)
    return {"budget_lines": budget_lines, "traceable": traceable, "total": total, "share": share}


@role_required(*VIEWERS)
def programme_detail(request: LoggedInRequest, pk: int) -> HttpResponse:
    programme = get_programme_for_user(request, pk)
    stages = selectors.programme_stages(programme)
    sign_ups = selectors.programme_sign_ups(programme)
    followers, i_follow = selectors.programme_followers(programme, request.user)
    updates = selectors.programme_updates(programme)
    return render(
        request,
        "programmes/programme_detail.html",
        {
            "programme": programme,
            "status_words": programme.status_words,
            "coordinator": has_role(request.user, Role.COORDINATOR),
            "may_take_part": has_role(request.user, Role.MEMBER),
            "open_to_helpers": programme.status not in rules.CLOSED_TO_HELPERS,
            "stages": stages,
            "activities": selectors.programme_activities(programme),
            **_spending(programme),
            "sign_ups": sign_ups,
            "i_help": any(s.member_id == request.user.pk for s in sign_ups),
            "followers": followers,
            "i_follow": i_follow,
            "in_planning": members_in_planning(stages, sign_ups),
            "updates": Paginator(updates, UPDATES_PAGE_SIZE).get_page(request.GET.get("page")),
        },
    )


# --- "I'll help" and "Follow updates" -------------------------------------------------------


def _wanted(request: HttpRequest, *, now: bool) -> bool:
    """The state the button asked for. The button says which ("yes" or "no"), so a double tap
    does not undo the first; without it, the tap toggles."""
    wanted = request.POST.get("wanted")
    if wanted in ("yes", "no"):
        return wanted == "yes"
    return not now


@require_POST
@role_required(Role.MEMBER)
@resend_safe
def programme_signup(request: LoggedInRequest, pk: int) -> HttpResponse:
    programme = get_programme_for_user(request, pk)
    wanted = _wanted(request, now=selectors.is_helping(programme, request.user))
    try:
        services.programme_signup_set(programme=programme, member=request.user, wanted=wanted)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if wanted:
            messages.success(request, _("Thank you! The team will ask you how you can help."))
        else:
            messages.info(request, _("You are no longer on the list of helpers."))
    return redirect("programmes:programme_detail", pk=programme.pk)


@require_POST
@role_required(Role.MEMBER)
@resend_safe
def programme_follow(request: LoggedInRequest, pk: int) -> HttpResponse:
    programme = get_programme_for_user(request, pk)
    wanted = _wanted(request, now=selectors.is_following(programme, request.user))
    services.programme_follow_set(programme=programme, member=request.user, wanted=wanted)
    if wanted:
        messages.success(request, _("You follow the news of this programme."))
    else:
        messages.info(request, _("You no longer follow this programme."))
    return redirect("programmes:programme_detail", pk=programme.pk)
