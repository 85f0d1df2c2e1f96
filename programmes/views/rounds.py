"""Priority rounds as members see them: the rounds, the secret ballot (choose, confirm, cast),
the results and the published receipts (voting.md R3, R6-R12).

What someone chose travels only in the body of two POSTs (vote -> confirm -> cast): never in a
URL, the session, a message, a cookie or a log. The receipt appears once, in the page that
answers the cast, which is not a redirect, so it is in no URL either; a reload of that POST
finds the roll row voted and casts nothing."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Count, Exists, OuterRef, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from members.roles import Role, has_role, role_required
from programmes import rules, services, tally
from programmes.access import VIEWERS, get_round_for_user, rounds_visible_to
from programmes.forms import BallotForm
from programmes.models import Ballot, Option, RollEntry, Round

# Everyone who may see the rounds; only those on a round's roll may vote in it.
VOTERS = VIEWERS


def is_voting_time(round_: Round) -> bool:
    return round_.status == Round.Status.OPEN and timezone.now() < round_.closes_at


@role_required(*VOTERS)
def round_list(request: HttpRequest) -> HttpResponse:
    # One query however many rounds and voters: each round with its turnout (a count only, R6)
    # and whether this person is on its roll and has voted, as subqueries.
    mine = RollEntry.objects.filter(round=OuterRef("pk"), member=request.user)
    rounds = list(
        rounds_visible_to(request.user)
        .annotate(
            turnout=Count("roll", filter=Q(roll__has_voted=True)),
            on_roll=Exists(mine),
            voted=Exists(mine.filter(Q(has_voted=True) | Q(voted_in_person=True))),
        )
        .order_by("-closes_at", "-pk")[:50]
    )
    open_rounds = [r for r in rounds if is_voting_time(r)]
    return render(
        request,
        "programmes/round_list.html",
        {"open_rounds": open_rounds, "past_rounds": [r for r in rounds if r not in open_rounds]},
    )


def _refusal(request: HttpRequest, round_: Round, reason: str | None = None) -> HttpResponse | None:
    """The page for whoever cannot vote in this round now, or None if this person may vote.
    `reason` is a refusal the cast service gave (a race the checks here did not see)."""
    if reason is None:
        entry = RollEntry.objects.filter(round=round_, member=request.user).first()
        if not is_voting_time(round_):
            reason = "closed"
        elif entry is None:
            reason = "not_on_roll"
        elif entry.has_voted or entry.voted_in_person:
            reason = "already_voted"
    if reason is None:
        return None
    return render(request, "programmes/round_refused.html", {"round": round_, "reason": reason})


def _options(round_: Round) -> list[Option]:
    return list(round_.options.all())


def _ballot_page(request: HttpRequest, round_: Round, form: BallotForm) -> HttpResponse:
    return render(
        request,
        "programmes/round_vote.html",
        {"round": round_, "form": form, "ticked": form.ticked()},
    )


@sensitive_post_parameters("choice")
@require_http_methods(["GET", "POST"])
@role_required(*VOTERS)
def round_vote(request: HttpRequest, pk: int) -> HttpResponse:
    """The ballot: one screen, a big card per option. A POST here comes from "Change my
    choices" on the confirmation page and shows the same boxes ticked again."""
    round_ = get_round_for_user(request, pk)
    refusal = _refusal(request, round_)
    if refusal is not None:
        return refusal
    initial = {"choice": request.POST.getlist("choice")} if request.method == "POST" else {}
    form = BallotForm(initial=initial, round=round_, options=_options(round_))
    return _ballot_page(request, round_, form)


@sensitive_post_parameters("choice")
@require_http_methods(["GET", "POST"])
@role_required(*VOTERS)
def round_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    """Shows what was chosen and that it cannot be changed (R12); nothing is saved yet."""
    round_ = get_round_for_user(request, pk)
    if request.method == "GET":
        return redirect("programmes:round_vote", pk=round_.pk)
    refusal = _refusal(request, round_)
    if refusal is not None:
        return refusal
    form = BallotForm(request.POST, round=round_, options=_options(round_))
    if not form.is_valid():
        return _ballot_page(request, round_, form)
    return render(
        request,
        "programmes/round_confirm.html",
        {"round": round_, "chosen": form.chosen(), "choices": form.cleaned_data["choice"]},
    )


