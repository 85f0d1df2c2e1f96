"""Programmes made from the priorities members voted for: the list, one programme with its four
stages, and the two buttons members tap ("I'll help", "Follow updates").

Every member, outreach worker and coordinator may see every programme; anyone else gets 403 for
the pages and 404 for a programme, as for a missing one. Only coordinators change programmes
(programmes.views.programme_manage). Members see how many sit on a planning committee;
coordinators see who, and who offered to help."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Exists, F, IntegerField, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from members.models import User
from members.resend import resend_safe
from members.roles import Role, has_role, role_required
from programmes import rules, services
from programmes.access import VIEWERS, get_programme_for_user, programmes_visible_to
from programmes.indicators import members_in_planning, share_of_spending_on_voted_priorities
from programmes.models import Follow, Programme, SignUp, Stage

PAGE_SIZE = 20
UPDATES_PAGE_SIZE = 10
STAGE_ORDER = list(Stage.Kind.values)

# What became of a priority, in the simplest words: members may read little.
STATUS_WORDS = {
    Programme.Status.PLANNED: gettext_lazy("We are planning it"),
    Programme.Status.RUNNING: gettext_lazy("We are doing it now"),
    Programme.Status.DONE: gettext_lazy("Done"),
    Programme.Status.STOPPED: gettext_lazy("Stopped"),
}


def _count(model: Any) -> Coalesce:
    """The number of `model` rows of each programme, as a subquery: two counts side by side do
    not multiply each other as two joins would."""
    rows = (
        model.objects.filter(programme=OuterRef("pk"))
        .order_by()
        .values("programme")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), 0)


# --- Pages -----------------------------------------------------------------------------------


@role_required(*VIEWERS)
def programme_list(request: HttpRequest) -> HttpResponse:
    # Two queries whatever the numbers: the count, then one page of programmes with their
    # priority, its round, the counts of helpers and followers, and whether this user is one.
    programmes = (
        programmes_visible_to(request.user)
        .select_related("priority__round")
        .annotate(
            helpers=_count(SignUp),
            following=_count(Follow),
            i_help=Exists(SignUp.objects.filter(programme=OuterRef("pk"), member=request.user)),
            i_follow=Exists(Follow.objects.filter(programme=OuterRef("pk"), member=request.user)),
        )
        .order_by(F("created_at").desc(), "-pk")
    )
    page = Paginator(programmes, PAGE_SIZE).get_page(request.GET.get("page"))
    for programme in page:
        programme.status_words = STATUS_WORDS[programme.status]
    return render(
        request,
        "programmes/programme_list.html",
        {"page": page, "may_create": has_role(request.user, Role.COORDINATOR)},
    )


@role_required(*VIEWERS)
def programme_detail(request: HttpRequest, pk: int) -> HttpResponse:
    programme = get_programme_for_user(request, pk)
    coordinator = has_role(request.user, Role.COORDINATOR)
    committee = User.objects.order_by("username").only("pk", "username")
    stages = sorted(
        programme.stages.prefetch_related(Prefetch("committee", queryset=committee)),
        key=lambda stage: STAGE_ORDER.index(stage.kind),
    )
    sign_ups = list(programme.sign_ups.select_related("member").order_by("member__username"))
    budget_lines = list(programme.budget_lines.select_related("priority__round").order_by("pk"))
    traceable, total, share = share_of_spending_on_voted_priorities(budget_lines)
    followers = Follow.objects.filter(programme=programme).aggregate(
        total=Count("pk"), mine=Count("pk", filter=Q(member=request.user))
    )
    updates = programme.updates.select_related("posted_by").order_by("-posted_at", "-pk")
    return render(
        request,
        "programmes/programme_detail.html",
        {
            "programme": programme,
            "status_words": STATUS_WORDS[programme.status],
            "coordinator": coordinator,
            "may_take_part": has_role(request.user, Role.MEMBER),
            "open_to_helpers": programme.status not in rules.CLOSED_TO_HELPERS,
            "stages": stages,
            "activities": programme.activities.select_related(
                "priority__round", "responsible"
            ).order_by(F("starts_on").asc(nulls_last=True), "pk"),
            "budget_lines": budget_lines,
            "traceable": traceable,
            "total": total,
            "share": share,
            "sign_ups": sign_ups,
            "i_help": any(s.member_id == request.user.pk for s in sign_ups),
            "followers": followers["total"],
            "i_follow": bool(followers["mine"]),
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
def programme_signup(request: HttpRequest, pk: int) -> HttpResponse:
    programme = get_programme_for_user(request, pk)
    now = SignUp.objects.filter(programme=programme, member=request.user).exists()
    wanted = _wanted(request, now=now)
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
def programme_follow(request: HttpRequest, pk: int) -> HttpResponse:
    programme = get_programme_for_user(request, pk)
    now = Follow.objects.filter(programme=programme, member=request.user).exists()
    wanted = _wanted(request, now=now)
    services.programme_follow_set(programme=programme, member=request.user, wanted=wanted)
    if wanted:
        messages.success(request, _("You follow the news of this programme."))
    else:
        messages.info(request, _("You no longer follow this programme."))
    return redirect("programmes:programme_detail", pk=programme.pk)
