"""Small-cell suppression: small counts hidden, a complement beside each, zeros shown, and no
hidden count recoverable from the totals, one line at a time or chained."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from common.suppression import COMPLEMENT, SMALL, SuppressedTable, suppress, with_totals


def differencing(table: SuppressedTable) -> dict[tuple[int, int], int]:
    """What an attacker works out from an additive table: any row or column of the grid (cells
    and total) with exactly one hidden count gives it as total minus the rest, and each value
    found may open another line. Returns every hidden count recovered."""
    grid = table.grid
    known = {
        (i, j): value
        for i, row in enumerate(grid)
        for j, value in enumerate(row)
        if (i, j) not in table.hidden
    }
    height, width = len(grid), len(grid[0])
    lines = [[(i, j) for j in range(width)] for i in range(height)]
    lines += [[(i, j) for i in range(height)] for j in range(width)]
    recovered: dict[tuple[int, int], int] = {}
    found = True
    while found:
        found = False
        for line in lines:
            unknown = [p for p in line if p not in known]
            if len(unknown) != 1:
                continue
            (position,) = unknown
            *cells, total = line
            if position == total:
                value = sum(known[p] for p in cells)
            else:
                value = known[total] - sum(known[p] for p in cells if p != position)
            known[position] = recovered[position] = value
            found = True
    return recovered


def shown(table: SuppressedTable) -> list[list[str]]:
    rows = len(table.grid) - 1
    columns = len(table.grid[0]) - 1
    return [
        [
            table.show(i if i < rows else None, j if j < columns else None)
            for j in range(columns + 1)
        ]
        for i in range(rows + 1)
    ]


# --- Examples ------------------------------------------------------------------------------------


def test_a_table_of_large_counts_is_shown_whole() -> None:
    table = suppress([[10, 20], [30, 40]], minimum=5)
    assert not table.has_hidden
    assert shown(table) == [["10", "20", "30"], ["30", "40", "70"], ["40", "60", "100"]]


def test_a_small_count_is_hidden_with_a_complement_in_its_row_and_its_column() -> None:
    table = suppress([[3, 10, 20], [12, 30, 40], [15, 50, 60]], minimum=5)
    assert table.hidden[(0, 0)] == SMALL
    # The next smallest in its row (10) and in its column (12), then the cell that closes
    # both their lines (30).
    assert table.hidden[(0, 1)] == COMPLEMENT
    assert table.hidden[(1, 0)] == COMPLEMENT
    assert table.hidden[(1, 1)] == COMPLEMENT
    assert len(table.hidden) == 4
    assert shown(table)[0] == ["<5", "", "20", "33"]
    assert differencing(table) == {}


def test_zeros_are_shown_and_never_chosen_as_complements() -> None:
    table = suppress([[2, 0, 9], [0, 0, 7], [8, 0, 6]], minimum=5)
    assert table.value(0, 1) == table.value(1, 0) == table.value(1, 1) == 0
    assert all(table.grid[i][j] > 0 for i, j in table.hidden)
    assert differencing(table) == {}


def test_a_total_is_the_complement_when_its_line_has_nothing_else() -> None:
    # One month only: a hotspot's count and its total are the same number.
    table = suppress([[3], [40], [25]], minimum=5)
    assert table.hidden[(0, 0)] == SMALL
    assert table.hidden[(0, 1)] == SMALL  # the hotspot's total is 3 too
    assert table.hidden[(2, 0)] == COMPLEMENT  # the next smallest in the month's column
    assert table.hidden[(2, 1)] == COMPLEMENT  # and its row's total, the only other count
    assert table.value(None, None) == 68
    assert differencing(table) == {}


def test_a_small_total_is_hidden_like_any_count() -> None:
    table = suppress([[1, 2], [0, 0]], minimum=5)
    assert table.show(0, None) == "<5"
    assert table.show(None, None) == "<5"
    assert table.value(1, None) == 0
    assert differencing(table) == {}


def test_totals_that_are_not_sums_are_protected_too() -> None:
    # People reached in two months count once in the total: 12 rather than 9 + 8.
    table = suppress([[9, 8], [2, 30]], row_totals=[12, 31], column_totals=[11, 36], total=40)
    assert table.hidden[(1, 0)] == SMALL
    assert {p for p, why in table.hidden.items() if why == COMPLEMENT} >= {(0, 0), (1, 1)}
    assert sum(p[0] == 1 for p in table.hidden) >= 2


def test_the_minimum_comes_from_the_settings(settings: Any) -> None:
    settings.SMALL_CELL_MIN = 10
    table = suppress([[7, 50], [60, 70]])
    assert table.show(0, 0) == "<10"
    settings.SMALL_CELL_MIN = 5
    assert not suppress([[7, 50], [60, 70]]).has_hidden


def test_the_default_minimum_is_five() -> None:
    from config import settings as configured

    assert configured.SMALL_CELL_MIN == 5
    assert suppress([[4, 50], [60, 70]]).show(0, 0) == "<5"
    assert not suppress([[5, 50], [60, 70]]).has_hidden


def test_an_empty_table_has_nothing_to_hide() -> None:
    assert not suppress([], minimum=5).has_hidden
    assert suppress([], minimum=5).value(None, None) == 0


@pytest.mark.parametrize("cells", [[[1, 2], [3]], [[-1, 5]]], ids=["ragged", "negative"])
def test_a_malformed_table_is_refused(cells: list[list[int]]) -> None:
    with pytest.raises(ValueError):
        suppress(cells, minimum=5)


def test_totals_must_match_the_table() -> None:
    with pytest.raises(ValueError):
        with_totals([[1, 2]], row_totals=[3, 4])


# --- Properties ---------------------------------------------------------------------------------

# Sparse, small counts: the hardest case, many small cells, zeros and lines with little in them.
counts = st.one_of(st.just(0), st.integers(1, 4), st.integers(5, 60))
tables = st.integers(1, 6).flatmap(
    lambda width: st.lists(st.lists(counts, min_size=width, max_size=width), max_size=6)
)


@settings(max_examples=400, deadline=None)
@given(cells=tables, minimum=st.integers(2, 11))
def test_no_hidden_count_can_be_worked_out_from_the_totals(
    cells: list[list[int]], minimum: int
) -> None:
    table = suppress(cells, minimum=minimum)
    assert differencing(table) == {}
    grid = table.grid
    for i, row in enumerate(grid):
        for j, value in enumerate(row):
            hidden = (i, j) in table.hidden
            # Every small count is hidden; zeros never are; what is shown is the count itself.
            assert hidden == (table.hidden.get((i, j)) == COMPLEMENT or 0 < value < minimum)
            assert not (hidden and value == 0)
            if not hidden:
                assert table.value(i, j) == value
    # Each row and column of the grid hides nothing or at least two counts.
    for i in range(len(grid)):
        assert sum((i, j) in table.hidden for j in range(len(grid[0]))) != 1
    for j in range(len(grid[0])):
        assert sum((i, j) in table.hidden for i in range(len(grid))) != 1


@settings(max_examples=200, deadline=None)
@given(cells=tables.filter(bool), data=st.data())
def test_people_counted_once_in_the_totals_are_protected_alike(
    cells: list[list[int]], data: Any
) -> None:
    """Totals of unique people are at least the largest count of their line and at most the
    sum, and zero only when the whole line is."""

    def once(values: list[int]) -> int:
        if not any(values):
            return 0
        return data.draw(st.integers(max(values), sum(values)))

    columns = [[row[j] for row in cells] for j in range(len(cells[0]))]
    row_totals = [once(row) for row in cells]
    column_totals = [once(column) for column in columns]
    low = max([*row_totals, *column_totals])
    high = max(low, min(sum(row_totals), sum(column_totals)))
    total = data.draw(st.integers(low, high)) if low else 0
    table = suppress(
        cells, row_totals=row_totals, column_totals=column_totals, total=total, minimum=5
    )
    grid = table.grid
    for i in range(len(grid)):
        assert sum((i, j) in table.hidden for j in range(len(grid[0]))) != 1
    for j in range(len(grid[0])):
        assert sum((i, j) in table.hidden for i in range(len(grid))) != 1
    assert all(grid[i][j] > 0 for i, j in table.hidden)
