"""The count of a round (voting.md R15, T12): golden examples worked out by hand in the comments,
then properties that must hold for any ballots, checked with Hypothesis."""

from __future__ import annotations

import random
from collections.abc import Sequence
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from programmes.tally import approvals, equal_shares, ranking, turnout_cells

PROPERTY = settings(max_examples=300, deadline=None, database=None)

# --- Approvals and ranking ---------------------------------------------------------------------


def test_it_counts_approvals_with_every_option_present() -> None:
    # 3 options, 5 ballots (one left empty):
    #   option 1: ballots 1 and 5          -> 2
    #   option 2: ballots 1, 2, 3 and 5    -> 4
    #   option 3: ballots 3 and 5          -> 2
    #   option 4: nobody                   -> 0
    ballots = [[1, 2], [2], [2, 3], [], [3, 1, 2]]
    assert approvals(ballots, [1, 2, 3, 4]) == {1: 2, 2: 4, 3: 2, 4: 0}


def test_it_counts_a_round_without_ballots_as_zeros() -> None:
    assert approvals([], [7, 8]) == {7: 0, 8: 0}


@pytest.mark.parametrize(
    "ballots", [[[1], [9]], [[1, 1]], [[2, 3, 2]]], ids=["unknown", "twice", "twice-apart"]
)
def test_it_refuses_a_ballot_no_cast_could_have_made(ballots: list[list[int]]) -> None:
    with pytest.raises(ValueError):
        approvals(ballots, [1, 2, 3])


def test_it_ranks_by_approvals_then_by_the_published_tie_break() -> None:
    # Option 2 has the most approvals. Options 1 and 3 tie on 2: the tie-break order lists 3
    # before 1, so 3 comes first. Option 4 has none and comes last.
    counts = {1: 2, 2: 4, 3: 2, 4: 0}
    assert ranking(counts, tie_break=[4, 3, 1, 2]) == [2, 3, 1, 4]
    assert ranking(counts, tie_break=[1, 2, 3, 4]) == [2, 1, 3, 4]


@pytest.mark.parametrize("tie_break", [[1, 2], [1, 2, 3, 3], [1, 2, 3, 9]])
def test_it_refuses_a_tie_break_that_does_not_name_every_option_once(
    tie_break: list[int],
) -> None:
    with pytest.raises(ValueError):
        ranking({1: 0, 2: 0, 3: 0}, tie_break)


# --- Method of Equal Shares --------------------------------------------------------------------

A = list(range(1, 11))  # A1..A10 are options 1..10
B = list(range(11, 21))  # B1..B10 are options 11..20


def test_equal_shares_gives_the_smaller_group_its_share() -> None:
    # Budget 10, every option costs 1. 6 voters approve A1..A10, 4 voters approve B1..B10.
    # Each voter's share is 10 / 10 = 1.
    # - An A costs 1 shared by 6 voters: 1/6 each. A B costs 1 shared by 4 voters: 1/4 each.
    # - 1/6 < 1/4, so A's are bought first, A1..A6 in tie-break order; after six of them each A
    #   voter has paid 6 x 1/6 = 1, all they had, and A7 can no longer be paid for.
    # - Then B1..B4 at 1/4 each use up the B voters' shares exactly.
    # Total 10 = the budget, nothing left for the completion.
    # Plain greedy would give all 10 to the majority: A1..A10.
    ballots = [A] * 6 + [B] * 4
    costs = dict.fromkeys(A + B, Fraction(1))
    funded = equal_shares(ballots, costs, Fraction(10), tie_break=A + B)
    assert funded == A[:6] + B[:4]


def test_equal_shares_picks_by_price_not_by_the_tie_break() -> None:
    # Same round, the tie-break order now puts the B's first: the B's still cost their voters
    # more (1/4 against 1/6), so the A's are still bought first. Only equal prices use the order.
    ballots = [A] * 6 + [B] * 4
    costs = dict.fromkeys(A + B, 1)
    funded = equal_shares(ballots, costs, 10, tie_break=B + A)
    assert funded == A[:6] + B[:4]


