"""Ids typed into URLs and forms, read safely."""

from __future__ import annotations

# PostgreSQL's bigint holds 19 digits; anything longer cannot be an id here.
MAX_DIGITS = 18


def parse_id(raw: str | None) -> int | None:
    """The id in `raw`, or None: ASCII digits only ("²".isdigit() is true and int() then fails),
    short enough for the database."""
    if not raw or not (raw.isascii() and raw.isdigit()) or len(raw) > MAX_DIGITS:
        return None
    return int(raw)
