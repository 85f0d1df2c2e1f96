"""The one way to fetch programmes' records for a request: needs and their comments, priority
rounds and their options, programmes and their stages. Default deny: 404 for anyone who may not
know the record exists (identical for existing and missing records), 403 for those who may see it
but not change it."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest

from members.access import one_or_404
from members.roles import LoggedInRequest, Role, Viewer, has_role
from programmes.models import (
    Comment,
    Need,
    NeedQuerySet,
    Option,
    Programme,
    Round,
    Stage,
    Teller,
)

# Every member, outreach worker and coordinator may see the programmes, the rounds (not those
# being prepared) and the needs (not those hidden); anyone else, none of them.
VIEWERS = (Role.MEMBER, Role.OUTREACH_WORKER, Role.COORDINATOR)


# --- Programmes ------------------------------------------------------------------------------


def may_see_programmes(user: Viewer) -> bool:
    return any(has_role(user, role) for role in VIEWERS)


def programmes_visible_to(user: Viewer) -> QuerySet[Programme]:
    if not may_see_programmes(user):
        return Programme.objects.none()
    return Programme.objects.all()


def get_programme_for_user(request: HttpRequest, pk: int, *, write: bool = False) -> Programme:
    """The programme `pk` with its priority, round and lead; 404 for those who may not know
    programmes exist, 403 for those who may see it but not change it."""
    programme = one_or_404(
        programmes_visible_to(request.user).select_related("priority__round", "lead"), pk
    )
    if write and not has_role(request.user, Role.COORDINATOR):
        raise PermissionDenied
    return programme


def get_stage_for_user(request: HttpRequest, pk: int, *, write: bool = False) -> Stage:
    """The stage `pk` with its programme, on the programme's own terms (get_programme_for_user),
    so the rules stay in one place."""
    stage = one_or_404(Stage.objects.select_related("programme"), pk)
    get_programme_for_user(request, stage.programme_id, write=write)
    return stage


# --- Priority rounds -------------------------------------------------------------------------


def rounds_visible_to(user: Viewer) -> QuerySet[Round]:
    """Rounds being prepared exist only for coordinators, on their own pages."""
    if not any(has_role(user, role) for role in VIEWERS):
        return Round.objects.none()
    return Round.objects.exclude(status=Round.Status.DRAFT)


def get_round_for_user(request: HttpRequest, pk: int) -> Round:
    return one_or_404(rounds_visible_to(request.user), pk)


def get_round_for_coordinator(request: HttpRequest, pk: int) -> Round:
    """Any round, drafts included, for the coordinators who run them; 404 for anyone else."""
    if not has_role(request.user, Role.COORDINATOR):
        raise Http404
    return one_or_404(Round.objects.all(), pk)


def get_teller_for_user(request: LoggedInRequest, pk: int) -> Teller:
    """The logged-in person's place as a teller of round `pk`, drafts included (a teller agrees
    before the round opens); 404 for anyone who is not one of its tellers."""
    teller = (
        Teller.objects.filter(round_id=pk, user=request.user)
        .select_related("round", "user")
        .first()
    )
    if teller is None:
        raise Http404
    return teller


def get_option_for_coordinator(request: HttpRequest, pk: int) -> Option:
    if not has_role(request.user, Role.COORDINATOR):
        raise Http404
    return one_or_404(Option.objects.select_related("round"), pk)


# --- Needs and comments ----------------------------------------------------------------------

# Needs only coordinators see: hidden by a moderator, or withdrawn when the author's data was
# erased.
NEEDS_GONE = (Need.Status.HIDDEN, Need.Status.WITHDRAWN)


def needs_visible_to(user: Viewer) -> NeedQuerySet:
    """Coordinators see every need; everyone else never learns that a hidden one exists, nor
    sees one withdrawn when its author's data was erased."""
    if has_role(user, Role.COORDINATOR):
        return Need.objects.all()
    return Need.objects.exclude(status__in=NEEDS_GONE)


def merge_target_visible_to(user: Viewer, need: Need) -> Need | None:
    """The need `need` was merged into, unless it has since gone from this user's sight: a
    member may not learn its title from the page of the need merged into it."""
    target = need.merged_into
    if target is not None and target.status in NEEDS_GONE and not has_role(user, Role.COORDINATOR):
        return None
    return target


def get_need_for_user(request: HttpRequest, pk: int) -> Need:
    needs = needs_visible_to(request.user).with_counts(request.user)
    return one_or_404(needs.select_related("author", "entered_by", "merged_into"), pk)


def comments_visible_to(user: Viewer) -> QuerySet[Comment]:
    """Coordinators see every comment; everyone else only those not hidden by a moderator."""
    if has_role(user, Role.COORDINATOR):
        return Comment.objects.all()
    return Comment.objects.filter(hidden_reason="")


def get_comment_for_user(request: HttpRequest, pk: int) -> Comment:
    """Only coordinators act on a comment itself (role_required has turned others away)."""
    comment = Comment.objects.select_related("need").filter(pk=pk).first()
    if comment is None or not has_role(request.user, Role.COORDINATOR):
        raise Http404
    return comment