Q, R, S, Z = 1, 2, 3, 4


def test_equal_shares_completes_greedily_with_what_is_left() -> None:
    # 4 voters, budget 8, so each has 2.
    #   voters 1, 2: Q and S      voter 3: Q      voter 4: R
    #   costs: Q 3, R 2, S 3, Z 1 (nobody chose Z)
    # Round 1: Q costs 3 / 3 voters = 1 each; R 2 / 1 voter = 2; S 3 / 2 voters = 1.5.
    #          Q is cheapest: voters 1-3 pay 1 each and keep 1.
    # Round 2: S needs 3 but voters 1 and 2 have 1 + 1 = 2: not affordable. R: voter 4 pays 2.
    # Round 3: nothing affordable. Equal Shares spent 3 + 2 = 5 of 8.
    # Completion, most approvals first: Q (3, funded), S (2): 3 <= 8 - 5, funded, 0 left.
    # Z would fit an earlier left-over but nobody chose it: it is never funded.
    ballots = [[Q, S], [S, Q], [Q], [R]]
    costs = {Q: Fraction(3), R: Fraction(2), S: Fraction(3), Z: Fraction(1)}
    assert equal_shares(ballots, costs, Fraction(8), tie_break=[Z, R, Q, S]) == [Q, R, S]


def test_the_completion_skips_what_does_not_fit_and_takes_what_does() -> None:
    # 3 voters, budget 9 (3 each). Options P=1 (cost 9), V=2 (5), T=3 (2), U=4 (1), W=5 (1).
    #   voter 1: P, U      voter 2: P, V      voter 3: T, V      (nobody chose W)
    # Round 1 prices: U 1/1 = 1; T 2/1 = 2; V 5/2 = 2.5; P needs 9 but voters 1 and 2 have 6.
    #   U is cheapest: voter 1 pays 1 and keeps 2.
    # Round 2: T at 2 (V still 2.5): voter 3 pays 2 and keeps 1.
    # Round 3: V needs 5, voters 2 and 3 have 3 + 1 = 4; P needs 9, voters 1 and 2 have 5. Stop.
    # Equal Shares spent 1 + 2 = 3; 6 is left.
    # Completion by approvals (P and V 2 each, P first by the tie-break; T, U 1; W 0):
    #   P costs 9 > 6: skipped. V costs 5 <= 6: funded, 1 left. W would fit but nobody chose it.
    P, V, T, U, W = 1, 2, 3, 4, 5
    ballots = [[P, U], [P, V], [T, V]]
    costs = {P: 9, V: 5, T: 2, U: 1, W: 1}
    assert equal_shares(ballots, costs, 9, tie_break=[P, V, T, U, W]) == [U, T, V]


def test_equal_prices_follow_the_tie_break_order() -> None:
    # 2 voters approve X and Y, each costing the whole budget 2: both cost 1 per voter. The
    # tie-break decides which is bought; then nobody has money left, and nothing else fits.
    x, y = 10, 20
    ballots = [[x, y], [y, x]]
    costs = {x: 2, y: 2}
    assert equal_shares(ballots, costs, 2, tie_break=[y, x]) == [y]
    assert equal_shares(ballots, costs, 2, tie_break=[x, y]) == [x]


def test_money_is_counted_without_rounding() -> None:
    # Budget 0.30 shared by 3 voters: 0.10 each. Three options of 0.10, all chosen by everyone:
    # each is 0.10 / 3 per voter, and the three use the budget exactly. In floating point
    # 0.1 + 0.1 + 0.1 > 0.3 and the third would not fit.
    ballots = [[1, 2, 3]] * 3
    costs = dict.fromkeys([1, 2, 3], Decimal("0.10"))
    assert equal_shares(ballots, costs, Decimal("0.30"), tie_break=[1, 2, 3]) == [1, 2, 3]


def test_equal_shares_funds_nothing_without_ballots_or_budget() -> None:
    costs = {1: 1, 2: 0}
    assert equal_shares([], costs, 10, tie_break=[1, 2]) == []
    assert equal_shares([[1]], costs, 0, tie_break=[1, 2]) == []


