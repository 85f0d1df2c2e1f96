"""Priority rounds as members see them: the rounds, the secret ballot (choose, confirm, cast),
the results and the published ballot trackers (voting.md R3, R6-R12).

What someone chose travels only in the body of two POSTs (vote -> confirm -> cast): never in a
URL, the session, a message, a cookie or a log, and it is encrypted before it is stored. The
tracker appears once, in the page that answers the cast, which is not a redirect, so it is in
no URL either; a reload of that POST finds the roll row voted and casts nothing."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from members.roles import LoggedInRequest, Role, has_role, role_required
from programmes import rules, selectors, services, tally
from programmes.access import VIEWERS, get_round_for_user
from programmes.forms import BallotForm
from programmes.models import Round

# Everyone who may see the rounds; only those on a round's roll may vote in it.
VOTERS = VIEWERS


@role_required(*VOTERS)
def round_list(request: LoggedInRequest) -> HttpResponse:
    # One query however many rounds and voters: each round with its turnout (a count only, R6)
    # and whether this person is on its roll and has voted, as subqueries.
    rounds = selectors.rounds_for_member(request.user)
    open_rounds = [r for r in rounds if r.is_voting_time()]
    return render(
        request,
        "programmes/round_list.html",
        {
            "open_rounds": open_rounds,
            "past_rounds": [r for r in rounds if r not in open_rounds],
            "teller_duties": selectors.teller_duties(request.user),
        },
    )


def _refused(request: HttpRequest, round_: Round, reason: str) -> HttpResponse:
    return render(request, "programmes/round_refused.html", {"round": round_, "reason": reason})


def _refusal(request: LoggedInRequest, round_: Round) -> HttpResponse | None:
    """The page for whoever cannot vote in this round now, or None if this person may vote."""
    entry = selectors.roll_entry(round_, request.user)
    if not round_.is_voting_time():
        return _refused(request, round_, "closed")
    if entry is None:
        return _refused(request, round_, "not_on_roll")
    if entry.has_voted or entry.voted_in_person:
        return _refused(request, round_, "already_voted")
    return None


def _sent_ballot(request: LoggedInRequest, round_: Round) -> BallotForm | HttpResponse:
    """The ballot as sent, valid; or the page to answer instead: the refusal for whoever may
    not vote now, or the ballot again with its errors."""
    refusal = _refusal(request, round_)
    if refusal is not None:
        return refusal
    form = BallotForm(request.POST, round=round_, options=selectors.round_options(round_))
    if not form.is_valid():
        return _ballot_page(request, round_, form)
    return form


def _ballot_page(request: HttpRequest, round_: Round, form: BallotForm) -> HttpResponse:
    return render(
        request,
        "programmes/round_vote.html",
        {"round": round_, "form": form, "ticked": form.ticked()},
    )


@sensitive_post_parameters("choice")
@require_http_methods(["GET", "POST"])
@role_required(*VOTERS)
def round_vote(request: LoggedInRequest, pk: int) -> HttpResponse:
    """The ballot: one screen, a big card per option. A POST here comes from "Change my
    choices" on the confirmation page and shows the same boxes ticked again."""
    round_ = get_round_for_user(request, pk)
    refusal = _refusal(request, round_)
    if refusal is not None:
        return refusal
    initial = {"choice": request.POST.getlist("choice")} if request.method == "POST" else {}
    form = BallotForm(initial=initial, round=round_, options=selectors.round_options(round_))
    return _ballot_page(request, round_, form)


@sensitive_post_parameters("choice")
@require_http_methods(["GET", "POST"])
@role_required(*VOTERS)
def round_confirm(request: LoggedInRequest, pk: int) -> HttpResponse:
    """Shows what was chosen and that it cannot be changed (R12); nothing is saved yet."""
    round_ = get_round_for_user(request, pk)
    if request.method == "GET":
        return redirect("programmes:round_vote", pk=round_.pk)
    form = _sent_ballot(request, round_)
    if isinstance(form, HttpResponse):
        return form
    return render(
        request,
        "programmes/round_confirm.html",
        {"round": round_, "chosen": form.chosen(), "choices": form.cleaned_data["choice"]},
    )


@sensitive_post_parameters("choice")
@require_http_methods(["GET", "POST"])
@role_required(*VOTERS)
def round_thanks(request: LoggedInRequest, pk: int) -> HttpResponse:
    """A POST casts the vote and answers with the thank-you page and the tracker, rendered
    here rather than redirected to, so the tracker is in no URL or session (R9). Reloading it
    sends the POST again, which now finds the vote given. A GET only says whether one was."""
    round_ = get_round_for_user(request, pk)
    if request.method == "GET":
        if not selectors.has_voted(round_, request.user):
            return redirect("programmes:round_vote", pk=round_.pk)
        return render(request, "programmes/round_thanks.html", {"round": round_})
    form = _sent_ballot(request, round_)
    if isinstance(form, HttpResponse):
        return form
    try:
        tracker = services.ballot_cast(
            round=round_, member=request.user, choices=form.cleaned_data["choice"]
        )
    except ValidationError as refused:
        # A race the checks above did not see (a second tab, the round closing meanwhile).
        return _refused(request, round_, refused.code or "closed")
    return render(request, "programmes/round_thanks.html", {"round": round_, "tracker": tracker})


@role_required(*VOTERS)
def round_results(request: LoggedInRequest, pk: int) -> HttpResponse:
    """Only a counted round has results. Before that this page shows no number of any kind
    but the turnout, to anyone, administrators included (R6)."""
    round_ = get_round_for_user(request, pk)
    context: dict[str, Any] = {"round": round_, "roll_size": selectors.roll_size(round_)}
    if round_.status in (Round.Status.COUNTED, Round.Status.VOID):
        context["result"] = result = round_.result
    if round_.status == Round.Status.COUNTED:
        options = {o.pk: o for o in selectors.round_options(round_, with_needs=True)}
        counts = {int(pk): n for pk, n in result.approvals.items()}
        order = tally.ranking(counts, rules.round_tie_break(options.values()))
        context["ranked"] = [(options[pk], counts[pk]) for pk in order]
        context["selected"] = [options[pk] for pk in result.selected if pk in options]
        context["spent"] = sum(option.cost or 0 for option in context["selected"])
        if has_role(request.user, Role.COORDINATOR):
            context["by_hotspot"] = selectors.turnout_by_hotspot(round_)
    return render(request, "programmes/round_results.html", context)


@role_required(*VOTERS)
def round_trackers(request: LoggedInRequest, pk: int) -> HttpResponse:
    """After the count: every ballot tracker, sorted, without any choice (R9), and a box where
    a voter looks for theirs."""
    round_ = get_round_for_user(request, pk)
    context: dict[str, Any] = {"round": round_}
    if round_.status == Round.Status.COUNTED:
        context["result"] = round_.result
        context["trackers"] = codes = selectors.trackers(round_)
        sought = request.GET.get("tracker", "").strip().upper()
        if sought:
            context["sought"] = sought
            context["found"] = sought in codes or sought.replace(" ", "-") in codes
    return render(request, "programmes/round_trackers.html", context)
