"""Partner scorecards on hand-computed feedback, and the promise that no figure shown comes
from one to four people."""

from __future__ import annotations

from dataclasses import dataclass

from hypothesis import given
from hypothesis import strategies as st

from monitoring.scorecards import scorecards, small_count

GOOD, OK, BAD = 3, 2, 1


@dataclass
class Row:
    partner_id: int | None
    respect: int | None = None
    confidentiality: int | None = None
    would_recommend: bool | None = None


def test_it_computes_shares_among_those_who_answered() -> None:
    # Partner 1: six answers. Respect: 4 good of 6. Kept private: 3 good of 5 answered (one
    # skipped). Would tell a friend: 4 yes of 5 answered.
    rows = [
        Row(1, GOOD, GOOD, True),
        Row(1, GOOD, GOOD, True),
        Row(1, GOOD, BAD, True),
        Row(1, GOOD, OK, False),
        Row(1, BAD, GOOD, True),
        Row(1, OK, None, None),
    ]
    (card,) = scorecards(rows, [1], minimum=5)
    assert card.enough
    assert card.shown_answers == 6
    assert card.respect_good.percent == 67  # 4 / 6
    assert card.private_good.percent == 60  # 3 / 5
    assert card.would_recommend.percent == 80  # 4 / 5
    assert card.figures() == [6, 67, 60, 80]


def test_a_partner_with_four_answers_shows_nothing() -> None:
    rows = [Row(2, GOOD, GOOD, True)] * 4 + [Row(3, GOOD, GOOD, True)] * 5
    few, enough = scorecards(rows, [2, 3], minimum=5)
    assert not few.enough
    assert few.shown_answers is None
    assert few.figures() == []
    assert few.respect_good.percent is None
    assert few.respect_good.answered == 0  # not even kept for the template
    assert enough.figures() == [5, 100, 100, 100]


def test_a_question_answered_by_too_few_hides_its_share_only() -> None:
    # Five answers, but only two said whether they would tell a friend.
    rows = [Row(1, GOOD, OK, None)] * 3 + [Row(1, BAD, OK, True), Row(1, BAD, OK, False)]
    (card,) = scorecards(rows, [1], minimum=5)
    assert card.respect_good.percent == 60
    assert card.private_good.percent == 0
    assert card.would_recommend.percent is None
    assert card.figures() == [5, 60, 0, None]


def test_partners_without_feedback_get_an_empty_card_in_order() -> None:
    cards = scorecards([Row(None, GOOD), Row(9, GOOD)], [4, 5], minimum=5)
    assert [card.partner_id for card in cards] == [4, 5]
    assert all(card.answers == 0 and not card.enough for card in cards)


def test_small_counts_are_hidden_but_zero_is_shown() -> None:
    assert small_count(0, minimum=5) == "0"
    assert [small_count(n, minimum=5) for n in range(1, 5)] == [None] * 4
    assert small_count(5, minimum=5) == "5"


ratings = st.one_of(st.none(), st.sampled_from([GOOD, OK, BAD]))
rows = st.lists(
    st.builds(
        Row,
        partner_id=st.sampled_from([1, 2, 3]),
        respect=ratings,
        confidentiality=ratings,
        would_recommend=st.one_of(st.none(), st.booleans()),
    ),
    max_size=40,
)


@given(rows)
def test_no_figure_shown_comes_from_one_to_four_answers(feedback: list[Row]) -> None:
    for card in scorecards(feedback, [1, 2, 3], minimum=5):
        if card.answers < 5:
            assert card.figures() == []
            assert card.shown_answers is None
        for share in (card.respect_good, card.private_good, card.would_recommend):
            if share.percent is not None:
                assert share.answered >= 5
                assert card.answers >= 5
