"""The community's rules with numbers, in one place (sources in shared/reference/voting.md).
Services, forms, views and pages read them from here, so a rule changes in one line."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from programmes.models import Need, Programme

if TYPE_CHECKING:
    from collections.abc import Iterable

    from programmes.models import Option, Round

# --- Needs ---

# "Me too": each member supports at most this many open or shortlisted needs at a time, so the
# shortlist shows what matters most to many, not what a few people clicked on everything
# (Decidim's `vote_limit`). Taking a support back frees it.
NEED_SUPPORTS_MAX = 5
# Needs that are still being discussed: members may support, comment on and merge them.
NEED_ACTIVE = (Need.Status.OPEN, Need.Status.SHORTLISTED)

# --- Programmes ---

# A finished or stopped programme takes no new helpers; anyone may still step back or follow.
CLOSED_TO_HELPERS = (Programme.Status.DONE, Programme.Status.STOPPED)

# --- Priority rounds and ballots (voting.md (c), rules R1-R15) ---

ROUND_OPTIONS_MIN = 2
ROUND_OPTIONS_MAX = 8  # a short ballot: each option has a picture and plain words
# R7: results are never published under this many voters, whatever a round's own minimum says.
ROUND_TURNOUT_FLOOR = 5
# R7: turnout of a subgroup (a hotspot) under this is hidden, with a complementary cell.
ROUND_SUBGROUP_MIN = 10
# R9: 6 characters without look-alikes (no 0/O/Q, 1/I/L, 2/Z, 5/S, 8/B, 6/G): read aloud or
# copied by hand without mistakes.
RECEIPT_ALPHABET = "ACDEFHJKMNPRTUVWXY3479"
RECEIPT_LENGTH = 6


def round_turnout_needed(round: Round) -> int:
    return max(round.min_turnout, ROUND_TURNOUT_FLOOR)


def round_tie_break(options: Iterable[Option]) -> list[int]:
    """The order that settles equal approvals, published before a round opens: the lower cost
    first, then the need raised earlier (a free-text option after those from needs), then the
    ballot order. Needs `need` fetched with the options."""
    latest = datetime.max.replace(tzinfo=UTC)

    def key(option: Option) -> tuple[Decimal, datetime, int, int]:
        cost = option.cost if option.cost is not None else Decimal(0)
        raised = option.need.created_at if option.need is not None else latest
        return (cost, raised, option.position, option.pk)

    return [option.pk for option in sorted(options, key=key)]