def test_empty_ballots_keep_their_share_for_the_completion() -> None:
    # 4 ballots, 2 of them empty; budget 4, 1 each. Option 1 costs 3, chosen by the 2 others:
    # they have 2 together, not enough. The completion then funds it from the whole budget.
    assert equal_shares([[1], [1], [], []], {1: 3}, 4, tie_break=[1]) == [1]


@pytest.mark.parametrize(
    ("costs", "budget"), [({1: -1}, 5), ({1: 1}, -5)], ids=["negative-cost", "negative-budget"]
)
def test_equal_shares_refuses_negative_money(costs: dict[int, int], budget: int) -> None:
    with pytest.raises(ValueError):
        equal_shares([[1]], costs, budget, tie_break=[1])


def test_equal_shares_refuses_a_ballot_with_an_unknown_option() -> None:
    with pytest.raises(ValueError):
        equal_shares([[1, 2]], {1: 1}, 5, tie_break=[1])


# --- Turnout by subgroup -----------------------------------------------------------------------


def test_turnout_cells_are_shown_when_all_are_large() -> None:
    assert turnout_cells({"street": 12, "online": 10}) == {"street": 12, "online": 10}


def test_a_single_small_cell_is_hidden_with_the_next_smallest() -> None:
    # "venue" (4) is under 10. Alone it would be total - 25 - 11 - 30 = 4: so the next
    # smallest, "home" (11), is hidden too. The total then gives only venue + home = 15.
    cells = turnout_cells({"street": 25, "venue": 4, "home": 11, "online": 30})
    assert cells == {"street": 25, "venue": None, "home": None, "online": 30}


def test_two_small_cells_need_no_complement() -> None:
    cells = turnout_cells({"street": 25, "venue": 4, "home": 0, "online": 30})
    assert cells == {"street": 25, "venue": None, "home": None, "online": 30}


def test_the_complement_is_chosen_by_name_when_two_are_equally_small() -> None:
    cells = turnout_cells({"b": 12, "a": 12, "c": 3}, k=5)
    assert cells == {"b": 12, "a": None, "c": None}


def test_a_single_group_has_nothing_to_pair_with() -> None:
    assert turnout_cells({"all": 3}) == {"all": None}


# --- Properties --------------------------------------------------------------------------------

option_ids = st.lists(st.integers(1, 50), min_size=1, max_size=8, unique=True)


@st.composite
def rounds(draw: st.DrawFn) -> tuple[list[int], list[list[int]], dict[int, Fraction], Fraction]:
    """Options, ballots of up to 3 choices, costs (some zero, some fractional) and a budget."""
    options = draw(option_ids)
    ballots = draw(
        st.lists(
            st.lists(st.sampled_from(options), max_size=min(3, len(options)), unique=True),
            max_size=40,
        )
    )
    money = st.fractions(min_value=0, max_value=20, max_denominator=4)
    costs = {option: draw(money) for option in options}
    budget = draw(st.fractions(min_value=0, max_value=60, max_denominator=4))
    return options, ballots, costs, budget


def shuffled(items: Sequence[int], rnd: random.Random) -> list[int]:
    items = list(items)
    rnd.shuffle(items)
    return items


