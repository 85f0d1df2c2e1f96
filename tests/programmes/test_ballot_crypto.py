"""The ballot cryptography on its own (programmes.ballot_crypto): k of n tellers open a round and
k - 1 do not; shares survive being written down and refuse a slip of the pen; every ciphertext
of a round has one size and says nothing by it; trackers name ciphertexts."""

from __future__ import annotations

import itertools
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from programmes.ballot_crypto import (
    CROCKFORD,
    Share,
    SharesRefused,
    ballot_seal,
    ballots_open,
    round_key_make,
    share_from_words,
    share_words,
    tracker,
)

choice_sets = st.lists(st.integers(min_value=1, max_value=10**6), min_size=1, max_size=12)


@settings(max_examples=15, deadline=None)
@given(
    st.integers(min_value=2, max_value=5).flatmap(
        lambda k: st.tuples(st.just(k), st.integers(k, 6))
    ),
    choice_sets,
)
def test_any_k_tellers_open_a_round_and_fewer_do_not(
    kn: tuple[int, int], choices: list[int]
) -> None:
    k, n = kn
    public_key, shares = round_key_make(k, n)
    ciphertext = ballot_seal(public_key, choices)
    for group in itertools.combinations(shares, k):
        assert ballots_open(group, public_key, [ciphertext]) == [sorted(choices)]
    for group in itertools.combinations(shares, k - 1):
        with pytest.raises(SharesRefused):
            ballots_open(group, public_key, [ciphertext])


def test_the_same_share_twice_is_not_two_tellers() -> None:
    public_key, shares = round_key_make(2, 3)
    with pytest.raises(SharesRefused):
        ballots_open([shares[0], shares[0]], public_key, [ballot_seal(public_key, [1])])


def test_another_rounds_shares_do_not_open_this_round() -> None:
    public_key, _shares = round_key_make(2, 3)
    _other_key, other_shares = round_key_make(2, 3)
    with pytest.raises(SharesRefused):
        ballots_open(other_shares[:2], public_key, [ballot_seal(public_key, [1])])


@settings(max_examples=30, deadline=None)
@given(st.lists(choice_sets, min_size=1, max_size=20))
def test_ballots_open_in_the_order_given_with_their_choices(ballots: list[list[int]]) -> None:
    public_key, shares = round_key_make(2, 3)
    sealed = [ballot_seal(public_key, choices) for choices in ballots]
    assert ballots_open(shares[1:], public_key, sealed) == [sorted(c) for c in ballots]


@settings(max_examples=50, deadline=None)
@given(choice_sets, choice_sets)
def test_every_ciphertext_has_one_size_whatever_was_chosen(
    one: list[int], other: list[int]
) -> None:
    public_key, _shares = round_key_make(2, 3)
    assert len(ballot_seal(public_key, one)) == len(ballot_seal(public_key, other))


def test_sealing_the_same_choices_twice_gives_unrelated_ciphertexts_and_trackers() -> None:
    public_key, _shares = round_key_make(2, 3)
    first, second = ballot_seal(public_key, [4, 2]), ballot_seal(public_key, [2, 4])
    assert first != second
    assert tracker(first) != tracker(second)
    assert tracker(first) == tracker(bytes(first))
    assert re.fullmatch(f"[{CROCKFORD}]{{5}}-[{CROCKFORD}]{{5}}", tracker(first))


def test_shares_survive_being_written_down_in_any_case_and_spacing() -> None:
    _public_key, shares = round_key_make(3, 5)
    for share in shares:
        words = share_words(share, "round-12")
        assert re.fullmatch(r"([0-9A-Z]{4} )+[0-9A-Z]{1,4}", words)
        assert share_from_words(words, "round-12") == share
        sloppy = words.lower().replace(" ", "").replace("0", "o").replace("1", "l")
        assert share_from_words(sloppy, "round-12") == share


# A fixed share, so that the slips below are the same on every run.
FIXED = Share(2, bytes(range(16)), bytes(range(100, 116)))


def test_every_single_slip_of_the_pen_is_refused() -> None:
    words = share_words(FIXED, "round-12")
    positions = [i for i, ch in enumerate(words) if ch != " "]
    slips = 0
    for i in positions:
        for ch in CROCKFORD:
            if ch == words[i]:
                continue
            with pytest.raises(SharesRefused):
                share_from_words(words[:i] + ch + words[i + 1 :], "round-12")
            slips += 1
    assert slips == len(positions) * 31


def test_two_swapped_groups_and_a_missing_group_are_refused() -> None:
    groups = share_words(FIXED, "round-12").split()
    swapped = [groups[1], groups[0], *groups[2:]]
    for text in (" ".join(swapped), " ".join(groups[1:])):
        with pytest.raises(SharesRefused):
            share_from_words(text, "round-12")


def test_a_share_written_for_another_round_is_refused() -> None:
    with pytest.raises(SharesRefused):
        share_from_words(share_words(FIXED, "round-12"), "round-13")


def test_teller_numbers_outside_the_rules_are_refused() -> None:
    for k, n in ((1, 3), (3, 2), (2, 256)):
        with pytest.raises(ValueError):
            round_key_make(k, n)
