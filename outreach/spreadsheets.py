"""The one guard of every CSV and Excel download (contacts here, the dashboard's indicators in
monitoring): a spreadsheet runs a cell that starts with one of FORMULA_STARTS as a formula, so
such a text, a nickname say, goes out behind an apostrophe and is shown as text."""

from __future__ import annotations

from collections.abc import Iterable

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_row(values: Iterable[object]) -> list[object]:
    return [
        f"'{value}" if isinstance(value, str) and value.startswith(FORMULA_STARTS) else value
        for value in values
    ]
