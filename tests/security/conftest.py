"""The security proofs record the figure each yields; SECURITY.md quotes them from the latest run.

A test calls ``figure("AZ-1", "unexpected 2xx", 0)``; at the end of the run every recorded figure
is written to ``var/security-figures.json`` (merged with the figures already there, so a partial
run updates only what it ran).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

FIGURES_FILE = Path(__file__).resolve().parents[2] / "var" / "security-figures.json"
_recorded: dict[str, dict[str, Any]] = {}


@pytest.fixture
def figure() -> Callable[[str, str, Any], None]:
    def record(test_id: str, name: str, value: Any) -> None:
        _recorded.setdefault(test_id, {})[name] = value

    return record


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if not _recorded:
        return
    FIGURES_FILE.parent.mkdir(exist_ok=True)
    try:
        figures = json.loads(FIGURES_FILE.read_text())
    except (OSError, ValueError):
        figures = {}
    stamp = datetime.now(UTC).isoformat(timespec="seconds")
    for test_id, values in _recorded.items():
        figures[test_id] = {"recorded": stamp, **values}
    FIGURES_FILE.write_text(json.dumps(figures, indent=2, sort_keys=True) + "\n")
