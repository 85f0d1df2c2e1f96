"""Priority rounds as coordinators run them: prepare a round and its options, open it (which
freezes the roll of voters), close it (which seals and counts it) and take votes in person.
No page here shows what anyone chose or any count of choices: results are published on the
members' results page, for everyone at once, after the count (voting.md R6)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from members.resend import resend_safe
from members.roles import LoggedInRequest, Role, role_required
from programmes import rules, selectors, services
from programmes.access import get_option_for_coordinator, get_round_for_coordinator
from programmes.forms import (
    InPersonMarkForm,
    InPersonVoteForm,
    OptionForm,
    PaperBallotsForm,
    RoundForm,
    ShareForm,
)
from programmes.models import Option, Round
from programmes.views import tellers

PAGE_SIZE = 50


@role_required(Role.COORDINATOR)
def round_manage_list(request: LoggedInRequest) -> HttpResponse:
    # Two queries whatever the numbers: the count for the pages, and one page of rounds with
    # their options, roll and turnout counted in subqueries.
    rounds = selectors.rounds_for_coordinators()
    page = Paginator(rounds, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "programmes/round_manage_list.html", {"page": page})


@role_required(Role.COORDINATOR)
@resend_safe
def round_create(request: LoggedInRequest) -> HttpResponse:
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


def _detail_page(
    request: HttpRequest, round_: Round, share_form: ShareForm | None = None
) -> HttpResponse:
    round_ = selectors.round_with_counts(round_)
    return render(
        request,
        "programmes/round_manage_detail.html",
        {
            "round": round_,
            "options": selectors.round_options(round_, with_needs=True),
            "options_max": rules.ROUND_OPTIONS_MAX,
            "options_min": rules.ROUND_OPTIONS_MIN,
            "turnout_needed": rules.round_turnout_needed(round_),
            "voting_time": round_.is_voting_time(),
            "tellers": selectors.tellers(round_),
            "eligible": (
                selectors.eligible_count() if round_.status == Round.Status.DRAFT else None
            ),
            "shares_given": selectors.shares_given(round_),
            "share_form": share_form or ShareForm(),
        },
    )


@role_required(Role.COORDINATOR)
def round_manage_detail(request: LoggedInRequest, pk: int) -> HttpResponse:
    return _detail_page(request, get_round_for_coordinator(request, pk))


@sensitive_post_parameters("words")
@require_POST
@role_required(Role.COORDINATOR)
def round_count(request: LoggedInRequest, pk: int) -> HttpResponse:
    """Tellers at a meeting enter their words one after another on the coordinator's device."""
    round_ = get_round_for_coordinator(request, pk)
    form = ShareForm(request.POST)
    if form.is_valid() and (done := tellers.share_given(request, round_, form)) is not None:
        messages.success(request, done)
        return redirect("programmes:round_manage_detail", pk=round_.pk)
    return _detail_page(request, round_, form)


def _not_draft(request: HttpRequest, round_: Round) -> HttpResponse | None:
    if round_.status == Round.Status.DRAFT:
        return None
    messages.error(request, _("This round has opened: it can no longer be changed."))
    return redirect("programmes:round_manage_detail", pk=round_.pk)


@role_required(Role.COORDINATOR)
def round_edit(request: LoggedInRequest, pk: int) -> HttpResponse:
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
def option_create(request: LoggedInRequest, pk: int) -> HttpResponse:
    round_ = get_round_for_coordinator(request, pk)
    if (refused := _not_draft(request, round_)) is not None:
        return refused
    if selectors.option_count(round_) >= rules.ROUND_OPTIONS_MAX:
        messages.error(request, _("This round already has the most options it can have."))
        return redirect("programmes:round_manage_detail", pk=round_.pk)
    return _option_page(request, round_, OptionForm(request.POST or None, round=round_))


@role_required(Role.COORDINATOR)
def option_edit(request: LoggedInRequest, pk: int) -> HttpResponse:
    option = get_option_for_coordinator(request, pk)
    if (refused := _not_draft(request, option.round)) is not None:
        return refused
    form = OptionForm(request.POST or None, instance=option, round=option.round)
    return _option_page(request, option.round, form)


