"""The page "You asked, we did": for every round whose results are out, each priority members
voted on, most chosen first, and what became of it. Nothing of a round still open or being
counted: no live counts, for anyone (voting.md, R6)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from members.roles import Role, has_role, role_required
from programmes.access import VIEWERS, programmes_visible_to, rounds_visible_to
from programmes.models import Option, Programme, Result, Round
from programmes.views.programme import STATUS_WORDS

ROUNDS_PER_PAGE = 10


@dataclass
class Outcome:
    option: Option
    approvals: int
    chosen: bool
    programmes: list[Programme] = field(default_factory=list)


def outcomes(round_: Round, result: Result | None) -> list[Outcome]:
    """The round's options, most approvals first (then in ballot order), with the programmes
    serving each. Approvals are keyed by option id as a string, as JSON keeps them."""
    approvals = result.approvals if result else {}
    selected = {str(pk) for pk in (result.selected if result else [])}
    found = [
        Outcome(
            option=option,
            approvals=int(approvals.get(str(option.pk), 0)),
            chosen=str(option.pk) in selected,
            programmes=list(option.programmes.all()),
        )
        for option in round_.options.all()
    ]
    # sorted() is stable: equal approvals keep the ballot's order.
    return sorted(found, key=lambda outcome: -outcome.approvals)


@role_required(*VIEWERS)
def you_asked(request: HttpRequest) -> HttpResponse:
    # Four queries whatever the numbers: the count of rounds, one page of rounds with their
    # results, their options, and the programmes serving those options.
    programmes = (
        programmes_visible_to(request.user)
        .only("pk", "title", "status", "priority_id")
        .order_by("created_at", "pk")
    )
    rounds = (
        rounds_visible_to(request.user)
        .filter(status=Round.Status.COUNTED)
        .select_related("result")
        .prefetch_related(
            Prefetch(
                "options",
                queryset=Option.objects.prefetch_related(
                    Prefetch("programmes", queryset=programmes)
                ),
            )
        )
        .order_by("-closes_at", "-pk")
    )
    page = Paginator(rounds, ROUNDS_PER_PAGE).get_page(request.GET.get("page"))
    shown: list[dict[str, Any]] = []
    for round_ in page:
        result = getattr(round_, "result", None)
        found = outcomes(round_, result)
        for outcome in found:
            for programme in outcome.programmes:
                programme.status_words = STATUS_WORDS[programme.status]
        shown.append({"round": round_, "result": result, "outcomes": found})
    return render(
        request,
        "programmes/programme_you_asked.html",
        {
            "page": page,
            "rounds": shown,
            "may_create": has_role(request.user, Role.COORDINATOR),
        },
    )