def equal_shares_voter_by_voter(
    ballots: list[list[int]], costs: dict[int, Fraction], budget: Fraction, order: list[int]
) -> list[int]:
    """The textbook Method of Equal Shares, one voter at a time and searching every price, to
    check the grouped version against. Completion as in the module."""
    money = [budget / len(ballots)] * len(ballots) if ballots else []
    funded: list[int] = []
    while True:
        best = None
        for option in order:
            supporters = [i for i, ballot in enumerate(ballots) if option in ballot]
            if option in funded or not supporters:
                continue
            if sum(money[i] for i in supporters) < costs[option]:
                continue
            # The price is one of: the cost split evenly among those who can still pay it,
            # after the poorer ones paid everything they had.
            for paying_all in range(len(supporters) + 1):
                poorest = sorted(money[i] for i in supporters)
                rest = len(supporters) - paying_all
                if rest == 0:
                    continue
                price = (costs[option] - sum(poorest[:paying_all])) / rest
                if price >= 0 and all(m >= price for m in poorest[paying_all:]):
                    if best is None or price < best[0]:
                        best = (price, option)
                    break
        if best is None:
            break
        price, option = best
        funded.append(option)
        for i, ballot in enumerate(ballots):
            if option in ballot:
                money[i] -= min(money[i], price)
    counts = approvals(ballots, order)
    left = budget - sum(costs[o] for o in funded)
    for option in sorted(order, key=lambda o: (-counts[o], order.index(o))):
        if option not in funded and counts[option] and costs[option] <= left:
            funded.append(option)
            left -= costs[option]
    return funded


@PROPERTY
@given(rounds())
def test_approvals_add_up_to_every_choice_made(round_: tuple) -> None:
    options, ballots, _, _ = round_
    counts = approvals(ballots, options)
    assert set(counts) == set(options)
    assert sum(counts.values()) == sum(len(ballot) for ballot in ballots)


@PROPERTY
@given(rounds(), st.randoms(use_true_random=False))
def test_the_result_does_not_depend_on_the_order_of_the_ballots(
    round_: tuple, rnd: random.Random
) -> None:
    options, ballots, costs, budget = round_
    mixed = [shuffled(ballot, rnd) for ballot in ballots]
    rnd.shuffle(mixed)
    assert approvals(mixed, options) == approvals(ballots, options)
    assert equal_shares(mixed, costs, budget, options) == equal_shares(
        ballots, costs, budget, options
    )


@PROPERTY
@given(rounds(), st.randoms(use_true_random=False))
def test_equal_shares_stays_in_the_budget_and_funds_only_chosen_options(
    round_: tuple, rnd: random.Random
) -> None:
    options, ballots, costs, budget = round_
    order = shuffled(options, rnd)
    funded = equal_shares(ballots, costs, budget, order)
    counts = approvals(ballots, options)
    assert len(funded) == len(set(funded))
    assert sum(costs[option] for option in funded) <= budget
    assert all(counts[option] > 0 for option in funded)
    # The completion leaves no chosen option unfunded that would still fit.
    left = budget - sum(costs[option] for option in funded)
    assert all(costs[o] > left for o in options if o not in funded and counts[o])


@PROPERTY
@given(rounds(), st.randoms(use_true_random=False))
def test_equal_shares_matches_the_textbook_method_voter_by_voter(
    round_: tuple, rnd: random.Random
) -> None:
    options, ballots, costs, budget = round_
    order = shuffled(options, rnd)
    expected = equal_shares_voter_by_voter(ballots, costs, budget, order)
    assert equal_shares(ballots, costs, budget, order) == expected


@PROPERTY
@given(rounds(), st.randoms(use_true_random=False))
def test_ranking_is_an_order_of_all_the_options(round_: tuple, rnd: random.Random) -> None:
    options, ballots, _, _ = round_
    counts = approvals(ballots, options)
    ranked = ranking(counts, shuffled(options, rnd))
    assert sorted(ranked) == sorted(options)
    assert [counts[o] for o in ranked] == sorted(counts.values(), reverse=True)


@PROPERTY
@given(st.dictionaries(st.text(min_size=1, max_size=5), st.integers(0, 40), max_size=8))
def test_no_hidden_turnout_can_be_worked_out_from_the_total(groups: dict[str, int]) -> None:
    cells = turnout_cells(groups, k=10)
    hidden = [group for group, count in cells.items() if count is None]
    assert all(cells[g] == groups[g] for g in groups if g not in hidden)
    assert all(g in hidden for g in groups if groups[g] < 10)
    # One hidden cell would be the total minus the others, unless it is the only group.
    assert len(hidden) != 1 or len(groups) == 1
    # The complement is only ever one extra cell.
    assert len(hidden) <= max(2, sum(1 for count in groups.values() if count < 10))
