"""Small-cell suppression of a table of counts with its row and column totals: pure functions, no
database. A count above zero and under the minimum (settings.SMALL_CELL_MIN) is hidden, and so is
a complementary count in its row and in its column, so that no hidden count can be worked out as
a total minus the counts shown beside it.

The table is handled together with its totals, as a grid one row and one column larger: the last
entry of every row and every column of that grid is the sum of the others (for people counted
once, at most that sum). Totals are counts of people too, so a small total is hidden like any
cell, and a total may be the complement of a cell when its line has nothing else to hide.

Zeros are never hidden: a zero reveals nobody, and hiding it would only hide that a hotspot or a
month had no one. A complement is therefore always a count above zero (one always exists: a line
whose only hidden count is above zero has a total above zero, or a cell above zero under a
hidden total).

This defeats differencing, one line at a time or chained: every row and column of the grid has no
hidden count or at least two. It does not guarantee wide intervals (a hidden pair of 1 and 5
with a total of 6 still bounds each between 1 and 5): that is the nature of the method."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings

SMALL = "small"
COMPLEMENT = "complement"

Position = tuple[int, int]


def small_cell_minimum() -> int:
    return settings.SMALL_CELL_MIN


@dataclass(frozen=True)
class SuppressedTable:
    """The grid with totals (last row and column), and why each hidden position is hidden."""

    grid: tuple[tuple[int, ...], ...]
    hidden: dict[Position, str]
    minimum: int

    def _position(self, row: int | None, column: int | None) -> Position:
        # None stands for the totals: show(row, None) is that row's total.
        last_row, last_column = len(self.grid) - 1, len(self.grid[0]) - 1
        return (last_row if row is None else row, last_column if column is None else column)

    def value(self, row: int | None, column: int | None) -> int | None:
        """The count, or None where it is hidden."""
        position = self._position(row, column)
        return None if position in self.hidden else self.grid[position[0]][position[1]]

    def cell(self, row: int | None, column: int | None) -> int | str:
        """For a spreadsheet: the count as a number, "<5" for a small count, "" for a
        complement."""
        position = self._position(row, column)
        reason = self.hidden.get(position)
        if reason == SMALL:
            return f"<{self.minimum}"
        if reason == COMPLEMENT:
            return ""
        return self.grid[position[0]][position[1]]

    def show(self, row: int | None, column: int | None) -> str:
        """As printed: the count, "<5" for a small count, "" for a complement."""
        return str(self.cell(row, column))

    @property
    def has_hidden(self) -> bool:
        return bool(self.hidden)


def with_totals(
    cells: Sequence[Sequence[int]],
    *,
    row_totals: Sequence[int] | None = None,
    column_totals: Sequence[int] | None = None,
    total: int | None = None,
) -> tuple[tuple[int, ...], ...]:
    """The grid with a totals row and column. Totals default to the sums; pass them when they
    are not sums (people reached in several months are counted once in the total)."""
    width = len(cells[0]) if cells else 0
    if any(len(row) != width for row in cells):
        raise ValueError("Every row needs the same number of cells.")
    rows = [sum(row) for row in cells] if row_totals is None else list(row_totals)
    columns = (
        [sum(row[j] for row in cells) for j in range(width)]
        if column_totals is None
        else list(column_totals)
    )
    if len(rows) != len(cells) or len(columns) != width:
        raise ValueError("One total per row and one per column.")
    grand = sum(rows) if total is None else total
    grid = [(*row, rows[i]) for i, row in enumerate(cells)]
    grid.append((*columns, grand))
    if any(value < 0 for row in grid for value in row):
        raise ValueError("Counts cannot be negative.")
    return tuple(tuple(row) for row in grid)


def _lines(grid: tuple[tuple[int, ...], ...]) -> list[list[Position]]:
    """Every row and column of the grid; in each, the last position is the total."""
    height, width = len(grid), len(grid[0])
    rows = [[(i, j) for j in range(width)] for i in range(height)]
    columns = [[(i, j) for i in range(height)] for j in range(width)]
    return rows + columns


def hidden_positions(grid: tuple[tuple[int, ...], ...], minimum: int) -> dict[Position, str]:
    """Primary suppression of the small counts, then complements until no row or column of the
    grid has exactly one hidden count."""
    hidden = {
        (i, j): SMALL
        for i, row in enumerate(grid)
        for j, value in enumerate(row)
        if 0 < value < minimum
    }
    lines = _lines(grid)
    changed = True
    while changed:  # each pass hides at least one more position, so this ends
        changed = False
        for line in lines:
            if sum(position in hidden for position in line) != 1:
                continue
            shown = [p for p in line if p not in hidden]
            # The next smallest count above zero; a cell before the line's total, which readers
            # need most. Only a table whose totals do not add up leaves nothing but zeros.
            candidates = [p for p in shown if grid[p[0]][p[1]] > 0] or shown
            choice = min(candidates, key=lambda p: (p == line[-1], grid[p[0]][p[1]], p))
            hidden[choice] = COMPLEMENT
            changed = True
    return hidden


def suppress(
    cells: Sequence[Sequence[int]],
    *,
    row_totals: Sequence[int] | None = None,
    column_totals: Sequence[int] | None = None,
    total: int | None = None,
    minimum: int | None = None,
) -> SuppressedTable:
    """The table as it may be shown to anyone: see the module's docstring for the rules."""
    minimum = small_cell_minimum() if minimum is None else minimum
    grid = with_totals(cells, row_totals=row_totals, column_totals=column_totals, total=total)
    return SuppressedTable(grid=grid, hidden=hidden_positions(grid, minimum), minimum=minimum)
