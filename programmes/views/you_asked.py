"""The page "You asked, we did": for every round whose results are out, each priority members
voted on, most chosen first, and what became of it. Nothing of a round still open or being
counted: no live counts, for anyone (voting.md, R6)."""

from __future__ import annotations

from typing import TypedDict

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render

from members.roles import LoggedInRequest, Role, has_role, role_required
from programmes import selectors
from programmes.access import VIEWERS
from programmes.models import Result, Round

ROUNDS_PER_PAGE = 10


class RoundShown(TypedDict):
    round: Round
    result: Result | None
    outcomes: list[selectors.Outcome]


def _shown(round_: Round) -> RoundShown:
    # getattr: the reverse one-to-one raises, rather than gives None, when no result row exists.
    result = getattr(round_, "result", None)
    return {"round": round_, "result": result, "outcomes": selectors.round_outcomes(round_, result)}


@role_required(*VIEWERS)
def you_asked(request: LoggedInRequest) -> HttpResponse:
    # Four queries whatever the numbers: the count of rounds, one page of rounds with their
    # results, their options, and the programmes serving those options.
    rounds = selectors.counted_rounds(request.user)
    page = Paginator(rounds, ROUNDS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "programmes/programme_you_asked.html",
        {
            "page": page,
            "rounds": [_shown(round_) for round_ in page],
            "may_create": has_role(request.user, Role.COORDINATOR),
        },
    )