@sensitive_post_parameters("choice")
@require_http_methods(["GET", "POST"])
@role_required(*VOTERS)
def round_thanks(request: HttpRequest, pk: int) -> HttpResponse:
    """A POST casts the vote and answers with the thank-you page and the receipt, rendered
    here rather than redirected to, so the receipt is in no URL or session (R9). Reloading it
    sends the POST again, which now finds the vote given. A GET only says whether one was."""
    round_ = get_round_for_user(request, pk)
    if request.method == "GET":
        voted = RollEntry.objects.filter(
            Q(has_voted=True) | Q(voted_in_person=True), round=round_, member=request.user
        ).exists()
        if not voted:
            return redirect("programmes:round_vote", pk=round_.pk)
        return render(request, "programmes/round_thanks.html", {"round": round_})
    refusal = _refusal(request, round_)
    if refusal is not None:
        return refusal
    form = BallotForm(request.POST, round=round_, options=_options(round_))
    if not form.is_valid():
        return _ballot_page(request, round_, form)
    try:
        receipt = services.ballot_cast(
            round=round_, member=request.user, choices=form.cleaned_data["choice"]
        )
    except ValidationError as refused:
        return _refusal(request, round_, refused.code or "closed")
    return render(request, "programmes/round_thanks.html", {"round": round_, "receipt": receipt})


def _turnout_by_hotspot(round_: Round) -> list[tuple[str, int | None]]:
    """Coordinators only: voters by the hotspot of their record, any group under
    ROUND_SUBGROUP_MIN hidden with a complementary one (R7). One query."""
    rows = (
        RollEntry.objects.filter(round=round_, has_voted=True)
        .values("member__person__hotspot__name")
        .annotate(n=Count("pk"))
    )
    counts = {row["member__person__hotspot__name"] or "": row["n"] for row in rows}
    cells = tally.turnout_cells(counts, k=rules.ROUND_SUBGROUP_MIN)
    return sorted(cells.items())


@role_required(*VOTERS)
def round_results(request: HttpRequest, pk: int) -> HttpResponse:
    """Only a counted round has results. Before that this page shows no number of any kind
    but the turnout, to anyone, administrators included (R6)."""
    round_ = get_round_for_user(request, pk)
    context: dict[str, Any] = {"round": round_, "roll_size": round_.roll.count()}
    if round_.status in (Round.Status.COUNTED, Round.Status.VOID):
        context["result"] = result = round_.result
    if round_.status == Round.Status.COUNTED:
        options = {option.pk: option for option in round_.options.select_related("need")}
        counts = {int(pk): n for pk, n in result.approvals.items()}
        order = tally.ranking(counts, rules.round_tie_break(options.values()))
        context["ranked"] = [(options[pk], counts[pk]) for pk in order]
        context["selected"] = [options[pk] for pk in result.selected if pk in options]
        context["spent"] = sum(option.cost or 0 for option in context["selected"])
        if has_role(request.user, Role.COORDINATOR):
            context["by_hotspot"] = _turnout_by_hotspot(round_)
    return render(request, "programmes/round_results.html", context)


@role_required(*VOTERS)
def round_receipts(request: HttpRequest, pk: int) -> HttpResponse:
    """After the count: every receipt code, sorted, without any choice (R9)."""
    round_ = get_round_for_user(request, pk)
    context: dict[str, Any] = {"round": round_}
    if round_.status == Round.Status.COUNTED:
        context["result"] = round_.result
        context["receipts"] = list(
            Ballot.objects.filter(round=round_)
            .order_by("receipt")
            .values_list("receipt", flat=True)
        )
    return render(request, "programmes/round_receipts.html", context)
