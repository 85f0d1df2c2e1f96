"""Counting a sealed priority round: pure functions, no database (voting.md R15).

Everything here is deterministic: the same ballots, in any order, give the same result, and ties
follow the order the caller passes as `tie_break` (the round's rule, published before it opens).
Money is counted in `fractions.Fraction`, so shares add up exactly and nothing is lost to rounding.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from fractions import Fraction


def _positions(tie_break: Sequence[int], option_ids: Iterable[int]) -> dict[int, int]:
    """Where each option stands in the tie-break order, which must name every option once."""
    positions = {option_id: index for index, option_id in enumerate(tie_break)}
    if len(positions) != len(tie_break) or positions.keys() != set(option_ids):
        raise ValueError("the tie-break order must name every option exactly once")
    return positions


def approvals(ballots: Iterable[Sequence[int]], option_ids: Sequence[int]) -> dict[int, int]:
    """Approvals per option, every option present (zero if nobody chose it).

    A ballot naming an unknown option, or one option twice, raises ValueError: casting validated
    every ballot, so this only guards against a bug.
    """
    counts = dict.fromkeys(option_ids, 0)
    if len(counts) != len(option_ids):
        raise ValueError("an option is listed twice")
    for ballot in ballots:
        if len(set(ballot)) != len(ballot):
            raise ValueError("a ballot names the same option twice")
        for option_id in ballot:
            if option_id not in counts:
                raise ValueError("a ballot names an option that is not in the round")
            counts[option_id] += 1
    return counts


def ranking(approval_counts: Mapping[int, int], tie_break: Sequence[int]) -> list[int]:
    """Options by approvals, most first; equal approvals in the order of `tie_break` (the caller
    builds it from the round's rule: lower cost first, then the need raised earlier)."""
    positions = _positions(tie_break, approval_counts)
    return sorted(approval_counts, key=lambda o: (-approval_counts[o], positions[o]))


def _price(supporters: list[tuple[Fraction, int]], cost: Fraction) -> Fraction | None:
    """The smallest price per supporter that pays `cost` when each supporter pays that price or
    all they have left, if less; None if their money together is not enough.

    `supporters` holds (money left per voter, number of such voters), poorest first."""
    remaining, payers = cost, sum(count for _, count in supporters)
    for money, count in supporters:
        if money * payers >= remaining:
            return remaining / payers
        # This group cannot pay the even price: it pays all it has, the richer ones share the rest.
        remaining -= money * count
        payers -= count
    return None


def equal_shares(
    ballots: Iterable[Sequence[int]],
    costs: Mapping[int, Fraction | Decimal | int],
    budget: Fraction | Decimal | int,
    tie_break: Sequence[int],
) -> list[int]:
    """The options to fund, in the order they were chosen, by the Method of Equal Shares with
    greedy completion (voting.md, section (b), "Tally", decision rule).

    In plain words:
    1. Every voter gets the same share of the budget: budget / number of ballots.
    2. An option can be bought by the voters who chose it, out of their own shares. Its price per
       voter is the least amount that pays its cost when everyone who chose it pays that amount,
       or everything they have left if they have less.
    3. Buy the option with the lowest price per voter (equal prices: the earlier in `tie_break`),
       take the money from the voters who chose it, and repeat until nothing more can be bought.
       (Each funded option counts 1 for each voter who chose it, whatever it costs.)
    4. Complete: spend what is left of the budget on the options not yet funded, most approvals
       first (ties by `tie_break`), skipping any that no longer fit. An option nobody chose is
       never funded.

    So a group with 40% of the voters decides how 40% of the money is spent, instead of the
    majority taking everything, as it would under plain "most approvals first".

    Voters with the same ballot always hold the same money, so they are counted together; this
    changes nothing in the result and makes 10,000 ballots quick to count.
    """
    cost_of = {option_id: Fraction(cost) for option_id, cost in costs.items()}
    total = Fraction(budget)
    if total < 0 or any(cost < 0 for cost in cost_of.values()):
        raise ValueError("the budget and the costs cannot be negative")
    positions = _positions(tie_break, cost_of)
    ballot_list = list(ballots)
    counts = approvals(ballot_list, list(cost_of))  # also refuses unknown or repeated options
    groups = Counter(frozenset(ballot) for ballot in ballot_list)
    voters = len(ballot_list)

    funded: list[int] = []
    if voters:
        share = total / voters
        money = dict.fromkeys(groups, share)  # money left per voter, by ballot
        while True:
            best: tuple[Fraction, int, int] | None = None  # (price, tie-break position, option)
            for option_id in cost_of:
                if option_id in funded or not counts[option_id]:
                    continue
                supporters = sorted(
                    (money[ballot], count)
                    for ballot, count in groups.items()
                    if option_id in ballot
                )
                price = _price(supporters, cost_of[option_id])
                if price is not None:
                    candidate = (price, positions[option_id], option_id)
                    best = candidate if best is None else min(best, candidate)
            if best is None:
                break
            price, _, option_id = best
            funded.append(option_id)
            for ballot in groups:
                if option_id in ballot:
                    money[ballot] -= min(money[ballot], price)

    left = total - sum((cost_of[option_id] for option_id in funded), Fraction(0))
    for option_id in ranking(counts, tie_break):
        if option_id not in funded and counts[option_id] and cost_of[option_id] <= left:
            funded.append(option_id)
            left -= cost_of[option_id]
    return funded


def turnout_cells(counts_by_group: Mapping[str, int], k: int = 10) -> dict[str, int | None]:
    """Turnout by subgroup, safe to show: a cell under `k` becomes None (voting.md R7).

    When exactly one cell is hidden, the next smallest is hidden too, or the hidden one could be
    worked out as the total minus the others. (With a single group there is no other cell to
    hide: the total is that group's turnout, and the caller decides whether to show the total.)
    """
    if k < 1:
        raise ValueError("k must be at least 1")
    if any(count < 0 for count in counts_by_group.values()):
        raise ValueError("a turnout cannot be negative")
    hidden = {group for group, count in counts_by_group.items() if count < k}
    if len(hidden) == 1:
        shown = sorted(
            (count, group) for group, count in counts_by_group.items() if group not in hidden
        )
        if shown:
            hidden.add(shown[0][1])
    return {group: None if group in hidden else count for group, count in counts_by_group.items()}
