"""Priority rounds as coordinators run them: prepare a round and its options, open it (which
freezes the roll of voters), close it (which seals and counts it) and take votes in person.
No page here shows what anyone chose or any count of choices: results are published on the
members' results page, for everyone at once, after the count (voting.md R6)."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from members.resend import resend_safe
from members.roles import Role, role_required
from programmes import rules, services
from programmes.access import get_option_for_coordinator, get_round_for_coordinator
from programmes.forms import (
    InPersonMarkForm,
    InPersonVoteForm,
    OptionForm,
    PaperBallotsForm,
    RoundForm,
)
from programmes.models import Option, RollEntry, Round

PAGE_SIZE = 50


def _count(rows: QuerySet) -> Coalesce:
    """A count of `rows` (filtered on OuterRef("pk")) as a subquery: no join multiplies rows."""
    counted = rows.order_by().values("round").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def _with_counts(rounds: QuerySet[Round]) -> QuerySet[Round]:
    roll = RollEntry.objects.filter(round=OuterRef("pk"))
    return rounds.annotate(
        option_count=_count(Option.objects.filter(round=OuterRef("pk"))),
        roll_size=_count(roll),
        turnout=_count(roll.filter(has_voted=True)),
        waiting_paper=_count(roll.filter(voted_in_person=True, has_voted=False)),
    )


@role_required(Role.COORDINATOR)
def round_manage_list(request: HttpRequest) -> HttpResponse:
    # Two queries whatever the numbers: the count for the pages, and one page of rounds with
    # their options, roll and turnout counted in subqueries.
    rounds = _with_counts(Round.objects.all()).order_by("-opens_at", "-pk")
    page = Paginator(rounds, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "programmes/round_manage_list.html", {"page": page})


@role_required(Role.COORDINATOR)
@resend_safe
def round_create(request: HttpRequest) -> HttpResponse:
    now = timezone.localtime().replace(second=0, microsecond=0)
    form = RoundForm(
        request.POST or None, initial={"opens_at": now, "closes_at": now + timedelta(days=7)}
    )
    if request.method == "POST" and form.is_valid():
        form.instance.created_by = request.user
        round_ = services.round_save(round=form.instance)
        messages.success(request, _("Round saved. Now add its options."))
        return redirect("programmes:round_manage_detail", pk=round_.pk)
    return render(request, "programmes/round_form.html", {"form": form, "round": None})


@role_required(Role.COORDINATOR)
def round_manage_detail(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = _with_counts(Round.objects.filter(pk=get_round_for_coordinator(request, pk).pk))[0]
    return render(
        request,
        "programmes/round_manage_detail.html",
        {
            "round": round_,
            "options": list(round_.options.select_related("need")),
            "options_max": rules.ROUND_OPTIONS_MAX,
            "options_min": rules.ROUND_OPTIONS_MIN,
            "turnout_needed": rules.round_turnout_needed(round_),
            "voting_time": round_.status == Round.Status.OPEN and timezone.now() < round_.closes_at,
        },
    )


def _not_draft(request: HttpRequest, round_: Round) -> HttpResponse | None:
    if round_.status == Round.Status.DRAFT:
        return None
    messages.error(request, _("This round has opened: it can no longer be changed."))
    return redirect("programmes:round_manage_detail", pk=round_.pk)


@role_required(Role.COORDINATOR)
def round_edit(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = get_round_for_coordinator(request, pk)
    if (refused := _not_draft(request, round_)) is not None:
        return refused
    form = RoundForm(request.POST or None, instance=round_)
    if request.method == "POST" and form.is_valid():
        try:
            services.round_save(round=form.instance)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("programmes:round_manage_detail", pk=round_.pk)
    return render(request, "programmes/round_form.html", {"form": form, "round": round_})


def _option_page(request: HttpRequest, round_: Round, form: OptionForm) -> HttpResponse:
    if request.method == "POST" and form.is_valid():
        try:
            services.option_save(option=form.instance)
        except ValidationError as error:
            form.add_error("cost" if error.code == "cost" else None, error)
        else:
            messages.success(request, _("Option saved."))
            return redirect("programmes:round_manage_detail", pk=round_.pk)
    return render(
        request,
        "programmes/option_form.html",
        {"form": form, "round": round_, "option": form.instance if form.instance.pk else None},
    )


@role_required(Role.COORDINATOR)
@resend_safe
def option_create(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = get_round_for_coordinator(request, pk)
    if (refused := _not_draft(request, round_)) is not None:
        return refused
    if round_.options.count() >= rules.ROUND_OPTIONS_MAX:
        messages.error(request, _("This round already has the most options it can have."))
        return redirect("programmes:round_manage_detail", pk=round_.pk)
    return _option_page(request, round_, OptionForm(request.POST or None, round=round_))


@role_required(Role.COORDINATOR)
def option_edit(request: HttpRequest, pk: int) -> HttpResponse:
    option = get_option_for_coordinator(request, pk)
    if (refused := _not_draft(request, option.round)) is not None:
        return refused
    form = OptionForm(request.POST or None, instance=option, round=option.round)
    return _option_page(request, option.round, form)


@require_POST
@role_required(Role.COORDINATOR)
def option_delete(request: HttpRequest, pk: int) -> HttpResponse:
    option = get_option_for_coordinator(request, pk)
    try:
        services.option_delete(option=option)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, _("Option removed."))
    return redirect("programmes:round_manage_detail", pk=option.round_id)


@require_POST
@role_required(Role.COORDINATOR)
def round_open(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = get_round_for_coordinator(request, pk)
    try:
        roll_size = services.round_open(round=round_)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(
            request,
            ngettext(
                "The round is open. %(count)d member is on its list of voters.",
                "The round is open. %(count)d members are on its list of voters.",
                roll_size,
            )
            % {"count": roll_size},
        )
    return redirect("programmes:round_manage_detail", pk=round_.pk)


@require_POST
@role_required(Role.COORDINATOR)
def round_close(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = get_round_for_coordinator(request, pk)
    try:
        closed = services.round_close(round=round_)
    except ValidationError as error:
        messages.error(request, error.messages[0])
        return redirect("programmes:round_manage_detail", pk=round_.pk)
    if closed.status == Round.Status.COUNTED:
        messages.success(request, _("The round is closed and counted. The results are out."))
    elif closed.status == Round.Status.VOID:
        messages.warning(
            request, _("The round is closed. Too few people voted: the results are not published.")
        )
    else:
        messages.error(
            request,
            _(
                "The round is closed, but the numbers of votes, voters and receipts do not match. "
                "Nothing was published. Tell the administrator."
            ),
        )
    return redirect("programmes:round_manage_detail", pk=round_.pk)


@sensitive_post_parameters("vote-choice", "papers-papers")
@require_http_methods(["GET", "POST"])
@role_required(Role.COORDINATOR)
def round_in_person(request: HttpRequest, pk: int) -> HttpResponse:
    """Votes from a community meeting, through the same cast service as online votes (R13):
    a member votes and their paper is entered at once; or their row is marked and their paper
    goes in the box, to be entered later with the others, in shuffled order."""
    round_ = get_round_for_coordinator(request, pk)
    if round_.status != Round.Status.OPEN or timezone.now() >= round_.closes_at:
        messages.error(request, _("This round is not open for voting."))
        return redirect("programmes:round_manage_detail", pk=round_.pk)
    options = list(round_.options.all())
    action = request.POST.get("action") if request.method == "POST" else None
    vote_form = InPersonVoteForm(
        request.POST if action == "vote" else None, prefix="vote", round=round_, options=options
    )
    mark_form = InPersonMarkForm(request.POST if action == "mark" else None, prefix="mark")
    papers_form = PaperBallotsForm(
        request.POST if action == "papers" else None,
        prefix="papers",
        round=round_,
        options=options,
    )
    receipt = None
    try:
        if action == "vote" and vote_form.is_valid():
            # Shown once, here, for the coordinator to hand to the member; kept nowhere else.
            receipt = services.ballot_cast(
                round=round_,
                member=vote_form.cleaned_data["username"],
                choices=vote_form.cleaned_data["choice"],
                in_person=True,
                assisted=vote_form.cleaned_data["assisted"],
            )
            vote_form = InPersonVoteForm(prefix="vote", round=round_, options=options)
        elif action == "mark" and mark_form.is_valid():
            services.roll_mark_in_person(
                round=round_,
                member=mark_form.cleaned_data["username"],
                assisted=mark_form.cleaned_data["assisted"],
            )
            messages.success(request, _("Marked: their paper ballot is in the box."))
            return redirect("programmes:round_in_person", pk=round_.pk)
        elif action == "papers" and papers_form.is_valid():
            entered = services.paper_ballots_enter(
                round=round_, papers=papers_form.cleaned_data["papers"]
            )
            messages.success(
                request,
                ngettext(
                    "%(count)d paper ballot entered.", "%(count)d paper ballots entered.", entered
                )
                % {"count": entered},
            )
            return redirect("programmes:round_in_person", pk=round_.pk)
    except ValidationError as error:
        form = {"vote": vote_form, "mark": mark_form, "papers": papers_form}[action or "vote"]
        form.add_error("papers" if action == "papers" else "username", error)
    round_ = _with_counts(Round.objects.filter(pk=round_.pk))[0]
    return render(
        request,
        "programmes/round_in_person.html",
        {
            "round": round_,
            "options": options,
            "vote_form": vote_form,
            "mark_form": mark_form,
            "papers_form": papers_form,
            "receipt": receipt,
        },
    )
