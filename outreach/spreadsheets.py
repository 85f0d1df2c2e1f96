"""The one guard of every CSV and Excel download (contacts here, the dashboard's indicators in
monitoring): a spreadsheet runs a cell that starts with one of FORMULA_STARTS as a formula, so
such a text, a nickname say, goes out behind an apostrophe and is shown as text.

Only text is guarded. A real number (int, float, Decimal) or date goes out as itself, so an
Excel download gets a number or date cell and a CSV the plain figure: it cannot run as a formula,
a negative one included. A text that merely looks like a number (a code, "+1000…") stays text and
is guarded like any other. Anything else that is not empty goes out as its text, guarded too."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

# Written as themselves (openpyxl makes numeric and date cells of them; datetimes must be naive).
# A bool is an int.
_AS_THEMSELVES = (int, float, Decimal, date)


def _cell(value: object) -> object:
    if value is None or isinstance(value, _AS_THEMSELVES):
        return value
    text = str(value)  # a lazy translation, say: guarded as the text it is written as
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def spreadsheet_row(values: Iterable[object]) -> list[object]:
    return [_cell(value) for value in values]