@require_POST
@role_required(Role.COORDINATOR)
def option_delete(request: LoggedInRequest, pk: int) -> HttpResponse:
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
def round_open(request: LoggedInRequest, pk: int) -> HttpResponse:
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
def round_close(request: LoggedInRequest, pk: int) -> HttpResponse:
    """Asks first (it cannot be undone), then stops the voting."""
    round_ = get_round_for_coordinator(request, pk)
    if request.POST.get("confirm") != "yes":
        return render(
            request,
            "programmes/round_close_confirm.html",
            {"round": selectors.round_with_counts(round_)},
        )
    try:
        closed = services.round_close(round=round_)
    except ValidationError as error:
        messages.error(request, error.messages[0])
        return redirect("programmes:round_manage_detail", pk=round_.pk)
    if closed.status == Round.Status.CLOSED:
        messages.success(
            request,
            _(
                "Voting is closed. The votes are counted when %(count)d tellers have entered "
                "their words."
            )
            % {"count": closed.tellers_needed},
        )
    else:
        messages.success(request, _("Voting is closed."))
    return redirect("programmes:round_manage_detail", pk=round_.pk)


@dataclass
class _MeetingForms:
    """The three forms of the meeting page; only the one whose button was pressed is bound."""

    vote: InPersonVoteForm
    mark: InPersonMarkForm
    papers: PaperBallotsForm

    def refused(self, action: str | None, error: ValidationError) -> None:
        """Show what the service refused on the form that asked for it."""
        if action == "papers":
            self.papers.add_error("papers", error)
        else:
            (self.mark if action == "mark" else self.vote).add_error("username", error)


def _meeting_forms(
    request: HttpRequest, round_: Round, options: list[Option], action: str | None
) -> _MeetingForms:
    def data(name: str) -> QueryDict | None:
        return request.POST if action == name else None

    return _MeetingForms(
        vote=InPersonVoteForm(data("vote"), prefix="vote", round=round_, options=options),
        mark=InPersonMarkForm(data("mark"), prefix="mark"),
        papers=PaperBallotsForm(data("papers"), prefix="papers", round=round_, options=options),
    )


def _cast_in_person(round_: Round, form: InPersonVoteForm) -> str:
    """The member's ballot tracker: shown once, on the page, for the coordinator to hand to
    them; kept nowhere else."""
    return services.ballot_cast(
        round=round_,
        member=form.cleaned_data["username"],
        choices=form.cleaned_data["choice"],
        in_person=True,
        assisted=form.cleaned_data["assisted"],
    )


def _mark_in_person(request: HttpRequest, round_: Round, form: InPersonMarkForm) -> HttpResponse:
    services.roll_mark_in_person(
        round=round_,
        member=form.cleaned_data["username"],
        assisted=form.cleaned_data["assisted"],
    )
    messages.success(request, _("Marked: their paper ballot is in the box."))
    return redirect("programmes:round_in_person", pk=round_.pk)


def _enter_papers(request: HttpRequest, round_: Round, form: PaperBallotsForm) -> HttpResponse:
    entered = services.paper_ballots_enter(round=round_, papers=form.cleaned_data["papers"])
    messages.success(
        request,
        ngettext("%(count)d paper ballot entered.", "%(count)d paper ballots entered.", entered)
        % {"count": entered},
    )
    return redirect("programmes:round_in_person", pk=round_.pk)


def _meeting_page(
    request: HttpRequest,
    round_: Round,
    options: list[Option],
    forms: _MeetingForms,
    tracker: str | None,
) -> HttpResponse:
    return render(
        request,
        "programmes/round_in_person.html",
        {
            "round": selectors.round_with_counts(round_),
            "options": options,
            "vote_form": forms.vote,
            "mark_form": forms.mark,
            "papers_form": forms.papers,
            "tracker": tracker,
        },
    )


@sensitive_post_parameters("vote-choice", "papers-papers")
@require_http_methods(["GET", "POST"])
@role_required(Role.COORDINATOR)
def round_in_person(request: LoggedInRequest, pk: int) -> HttpResponse:
    """Votes from a community meeting, through the same cast service as online votes (R13):
    a member votes and their paper is entered at once; or their row is marked and their paper
    goes in the box, to be entered later with the others, in shuffled order."""
    round_ = get_round_for_coordinator(request, pk)
    if not round_.is_voting_time():
        messages.error(request, _("This round is not open for voting."))
        return redirect("programmes:round_manage_detail", pk=round_.pk)
    options = selectors.round_options(round_)
    action = request.POST.get("action") if request.method == "POST" else None
    forms = _meeting_forms(request, round_, options, action)
    tracker = None
    try:
        if action == "vote" and forms.vote.is_valid():
            tracker = _cast_in_person(round_, forms.vote)
            forms.vote = InPersonVoteForm(prefix="vote", round=round_, options=options)
        elif action == "mark" and forms.mark.is_valid():
            return _mark_in_person(request, round_, forms.mark)
        elif action == "papers" and forms.papers.is_valid():
            return _enter_papers(request, round_, forms.papers)
    except ValidationError as error:
        forms.refused(action, error)
    return _meeting_page(request, round_, options, forms, tracker)
